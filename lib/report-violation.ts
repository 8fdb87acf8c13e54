// Reporting a violation with its own level and resource. @pulumi/policy 1.21 declares reportViolation as
// `(message: string, urn?: string)`, which always puts the policy's description first and reports at the
// policy's level. Its implementation also takes one object (`ReportViolationArgs`, marked @internal and left
// out of policy.d.ts): server.js makeReportViolationFun uses that object's message as it is, and its urn,
// enforcementLevel and description where set, falling back to the policy's own. The pack needs them: a stack
// report line on its own resource, a refused exemption outranking an advisory policy, a value the pack cannot
// resolve at the level its option sets, the exemptions report's records for programs. This is the one place that relies on the object form; tests/lib/report-violation.spec.ts
// fails when the installed SDK stops honouring it.
import { ReportViolation } from "@pulumi/policy";

export interface ViolationReport {
    /** Reported as it is: unlike the string form, the policy's description is not put first. */
    readonly message: string;
    /** The resource it concerns; undefined leaves it to the engine (the analyzed resource, or the stack). */
    readonly urn?: string;
    /** Undefined reports at the policy's own level. */
    readonly enforcementLevel?: "mandatory" | "advisory";
    /**
     * Undefined sends the policy's own description. The engine does not show a diagnostic's description
     * (lib/exemption-records.ts), so it can carry what programs read back.
     */
    readonly description?: string;
}

export function reportViolationAs(reportViolation: ReportViolation, report: ViolationReport): void {
    (reportViolation as unknown as (report: ViolationReport) => void)({
        message: report.message,
        urn: report.urn,
        enforcementLevel: report.enforcementLevel,
        description: report.description,
    });
}

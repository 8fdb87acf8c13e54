// Pins what lib/report-violation.ts relies on: the installed @pulumi/policy honours reportViolation's object
// form (server.js makeReportViolationFun) in Analyze and AnalyzeStack. Run in-process as server.js runs them,
// so that a change to the SDK shows here, with the message, urn and level the engine would get.
import * as assert from "assert";
import * as path from "path";
import { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { reportViolationAs, ViolationReport } from "../../lib/report-violation";

const policyDir = path.dirname(require.resolve("@pulumi/policy"));
const server = require(path.join(policyDir, "server.js"));
const sdkRequire = require("module").createRequire(require.resolve("@pulumi/policy"));
const analyzerProto = sdkRequire("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb");

const URN = "urn:pulumi:dev::shop::azure-native:web:WebApp::orders";
const OTHER_URN = "urn:pulumi:dev::shop::azure-native:web:WebApp::billing";
const DESCRIPTION = "The policy's description.";

interface Reported {
    readonly message: string;
    readonly urn: string;
    readonly enforcementLevel: string;
}

const LEVELS: Record<number, string> = {
    [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
};

function diagnosticsOf(response: { getDiagnosticsList(): { getMessage(): string; getUrn(): string; getEnforcementlevel(): number }[] }): Reported[] {
    return response.getDiagnosticsList().map(d => ({ message: d.getMessage(), urn: d.getUrn(), enforcementLevel: LEVELS[d.getEnforcementlevel()] }));
}

async function call(rpc: (call: unknown, callback: (error: unknown, response: unknown) => void) => void, request: unknown): Promise<Reported[]> {
    const [error, response] = await new Promise<[unknown, unknown]>(resolve => rpc({ request }, (e, r) => resolve([e, r])));
    assert.strictEqual(error ?? undefined, undefined, String(error));
    return diagnosticsOf(response as Parameters<typeof diagnosticsOf>[0]);
}

/** Analyze, with one advisory resource policy that reports through `report`. */
function analyze(report: (reportViolation: ReportViolation) => void): Promise<Reported[]> {
    const policy: ResourceValidationPolicy = {
        name: "resource-policy",
        description: DESCRIPTION,
        enforcementLevel: "advisory",
        validateResource: (_args, reportViolation) => report(reportViolation),
    };
    const request = new analyzerProto.AnalyzeRequest();
    request.setType("azure-native:web:WebApp");
    request.setUrn(URN);
    request.setName("orders");
    request.setProperties(Struct.fromJavaScript({}));
    request.setOptions(new analyzerProto.AnalyzerResourceOptions());
    return call(server.makeAnalyzeRpcFun("pack", "0.0.1", "advisory", [policy]), request);
}

/** AnalyzeStack, with one advisory stack policy that reports through `report`. */
function analyzeStack(report: (reportViolation: ReportViolation) => void): Promise<Reported[]> {
    const policy: StackValidationPolicy = {
        name: "stack-policy",
        description: DESCRIPTION,
        enforcementLevel: "advisory",
        validateStack: (_args, reportViolation) => report(reportViolation),
    };
    return call(server.makeAnalyzeStackRpcFun("pack", "0.0.1", "advisory", [policy]), new analyzerProto.AnalyzeStackRequest());
}

describe("lib/report-violation against the installed @pulumi/policy", () => {
    const report: ViolationReport = { message: "exempt until 2030-01-01: orders", urn: OTHER_URN, enforcementLevel: "mandatory" };

    for (const [label, run] of [["Analyze", analyze], ["AnalyzeStack", analyzeStack]] as const) {
        it(`${label}: the message as given, the urn and the level reach the diagnostic`, async () => {
            assert.deepStrictEqual(await run(rv => reportViolationAs(rv, report)), [report]);
        });

        it(`${label}: without a urn or level, the policy's own level and no urn of the pack's choosing`, async () => {
            assert.deepStrictEqual(await run(rv => reportViolationAs(rv, { message: "plain" })),
                [{ message: "plain", urn: "", enforcementLevel: "advisory" }]);
        });

        it(`${label}: the string form, by contrast, puts the description first and keeps the policy's level`, async () => {
            assert.deepStrictEqual(await run(rv => rv("plain")), [{ message: `${DESCRIPTION}\nplain`, urn: "", enforcementLevel: "advisory" }]);
        });
    }

    it("reports several violations in the order given", async () => {
        const reported = await analyzeStack(rv => {
            reportViolationAs(rv, { message: "first", urn: URN });
            reportViolationAs(rv, { message: "second", enforcementLevel: "mandatory" });
        });
        assert.deepStrictEqual(reported, [
            { message: "first", urn: URN, enforcementLevel: "advisory" },
            { message: "second", urn: "", enforcementLevel: "mandatory" },
        ]);
    });
});

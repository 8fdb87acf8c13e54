// Puts one subject (a program run or an exported stack) through the pack over the Analyzer protocol,
// as the engine does: Configure, ConfigureStack, then Remediate and Analyze per resource on its INPUTS,
// then AnalyzeStack over all of them on their OUTPUTS (tools/analyzer/engine-run.ts). A program is run
// as a deployment (`pulumi preview`: a remediation is applied before Analyze); an export as a snapshot
// (`pulumi policy analyze --file`: a remediation is shown, not applied). Then sorts each resource into
// violating / advisory / exempt / out of scope / compliant.

import { ConfigureMap, Diagnostic, EnforcementLevel, NotApplicable, RemediateResult } from "../analyzer/analyzer-client";
import { RunResource, runLikeEngine } from "../analyzer/engine-run";
import { isSecretEnvelope } from "../analyzer/wire";
import { sitesOf } from "../../lib/deployed-sites";
import { ExemptionRecord, exemptionRecordsIn } from "../../lib/exemption-records";
import { EXEMPTIONS_REPORT_POLICY } from "../../lib/policy-names";
import { StartedPack } from "./pack";
import { Subject, SubjectResource } from "./inputs";

export type ResourceStatus = "violating" | "advisory" | "exempt" | "out of scope" | "compliant";
export const STATUSES: readonly ResourceStatus[] = ["violating", "advisory", "exempt", "out of scope", "compliant"];

export interface Finding {
    readonly policyName: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly message: string;
    readonly severity?: string;
}

export interface CoveringExemption {
    readonly policyName: string;
    /** 1-based entry number in the exemptions file; 0 for a self-declared tag exemption. */
    readonly entry: number;
    readonly category: string;
    readonly reason: string;
    readonly expires?: string;
    readonly ticket?: string;
    readonly approvedBy?: string;
}

/** One property a remediation would change (or, in a program run, changed before Analyze). */
export interface PropertyChange {
    /** Dotted path from the resource's inputs, e.g. `siteConfig.minTlsVersion`. */
    readonly path: string;
    /** The value before, as JSON; undefined when the property was not set. Secrets are shown as "[secret]". */
    readonly before?: unknown;
    readonly after?: unknown;
}

export interface RemediationReport {
    readonly policyName: string;
    /** True in a program run, where the engine applies it before Analyze; false for an export, as `policy analyze` only reports it. */
    readonly applied: boolean;
    readonly changes: PropertyChange[];
}

export interface ResourceVerdict {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Undefined for resources no policy of the pack has anything to say about (not judged). */
    readonly status?: ResourceStatus;
    readonly findings: Finding[];
    readonly notApplicable: NotApplicable[];
    readonly exemptions: CoveringExemption[];
    /** What remediation would change (or changed) in the resource's inputs. */
    readonly remediations: RemediationReport[];
}

export interface Counts {
    resources: number;
    judged: number;
    violating: number;
    advisory: number;
    exempt: number;
    outOfScope: number;
    compliant: number;
    mandatoryFindings: number;
    advisoryFindings: number;
}

export interface SubjectReport {
    readonly form: Subject["form"];
    readonly source: string;
    readonly project: string;
    readonly stack: string;
    readonly pack: { readonly name: string; readonly version: string };
    /** Where the policy configuration came from, in words. */
    readonly policyConfig: string;
    readonly exemptionsFile?: string;
    /** True when the exemptions file was put into a temporary copy of the pack. */
    readonly exemptionsInCopy: boolean;
    readonly resources: ResourceVerdict[];
    /** Stack-policy findings that name no resource. */
    readonly stackFindings: Finding[];
    /** What the pack's exemptions report said of each exemption (lib/exemption-records.ts). */
    readonly exemptionRecords: ExemptionRecord[];
    /** Facts about the input worth a line: pending deletes skipped, secrets decoded or encrypted, which stack of a file. */
    readonly notes: string[];
    readonly counts: Counts;
}

function toRun(r: SubjectResource): RunResource {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        inputs: r.inputs,
        outputs: r.outputs,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    };
}

function shown(value: unknown): unknown {
    return isSecretEnvelope(value) ? "[secret]" : value;
}

/** The paths at which `after` differs from `before`, descending into plain objects. */
export function propertyChanges(before: unknown, after: unknown, prefix = ""): PropertyChange[] {
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !isSecretEnvelope(v);
    if (isObject(before) && isObject(after)) {
        return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
            .flatMap(key => propertyChanges(before[key], after[key], prefix ? `${prefix}.${key}` : key));
    }
    if (JSON.stringify(before) === JSON.stringify(after)) {
        return [];
    }
    return [{ path: prefix || "(all properties)", ...(before !== undefined ? { before: shown(before) } : {}), ...(after !== undefined ? { after: shown(after) } : {}) }];
}

function remediationsOf(result: RemediateResult | undefined, inputs: Record<string, unknown>, applied: boolean): RemediationReport[] {
    return (result?.remediations ?? [])
        .filter(r => !r.diagnostic && r.properties)
        .map(r => ({ policyName: r.policyName, applied, changes: propertyChanges(inputs, r.properties) }))
        .filter(r => r.changes.length > 0);
}

/** The lines a subject's input is worth: what was skipped, decoded or left unjudgeable. */
export function subjectNotes(subject: Subject): string[] {
    const notes: string[] = [];
    if (subject.stackOfFile) {
        notes.push(`stack ${subject.stackOfFile.index} of ${subject.stackOfFile.count} in ${subject.source}`);
    }
    if (subject.pendingDeletes) {
        notes.push(`${subject.pendingDeletes} resource(s) pending deletion (delete: true) skipped, as \`pulumi policy analyze\` skips them`);
    }
    if (subject.secrets?.decoded) {
        notes.push(`${subject.secrets.decoded} secret(s) decoded from the --show-secrets export and judged (they stay secret on the wire)`);
    }
    if (subject.secrets?.encrypted) {
        notes.push(`${subject.secrets.encrypted} encrypted secret(s) cannot be judged offline; a resource that needs one is denied. ` +
            "Export with `pulumi stack export --show-secrets --file <file>` to judge them, and keep that file out of version control");
    }
    return notes;
}

function findingOf(d: Diagnostic): Finding {
    return { policyName: d.policyName, enforcementLevel: d.enforcementLevel, message: d.message, ...(d.severity ? { severity: d.severity } : {}) };
}

export function isBlocking(level: EnforcementLevel): boolean {
    return level === "mandatory" || level === "remediate";
}

/** The exemptions report's records among a run's stack findings (lib/exemption-records.ts). */
export function exemptionRecordsOf(diagnostics: readonly Diagnostic[]): ExemptionRecord[] {
    return diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY).flatMap(d => exemptionRecordsIn(d.description));
}

/** The entries the pack says excuse a resource today, one per resource policy they excuse it from. */
function coveringExemptions(records: readonly ExemptionRecord[], urn: string): CoveringExemption[] {
    return records.filter(r => r.urn === urn && r.entry !== undefined).flatMap(r => r.exemptFrom.map(policyName => ({
        policyName, entry: r.entry!, category: r.category ?? "", reason: r.reason ?? "",
        ...(r.expires ? { expires: r.expires } : {}),
        ...(r.ticket ? { ticket: r.ticket } : {}),
        ...(r.approvedBy ? { approvedBy: r.approvedBy } : {}),
    })));
}

/** Whether the pack's rules judge this resource: an app, or a deployment, generic resource or azapi body holding one. */
function holdsSites(r: SubjectResource): boolean {
    try {
        return (sitesOf(r.type, r.inputs)?.sites.length ?? 0) > 0;
    } catch {
        return false;
    }
}

function statusOf(findings: Finding[], notApplicable: NotApplicable[], exemptions: CoveringExemption[]): ResourceStatus {
    if (findings.some(f => isBlocking(f.enforcementLevel))) {
        return "violating";
    }
    if (findings.length > 0) {
        return "advisory";
    }
    if (notApplicable.length > 0) {
        return "out of scope";
    }
    return exemptions.length > 0 ? "exempt" : "compliant";
}

export interface JudgeOptions {
    readonly configureMap: ConfigureMap;
    readonly policyConfig: string;
}

/** Judges one subject with a started pack. The pack's calls are made in the order the engine makes them. */
export async function judgeSubject(started: StartedPack, subject: Subject, opts: JudgeOptions): Promise<SubjectReport> {
    const { pack, info } = started;
    const client = pack.client;
    // The exemptions report's findings are where the pack says which exemption excuses what. Where the
    // configuration disables it, it runs here all the same, and its findings are kept out of the report.
    const reportDisabled = opts.configureMap[EXEMPTIONS_REPORT_POLICY]?.enforcementLevel === "disabled";
    await client.configure(reportDisabled
        ? { ...opts.configureMap, [EXEMPTIONS_REPORT_POLICY]: { ...opts.configureMap[EXEMPTIONS_REPORT_POLICY], enforcementLevel: "advisory" } }
        : opts.configureMap);
    await client.configureStack({ stack: subject.stack, project: subject.project, dryRun: subject.form === "program" });

    // The engine's order: the resource rules' conclusions on the inputs are what the exemptions report
    // relies on when AnalyzeStack comes (lib/analyzed-resources.ts).
    const mode = subject.form === "program" ? "deployment" : "snapshot";
    const run = await runLikeEngine(client, subject.resources.map(toRun), { mode });
    const perResource = run.analyses;
    const stackResult = run.stack;

    const records = exemptionRecordsOf(stackResult.diagnostics);
    const visible = reportDisabled ? stackResult.diagnostics.filter(d => d.policyName !== EXEMPTIONS_REPORT_POLICY) : stackResult.diagnostics;

    const stackFindings: Finding[] = [];
    const stackFindingsByUrn = new Map<string, Finding[]>();
    for (const d of visible) {
        if (d.urn && subject.resources.some(r => r.urn === d.urn)) {
            stackFindingsByUrn.set(d.urn, [...(stackFindingsByUrn.get(d.urn) ?? []), findingOf(d)]);
        } else {
            stackFindings.push(findingOf(d));
        }
    }

    const resources: ResourceVerdict[] = subject.resources.map((r, i) => {
        const own = perResource[i].diagnostics.map(findingOf);
        const fromStack = stackFindingsByUrn.get(r.urn) ?? [];
        const findings = [...own, ...fromStack];
        // The exemptions report's advisory lines about a resource (the exemption it uses) are shown but do not
        // decide its status; any other stack finding about it (its deployed state, say) does, like its own.
        const deciding = [...own, ...fromStack.filter(f => isBlocking(f.enforcementLevel) || f.policyName !== EXEMPTIONS_REPORT_POLICY)];
        const notApplicable = perResource[i].notApplicable;
        // A resource holding sites is judged even when nothing is said about it; any other only when something is.
        const judged = findings.length > 0 || notApplicable.length > 0 || holdsSites(r);
        const covering = judged && deciding.length === 0 ? coveringExemptions(records, r.urn) : [];
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            ...(judged ? { status: statusOf(deciding, notApplicable, covering) } : {}),
            findings,
            notApplicable,
            exemptions: covering,
            remediations: remediationsOf(run.remediations[i], r.inputs, mode === "deployment"),
        };
    });

    const all = [...resources.flatMap(r => r.findings), ...stackFindings];
    const count = (status: ResourceStatus) => resources.filter(r => r.status === status).length;
    return {
        form: subject.form,
        source: subject.source,
        project: subject.project,
        stack: subject.stack,
        pack: { name: info.name, version: info.version },
        policyConfig: opts.policyConfig,
        exemptionsFile: started.exemptionsFile,
        exemptionsInCopy: started.isCopy,
        resources,
        stackFindings,
        exemptionRecords: records,
        notes: [...subjectNotes(subject), ...(reportDisabled
            ? [`${EXEMPTIONS_REPORT_POLICY} is disabled in the policy config: it ran here only to tell which exemptions are in force, and its findings are not shown`]
            : [])],
        counts: {
            resources: resources.length,
            judged: resources.filter(r => r.status !== undefined).length,
            violating: count("violating"),
            advisory: count("advisory"),
            exempt: count("exempt"),
            outOfScope: count("out of scope"),
            compliant: count("compliant"),
            mandatoryFindings: all.filter(f => isBlocking(f.enforcementLevel)).length,
            advisoryFindings: all.filter(f => !isBlocking(f.enforcementLevel)).length,
        },
    };
}

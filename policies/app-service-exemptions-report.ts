// The stack validation that makes exemptions visible in every preview: what is exempt and until when,
// what is about to expire, what is exempt but already compliant, what the file grants here for nothing,
// and, as a mandatory violation, every entry the pack refuses to honour.
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describeEntry } from "../lib/applied-exemptions";
import { AnyAppServiceRule } from "../lib/app-service-rule";
import { daysLeft, EXEMPTIONS_FILE_NAME, ExemptionEntry, ExemptionProblem } from "../lib/exemptions-file";
import { ExemptionSet } from "../lib/exemption-set";
import { packExemptions } from "../lib/pack-exemptions";
import { splitUrn, urnName } from "../lib/urn";
import { isLiteralGlobPart } from "../lib/urn-glob";
import { AnalyzedResource, analysedInputs } from "../lib/analyzed-resources";
import { describeWithExemptionRecords, ExemptionRecord } from "../lib/exemption-records";
import { appServiceProfileFor } from "../lib/app-service-resources";
import {
    CLIENT_CERTIFICATES_POLICY,
    EXEMPTIONS_REPORT_POLICY,
    HTTPS_ONLY_POLICY,
    isResourcePolicyName,
    MINIMUM_TLS_POLICY,
    RESOURCE_POLICY_NAMES,
    ResourcePolicyName,
} from "../lib/policy-names";
import { cisAzureFoundations, policyTags } from "../lib/pack-metadata";
import { defineOptions } from "../lib/policy-options";
import { reportViolationAs } from "../lib/report-violation";
import { minimumTlsRule } from "./app-service-minimum-tls-version";
import { clientCertificateRule } from "./app-service-require-client-certificates";
import { httpsOnlyRule } from "./app-service-require-https-only";

/** Which report lines are findings of their own; the rest are folded into one summary line per stack. */
export const FINDINGS_CHOICES = ["actionable", "every-line", "refused-only"] as const;
export type FindingsChoice = typeof FINDINGS_CHOICES[number];

export const exemptionsReportOptions = defineOptions({
    expiringWithinDays: {
        type: "integer",
        default: 14,
        minimum: 0,
        maximum: 3650,
        description: "Flag exemptions that expire within this many days.",
    },
    findings: {
        type: "choice",
        choices: FINDINGS_CHOICES,
        default: "actionable",
        // An unusable value shows every line on its own: nothing is hidden in a summary.
        strictest: "every-line",
        description: "Which report lines are findings of their own, on their resource (in Pulumi Cloud, each becomes an issue " +
            "in Policy Findings), and which are folded into one summary line per stack. \"actionable\": refused, expired, " +
            "expiring, stale and unused entries on their own, exemptions in force in the summary. \"every-line\": every line " +
            "on its own. \"refused-only\": only refused entries on their own, everything else in the summary.",
    },
});

export interface ReportLine {
    readonly status: ReportLineStatus;
    readonly message: string;
    /** The line, shortened, as one item of the stack's summary line. */
    readonly summary?: string;
    readonly urn?: string;
    /** Set only where the line must outrank the policy's own level. */
    readonly enforcementLevel?: "mandatory";
    /** What the line says of each exemption, for programs (lib/exemption-records.ts). */
    readonly records?: readonly ExemptionRecord[];
}

export interface StackResource {
    readonly type: string;
    readonly urn: string;
    readonly props: unknown;
}

/** Each resource rule under its name in the pack's one list of them (lib/policy-names.ts). */
export const RULES_BY_NAME = {
    [CLIENT_CERTIFICATES_POLICY]: clientCertificateRule,
    [HTTPS_ONLY_POLICY]: httpsOnlyRule,
    [MINIMUM_TLS_POLICY]: minimumTlsRule,
} as const satisfies Record<ResourcePolicyName, AnyAppServiceRule>;

/** Every resource rule of the pack, in the order of RESOURCE_POLICY_NAMES: the exemptions it reports are exemptions from these. */
export const REPORTED_RULES: readonly AnyAppServiceRule[] = RESOURCE_POLICY_NAMES.filter(isResourcePolicyName).map(name => RULES_BY_NAME[name]);

function entryFacts(entry: ExemptionEntry): string {
    const facts = [entry.source === "tag" ? "self-declared by resource tag" : `entry #${entry.number}`];
    if (entry.ticket) {
        facts.push(`ticket ${entry.ticket}`);
    }
    if (entry.approvedBy) {
        facts.push(`approved by ${entry.approvedBy}`);
    }
    return facts.join(", ");
}

/** The record of an entry's standing with a resource (or with none). */
function recordOf(status: ReportLineStatus, entry: ExemptionEntry | undefined, urn: string | undefined, exemptFrom: readonly string[] = []): ExemptionRecord {
    return {
        status,
        ...(urn !== undefined ? { urn } : {}),
        exemptFrom,
        ...(entry ? {
            entry: entry.number,
            source: entry.source,
            category: entry.category,
            reason: entry.reason,
            ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
            ...(entry.ticket !== undefined ? { ticket: entry.ticket } : {}),
            ...(entry.approvedBy !== undefined ? { approvedBy: entry.approvedBy } : {}),
        } : {}),
    };
}

function problemLine(problem: ExemptionProblem): string {
    const where = problem.entry !== undefined
        ? `entry #${problem.entry}${problem.urn ? ` (urn ${JSON.stringify(problem.urn)})` : ""}`
        : problem.urn ? `resource ${problem.urn}` : EXEMPTIONS_FILE_NAME;
    const field = problem.field ? `, field ${problem.field}` : "";
    return `invalid exemption: ${where}${field}: ${problem.message}; it is not honoured. Fix ${EXEMPTIONS_FILE_NAME} in the policy pack.`;
}

/** Where an exemption stands, as one report line says it: the option `findings` decides which become findings of their own. */
export type ReportLineStatus = "refused" | "expired" | "expiring" | "stale" | "unused" | "in force" | "not analysed";

/**
 * The report for one stack. Pure: resources, rules, exemptions, what Analyze concluded from each
 * resource's inputs, the clock and the options in; one line per finding out, most important facts first.
 *
 * Whether an exemption is needed comes only from `analysed`, the resource rules' conclusions on the
 * INPUTS Analyze saw in this process (lib/analyzed-resources.ts), never from the properties a stack
 * policy is handed: those are the OUTPUTS (pkg/resource/deploy/step_generator.go AnalyzeResources,
 * pkg/resource/deploy/analyze_snapshot.go), where Azure's defaults can make an app look compliant that
 * the rules deny (clientCertEnabled with no clientCertMode reads back as "Required"), and where a
 * property the provider did not read back is simply missing. A resource Analyze did not see here gets
 * no claim about whether its exemption is needed.
 */
export function buildExemptionReport(
    resources: readonly StackResource[],
    rules: readonly AnyAppServiceRule[],
    exemptions: ExemptionSet,
    now: Date,
    options: { expiringWithinDays: number; analysed: (urn: string) => AnalyzedResource | undefined },
): ReportLine[] {
    const problems = exemptions.problems(now);
    const lines: ReportLine[] = problems.map(problem => ({
        status: "refused",
        message: problemLine(problem),
        enforcementLevel: "mandatory",
        ...(problem.entry !== undefined ? { records: [{ status: "refused", exemptFrom: [], entry: problem.entry }] } : {}),
    }));
    // An entry refused here is reported once, above, as mandatory; it is not also described as the exemption
    // of each resource it matches.
    const refusedEntries = new Set(problems.map(p => p.entry).filter((n): n is number => n !== undefined));
    const used = new Set<ExemptionEntry>();
    for (const resource of resources) {
        const matching = exemptions.matching(resource.urn);
        for (const entry of matching) {
            used.add(entry);
        }
        const seen = options.analysed(resource.urn);
        if (!seen) {
            // Only a type the rules judge can have been left unanalysed; any other is nothing to the report.
            if (appServiceProfileFor(resource.type) === undefined) {
                continue;
            }
            lines.push(...notAnalysedLines(resource, matching.filter(e => !refusedEntries.has(e.number)), now, options.expiringWithinDays));
            continue;
        }
        // One line per entry and resource, whatever the number of rules: an entry usually covers every rule,
        // and is stale only when the resource's inputs meet all of them.
        const exemptFrom = new Map<ExemptionEntry, string[]>();
        const compliesWith = new Map<ExemptionEntry, string[]>();
        // The rules of compliesWith the entry still excuses the resource from (it has not expired).
        const excusedAnyway = new Map<ExemptionEntry, string[]>();
        const deniedAgain = new Map<ExemptionEntry, string[]>();
        const refused = new Set<string>();
        const add = (map: Map<ExemptionEntry, string[]>, entry: ExemptionEntry, name: string) => map.set(entry, [...(map.get(entry) ?? []), name]);
        for (const rule of rules) {
            const conclusion = seen.rules.get(rule.name);
            // A rule that did not run on the resource (disabled), left it out of scope, or failed to judge it
            // says nothing about whether an exemption is needed.
            if (!conclusion || conclusion.conclusion === "not applicable" || conclusion.conclusion === "could not judge") {
                continue;
            }
            const decision = exemptions.decide(resource.urn, rule.name, now, conclusion.exemptionTag);
            const needed = conclusion.conclusion !== "no violations";
            if (decision.outcome === "rejected") {
                // A problem that names an entry is left to that entry's own lines (exemptions.problems, above)
                // rather than repeated for every resource and rule the entry matches; a problem without an entry
                // number is this resource's own: its exemption tag could not be read.
                for (const problem of decision.problems.filter(p => p.entry === undefined)) {
                    refused.add(problem.message);
                }
            } else if (decision.outcome === "expired") {
                add(needed ? deniedAgain : compliesWith, decision.entry, rule.name);
            } else if (decision.outcome === "exempt") {
                add(needed ? exemptFrom : compliesWith, decision.entry, rule.name);
                if (!needed) {
                    add(excusedAnyway, decision.entry, rule.name);
                }
            }
        }
        const subject = (ruleNames: string[]) => `${urnName(resource.urn)} (${resource.type}) from ${ruleNames.join(", ")}`;
        for (const message of refused) {
            lines.push({ status: "refused", message: `self-declared exemption refused: ${urnName(resource.urn)} (${resource.type}): ${message}`, urn: resource.urn });
        }
        for (const [entry, ruleNames] of deniedAgain) {
            lines.push({
                status: "expired",
                message: `exemption expired on ${entry.expires}: ${subject(ruleNames)} is denied again; ${describeEntry(entry)} ` +
                    `is no longer honoured. Fix the app, or renew the entry through a reviewed change to the pack.`,
                urn: resource.urn,
                records: [recordOf("expired", entry, resource.urn)],
            });
        }
        for (const [entry, ruleNames] of exemptFrom) {
            const left = entry.expires !== undefined ? daysLeft(entry.expires, now) : undefined;
            const until = entry.expires !== undefined ? `until ${entry.expires} (${left} days left)` : "with no expiry";
            const expiring = left !== undefined && left <= options.expiringWithinDays;
            const lead = expiring
                ? `expiring in ${left} days (${entry.expires})`
                : `${entry.source === "tag" ? "self-declared exemption" : "exempt"} ${until}`;
            const status = expiring ? "expiring" : "in force";
            lines.push({
                status,
                message: `${lead}: ${subject(ruleNames)}, ${entry.category} "${entry.reason}" (${entryFacts(entry)}).` +
                    (expiring ? " Fix the app or renew the entry before it lapses." : ""),
                summary: `${subject(ruleNames)} ${until}, ${entry.category} "${entry.reason}" (${entryFacts(entry)})`,
                urn: resource.urn,
                // The entry also excuses the resource from the rules it meets: that is no line, but it is a fact.
                records: [recordOf(status, entry, resource.urn, [...ruleNames, ...(excusedAnyway.get(entry) ?? [])])],
            });
        }
        for (const [entry, ruleNames] of compliesWith) {
            if (exemptFrom.has(entry) || deniedAgain.has(entry)) {
                continue;
            }
            lines.push({
                status: "stale",
                message: `stale exemption: ${subject(ruleNames)} already complies; remove ${describeEntry(entry)} from ` +
                    `${entry.source === "tag" ? "the resource's tags" : EXEMPTIONS_FILE_NAME}. (The resource rules found ` +
                    `nothing in the inputs they judged in this run, without the exemption.)`,
                urn: resource.urn,
                records: [recordOf("stale", entry, resource.urn, excusedAnyway.get(entry))],
            });
        }
    }
    lines.push(...unusedEntryLines(resources, exemptions, used));
    return lines;
}

/**
 * A resource the stack holds but Analyze did not see in this process: an untargeted resource of a
 * `--target` run, for one. Its entries stay visible, with what is known (expiry), and no claim of whether
 * they are needed: the outputs cannot say, and a missing output is no evidence of compliance.
 */
function notAnalysedLines(
    resource: StackResource,
    matching: readonly ExemptionEntry[],
    now: Date,
    expiringWithinDays: number,
): ReportLine[] {
    return matching.filter(entry => entry.source === "file").map(entry => {
        const left = entry.expires !== undefined ? daysLeft(entry.expires, now) : undefined;
        const state = left === undefined ? "with no expiry"
            : left < 0 ? `expired on ${entry.expires}, no longer honoured`
            : `until ${entry.expires} (${left} days left)`;
        const status = left !== undefined && left < 0 ? "expired" as const
            : left !== undefined && left <= expiringWithinDays ? "expiring" as const : "not analysed" as const;
        return {
            status,
            summary: `${urnName(resource.urn)} (${resource.type}) matches ${entry.source === "tag" ? "its exemption tag" : `entry #${entry.number}`} ` +
                `${state}, not judged in this run`,
            message: `exemption not judged in this run: ${urnName(resource.urn)} (${resource.type}) matches ` +
                `${describeEntry(entry)}, ${entry.category} "${entry.reason}" ${state}. The resource rules did not analyse ` +
                `this resource's inputs in this run (a --target run, or one that left it unchanged outside the update), ` +
                `so whether the exemption is still needed is not judged here; a full \`pulumi preview\` judges it.`,
            urn: resource.urn,
            records: [recordOf(status, entry, resource.urn)],
        };
    });
}

/** Entries that name this very stack and project, literally, yet match none of its resources. */
function unusedEntryLines(resources: readonly StackResource[], exemptions: ExemptionSet, used: Set<ExemptionEntry>): ReportLine[] {
    const here = resources.map(r => splitUrn(r.urn)).find(Boolean);
    if (!here) {
        return [];
    }
    return exemptions.entries
        .filter(entry => !used.has(entry) && entry.source === "file")
        .filter(entry => {
            const scope = splitUrn(entry.urn);
            return scope !== undefined && isLiteralGlobPart(scope.stack) && isLiteralGlobPart(scope.project)
                && scope.stack === here.stack && scope.project === here.project;
        })
        .map(entry => ({
            status: "unused" as const,
            message: `unused exemption: entry #${entry.number} (urn ${JSON.stringify(entry.urn)}) matches nothing in stack ` +
                `${here.stack} of project ${here.project}; remove it from ${EXEMPTIONS_FILE_NAME}.`,
            records: [recordOf("unused", entry, undefined)],
        }));
}

/** The statuses each choice reports as findings of their own; "refused" always is (it is mandatory). */
const OWN_FINDING: Record<FindingsChoice, ReadonlySet<ReportLineStatus>> = {
    "actionable": new Set<ReportLineStatus>(["refused", "expired", "expiring", "stale", "unused"]),
    "every-line": new Set<ReportLineStatus>(["refused", "expired", "expiring", "stale", "unused", "in force", "not analysed"]),
    "refused-only": new Set<ReportLineStatus>(["refused"]),
};

/** At most this many items are spelt out in a summary line; it stays one readable line in a preview. */
const SUMMARY_ITEMS = 50;

/**
 * Sorts the report's lines into findings of their own and one summary line (no URN: the engine attributes
 * it to the stack, pkg/resource/deploy/step_generator.go and analyze_snapshot.go
 * resolveStackPolicyViolationURN), so that every line is still shown in every preview, and only the
 * chosen statuses become a finding each on their resource.
 */
export function arrangeLines(lines: readonly ReportLine[], choice: FindingsChoice, stack?: { stack: string; project: string }): ReportLine[] {
    const own = lines.filter(line => OWN_FINDING[choice].has(line.status) || line.enforcementLevel === "mandatory");
    const folded = lines.filter(line => !own.includes(line));
    if (folded.length === 0) {
        return own;
    }
    const counts = new Map<ReportLineStatus, number>();
    for (const line of folded) {
        counts.set(line.status, (counts.get(line.status) ?? 0) + 1);
    }
    const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
    const items = folded.slice(0, SUMMARY_ITEMS).map(line => line.summary ?? line.message.replace(/\.$/, ""));
    const more = folded.length > SUMMARY_ITEMS ? `; and ${folded.length - SUMMARY_ITEMS} more` : "";
    const where = stack ? ` in stack ${stack.stack} of project ${stack.project}` : "";
    return [...own, {
        status: folded.every(line => line.status === "in force") ? "in force" : folded[0].status,
        message: `exemptions summary${where} (${tally}): ${items.join("; ")}${more}. Each is reported on its own resource with ` +
            `the exemptions report's option findings: "every-line".`,
        // Every folded line's records, spelt out or not, so that a program reads them whatever the option.
        records: folded.flatMap(line => line.records ?? []),
    }];
}

export function reportLines(lines: readonly ReportLine[], reportViolation: ReportViolation, description: string): void {
    // Each line as it is (the string form would put the policy's description first), on its own resource,
    // a refused entry above the policy's own level, and the line's records in the description, which the
    // engine does not show (lib/report-violation.ts, lib/exemption-records.ts).
    for (const line of lines) {
        reportViolationAs(reportViolation, {
            message: line.message,
            urn: line.urn,
            enforcementLevel: line.enforcementLevel,
            description: describeWithExemptionRecords(description, line.records ?? []),
        });
    }
}

const REPORT_DESCRIPTION = "Reports the App Service exemptions in force in this stack, those about to expire, stale and unused " +
    "ones, and, as mandatory, every exemption the pack refuses to honour.";

export const exemptionsReport: StackValidationPolicy = {
    name: EXEMPTIONS_REPORT_POLICY,
    displayName: "App Service exemptions report",
    tags: policyTags("exemptions", "report"),
    // The exemptions it reports are exceptions to these controls, so Pulumi Cloud files them under them.
    framework: cisAzureFoundations("9.2, 9.3, 9.4", "Exceptions to the App Service controls 9.2 (HTTPS only), 9.3 (TLS version) " +
        "and 9.4 (incoming client certificates) are reviewed, expire, and are reported"),
    description: REPORT_DESCRIPTION,
    enforcementLevel: "advisory",
    severity: "medium",
    configSchema: exemptionsReportOptions.configSchema,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const now = new Date();
        let lines: ReportLine[];
        let configLines: ReportLine[] = [];
        try {
            const { values, problems } = exemptionsReportOptions.read(args.getConfig());
            configLines = problems.map(problem => ({
                status: "refused" as const,
                message: `The exemptions report's configuration is unusable: ${problem}. Fix the policy pack config file.`,
                enforcementLevel: "mandatory",
            }));
            const resources = args.resources.map((r: PolicyResource) => ({ type: r.type, urn: r.urn, props: r.props }));
            // What each rule concluded from the inputs Analyze saw in this process (with the options the
            // engine gave that rule); the props here are outputs and are not judged again.
            lines = arrangeLines(buildExemptionReport(resources, REPORTED_RULES, packExemptions(RESOURCE_POLICY_NAMES), now, {
                expiringWithinDays: values.expiringWithinDays,
                analysed: analysedInputs,
            }), values.findings, resources.map(r => splitUrn(r.urn)).find(Boolean));
        } catch (error) {
            lines = [{ status: "refused", message: `The exemptions report failed (${(error as Error).message}); exemptions cannot be reviewed in this preview.`, enforcementLevel: "mandatory" }];
        }
        reportLines([...configLines, ...lines], reportViolation, REPORT_DESCRIPTION);
    },
};

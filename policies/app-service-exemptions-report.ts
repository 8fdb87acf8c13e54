// The stack validation that makes exemptions visible in every preview: what is exempt and until when,
// what is about to expire, what is exempt but already compliant, what the file grants here for nothing,
// and, as a mandatory violation, every entry the pack refuses to honour.
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
    AppServiceRule,
    describeEntry,
    exemptionTagValue,
    judgeResource,
} from "../lib/app-service-policy";
import {
    daysLeft,
    EXEMPTIONS_FILE_NAME,
    ExemptionEntry,
    ExemptionProblem,
    ExemptionSet,
    GLOB_CHARACTERS,
    packExemptions,
    splitUrn,
} from "../lib/exemptions";
import { EXEMPTIONS_REPORT_POLICY, RESOURCE_POLICY_NAMES } from "../lib/policy-names";
import { cisAzureFoundations, policyTags } from "../lib/pack-metadata";
import { defineOptions } from "../lib/policy-options";
import { minimumTlsRule } from "./app-service-minimum-tls-version";
import { clientCertificateRule } from "./app-service-require-client-certificates";
import { httpsOnlyRule } from "./app-service-require-https-only";

export const exemptionsReportOptions = defineOptions({
    expiringWithinDays: {
        type: "integer",
        default: 14,
        minimum: 0,
        maximum: 3650,
        description: "Flag exemptions that expire within this many days.",
    },
});

export interface ReportLine {
    readonly message: string;
    readonly urn?: string;
    /** Set only where the line must outrank the policy's own level. */
    readonly enforcementLevel?: "mandatory";
}

export interface StackResource {
    readonly type: string;
    readonly urn: string;
    readonly props: unknown;
}

// Typed loosely so that each rule keeps its own options type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAppServiceRule = AppServiceRule<any>;

export const REPORTED_RULES: readonly AnyAppServiceRule[] = [clientCertificateRule, httpsOnlyRule, minimumTlsRule];

function resourceName(urn: string): string {
    const at = urn.lastIndexOf("::");
    return at >= 0 ? urn.slice(at + 2) : urn;
}

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

function problemLine(problem: ExemptionProblem): string {
    const where = problem.entry !== undefined
        ? `entry #${problem.entry}${problem.urn ? ` (urn ${JSON.stringify(problem.urn)})` : ""}`
        : problem.urn ? `resource ${problem.urn}` : EXEMPTIONS_FILE_NAME;
    const field = problem.field ? `, field ${problem.field}` : "";
    return `invalid exemption: ${where}${field}: ${problem.message}; it is not honoured. Fix ${EXEMPTIONS_FILE_NAME} in the policy pack.`;
}

/**
 * The report for one stack. Pure: resources, rules, exemptions, the clock and the options in; one line
 * per finding out, most important facts first.
 */
export function buildExemptionReport(
    resources: readonly StackResource[],
    rules: readonly AnyAppServiceRule[],
    exemptions: ExemptionSet,
    now: Date,
    options: { expiringWithinDays: number; configFor: (rule: AnyAppServiceRule) => unknown },
): ReportLine[] {
    const lines: ReportLine[] = exemptions.problems(now).map(problem => ({ message: problemLine(problem), enforcementLevel: "mandatory" }));
    const used = new Set<ExemptionEntry>();
    // Once per stack, not once per resource: a rule's config is the same for every resource.
    const configs = new Map(rules.map(rule => [rule, options.configFor(rule)]));
    for (const resource of resources) {
        for (const entry of exemptions.matching(resource.urn)) {
            used.add(entry);
        }
        // One line per entry and resource, whatever the number of rules: an entry usually covers every rule,
        // and is stale only when the resource meets all of them.
        const exemptFrom = new Map<ExemptionEntry, string[]>();
        const compliesWith = new Map<ExemptionEntry, string[]>();
        const deniedAgain = new Map<ExemptionEntry, string[]>();
        const refused = new Set<string>();
        const add = (map: Map<ExemptionEntry, string[]>, entry: ExemptionEntry, name: string) => map.set(entry, [...(map.get(entry) ?? []), name]);
        for (const rule of rules) {
            const judgement = judgeResource(rule, resource.type, resource.props, configs.get(rule));
            if (judgement.kind !== "judged") {
                continue;
            }
            const decision = exemptions.decide(resource.urn, rule.name, now, exemptionTagValue(exemptions, judgement.resource));
            const needed = judgement.verdict.findings.length > 0 || judgement.verdict.undetermined.length > 0;
            if (decision.kind === "rejected") {
                for (const problem of decision.problems.filter(p => p.entry === undefined)) {
                    refused.add(problem.message);
                }
            } else if (decision.kind === "expired") {
                add(needed ? deniedAgain : compliesWith, decision.entry, rule.name);
            } else if (decision.kind === "exempt") {
                add(needed ? exemptFrom : compliesWith, decision.entry, rule.name);
            }
        }
        const subject = (ruleNames: string[]) => `${resourceName(resource.urn)} (${resource.type}) from ${ruleNames.join(", ")}`;
        for (const message of refused) {
            lines.push({ message: `self-declared exemption refused: ${resourceName(resource.urn)} (${resource.type}): ${message}`, urn: resource.urn });
        }
        for (const [entry, ruleNames] of deniedAgain) {
            lines.push({
                message: `exemption expired on ${entry.expires}: ${subject(ruleNames)} is denied again; ${describeEntry(entry)} ` +
                    `is no longer honoured. Fix the app, or renew the entry through a reviewed change to the pack.`,
                urn: resource.urn,
            });
        }
        for (const [entry, ruleNames] of exemptFrom) {
            const left = entry.expires !== undefined ? daysLeft(entry.expires, now) : undefined;
            const until = entry.expires !== undefined ? `until ${entry.expires} (${left} days left)` : "with no expiry";
            const lead = left !== undefined && left <= options.expiringWithinDays
                ? `expiring in ${left} days (${entry.expires})`
                : `${entry.source === "tag" ? "self-declared exemption" : "exempt"} ${until}`;
            lines.push({
                message: `${lead}: ${subject(ruleNames)}, ${entry.category} "${entry.reason}" (${entryFacts(entry)}).` +
                    (left !== undefined && left <= options.expiringWithinDays ? " Fix the app or renew the entry before it lapses." : ""),
                urn: resource.urn,
            });
        }
        for (const [entry, ruleNames] of compliesWith) {
            if (exemptFrom.has(entry) || deniedAgain.has(entry)) {
                continue;
            }
            lines.push({
                message: `stale exemption: ${subject(ruleNames)} already complies; remove ${describeEntry(entry)} from ` +
                    `${entry.source === "tag" ? "the resource's tags" : EXEMPTIONS_FILE_NAME}.`,
                urn: resource.urn,
            });
        }
    }
    lines.push(...unusedEntryLines(resources, exemptions, used));
    return lines;
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
            return scope !== undefined && !GLOB_CHARACTERS.test(scope.stack + scope.project)
                && scope.stack === here.stack && scope.project === here.project;
        })
        .map(entry => ({
            message: `unused exemption: entry #${entry.number} (urn ${JSON.stringify(entry.urn)}) matches nothing in stack ` +
                `${here.stack} of project ${here.project}; remove it from ${EXEMPTIONS_FILE_NAME}.`,
        }));
}

export function reportLines(lines: readonly ReportLine[], reportViolation: ReportViolation): void {
    // The SDK's reportViolation also takes a diagnostic object, though its declared type admits only the
    // string form. The object form keeps each finding on its own line (the string form puts the policy's
    // description first) and lets a refused entry outrank the policy's own level.
    const report = reportViolation as unknown as (diagnostic: { message: string; urn?: string; enforcementLevel?: string }) => void;
    for (const line of lines) {
        report({ message: line.message, urn: line.urn, enforcementLevel: line.enforcementLevel });
    }
}

export const exemptionsReport: StackValidationPolicy = {
    name: EXEMPTIONS_REPORT_POLICY,
    displayName: "App Service exemptions report",
    tags: policyTags("exemptions", "report"),
    // The exemptions it reports are exceptions to these controls, so Pulumi Cloud files them under them.
    framework: cisAzureFoundations("9.2, 9.3, 9.4", "Exceptions to the App Service controls 9.2 (HTTPS only), 9.3 (TLS version) " +
        "and 9.4 (incoming client certificates) are reviewed, expire, and are reported"),
    description: "Reports the App Service exemptions in force in this stack, those about to expire, stale and unused " +
        "ones, and, as mandatory, every exemption the pack refuses to honour.",
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
                message: `The exemptions report's configuration is unusable: ${problem}. Fix the policy pack config file.`,
                enforcementLevel: "mandatory",
            }));
            const resources = args.resources.map((r: PolicyResource) => ({ type: r.type, urn: r.urn, props: r.props }));
            // A stack policy sees only its own config, so each rule is judged with the options its
            // resource policy was last given in this run (Analyze comes before AnalyzeStack), or its defaults.
            lines = buildExemptionReport(resources, REPORTED_RULES, packExemptions(RESOURCE_POLICY_NAMES), now, {
                expiringWithinDays: values.expiringWithinDays,
                configFor: rule => rule.options.latest(),
            });
        } catch (error) {
            lines = [{ message: `The exemptions report failed (${(error as Error).message}); exemptions cannot be reviewed in this preview.`, enforcementLevel: "mandatory" }];
        }
        reportLines([...configLines, ...lines], reportViolation);
    },
};

// The Pulumi glue every App Service rule of the pack shares: a rule (lib/app-service-rule.ts) becomes a
// resource policy whose validation reports the judgement (lib/app-service-judgement.ts) with exemptions
// applied (lib/applied-exemptions.ts), records it for the stack policies (lib/analyzed-resources.ts), and
// remediates where the resource is the site itself; with a fail-closed guard so that no rule can ever
// answer the engine with an exception.
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { InputConclusion, recordAnalysis, recordRuleConfig, RuleConclusion } from "./analyzed-resources";
import { exemptionTagValue, judgeWithExemptions } from "./applied-exemptions";
import { cannotJudgeMessage, Judgement } from "./app-service-judgement";
import { AppServiceOptions, AppServiceRule } from "./app-service-rule";
import { ExemptionSet } from "./exemption-set";
import { packExemptions } from "./pack-exemptions";
import { RESOURCE_POLICY_NAMES } from "./policy-names";
import { holdsUnreadable, installPolicySdkGuard } from "./policy-sdk-guard";
import { reportViolationAs } from "./report-violation";

// Before the first call reaches the SDK: no property value may make it answer the engine with an error.
installPolicySdkGuard();

/** What a judgement before exemptions says about the inputs, in the words of lib/analyzed-resources. */
export function inputConclusionOf(judgement: Judgement): InputConclusion | undefined {
    switch (judgement.outcome) {
        case "not judged":
            return undefined;
        case "not applicable":
            return "not applicable";
        case "judged":
            return judgement.verdict.violations.length > 0 ? "violation"
                : judgement.verdict.unknowns.length > 0 ? "unknown" : "no violations";
    }
}

/** What Analyze records of a judgement before exemptions (lib/analyzed-resources), or undefined for a type it does not judge. */
export function ruleConclusionOf(judgement: Judgement, exemptions: ExemptionSet): RuleConclusion | undefined {
    const conclusion = inputConclusionOf(judgement);
    if (conclusion === undefined) {
        return undefined;
    }
    return {
        conclusion,
        violations: judgement.outcome === "judged" ? judgement.verdict.violations.map(v => v.message) : [],
        exemptionTag: judgement.outcome === "judged" ? exemptionTagValue(exemptions, judgement.resource) : undefined,
    };
}

/** What a violation says when the policy is at `remediate` but remediation leaves the resource as it is. */
export const NOT_REWRITTEN_NOTE = " The policy's level is remediate, but remediation does not rewrite ARM templates, " +
    "generic resources or azapi bodies: change the template or properties yourself.";

/**
 * Resources whose remediation this process declined, by policy and URN. The engine runs every remediation
 * of a resource before analyzing it (pkg/resource/deploy/step_generator.go: "First pass: perform
 * remediations", then "Second pass: perform analysis"), and the SDK calls remediateResource only when the
 * policy's level is remediate: so the analysis that follows knows the level and can say why the resource
 * was left as it is.
 */
const declinedRemediations = new Set<string>();
const MAX_DECLINED = 10_000;

export function appServiceResourcePolicy<Options extends AppServiceOptions>(rule: AppServiceRule<Options>): ResourceValidationPolicy {
    // Everything but the metadata is the pack's own; the metadata goes to the SDK as the rule declares it.
    const { options: _options, containerAppsReason: _containerApps, evaluate: _evaluate, remediate, tags, ...metadata } = rule;
    const judgeWithPackExemptions = (args: ResourceValidationArgs, record: boolean) => {
        const exemptions = packExemptions(RESOURCE_POLICY_NAMES);
        const config = args.getConfig();
        recordRuleConfig(rule.name, config);
        // Only Analyze records: Remediate sees the inputs before remediation, Analyze the ones the engine
        // goes on with (pkg/resource/deploy/step_generator.go, the remediation pass before analyzeAll).
        const recordInputs = record ? (judgement: Judgement) => {
            const conclusion = ruleConclusionOf(judgement, exemptions);
            if (conclusion !== undefined) {
                recordAnalysis(args.urn, args.type, rule.name, conclusion);
            }
        } : undefined;
        return judgeWithExemptions(rule, { type: args.type, urn: args.urn, props: args.props, config },
            exemptions, new Date(), recordInputs);
    };
    return {
        ...metadata,
        tags: tags ? [...tags] : undefined,
        configSchema: rule.options.configSchema,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            let judgement: Judgement;
            try {
                judgement = judgeWithPackExemptions(args, true);
            } catch (error) {
                if (error instanceof UnknownValueError) {
                    recordAnalysis(args.urn, args.type, rule.name, { conclusion: "unknown", violations: [] });
                    throw error;
                }
                recordAnalysis(args.urn, args.type, rule.name, { conclusion: "could not judge", violations: [] });
                reportViolation(cannotJudgeMessage(error));
                return;
            }
            if (judgement.outcome === "not judged") {
                return;
            }
            for (const violation of judgement.configViolations) {
                reportViolation(violation.message);
            }
            if (judgement.outcome === "not applicable") {
                args.notApplicable(judgement.reason);
                return;
            }
            const { violations, unknowns } = judgement.verdict;
            const declinedKey = `${rule.name}\u0000${args.urn}`;
            const note = declinedRemediations.delete(declinedKey) ? NOT_REWRITTEN_NOTE : "";
            for (const violation of violations) {
                if (violation.enforcementLevel) {
                    // Its own level; the description comes first, as the string form puts it.
                    reportViolationAs(reportViolation, {
                        message: `${rule.description}\n${violation.message}${note}`,
                        enforcementLevel: violation.enforcementLevel,
                    });
                } else {
                    reportViolation(violation.message + note);
                }
            }
            // Only when nothing known is wrong does an unknown decide: the SDK then reports its advisory
            // "can't run during preview", and the same resource is judged in full at `up`.
            if (violations.length === 0 && unknowns.length > 0) {
                throw unknowns[0].error;
            }
        },
        remediateResource: remediate && ((args: ResourceValidationArgs) => {
            try {
                const judgement = judgeWithPackExemptions(args, false);
                if (judgement.outcome !== "judged" || judgement.verdict.violations.length === 0) {
                    return undefined;
                }
                if (!judgement.remediable) {
                    if (declinedRemediations.size >= MAX_DECLINED) {
                        declinedRemediations.clear();
                    }
                    declinedRemediations.add(`${rule.name}\u0000${args.urn}`);
                    return undefined;
                }
                const { values: options } = rule.options.read(args.getConfig());
                const props = rawCopyOf(args.props);
                // What the SDK could not read cannot be sent back as it came: validation denies instead.
                if (holdsUnreadable(props)) {
                    return undefined;
                }
                return remediate.call(rule, judgement.resource, props, options);
            } catch (error) {
                if (error instanceof UnknownValueError) {
                    throw error;
                }
                // Leaving the resource as it is lets validation deny it with the full message.
                return undefined;
            }
        }),
    };
}

/**
 * A shallow copy of the resource's properties as they arrived. Reading through the SDK's proxies would
 * throw on unknowns and strip secrets; the property descriptors hold the raw values, so unknowns stay
 * unknown and secrets stay secret when the remediated properties go back to the engine.
 */
export function rawCopyOf(props: Record<string, unknown>): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(props)) {
        copy[key] = Object.getOwnPropertyDescriptor(props, key)?.value;
    }
    return copy;
}

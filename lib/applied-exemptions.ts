// What an exemption makes of a rule's judgement: the pack's exemptions file (and, where allowed, a resource's
// exemption tag) decides per resource and rule (lib/exemption-set.ts), and this applies that decision to the
// violations, saying in each message why an exemption that matches does not excuse it.
import { AppServiceOptions, AppServiceRule, ObservedResource, RuleVerdict } from "./app-service-rule";
import { Judgement, judgeResource } from "./app-service-judgement";
import { ExemptionEntry } from "./exemptions-file";
import { ExemptionDecision, ExemptionSet } from "./exemption-set";

/** The value of the resource's exemption tag, or undefined where tag exemptions are not allowed. */
export function exemptionTagValue(exemptions: ExemptionSet, resource: ObservedResource): unknown {
    return exemptions.settings.tagExemptions.allowed
        ? resource.read(resource.profile.properties.tags, exemptions.settings.tagExemptions.tag)
        : undefined;
}

export function describeEntry(entry: ExemptionEntry): string {
    return entry.source === "tag"
        ? `self-declared exemption tag`
        : `exemption entry #${entry.number} (urn ${JSON.stringify(entry.urn)})`;
}

/** What an exemption makes of a verdict with violations: a pass, or the violations with the reason none applies. */
export function applyExemption(verdict: RuleVerdict, decision: ExemptionDecision): RuleVerdict {
    switch (decision.outcome) {
        case "none":
            return verdict;
        case "exempt":
            return { violations: [], unknowns: [] };
        case "unknown": {
            // Known violations stand: an exemption tag the engine does not know yet cannot excuse them.
            const note = " The resource's exemption tag is unknown during preview, so it cannot excuse this yet.";
            return { ...verdict, violations: verdict.violations.map(v => ({ ...v, message: v.message + note })) };
        }
        case "expired": {
            const note = ` The ${describeEntry(decision.entry)} expired on ${decision.entry.expires} and is no longer honoured.`;
            return { ...verdict, violations: verdict.violations.map(v => ({ ...v, message: v.message + note })) };
        }
        case "rejected": {
            const note = ` An exemption matches but is not honoured: ${decision.problems.map(p => p.message).join("; ")}.`;
            return { ...verdict, violations: verdict.violations.map(v => ({ ...v, message: v.message + note })) };
        }
    }
}

/** The judgement as the resource rule reports it: exemptions from the pack's file (and tags) applied. */
export function judgeWithExemptions<Options extends AppServiceOptions>(
    rule: AppServiceRule<Options>,
    args: { type: string; urn: string; props: unknown; config: unknown },
    exemptions: ExemptionSet,
    now: Date,
    /** Given the judgement before exemptions (Analyze records it for the stack policies). */
    beforeExemptions?: (judgement: Judgement) => void,
): Judgement {
    const judgement = judgeResource(rule, args.type, args.props, args.config);
    beforeExemptions?.(judgement);
    if (judgement.outcome !== "judged" || judgement.verdict.violations.length === 0) {
        return judgement;
    }
    const decision = exemptions.decide(args.urn, rule.name, now, exemptionTagValue(exemptions, judgement.resource));
    return { ...judgement, verdict: applyExemption(judgement.verdict, decision) };
}

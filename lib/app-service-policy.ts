// The Pulumi glue every App Service rule of the pack shares: type matching across providers and API
// versions, scope, options, preview unknowns, and a fail-closed guard so that no rule can ever answer
// the engine with an exception.
import {
    EnforcementLevel,
    PolicyComplianceFramework,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    UnknownValueError,
} from "@pulumi/policy";
import { InputConclusion, recordAnalysis, recordRuleConfig, RuleConclusion } from "./analyzed-resources";
import { AppServiceResourceProfile } from "./app-service-resources";
import { appScope } from "./app-service-scope";
import { Unresolvable } from "./arm-template";
import { DeployedSite, sitesOf } from "./deployed-sites";
import { ExemptionEntry } from "./exemptions-file";
import { ExemptionDecision, ExemptionSet } from "./exemption-set";
import { packExemptions } from "./pack-exemptions";
import { observe, UnknownDuringPreview } from "./observed-values";
import { RESOURCE_POLICY_NAMES } from "./policy-names";
import { OptionSet, OptionSpec } from "./policy-options";
import { holdsUnreadable, installPolicySdkGuard, isUnreadableMarker, UNREADABLE_KEY } from "./policy-sdk-guard";

// Before the first call reaches the SDK: no property value may make it answer the engine with an error.
installPolicySdkGuard();

export interface Finding {
    /** One self-contained sentence set: what was found, the fix, and why it matters. */
    readonly message: string;
    /** Set only where the finding's level is not the policy's own (what the pack cannot resolve). */
    readonly enforcementLevel?: UnresolvableLevel;
}

export type UnresolvableLevel = "mandatory" | "advisory";

/**
 * The option every App Service rule shares: the level of the violation for a value the pack cannot
 * resolve inside an ARM template, a generic resource or an azapi body. Spread into each rule's options.
 */
export const unresolvableValuesOption = {
    unresolvableValues: {
        type: "choice",
        choices: ["mandatory", "advisory"] satisfies UnresolvableLevel[],
        default: "mandatory",
        strictest: "mandatory",
        description: "The level of the violation for what the pack cannot read inside an ARM template deployment, a " +
            "generic resources:Resource or an azapi body: an ARM expression beyond parameters('…') and variables('…'), " +
            "a Key Vault parameter reference, a templateLink or template spec. Mandatory by default: what the pack " +
            "cannot read, it cannot judge.",
    },
} as const satisfies Record<string, OptionSpec>;

export interface RuleVerdict {
    readonly findings: readonly Finding[];
    /** Values the verdict depends on that the engine does not know yet; judged again at `up`. */
    readonly undetermined: readonly UnknownDuringPreview[];
}

/** What a rule is given about one resource: its profile and a reader of its properties. */
export interface ObservedResource {
    readonly profile: AppServiceResourceProfile;
    /** The plain value at a property path: secrets unwrapped, unknowns as `UnknownDuringPreview`. */
    read(...path: string[]): unknown;
}

export interface AppServiceRule<Options> {
    readonly name: string;
    /** The name Pulumi Cloud shows. */
    readonly displayName: string;
    readonly description: string;
    readonly tags?: readonly string[];
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: Severity;
    readonly framework?: PolicyComplianceFramework;
    readonly remediationSteps?: string;
    readonly url?: string;
    readonly options: OptionSet<Options>;
    includeFunctionApps(options: Options): boolean;
    includeWorkflowApps(options: Options): boolean;
    /**
     * Why sites hosted on Azure Container Apps are not applicable, for the rules Azure's own built-ins leave
     * them out of; undefined where the rule judges them.
     */
    readonly containerAppsReason?: string;
    /** The level for values the pack cannot resolve (the `unresolvableValues` option). */
    unresolvableLevel(options: Options): UnresolvableLevel;
    evaluate(resource: ObservedResource, options: Options): RuleVerdict;
    /** The properties to send back when the level is `remediate`, or undefined to leave them alone. */
    remediate?(resource: ObservedResource, props: Record<string, unknown>, options: Options): Record<string, unknown> | undefined;
}

export function observeResource(profile: AppServiceResourceProfile, props: unknown): ObservedResource {
    return { profile, read: (...path: string[]) => observe(props, path) };
}

/** Verdicts collected from several independent checks of one resource. */
export function combineVerdicts(...verdicts: RuleVerdict[]): RuleVerdict {
    return {
        findings: verdicts.flatMap(v => v.findings),
        undetermined: verdicts.flatMap(v => v.undetermined),
    };
}

export const NO_FINDINGS: RuleVerdict = { findings: [], undetermined: [] };

export function undeterminedBy(value: UnknownDuringPreview): RuleVerdict {
    return { findings: [], undetermined: [value] };
}

export function findingOf(message: string): RuleVerdict {
    return { findings: [{ message }], undetermined: [] };
}

export type Judgement =
    | { readonly kind: "not judged" }
    | { readonly kind: "not applicable"; readonly reason: string; readonly configFindings: readonly Finding[] }
    | {
        readonly kind: "judged";
        /** Every site the resource deploys, combined; each message says which site it concerns. */
        readonly verdict: RuleVerdict;
        /** The Pulumi resource itself: its exemption tag, and what remediation rewrites. */
        readonly resource: ObservedResource;
        /**
         * Whether remediation may rewrite the resource's properties: only where the resource is the site,
         * with its settings at the root. Templates, generic resources and azapi bodies are never rewritten.
         */
        readonly remediable: boolean;
        /** Unusable options: reported on every resource of a judged type, and never exempted. */
        readonly configFindings: readonly Finding[];
    };

/**
 * Judges one resource against one rule, before exemptions: every site the resource deploys (itself, or the
 * sites inside its ARM-shaped properties or template), each with the same scope and options. Pure apart
 * from reading `props`: the glue below turns the judgement into SDK calls, and the stack report reuses it.
 */
export function judgeResource<Options>(
    rule: AppServiceRule<Options>,
    type: string,
    props: unknown,
    config: unknown,
): Judgement {
    const deployed = sitesOf(type, props);
    if (!deployed) {
        return { kind: "not judged" };
    }
    const { values: options, problems } = rule.options.read(config);
    const configFindings = problems.map(problem => ({
        message: `The policy's configuration is unusable: ${problem}. Fix the policy pack config file.`,
    }));
    if (isUnreadableMarker(props)) {
        // The SDK could not read the resource's properties at all (lib/policy-sdk-guard.ts): deny, never remediate.
        return {
            kind: "judged",
            verdict: findingOf(cannotJudgeMessage(new Error(props[UNREADABLE_KEY]))),
            resource: deployed.owner,
            remediable: false,
            configFindings,
        };
    }
    const level = rule.unresolvableLevel(options);
    const verdicts: RuleVerdict[] = [];
    const outOfScope: string[] = [];
    for (const site of deployed.sites) {
        const judged = judgeSite(rule, site, options, level);
        if (typeof judged === "string") {
            outOfScope.push(judged);
        } else {
            verdicts.push(judged);
        }
    }
    verdicts.push(unresolvableVerdict(rule, deployed.unreadable, undefined, level));
    verdicts.push({ findings: [], undetermined: [...deployed.undetermined] });
    const verdict = combineVerdicts(...verdicts);
    if (verdict.findings.length === 0 && verdict.undetermined.length === 0 && deployed.sites.length === outOfScope.length) {
        const reason = outOfScope.length > 0 ? [...new Set(outOfScope)].join("; ") : deployed.noSiteReason;
        return { kind: "not applicable", reason, configFindings };
    }
    return { kind: "judged", verdict, resource: deployed.owner, remediable: deployed.remediable, configFindings };
}

/** One site's verdict, its messages prefixed with where it sits; or why it is out of scope. */
function judgeSite<Options>(rule: AppServiceRule<Options>, site: DeployedSite, options: Options, level: UnresolvableLevel): RuleVerdict | string {
    const environment = site.resource.profile.properties.managedEnvironmentId;
    const scope = appScope(site.resource.profile, {
        kind: site.resource.read("kind"),
        managedEnvironmentId: environment === undefined ? undefined : site.resource.read(environment),
    }, {
        includeFunctionApps: rule.includeFunctionApps(options),
        includeWorkflowApps: rule.includeWorkflowApps(options),
        containerAppsReason: rule.containerAppsReason,
    });
    if (!scope.inScope) {
        return site.location ? `${site.location}: ${scope.reason}` : scope.reason;
    }
    // Every value the rule reads that the pack cannot resolve is reported, whatever else the rule finds.
    const unresolved: Unresolvable[] = [];
    const resource: ObservedResource = {
        profile: site.resource.profile,
        read: (...path: string[]) => {
            const value = site.resource.read(...path);
            if (value instanceof Unresolvable) {
                unresolved.push(value);
            }
            return value;
        },
    };
    const verdict = rule.evaluate(resource, options);
    const prefix = site.location ? `${site.location}: ` : "";
    const note = scope.note === undefined ? "" : ` ${scope.note}`;
    return combineVerdicts(
        {
            findings: verdict.findings.map(f => ({ ...f, message: prefix + f.message + note })),
            // An unresolvable value will not be known at `up` either: it is reported below, never waited for.
            undetermined: verdict.undetermined.filter(u => !(u instanceof Unresolvable)),
        },
        unresolvableVerdict(rule, unresolved, site.location, level),
    );
}

/** What the pack cannot resolve, one finding each, at the level the option sets. */
function unresolvableVerdict<Options>(
    rule: AppServiceRule<Options>,
    unresolved: readonly Unresolvable[],
    location: string | undefined,
    level: UnresolvableLevel,
): RuleVerdict {
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const u of unresolved) {
        const key = `${u.what}\u0000${u.path}`;
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        findings.push({
            message: `${location ? `${location}: ` : ""}The pack cannot resolve ${u.what} at ${u.path}: ${u.reason}, so it ` +
                `cannot judge what it deploys against ${rule.name}. Fix: ${u.fix}, or have this resource exempted in the ` +
                "policy pack's exemptions file. Why: what the pack cannot read, it cannot judge, and it does not let it " +
                "through unjudged.",
            enforcementLevel: level,
        });
    }
    return { findings, undetermined: [] };
}

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

/** What an exemption makes of a verdict with findings: a pass, or the findings with the reason none applies. */
export function applyExemption(verdict: RuleVerdict, decision: ExemptionDecision): RuleVerdict {
    switch (decision.kind) {
        case "none":
            return verdict;
        case "exempt":
            return { findings: [], undetermined: [] };
        case "undetermined": {
            // Known findings stand: an exemption tag the engine does not know yet cannot excuse them.
            const note = " The resource's exemption tag is unknown during preview, so it cannot excuse this yet.";
            return { ...verdict, findings: verdict.findings.map(f => ({ message: f.message + note })) };
        }
        case "expired": {
            const note = ` The ${describeEntry(decision.entry)} expired on ${decision.entry.expires} and is no longer honoured.`;
            return { ...verdict, findings: verdict.findings.map(f => ({ message: f.message + note })) };
        }
        case "rejected": {
            const note = ` An exemption matches but is not honoured: ${decision.problems.map(p => p.message).join("; ")}.`;
            return { ...verdict, findings: verdict.findings.map(f => ({ message: f.message + note })) };
        }
    }
}

/** The judgement as the resource rule reports it: exemptions from the pack's file (and tags) applied. */
export function judgeWithExemptions<Options>(
    rule: AppServiceRule<Options>,
    args: { type: string; urn: string; props: unknown; config: unknown },
    exemptions: ExemptionSet,
    now: Date,
    /** Given the judgement before exemptions (Analyze records it for the stack policies). */
    beforeExemptions?: (judgement: Judgement) => void,
): Judgement {
    const judgement = judgeResource(rule, args.type, args.props, args.config);
    beforeExemptions?.(judgement);
    if (judgement.kind !== "judged" || judgement.verdict.findings.length === 0) {
        return judgement;
    }
    const decision = exemptions.decide(args.urn, rule.name, now, exemptionTagValue(exemptions, judgement.resource));
    return { ...judgement, verdict: applyExemption(judgement.verdict, decision) };
}

/** The message for anything a rule could not judge, so that it is denied rather than let through. */
export function cannotJudgeMessage(error: unknown): string {
    const detail = error instanceof Error ? error.message : String(error);
    return `The pack could not judge this resource (${detail.slice(0, 200)}), so it is denied until it can. ` +
        "Report this to the policy pack's maintainers with the resource's properties.";
}

/** What a judgement before exemptions says about the inputs, in the words of lib/analyzed-resources. */
export function inputConclusionOf(judgement: Judgement): InputConclusion | undefined {
    switch (judgement.kind) {
        case "not judged":
            return undefined;
        case "not applicable":
            return "not applicable";
        case "judged":
            return judgement.verdict.findings.length > 0 ? "violation"
                : judgement.verdict.undetermined.length > 0 ? "unknown" : "no findings";
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
        findings: judgement.kind === "judged" ? judgement.verdict.findings.map(f => f.message) : [],
        exemptionTag: judgement.kind === "judged" ? exemptionTagValue(exemptions, judgement.resource) : undefined,
    };
}

/** What a finding says when the policy is at `remediate` but remediation leaves the resource as it is. */
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

export function appServiceResourcePolicy<Options>(rule: AppServiceRule<Options>): ResourceValidationPolicy {
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
        name: rule.name,
        displayName: rule.displayName,
        description: rule.description,
        tags: rule.tags ? [...rule.tags] : undefined,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        framework: rule.framework,
        remediationSteps: rule.remediationSteps,
        url: rule.url,
        configSchema: rule.options.configSchema,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            let judgement: Judgement;
            try {
                judgement = judgeWithPackExemptions(args, true);
            } catch (error) {
                if (error instanceof UnknownValueError) {
                    recordAnalysis(args.urn, args.type, rule.name, { conclusion: "unknown", findings: [] });
                    throw error;
                }
                recordAnalysis(args.urn, args.type, rule.name, { conclusion: "could not judge", findings: [] });
                reportViolation(cannotJudgeMessage(error));
                return;
            }
            if (judgement.kind === "not judged") {
                return;
            }
            for (const finding of judgement.configFindings) {
                reportViolation(finding.message);
            }
            if (judgement.kind === "not applicable") {
                args.notApplicable(judgement.reason);
                return;
            }
            const { findings, undetermined } = judgement.verdict;
            const declinedKey = `${rule.name}\u0000${args.urn}`;
            const note = declinedRemediations.delete(declinedKey) ? NOT_REWRITTEN_NOTE : "";
            for (const finding of findings) {
                if (finding.enforcementLevel) {
                    // The object form carries its own level; it does not prepend the description, so this does.
                    (reportViolation as unknown as (d: { message: string; enforcementLevel: string }) => void)({
                        message: `${rule.description}\n${finding.message}${note}`,
                        enforcementLevel: finding.enforcementLevel,
                    });
                } else {
                    reportViolation(finding.message + note);
                }
            }
            // Only when nothing known is wrong does an unknown decide: the SDK then reports its advisory
            // "can't run during preview", and the same resource is judged in full at `up`.
            if (findings.length === 0 && undetermined.length > 0) {
                throw undetermined[0].error;
            }
        },
        remediateResource: rule.remediate && ((args: ResourceValidationArgs) => {
            try {
                const judgement = judgeWithPackExemptions(args, false);
                if (judgement.kind !== "judged" || judgement.verdict.findings.length === 0) {
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
                return rule.remediate!(judgement.resource, props, options);
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

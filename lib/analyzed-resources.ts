// What the resource rules concluded, in this pack process, from the INPUTS the engine sent to Analyze.
//
// The engine sends different things to the two kinds of policy: Analyze (resource policies) gets each
// resource's inputs, after any remediation, while AnalyzeStack (stack policies) gets each resource's
// final OUTPUTS: "Unlike Analyze, AnalyzeStack is called on the final outputs of each resource"
// (pkg/resource/deploy/step_generator.go, AnalyzeResources, in github:pulumi/pulumi). `pulumi policy
// analyze --stack/--file` does the same with a snapshot: Remediate and Analyze on `res.Inputs`,
// AnalyzeStack on `res.Outputs`, resources marked `delete` skipped
// (pkg/resource/deploy/analyze_snapshot.go, AnalyzeSnapshot).
//
// Outputs are not inputs: Azure fills in defaults the program left out (clientCertMode "Required" for
// an app that set only clientCertEnabled), and some provider versions read back less than was sent
// (siteConfig missing, pulumi-azure-native#4749). A stack policy that wants to know what the resource
// rules made of a resource must therefore not judge the outputs again; it asks this record.
//
// The record is per process. Under the CLI one analyzer process serves one update (or one `policy
// analyze`), and the engine calls Analyze for each registered resource before it calls AnalyzeStack once
// at the end. A resource the stack policy sees but Analyze never did (an untargeted resource of a
// `--target` run, anything when AnalyzeStack comes first) has no record, and nothing may be concluded
// about its inputs. A later analysis of the same URN replaces the earlier one.

/** What one resource rule made of a resource's inputs, before any exemption. */
export type InputConclusion =
    /** The rule found something wrong. */
    | "violation"
    /** Nothing known is wrong, but the verdict depends on values unknown during preview. */
    | "unknown"
    /** The rule found nothing: without any exemption, the resource passes it. */
    | "no violations"
    /** The resource is beyond the rule's scope (for example a function app the rule leaves out). */
    | "not applicable"
    /** The rule failed to judge the resource (and denied it for that). */
    | "could not judge";

export interface RuleConclusion {
    readonly conclusion: InputConclusion;
    /** The violations' messages before exemptions (empty unless `violation`). */
    readonly violations: readonly string[];
    /**
     * The value of the resource's exemption tag in its inputs, when tag exemptions are allowed (undefined
     * otherwise or when absent), so that a stack policy decides exemptions on what Analyze decided them.
     */
    readonly exemptionTag?: unknown;
}

export interface AnalyzedResource {
    readonly urn: string;
    readonly type: string;
    /** Per resource policy name. A policy that did not run on the resource here (disabled, say) is absent. */
    readonly rules: ReadonlyMap<string, RuleConclusion>;
}

const analysed = new Map<string, { type: string; rules: Map<string, RuleConclusion> }>();

/** Called by a resource policy's validation (Analyze) with what it concluded from the resource's inputs. */
export function recordAnalysis(urn: string, type: string, policyName: string, conclusion: RuleConclusion): void {
    let entry = analysed.get(urn);
    if (!entry || entry.type !== type) {
        entry = { type, rules: new Map() };
        analysed.set(urn, entry);
    }
    entry.rules.set(policyName, { ...conclusion, violations: [...conclusion.violations] });
}

/** What Analyze saw of this resource in this process, or undefined when it never analysed it. */
export function analysedInputs(urn: string): AnalyzedResource | undefined {
    const entry = analysed.get(urn);
    return entry ? { urn, type: entry.type, rules: new Map(entry.rules) } : undefined;
}

/**
 * Whether the named rule, judging this resource's inputs in this process, found nothing before
 * exemptions: true only on that evidence; false when it found a violation, depended on an unknown, or
 * could not judge; undefined when the rule did not analyse the resource here (no claim can be made) or
 * when the resource is beyond the rule's scope.
 */
export function inputsPassWithoutExemptions(urn: string, policyName: string): boolean | undefined {
    const conclusion = analysed.get(urn)?.rules.get(policyName)?.conclusion;
    switch (conclusion) {
        case undefined:
        case "not applicable":
            return undefined;
        case "no violations":
            return true;
        default:
            return false;
    }
}

// The config the engine gave each resource rule, as the rule last read it in this process. The SDK hands a
// policy only its own config (@pulumi/policy server.js makeGetConfigFun), so a stack policy that applies a
// resource rule to the outputs (policies/app-service-deployed-state.ts) learns the rule's options here: one
// config change reaches both. The SDK calls every enabled resource policy on every resource (never a disabled
// one), so one Analyze call of any resource is enough; the config is the same for a whole run (one Configure
// call per analyzer process).
const ruleConfigs = new Map<string, { readonly config: unknown }>();

/** Called by a resource policy whenever it reads its config (Analyze or Remediate). */
export function recordRuleConfig(policyName: string, config: unknown): void {
    ruleConfigs.set(policyName, { config });
}

/** The config the named rule was given in this process, or undefined when it has not been called. */
export function configuredRule(policyName: string): { readonly config: unknown } | undefined {
    return ruleConfigs.get(policyName);
}

/** Forgets every analysis and rule config: for tests, which run many "processes" in one. */
export function forgetAnalyses(): void {
    analysed.clear();
    ruleConfigs.clear();
}

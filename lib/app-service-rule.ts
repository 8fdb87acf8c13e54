// What an App Service rule of the pack is: its metadata, its options, and a pure judgement of one site's
// settings as a verdict (violations, and values unknown during preview). The glue that turns rules into
// policies is lib/app-service-policy.ts; scope, exemptions and the SDK are not a rule's concern.
import { EnforcementLevel, PolicyComplianceFramework, Severity } from "@pulumi/policy";
import { AppServiceResourceProfile } from "./app-service-resources";
import { observe, Unknown } from "./observed-values";
import { OptionSet, OptionSpec } from "./policy-options";

export interface Violation {
    /** One self-contained sentence set: what was found, the fix, and why it matters. */
    readonly message: string;
    /** Set only where the violation's level is not the policy's own (what the pack cannot resolve). */
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

/**
 * The scope options every App Service rule shares (lib/app-service-scope.ts reads them): judged by default,
 * since `kind` is only a label. Spread into each rule's options; each rule describes them in its own words.
 */
export function appScopeOptions(descriptions: { readonly functionApps: string; readonly workflowApps: string }) {
    return {
        includeFunctionApps: { type: "boolean", default: true, strictest: true, description: descriptions.functionApps },
        includeWorkflowApps: { type: "boolean", default: true, strictest: true, description: descriptions.workflowApps },
    } as const satisfies Record<string, OptionSpec>;
}

/** The option values every rule has, from `appScopeOptions` and `unresolvableValuesOption`: the glue reads them. */
export interface AppServiceOptions {
    readonly includeFunctionApps: boolean;
    readonly includeWorkflowApps: boolean;
    readonly unresolvableValues: UnresolvableLevel;
}

export interface RuleVerdict {
    readonly violations: readonly Violation[];
    /** Values the verdict depends on that the engine does not know yet; judged again at `up`. */
    readonly unknowns: readonly Unknown[];
}

/** What a rule is given about one resource: its profile and a reader of its properties. */
export interface ObservedResource {
    readonly profile: AppServiceResourceProfile;
    /** The plain value at a property path: secrets unwrapped, unknowns as `Unknown`. */
    read(...path: string[]): unknown;
}

/** What Pulumi Cloud shows of a rule: handed to the SDK as it is. */
export interface RuleMetadata {
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
}

export interface AppServiceRule<Options extends AppServiceOptions> extends RuleMetadata {
    readonly options: OptionSet<Options>;
    /**
     * Why sites hosted on Azure Container Apps are not applicable, for the rules Azure's own built-ins leave
     * them out of; undefined where the rule judges them.
     */
    readonly containerAppsReason?: string;
    evaluate(resource: ObservedResource, options: Options): RuleVerdict;
    /** The properties to send back when the level is `remediate`, or undefined to leave them alone. */
    remediate?(resource: ObservedResource, props: Record<string, unknown>, options: Options): Record<string, unknown> | undefined;
}

/** Any rule, whatever its options: for lists of rules, where each keeps its own options type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAppServiceRule = AppServiceRule<any>;

export function observeResource(profile: AppServiceResourceProfile, props: unknown): ObservedResource {
    return { profile, read: (...path: string[]) => observe(props, path) };
}

/** Verdicts collected from several independent checks of one resource. */
export function combineVerdicts(...verdicts: RuleVerdict[]): RuleVerdict {
    return {
        violations: verdicts.flatMap(v => v.violations),
        unknowns: verdicts.flatMap(v => v.unknowns),
    };
}

export const NO_VIOLATIONS: RuleVerdict = { violations: [], unknowns: [] };

export function unknownBy(value: Unknown): RuleVerdict {
    return { violations: [], unknowns: [value] };
}

export function violationOf(message: string): RuleVerdict {
    return { violations: [{ message }], unknowns: [] };
}

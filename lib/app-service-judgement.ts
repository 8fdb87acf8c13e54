// Judges one Pulumi resource against one rule, before exemptions: every site it deploys (itself, or the sites
// inside its ARM-shaped properties or template), each placed in or out of the rule's scope, with what the
// pack cannot resolve reported at the level the rule's options set. Pure apart from reading the properties:
// lib/app-service-policy.ts turns a judgement into SDK calls, and the deployed-state policy reuses it on outputs.
import { appScope } from "./app-service-scope";
import {
    AppServiceOptions,
    AppServiceRule,
    combineVerdicts,
    ObservedResource,
    RuleVerdict,
    UnresolvableLevel,
    Violation,
    violationOf,
} from "./app-service-rule";
import { Unresolvable } from "./arm-nodes";
import { sitesOf } from "./deployed-sites";
import { DeployedSite } from "./site-view";
import { isUnreadableMarker, UNREADABLE_KEY } from "./policy-sdk-guard";

export type Judgement =
    | { readonly outcome: "not judged" }
    | { readonly outcome: "not applicable"; readonly reason: string; readonly configViolations: readonly Violation[] }
    | {
        readonly outcome: "judged";
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
        readonly configViolations: readonly Violation[];
    };

/**
 * Judges one resource against one rule, before exemptions: every site the resource deploys, each with the
 * same scope and options. `config` is the policy's configuration as the engine sends it.
 */
export function judgeResource<Options extends AppServiceOptions>(
    rule: AppServiceRule<Options>,
    type: string,
    props: unknown,
    config: unknown,
): Judgement {
    const deployed = sitesOf(type, props);
    if (!deployed) {
        return { outcome: "not judged" };
    }
    const { values: options, problems } = rule.options.read(config);
    const configViolations = problems.map(problem => ({
        message: `The policy's configuration is unusable: ${problem}. Fix the policy pack config file.`,
    }));
    if (isUnreadableMarker(props)) {
        // The SDK could not read the resource's properties at all (lib/policy-sdk-guard.ts): deny, never remediate.
        return {
            outcome: "judged",
            verdict: violationOf(cannotJudgeMessage(new Error(props[UNREADABLE_KEY]))),
            resource: deployed.owner,
            remediable: false,
            configViolations,
        };
    }
    const verdicts: RuleVerdict[] = [];
    const outOfScope: string[] = [];
    for (const site of deployed.sites) {
        const judged = judgeSite(rule, site, options);
        if (typeof judged === "string") {
            outOfScope.push(judged);
        } else {
            verdicts.push(judged);
        }
    }
    verdicts.push(unresolvableVerdict(rule, deployed.unreadable, undefined, options.unresolvableValues));
    verdicts.push({ violations: [], unknowns: [...deployed.unknowns] });
    const verdict = combineVerdicts(...verdicts);
    if (verdict.violations.length === 0 && verdict.unknowns.length === 0 && deployed.sites.length === outOfScope.length) {
        const reason = outOfScope.length > 0 ? [...new Set(outOfScope)].join("; ") : deployed.noSiteReason;
        return { outcome: "not applicable", reason, configViolations };
    }
    return { outcome: "judged", verdict, resource: deployed.owner, remediable: deployed.remediable, configViolations };
}

/** One site's verdict, its messages prefixed with where it sits; or why it is out of scope. */
function judgeSite<Options extends AppServiceOptions>(rule: AppServiceRule<Options>, site: DeployedSite, options: Options): RuleVerdict | string {
    const environment = site.resource.profile.properties.managedEnvironmentId;
    const scope = appScope(site.resource.profile, {
        kind: site.resource.read("kind"),
        managedEnvironmentId: environment === undefined ? undefined : site.resource.read(environment),
    }, {
        includeFunctionApps: options.includeFunctionApps,
        includeWorkflowApps: options.includeWorkflowApps,
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
            violations: verdict.violations.map(v => ({ ...v, message: prefix + v.message + note })),
            // An unresolvable value will not be known at `up` either: it is reported below, never waited for.
            unknowns: verdict.unknowns.filter(u => !(u instanceof Unresolvable)),
        },
        unresolvableVerdict(rule, unresolved, site.location, options.unresolvableValues),
    );
}

/** What the pack cannot resolve, one violation each, at the level the option sets. */
function unresolvableVerdict<Options extends AppServiceOptions>(
    rule: AppServiceRule<Options>,
    unresolved: readonly Unresolvable[],
    location: string | undefined,
    level: UnresolvableLevel,
): RuleVerdict {
    const seen = new Set<string>();
    const violations: Violation[] = [];
    for (const u of unresolved) {
        const key = `${u.what}\u0000${u.path}`;
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        violations.push({
            message: `${location ? `${location}: ` : ""}The pack cannot resolve ${u.what} at ${u.path}: ${u.reason}, so it ` +
                `cannot judge what it deploys against ${rule.name}. Fix: ${u.fix}, or have this resource exempted in the ` +
                "policy pack's exemptions file. Why: what the pack cannot read, it cannot judge, and it does not let it " +
                "through unjudged.",
            enforcementLevel: level,
        });
    }
    return { violations, unknowns: [] };
}

/** The message for anything a rule could not judge, so that it is denied rather than let through. */
export function cannotJudgeMessage(error: unknown): string {
    const detail = error instanceof Error ? error.message : String(error);
    return `The pack could not judge this resource (${detail.slice(0, 200)}), so it is denied until it can. ` +
        "Report this to the policy pack's maintainers with the resource's properties.";
}

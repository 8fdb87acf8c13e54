// The deployed state: what Azure holds, not what the program asks for. The resource rules judge each app's
// INPUTS in Analyze; this stack validation judges each app's OUTPUTS, which the engine hands AnalyzeStack:
// "Unlike Analyze, AnalyzeStack is called on the final outputs of each resource"
// (pkg/resource/deploy/step_generator.go, AnalyzeResources). After `pulumi refresh`, or in `pulumi preview
// --refresh`, `pulumi up --refresh` and `pulumi policy analyze --stack` (pkg/resource/deploy/analyze_snapshot.go:
// AnalyzeStack on `res.Outputs`), the outputs are what Azure returned. An app whose client certificates were
// turned off in the portal or with `az webapp update` has compliant inputs and drifted outputs: only this
// policy sees it.
//
// It applies the resource rules themselves (the same checks, scope and options) to the outputs, with four
// differences the outputs call for:
// - where the resource rule denied the same app's inputs in this run, the outputs are not judged again: that
//   violation already says to fix the program;
// - a property the outputs lack is no violation, and no evidence of compliance either: the app is named once
//   per stack as not judgeable from the deployed state;
// - a value unknown during preview (a resource being created) is not judged;
// - only the resources that are sites themselves are judged: a template deployment's outputs echo its
//   template, not what Azure made of it.
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { analysedInputs, AnalyzedResource, configuredRule } from "../lib/analyzed-resources";
import { judgeResource } from "../lib/app-service-judgement";
import { AnyAppServiceRule } from "../lib/app-service-rule";
import { applyExemption, exemptionTagValue } from "../lib/applied-exemptions";
import { appServiceProfileFor, AppServiceResourceProfile } from "../lib/app-service-resources";
import { ExemptionSet } from "../lib/exemption-set";
import { packExemptions } from "../lib/pack-exemptions";
import { isUnknown, observe } from "../lib/observed-values";
import { reportViolationAs } from "../lib/report-violation";
import { cisAzureFoundations, policyTags } from "../lib/pack-metadata";
import { DEPLOYED_STATE_POLICY, RESOURCE_POLICY_NAMES } from "../lib/policy-names";
import { urnName } from "../lib/urn";
import { clientCertificateRule } from "./app-service-require-client-certificates";
import { httpsOnlyRule } from "./app-service-require-https-only";

/** The rules judged on the deployed state: mutual TLS, and HTTPS only, without which it is bypassed. */
export const DEPLOYED_STATE_RULES: readonly AnyAppServiceRule[] = [clientCertificateRule, httpsOnlyRule];

export interface DeployedResource {
    readonly type: string;
    readonly urn: string;
    /** The resource's outputs, as AnalyzeStack receives them. */
    readonly props: unknown;
}

export interface DeployedStateLine {
    readonly message: string;
    /** The resource the line is about; none for the stack's one "not judgeable" line. */
    readonly urn?: string;
    /** Set only for the "not judgeable" line, which is never more than advisory: a missing output is no violation. */
    readonly enforcementLevel?: "advisory";
}

export interface DeployedStateContext {
    readonly exemptions: ExemptionSet;
    readonly now: Date;
    /** What the resource rules concluded from this resource's inputs in this process (lib/analyzed-resources.ts). */
    readonly analysed: (urn: string) => AnalyzedResource | undefined;
    /**
     * The config the engine gave each resource rule in this process, or undefined where the rule has not
     * been called (disabled, or no resource analysed): such a rule is not applied to the outputs.
     */
    readonly ruleConfig: (policyName: string) => { readonly config: unknown } | undefined;
}

/**
 * A rule's message without its "Fix:" sentence, which tells the program what to set: on the deployed state
 * the way out depends on the inputs (see wayOut). The problem keeps the values found; "Why:" and any
 * exemption note after it stay.
 */
export function splitFix(message: string): { problem: string; why?: string } {
    const fix = message.indexOf(" Fix: ");
    if (fix < 0) {
        return { problem: message };
    }
    const why = message.indexOf(" Why: ", fix);
    return { problem: message.slice(0, fix), why: why < 0 ? undefined : message.slice(why + 1) };
}

/** The properties a rule cannot judge an app without, as the resource type names them. */
export function requiredOutputs(rule: AnyAppServiceRule, profile: AppServiceResourceProfile): string[] | undefined {
    if (rule === httpsOnlyRule) {
        return [profile.properties.httpsOnly];
    }
    const names = profile.clientCertificates;
    switch (names.form) {
        case "enabled-and-mode":
            return [names.enabled, names.mode];
        case "mode-implies-enabled":
            return [names.mode];
        case "unsupported":
            // The resource rule denies this type whatever its values; its outputs add nothing.
            return undefined;
    }
}

const DRIFT = "This is drift: the program's inputs, judged in this run, comply, so the app was changed outside " +
    "Pulumi (the Azure portal, the Azure CLI, an ARM deployment). Fix: `pulumi up --refresh` puts the program's " +
    "compliant settings back; then find out who changed it.";
const EITHER_WAY = "Fix: when the program's inputs comply, `pulumi up --refresh` puts them back; when they do not, " +
    "correct the program, then `pulumi up`.";

function wayOut(seen: AnalyzedResource | undefined, ruleName: string): string {
    const conclusion = seen?.rules.get(ruleName)?.conclusion;
    if (conclusion === "no violations") {
        return DRIFT;
    }
    // The inputs were judged but say nothing either way (unknown, or beyond the rule's scope), or were not judged.
    return conclusion === undefined ? `${EITHER_WAY} (The resource rules did not judge this resource's inputs in this run.)` : EITHER_WAY;
}

/**
 * The deployed-state findings for one stack. Pure: resources (with their outputs), the exemptions, the
 * clock and what this process knows of the resource rules in; one line per finding out, then at most one
 * advisory line naming the apps whose outputs lack what the rules need.
 */
export function judgeDeployedState(
    resources: readonly DeployedResource[],
    rules: readonly AnyAppServiceRule[],
    context: DeployedStateContext,
): DeployedStateLine[] {
    const lines: DeployedStateLine[] = [];
    const notJudgeable: string[] = [];
    for (const resource of resources) {
        const profile = appServiceProfileFor(resource.type);
        if (!profile) {
            continue;
        }
        const name = urnName(resource.urn);
        const seen = context.analysed(resource.urn);
        const missing = new Set<string>();
        for (const rule of rules) {
            const required = requiredOutputs(rule, profile);
            if (!required) {
                continue;
            }
            const conclusion = seen?.rules.get(rule.name)?.conclusion;
            if (conclusion === "violation" || conclusion === "could not judge") {
                // The resource rule denies the inputs on this very resource, and its violation says how to fix the
                // program. In a preview the outputs of a new or changed app are the provider's prediction from
                // those inputs, not a deployed state: a second finding would only repeat the first.
                continue;
            }
            const values = required.map(property => observe(resource.props, [property]));
            if (values.some(isUnknown)) {
                // Created in this update: what Azure will hold is not known yet, and `up` judges it.
                continue;
            }
            const configured = context.ruleConfig(rule.name);
            if (!configured) {
                // The SDK calls every enabled resource policy on every resource it analyses and never calls a disabled
                // one (@pulumi/policy server.js): a rule not called in this run is disabled, or no resource was
                // analysed, and its options are unknown. A disabled rule is enforced nowhere, so not here either.
                continue;
            }
            const judgement = judgeResource(rule, resource.type, resource.props, configured.config);
            if (judgement.outcome !== "judged") {
                // Beyond the rule's scope under its options (a function app left out, say): nothing to judge or miss.
                continue;
            }
            const absent = required.filter((_, i) => values[i] === undefined || values[i] === null);
            if (absent.length > 0) {
                absent.forEach(property => missing.add(property));
                continue;
            }
            if (judgement.verdict.violations.length === 0) {
                continue;
            }
            // The exemption tag the program declares, as Analyze read it; the deployed one where Analyze did not run.
            const tag = seen?.rules.has(rule.name) ? seen.rules.get(rule.name)!.exemptionTag
                : exemptionTagValue(context.exemptions, judgement.resource);
            const decision = context.exemptions.decide(resource.urn, rule.name, context.now, tag);
            const { violations } = applyExemption(judgement.verdict, decision);
            for (const violation of violations) {
                const { problem, why } = splitFix(violation.message);
                lines.push({
                    message: `Deployed state of ${name} (${resource.type}) does not meet ${rule.name}, in the values Azure ` +
                        `returned: ${problem} ${wayOut(seen, rule.name)}${why ? ` ${why}` : ""}`,
                    urn: resource.urn,
                });
            }
        }
        if (missing.size > 0) {
            notJudgeable.push(`${name} (${resource.type}) lacks ${[...missing].join(", ")}`);
        }
    }
    if (notJudgeable.length > 0) {
        const shown = notJudgeable.slice(0, 20).join("; ") + (notJudgeable.length > 20 ? `; and ${notJudgeable.length - 20} more` : "");
        lines.push({
            message: `Not judgeable from the deployed state: ${shown}. The provider did not return these outputs, so ` +
                "the pack cannot tell what Azure holds; a missing output is neither a violation nor evidence of compliance. " +
                "The resource rules still judge the program's inputs. To judge the deployed state, run `pulumi refresh` " +
                "with a provider version that reads these properties back.",
            enforcementLevel: "advisory",
        });
    }
    return lines;
}

export const deployedState: StackValidationPolicy = {
    name: DEPLOYED_STATE_POLICY,
    displayName: "App Service apps require client certificates in their deployed state",
    tags: policyTags("mutual-tls", "client-certificates", "drift"),
    framework: cisAzureFoundations("9.2, 9.4", "Ensure the web app has 'Client Certificates (Incoming client certificates)' " +
        "set to 'On' and redirects all HTTP traffic to HTTPS, in the state Azure holds"),
    description: "Judges each App Service app's deployed state (the outputs Azure returned, fresh after a refresh) with " +
        "the client-certificate and HTTPS-only rules, and reports apps changed outside Pulumi as drift.",
    enforcementLevel: "advisory",
    severity: "high",
    remediationSteps: "When the program's inputs comply, run `pulumi up --refresh` to put its settings back. When they " +
        "do not, fix the program as the resource rule's violation says. Then find out who changed the app outside Pulumi.",
    url: "https://learn.microsoft.com/en-us/azure/app-service/app-service-web-configure-tls-mutual-auth",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        let lines: DeployedStateLine[];
        try {
            const resources = args.resources.map((r: PolicyResource) => ({ type: r.type, urn: r.urn, props: r.props }));
            lines = judgeDeployedState(resources, DEPLOYED_STATE_RULES, {
                exemptions: packExemptions(RESOURCE_POLICY_NAMES),
                now: new Date(),
                analysed: analysedInputs,
                ruleConfig: configuredRule,
            });
        } catch (error) {
            // Fail closed: a deployed state the pack could not judge is said, at this policy's level.
            lines = [{ message: `The deployed state could not be judged (${(error as Error).message}).` }];
        }
        for (const line of lines) {
            // On the app's own URN; the "not judgeable" line on the stack, and never above advisory.
            reportViolationAs(reportViolation, line);
        }
    },
};

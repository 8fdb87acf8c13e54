// CIS Microsoft Azure Foundations 9.2 / Defender for Cloud: "Web apps should only be accessible over
// HTTPS". For this pack it closes a bypass: client certificates are part of the TLS handshake, so they
// exist only on HTTPS. An app that still answers plain HTTP serves every client without a certificate.
import { AppServiceResourceProfile } from "../lib/app-service-resources";
import { appServiceResourcePolicy } from "../lib/app-service-policy";
import {
    appScopeOptions,
    AppServiceRule,
    NO_VIOLATIONS,
    ObservedResource,
    RuleVerdict,
    unknownBy,
    unresolvableValuesOption,
    violationOf,
} from "../lib/app-service-rule";
import { describeValue, isUnknown } from "../lib/observed-values";
import { cisAzureFoundations, policyTags } from "../lib/pack-metadata";
import { defineOptions } from "../lib/policy-options";
import { HTTPS_ONLY_POLICY } from "../lib/policy-names";

const WHY = "Why: client certificates only exist on HTTPS; with httpsOnly false, plain HTTP reaches the app with " +
    "no certificate at all, which bypasses the client-certificate requirement, and the traffic travels unencrypted " +
    "(CIS Azure 9.2).";

export const httpsOnlyOptions = defineOptions({
    ...appScopeOptions({
        functionApps: "Require HTTPS only on function apps too (kind functionapp, and the classic provider's function " +
            "app resources). Setting it to false trusts kind, a label the program declares.",
        workflowApps: "Require HTTPS only on workflow apps too (Logic Apps Standard: kind functionapp,workflowapp, and " +
            "the classic logicapps.Standard). Setting it to false trusts kind, a label the program declares.",
    }),
    ...unresolvableValuesOption,
});

export type HttpsOnlyOptions = typeof httpsOnlyOptions.defaults;

/** Only the boolean `true` turns plain HTTP away; every other value, however odd, is denied. */
export function checkHttpsOnly(httpsOnly: unknown, profile: AppServiceResourceProfile): RuleVerdict {
    if (isUnknown(httpsOnly)) {
        return unknownBy(httpsOnly);
    }
    if (httpsOnly === true) {
        return NO_VIOLATIONS;
    }
    const property = profile.properties.httpsOnly;
    const found = httpsOnly === undefined
        ? `${property} is not set (the default is false)`
        : `${property} is ${describeValue(httpsOnly)}${typeof httpsOnly === "boolean" ? "" : ", not the boolean true"}`;
    return violationOf(`The app accepts plain HTTP: ${found}. Fix: set ${property}: true on this ${profile.resourceName}. ${WHY}`);
}

export function remediateHttpsOnly(profile: AppServiceResourceProfile, props: Record<string, unknown>): Record<string, unknown> {
    return { ...props, [profile.properties.httpsOnly]: true };
}

export const httpsOnlyRule: AppServiceRule<HttpsOnlyOptions> = {
    name: HTTPS_ONLY_POLICY,
    displayName: "App Service apps accept HTTPS only",
    tags: policyTags("https", "transport-security"),
    description: "Azure App Service apps and their deployment slots, in the azure-native and classic azure providers, " +
        "must set httpsOnly: true: client certificates exist only on HTTPS, so plain HTTP would bypass them.",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: cisAzureFoundations("9.2", "Ensure Web App Redirects All HTTP traffic to HTTPS in Azure App Service"),
    remediationSteps: "Set httpsOnly: true on the app or slot (the same property name in azure-native and the classic azure provider).",
    url: "https://learn.microsoft.com/en-us/azure/app-service/configure-ssl-bindings#enforce-https",
    options: httpsOnlyOptions,
    containerAppsReason: "App Service's httpsOnly does not apply there; turn plain HTTP away on the container app's " +
        "ingress instead (configuration.ingress.allowInsecure: false).",
    evaluate: (resource: ObservedResource) => checkHttpsOnly(resource.read(resource.profile.properties.httpsOnly), resource.profile),
    remediate: (resource, props) => remediateHttpsOnly(resource.profile, props),
};

export const requireHttpsOnly = appServiceResourcePolicy(httpsOnlyRule);

// CIS Microsoft Azure Foundations 9.3 / Defender for Cloud: "Web apps should use the latest TLS version".
// Client certificates are only as strong as the handshake that carries them: an app that still accepts
// TLS 1.0 or 1.1 lets a client negotiate down to versions with known weaknesses.
import {
    AppServiceResourceProfile,
    AZURE_DEFAULT_MIN_TLS_VERSION,
    propertyPath,
    TLS_VERSIONS,
    TlsVersion,
} from "../lib/app-service-resources";
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
import { describeValue, EncryptedSecret, isUnknown, observe, UnreadableValue } from "../lib/observed-values";
import { cisAzureFoundations, policyTags } from "../lib/pack-metadata";
import { defineOptions } from "../lib/policy-options";
import { MINIMUM_TLS_POLICY } from "../lib/policy-names";

const WHY = "Why: TLS 1.0 and 1.1 are deprecated (RFC 8996) and have known weaknesses, and a client that can " +
    "negotiate an old version weakens the handshake that carries its certificate (CIS Azure 9.3).";

const KNOWN = TLS_VERSIONS.map(version => JSON.stringify(version)).join(", ");

export const minimumTlsOptions = defineOptions({
    minimumTlsVersion: {
        type: "choice",
        choices: ["1.2", "1.3"] satisfies TlsVersion[],
        default: "1.2",
        strictest: "1.3",
        description: "The lowest minimum TLS version an app may set: \"1.2\" (Azure's default) or \"1.3\". An app that " +
            "sets none is judged as Azure's default, 1.2.",
    },
    ...appScopeOptions({
        functionApps: "Judge function apps too (kind functionapp, and the classic provider's function app resources). " +
            "Setting it to false trusts kind, a label the program declares.",
        workflowApps: "Judge workflow apps too (Logic Apps Standard: kind functionapp,workflowapp, and the classic " +
            "logicapps.Standard). Setting it to false trusts kind, a label the program declares.",
    }),
    ...unresolvableValuesOption,
});

export type MinimumTlsOptions = typeof minimumTlsOptions.defaults;

/** The two values this rule reads: the site configuration block and the version inside it. */
export interface TlsSettings {
    readonly siteConfig: unknown;
    /** Undefined when the block is absent or is not an object. */
    readonly minTlsVersion: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof EncryptedSecret)
        && !(value instanceof UnreadableValue);
}

export function observeTlsSettings(resource: ObservedResource): TlsSettings {
    const path = resource.profile.properties.minTlsVersion;
    const siteConfig = resource.read(path[0]);
    return { siteConfig, minTlsVersion: isPlainObject(siteConfig) ? resource.read(...path) : undefined };
}

/** The rank of a known version (`"1.0"` → 0), or undefined for anything else. */
export function tlsVersionRank(value: unknown): number | undefined {
    const index = TLS_VERSIONS.indexOf(value as TlsVersion);
    return typeof value === "string" && index >= 0 ? index : undefined;
}

function fixFor(profile: AppServiceResourceProfile, minimum: TlsVersion): string {
    const [block, property] = profile.properties.minTlsVersion;
    if (tlsVersionRank(minimum)! > tlsVersionRank(profile.highestMinTlsVersion)!) {
        return `Fix: the classic provider's legacy ${profile.resourceName} accepts at most ${profile.highestMinTlsVersion}; ` +
            `migrate it to ${(profile.replacedBy ?? []).join(" or ")} and set ${block}: { minimumTlsVersion: "${minimum}" }, ` +
            "or have it exempted in the policy pack's exemptions file.";
    }
    return `Fix: set ${block}: { ${property}: "${minimum}" } on this ${profile.resourceName}.`;
}

/**
 * A missing version counts as Azure's default (1.2); a known version is compared by its rank; anything
 * else (an unknown string, a number, null, an object) is denied, because the pack cannot rank it.
 */
export function checkMinimumTlsVersion(
    settings: TlsSettings,
    profile: AppServiceResourceProfile,
    options: MinimumTlsOptions,
): RuleVerdict {
    const minimum: TlsVersion = options.minimumTlsVersion;
    const path = profile.properties.minTlsVersion;
    const shownPath = propertyPath(path);
    const { siteConfig, minTlsVersion: value } = settings;
    const deny = (found: string) => violationOf(`The app's minimum TLS version is too low or unreadable: ${found}. ` +
        `${fixFor(profile, minimum)} ${WHY}`);

    if (isUnknown(siteConfig)) {
        return unknownBy(siteConfig);
    }
    if (siteConfig !== undefined && !isPlainObject(siteConfig)) {
        return deny(`${path[0]} is ${describeValue(siteConfig)}, not an object, so the pack cannot read ${shownPath}`);
    }
    if (isUnknown(value)) {
        return unknownBy(value);
    }
    if (value === undefined) {
        return tlsVersionRank(AZURE_DEFAULT_MIN_TLS_VERSION)! >= tlsVersionRank(minimum)!
            ? NO_VIOLATIONS
            : deny(`${shownPath} is not set; Azure's default ${AZURE_DEFAULT_MIN_TLS_VERSION} assumed, below the ` +
                `required minimum ${minimum}`);
    }
    if (typeof value !== "string") {
        return deny(`${shownPath} is ${describeValue(value)}` +
            (typeof value === "number" ? " (a number)" : "") + `, not one of the version strings ${KNOWN}`);
    }
    const rank = tlsVersionRank(value);
    if (rank === undefined) {
        return deny(`${shownPath} is ${describeValue(value)}, which is not a TLS version the pack knows (${KNOWN})`);
    }
    if (rank < tlsVersionRank(minimum)!) {
        return deny(`${shownPath} is ${describeValue(value)}, below the required minimum ${minimum}`);
    }
    return NO_VIOLATIONS;
}

/**
 * Sets the configured minimum inside the site configuration, keeping the block's other settings.
 * Undefined where that cannot be done safely: a legacy resource that cannot take the version, or a block
 * that is a secret or not an object.
 */
export function remediateMinimumTlsVersion(
    profile: AppServiceResourceProfile,
    props: Record<string, unknown>,
    options: MinimumTlsOptions,
): Record<string, unknown> | undefined {
    const minimum: TlsVersion = options.minimumTlsVersion;
    if (tlsVersionRank(minimum)! > tlsVersionRank(profile.highestMinTlsVersion)!) {
        return undefined;
    }
    const [block, property] = profile.properties.minTlsVersion;
    const raw = props[block];
    if (raw === undefined) {
        return { ...props, [block]: { [property]: minimum } };
    }
    // `observe` unwraps secrets: the same object back means the block is plain and can be copied as is.
    if (!isPlainObject(raw) || observe(props, [block]) !== raw) {
        return undefined;
    }
    return { ...props, [block]: { ...raw, [property]: minimum } };
}

export const minimumTlsRule: AppServiceRule<MinimumTlsOptions> = {
    name: MINIMUM_TLS_POLICY,
    displayName: "App Service apps accept no TLS version below the minimum",
    tags: policyTags("tls", "transport-security"),
    description: "Azure App Service apps and their deployment slots, in the azure-native and classic azure providers, " +
        "must not accept a TLS version below the configured minimum (1.2 by default).",
    enforcementLevel: "advisory",
    severity: "medium",
    framework: cisAzureFoundations("9.3", "Ensure Web App is using the latest version of TLS encryption"),
    remediationSteps: "Set siteConfig.minTlsVersion (azure-native, and the classic AppService, Slot, FunctionApp and " +
        "FunctionAppSlot) or siteConfig.minimumTlsVersion (the classic Linux and Windows web and function apps and " +
        "their slots) to \"1.2\" or \"1.3\", at least the policy's minimumTlsVersion.",
    url: "https://learn.microsoft.com/en-us/azure/app-service/overview-tls",
    options: minimumTlsOptions,
    evaluate: (resource, options) => checkMinimumTlsVersion(observeTlsSettings(resource), resource.profile, options),
    remediate: (resource, props, options) => remediateMinimumTlsVersion(resource.profile, props, options),
};

export const minimumTlsVersion = appServiceResourcePolicy(minimumTlsRule);

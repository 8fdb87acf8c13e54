// The resource types this pack judges, and where each keeps the settings the policies read.
//
// Types are only imported as types: loading @pulumi/azure-native at run time costs seconds on every start
// of the pack, while its declarations still check every property name and enum value at build time.
// The classic provider (@pulumi/azure) is deliberately not a dependency: its names are plain constants
// below, taken from its published SDK (v6) and the azurerm schema it bridges.
import type * as azureNative from "@pulumi/azure-native";

type NativeWebAppArgs = azureNative.web.WebAppArgs;
type NativeSiteConfigArgs = azureNative.types.input.web.SiteConfigArgs;
type NativeClientCertMode = azureNative.types.enums.web.ClientCertMode;
type NativeTlsVersion = azureNative.types.enums.web.SupportedTlsVersions;

export const CLIENT_CERT_MODE_REQUIRED = "Required" satisfies NativeClientCertMode;
export const CLIENT_CERT_MODE_OPTIONAL = "Optional" satisfies NativeClientCertMode;

/** Every minimum TLS version App Service knows, oldest first: a version's rank is its index. */
export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const satisfies readonly NativeTlsVersion[];
export type TlsVersion = typeof TLS_VERSIONS[number];
/** What Azure applies when an app sets no minimum TLS version (app and SCM site alike). */
export const AZURE_DEFAULT_MIN_TLS_VERSION: TlsVersion = "1.2";

/** How a resource type lets a program require client certificates. */
export type ClientCertificateProperties =
    /** A boolean switch and a mode, both of which must be right. */
    | {
        readonly form: "enabled-and-mode";
        readonly enabled: string;
        readonly mode: string;
        /** Absent where the resource has no exclusion list. */
        readonly exclusionPaths?: string;
    }
    /** The classic legacy FunctionApp: certificates are on exactly when the mode is set. */
    | { readonly form: "mode-implies-enabled"; readonly mode: string }
    /** The classic legacy Slot and FunctionAppSlot: no property at all, so they can never comply. */
    | { readonly form: "unsupported" };

export interface AppServiceResourceProfile {
    /** The SDK a user writes the fix in, as the violation message shows it. */
    readonly provider: "azure-native" | "azure";
    /** The resource class as the user's program names it, for example `WebApp`. */
    readonly resourceName: string;
    readonly isSlot: boolean;
    /**
     * `"by-kind"`: the `kind` property tells a function app from a web app (azure-native).
     * `true`: the type itself is a function app (the classic provider has one type per app flavour).
     */
    readonly functionApp: "by-kind" | boolean;
    /** The type itself is a workflow app (Logic Apps Standard), judged under the workflow-app option. */
    readonly workflowApp?: boolean;
    readonly clientCertificates: ClientCertificateProperties;
    readonly properties: {
        readonly httpsOnly: string;
        readonly tags: string;
        /** The path to the app's minimum TLS version, inside its site configuration. */
        readonly minTlsVersion: readonly [string, string];
        /** The managed environment that hosts the site on Azure Container Apps, where the type has one. */
        readonly managedEnvironmentId?: string;
    };
    /**
     * What applies when certificates are enabled and the mode is left out, and who applies it: the
     * service (which may keep an existing app's stored mode) or the provider (which always sends it).
     */
    readonly omittedMode: { readonly value: "Required" | "Optional"; readonly appliedBy: "service" | "provider" };
    /** The highest minimum TLS version the resource's schema accepts. */
    readonly highestMinTlsVersion: TlsVersion;
    /** Deprecated classic resources: the resources that replace them, for fixes only a migration allows. */
    readonly replacedBy?: readonly string[];
}

// `satisfies` keeps these names honest against the azure-native SDK's own declarations.
const nativeNames = {
    clientCertEnabled: "clientCertEnabled",
    clientCertMode: "clientCertMode",
    clientCertExclusionPaths: "clientCertExclusionPaths",
    httpsOnly: "httpsOnly",
    tags: "tags",
    siteConfig: "siteConfig",
    managedEnvironmentId: "managedEnvironmentId",
} as const satisfies Record<string, keyof NativeWebAppArgs>;
const nativeMinTlsVersion = "minTlsVersion" as const satisfies keyof NativeSiteConfigArgs;

const nativeWebApp: AppServiceResourceProfile = {
    provider: "azure-native",
    resourceName: "WebApp",
    isSlot: false,
    functionApp: "by-kind",
    clientCertificates: {
        form: "enabled-and-mode",
        enabled: nativeNames.clientCertEnabled,
        mode: nativeNames.clientCertMode,
        exclusionPaths: nativeNames.clientCertExclusionPaths,
    },
    properties: {
        httpsOnly: nativeNames.httpsOnly,
        tags: nativeNames.tags,
        minTlsVersion: [nativeNames.siteConfig, nativeMinTlsVersion],
        managedEnvironmentId: nativeNames.managedEnvironmentId,
    },
    omittedMode: { value: CLIENT_CERT_MODE_REQUIRED, appliedBy: "service" },
    highestMinTlsVersion: "1.3",
};

const nativeWebAppSlot: AppServiceResourceProfile = { ...nativeWebApp, resourceName: "WebAppSlot", isSlot: true };

// An API version as azure-native spells it in tokens and package names: `v20220901`, `v20231201preview`.
const API_VERSION = "v\\d{8}[a-z]*";

// Every token under which a program can deploy `Microsoft.Web/sites` (and `/slots`) with azure-native's
// property names, as one regular expression (a resource of another type costs one test). Anchored on both
// ends so that look-alikes such as `azure-native:web:WebAppSlotConfigurationNames` or
// `azure-native:webx:WebApp` stay out. The forms, in order:
// - `azure-native:web:WebApp`, and every explicit API version of it (`azure-native:web/v20220901:WebApp`,
//   `azure-native:web/v20260301preview:WebApp`);
// - a local package for one API version, as `pulumi package add azure-native web v20240401` generates it (the
//   upgrade path azure-native v3 documents): package `azure-native_web_v20240401`, tokens `…:web:WebApp`, or
//   `…:web/v20240401:WebApp` in earlier v3 releases. The module is written as the user typed it and matched
//   case-insensitively (createSchema and filterTokens in pulumi-azure-native's
//   provider/pkg/provider/provider_parameterize.go);
// - the deprecated azure-nextgen provider, azure-native's predecessor, with the same property names:
//   `azure-nextgen:web/latest:WebApp`, `azure-nextgen:web/v20200601:WebAppSlot`.
const NATIVE_TOKEN = new RegExp("^(?:" + [
    `azure-native:web(?:/${API_VERSION})?`,
    `azure-native_[wW][eE][bB]_${API_VERSION}:[wW][eE][bB](?:/${API_VERSION})?`,
    `azure-nextgen:web/(?:latest|${API_VERSION})`,
].join("|") + "):(WebApp|WebAppSlot)$");

// The classic provider (@pulumi/azure v6, module appservice). The type checks the token against the
// resource's name, the way the provider derives one from the other.
type ClassicToken<Name extends string> = `azure:appservice/${Uncapitalize<Name>}:${Name}`;

function classicToken<Name extends string>(name: Name): ClassicToken<Name> {
    return `azure:appservice/${name.charAt(0).toLowerCase()}${name.slice(1)}:${name}` as ClassicToken<Name>;
}

// The current resources (Linux/Windows × WebApp/FunctionApp × app/slot) share one set of names.
const classicCurrentCertificates: ClientCertificateProperties = {
    form: "enabled-and-mode",
    enabled: "clientCertificateEnabled",
    mode: "clientCertificateMode",
    exclusionPaths: "clientCertificateExclusionPaths",
};
const classicCommon = { httpsOnly: "httpsOnly", tags: "tags" } as const;

const classicCurrent = (resourceName: string, isSlot: boolean, functionApp: boolean): AppServiceResourceProfile => ({
    provider: "azure",
    resourceName,
    isSlot,
    functionApp,
    clientCertificates: classicCurrentCertificates,
    properties: { ...classicCommon, minTlsVersion: ["siteConfig", "minimumTlsVersion"] },
    // azurerm: client_certificate_mode has Default "Required" on web apps and "Optional" on function apps,
    // and the provider sends it on every create and update.
    omittedMode: { value: functionApp ? CLIENT_CERT_MODE_OPTIONAL : CLIENT_CERT_MODE_REQUIRED, appliedBy: "provider" },
    highestMinTlsVersion: "1.3",
});

// The four legacy resources: deprecated upstream, still shipped, and with only `1.0`–`1.2` as TLS versions.
const classicLegacy = (
    resourceName: string,
    isSlot: boolean,
    functionApp: boolean,
    clientCertificates: ClientCertificateProperties,
    replacedBy: readonly string[],
): AppServiceResourceProfile => ({
    provider: "azure",
    resourceName,
    isSlot,
    functionApp,
    clientCertificates,
    properties: { ...classicCommon, minTlsVersion: ["siteConfig", "minTlsVersion"] },
    // Legacy AppService: client_cert_mode has no default; Azure's applies, as on azure-native.
    omittedMode: { value: CLIENT_CERT_MODE_REQUIRED, appliedBy: "service" },
    highestMinTlsVersion: "1.2",
    replacedBy,
});

const classicProfiles = new Map<string, AppServiceResourceProfile>([
    [classicToken("LinuxWebApp"), classicCurrent("LinuxWebApp", false, false)],
    [classicToken("WindowsWebApp"), classicCurrent("WindowsWebApp", false, false)],
    [classicToken("LinuxWebAppSlot"), classicCurrent("LinuxWebAppSlot", true, false)],
    [classicToken("WindowsWebAppSlot"), classicCurrent("WindowsWebAppSlot", true, false)],
    [classicToken("LinuxFunctionApp"), classicCurrent("LinuxFunctionApp", false, true)],
    [classicToken("WindowsFunctionApp"), classicCurrent("WindowsFunctionApp", false, true)],
    [classicToken("LinuxFunctionAppSlot"), classicCurrent("LinuxFunctionAppSlot", true, true)],
    [classicToken("WindowsFunctionAppSlot"), classicCurrent("WindowsFunctionAppSlot", true, true)],
    [classicToken("AppService"), classicLegacy("AppService", false, false,
        { form: "enabled-and-mode", enabled: "clientCertEnabled", mode: "clientCertMode" },
        ["LinuxWebApp", "WindowsWebApp"])],
    [classicToken("Slot"), classicLegacy("Slot", true, false, { form: "unsupported" },
        ["LinuxWebAppSlot", "WindowsWebAppSlot"])],
    [classicToken("FunctionApp"), classicLegacy("FunctionApp", false, true,
        { form: "mode-implies-enabled", mode: "clientCertMode" },
        ["LinuxFunctionApp", "WindowsFunctionApp"])],
    [classicToken("FunctionAppSlot"), classicLegacy("FunctionAppSlot", true, true, { form: "unsupported" },
        ["LinuxFunctionAppSlot", "WindowsFunctionAppSlot"])],
]);

// The current function app on the Flex Consumption plan (`azurerm_function_app_flex_consumption`): the current
// resources' names, and like them a client_certificate_mode that defaults to "Optional" and is always sent.
classicProfiles.set(classicToken("AppFlexConsumption"), classicCurrent("AppFlexConsumption", false, true));

// Logic Apps Standard (`azurerm_logic_app_standard`, module logicapps): a workflow app with only
// clientCertificateMode; azurerm sets clientCertEnabled exactly when the mode is set
// (`clientCertEnabled := clientCertMode != ""`), as on the legacy FunctionApp. No exclusion paths; TLS in
// siteConfig.minTlsVersion, 1.0 to 1.3.
classicProfiles.set("azure:logicapps/standard:Standard", {
    provider: "azure",
    resourceName: "logicapps.Standard",
    isSlot: false,
    functionApp: true,
    workflowApp: true,
    clientCertificates: { form: "mode-implies-enabled", mode: "clientCertificateMode" },
    properties: { ...classicCommon, minTlsVersion: ["siteConfig", "minTlsVersion"] },
    omittedMode: { value: CLIENT_CERT_MODE_REQUIRED, appliedBy: "service" },
    highestMinTlsVersion: "1.3",
});

/** Every classic type token the pack judges. */
export const CLASSIC_TYPES: readonly string[] = [...classicProfiles.keys()];

/** The profile of a resource type the pack judges, or undefined for every other type. */
export function appServiceProfileFor(type: string): AppServiceResourceProfile | undefined {
    if (typeof type !== "string") {
        return undefined;
    }
    const classic = classicProfiles.get(type);
    if (classic) {
        return classic;
    }
    const native = NATIVE_TOKEN.exec(type);
    if (native) {
        return native[1] === "WebApp" ? nativeWebApp : nativeWebAppSlot;
    }
    return undefined;
}

/** `siteConfig.minTlsVersion`: a property path as a message shows it. */
export function propertyPath(path: readonly string[]): string {
    return path.join(".");
}

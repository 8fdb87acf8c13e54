// The resource types this pack judges, and where each keeps the settings the policies read.
//
// Types are only imported as types: loading @pulumi/azure-native at run time costs seconds on every start
// of the pack, while its declarations still check every property name and enum value at build time.
import type * as azureNative from "@pulumi/azure-native";

type NativeWebAppArgs = azureNative.web.WebAppArgs;
type NativeClientCertMode = azureNative.types.enums.web.ClientCertMode;

export const CLIENT_CERT_MODE_REQUIRED = "Required" satisfies NativeClientCertMode;

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
    readonly properties: {
        readonly clientCertEnabled: string;
        readonly clientCertMode: string;
        /** Absent where the resource has no exclusion list. */
        readonly clientCertExclusionPaths?: string;
        readonly httpsOnly: string;
        readonly tags: string;
    };
    /** What the service or provider applies when certificates are enabled and the mode is left out. */
    readonly omittedModeDefault: "Required" | "Optional";
}

// `satisfies` keeps these names honest against the azure-native SDK's own declarations.
const nativeProperties = {
    clientCertEnabled: "clientCertEnabled",
    clientCertMode: "clientCertMode",
    clientCertExclusionPaths: "clientCertExclusionPaths",
    httpsOnly: "httpsOnly",
    tags: "tags",
} as const satisfies Record<string, keyof NativeWebAppArgs>;

const nativeWebApp: AppServiceResourceProfile = {
    provider: "azure-native",
    resourceName: "WebApp",
    isSlot: false,
    functionApp: "by-kind",
    properties: nativeProperties,
    omittedModeDefault: "Required",
};

const nativeWebAppSlot: AppServiceResourceProfile = { ...nativeWebApp, resourceName: "WebAppSlot", isSlot: true };

// `azure-native:web:WebApp`, and every explicit API version of it (`azure-native:web/v20220901:WebApp`,
// `azure-native:web/v20260301preview:WebApp`). Anchored on both ends so that look-alikes such as
// `azure-native:web:WebAppSlotConfigurationNames` or `azure-native:webx:WebApp` stay out.
const NATIVE_TOKEN = /^azure-native:web(?:\/v\d{8}[a-z]*)?:(WebApp|WebAppSlot)$/;

const classicProfiles = new Map<string, AppServiceResourceProfile>();

/** The profile of a resource type the pack judges, or undefined for every other type. */
export function appServiceProfileFor(type: string): AppServiceResourceProfile | undefined {
    if (typeof type !== "string") {
        return undefined;
    }
    const native = NATIVE_TOKEN.exec(type);
    if (native) {
        return native[1] === "WebApp" ? nativeWebApp : nativeWebAppSlot;
    }
    return classicProfiles.get(type);
}

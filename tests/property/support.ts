// Shared by the property, config-abuse and regression specs: the pack started as the CLI starts it, the
// client-certificate options sent through Configure, and the resource types in scope of the rule, read
// from lib/app-service-resources.ts at run time (classic types included whenever the lib declares them).
import * as path from "path";
import * as resources from "../../lib/app-service-resources";
import type { AppServiceResourceProfile } from "../../lib/app-service-resources";
import { CLIENT_CERTIFICATES_POLICY } from "../../lib/policy-names";
import { AnalyzeResult, ConfigureMap, Diagnostic } from "../../tools/analyzer/analyzer-client";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap, PolicyPackConfigFile } from "../../tools/analyzer/policy-pack-config";

export const PACK_DIR = path.resolve(__dirname, "..", "..");

export interface ClientCertOptions {
    acceptServiceDefaultMode: boolean;
    allowedExclusionPaths: string[];
    includeFunctionApps: boolean;
    includeWorkflowApps: boolean;
}

export const DEFAULT_OPTIONS: ClientCertOptions = {
    acceptServiceDefaultMode: false, allowedExclusionPaths: [], includeFunctionApps: true, includeWorkflowApps: true,
};

/** Starts the pack as the CLI does and sends the CLI's Configure (schema defaults, validated by ajv). */
export async function startConfiguredPack(dir = PACK_DIR, file: PolicyPackConfigFile = {}): Promise<{ pack: RunningPack; configMap: ConfigureMap }> {
    const pack = await startPolicyPack(dir, { client: { stack: "prop", project: "fuzz" } });
    const configMap = buildConfigureMap(await pack.client.getAnalyzerInfo(), file);
    await pack.client.configure(configMap);
    return { pack, configMap };
}

/** The Configure map the CLI would build for these client-certificate options (validated by the schema). */
export function configMapFor(base: ConfigureMap, options: ClientCertOptions): ConfigureMap {
    return { ...base, [CLIENT_CERTIFICATES_POLICY]: { ...base[CLIENT_CERTIFICATES_POLICY], ...options, enforcementLevel: "mandatory" } };
}

export function ofPolicy(result: AnalyzeResult, policy = CLIENT_CERTIFICATES_POLICY): Diagnostic[] {
    return result.diagnostics.filter(d => d.policyName === policy);
}

export const CANT_RUN = /^can't run policy '[^']+' from policy pack '[^']+' during preview: /;

/** Every classic token the lib declares today, or none while it declares none. */
export function classicTypes(): string[] {
    const declared = (resources as Record<string, unknown>).CLASSIC_TYPES;
    return Array.isArray(declared) ? declared.filter((t): t is string => typeof t === "string" && resources.appServiceProfileFor(t) !== undefined) : [];
}

export function profileOf(type: string): AppServiceResourceProfile {
    const profile = resources.appServiceProfileFor(type);
    if (!profile) {
        throw new Error(`${type} is not in scope of the pack`);
    }
    return profile;
}

/** `azure-native:web/v20220901:WebApp`, `azure-native:web/v20231201preview:WebAppSlot`. */
export function versionedToken(digits: number, preview: boolean, resource: "WebApp" | "WebAppSlot"): string {
    return `azure-native:web/v${String(digits).padStart(8, "0")}${preview ? "preview" : ""}:${resource}`;
}

/**
 * The other tokens of the same resource: a local package from `pulumi package add azure-native web <version>`
 * (`azure-native_web_v20240401:web:WebApp`, or `…:web/v20240401:WebApp`; the module in the case the user
 * typed) and the deprecated azure-nextgen (`azure-nextgen:web/latest:WebApp`, `…:web/v20200601:WebApp`).
 */
export function otherNativeToken(form: "local" | "local-versioned" | "nextgen" | "nextgen-latest", moduleCase: readonly boolean[],
    digits: number, preview: boolean, resource: "WebApp" | "WebAppSlot"): string {
    const version = `v${String(digits).padStart(8, "0")}${preview ? "preview" : ""}`;
    const web = [..."web"].map((c, i) => (moduleCase[i] ? c.toUpperCase() : c)).join("");
    switch (form) {
        case "local":
            return `azure-native_${web}_${version}:${web}:${resource}`;
        case "local-versioned":
            return `azure-native_${web}_${version}:${web}/${version}:${resource}`;
        case "nextgen":
            return `azure-nextgen:web/${version}:${resource}`;
        case "nextgen-latest":
            return `azure-nextgen:web/latest:${resource}`;
    }
}

/** Elapsed-time logging for the closing report; printed indented under the mocha test title. */
export function note(line: string): void {
    console.log(`      ${line}`);
}

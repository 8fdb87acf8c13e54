// What Pulumi Cloud shows about the pack and its policies: @pulumi/policy 1.21 sends these fields in
// GetAnalyzerInfo (protoutil.js makeAnalyzerInfo), and `pulumi policy publish` copies them into the
// published pack (pkg/backend/httpstate/client/client.go PublishPolicyPack: DisplayName, Description, Readme,
// Provider, Tags, Repository; per policy DisplayName, Framework, Tags).
import * as fs from "fs";
import * as path from "path";
import type { PolicyComplianceFramework } from "@pulumi/policy";

export const PACK_NAME = "azure-app-service-client-certificates";

/**
 * The benchmark the rules implement, named as CIS names it. Not the CIS *Controls* (Pulumi's pre-built "CIS 8.1"
 * packs): the CIS Microsoft Azure Foundations Benchmark, whose v2.0.0 numbers the App Service controls 9.2 (HTTPS
 * only), 9.3 (latest TLS version) and 9.4 (incoming client certificates).
 */
export const CIS_AZURE_FOUNDATIONS = "CIS Microsoft Azure Foundations Benchmark";
export const CIS_AZURE_FOUNDATIONS_VERSION = "2.0.0";

export function cisAzureFoundations(reference: string, specification: string): PolicyComplianceFramework {
    return { name: CIS_AZURE_FOUNDATIONS, version: CIS_AZURE_FOUNDATIONS_VERSION, reference, specification };
}

/** Tags every policy of the pack carries, so that Pulumi Cloud can group them. */
export const COMMON_POLICY_TAGS: readonly string[] = ["azure", "app-service", "cis-azure-foundations"];

export function policyTags(...own: string[]): string[] {
    return [...COMMON_POLICY_TAGS, ...own];
}

export const PACK_METADATA = {
    displayName: "Azure App Service client certificates (mutual TLS)",
    description: "Every Azure App Service app and deployment slot must require incoming client certificates " +
        "(mutual TLS), accept HTTPS only and a current TLS version: CIS Microsoft Azure Foundations Benchmark " +
        "2.0.0 controls 9.4, 9.2 and 9.3, with reviewed, expiring exemptions.",
    provider: "azure",
    tags: ["azure", "app-service", "mutual-tls", "client-certificates", "cis-azure-foundations", "security"],
    readme: [
        "# Azure App Service client certificates",
        "",
        "Denies an Azure App Service app or deployment slot (azure-native and classic azure, every API version) that",
        "does not require incoming client certificates: `clientCertEnabled: true` **and** `clientCertMode: \"Required\"`,",
        "with no exclusion path that opens the site. Companion rules require `httpsOnly: true` and a minimum TLS version.",
        "",
        "Controls: CIS Microsoft Azure Foundations Benchmark 2.0.0 — 9.4 (client certificates), 9.2 (HTTPS only),",
        "9.3 (TLS version); Microsoft Defender for Cloud \"App Service web apps should have 'Incoming client",
        "certificates' enabled\".",
        "",
        "`azure-app-service-deployed-state` judges each app's deployed state (its outputs, fresh after a refresh) with",
        "the same rules, and names apps changed outside Pulumi as drift.",
        "",
        "Exemptions live in `exemptions.yaml` inside the pack: reviewed, categorised (waiver or mitigated), expiring,",
        "and listed by the `azure-app-service-exemptions-report` policy in every preview. Changing them publishes a",
        "new pack version. Options, config presets and the bypass catalogue are in the repository's README.",
    ].join("\n"),
} as const;

/**
 * The pack's repository as its package.json declares it (`repository`, a URL string or `{ url }`), or
 * undefined: the pack names no repository it was not told about. Never throws; the pack starts regardless.
 */
export function repositoryOf(packDir: string): string | undefined {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { repository?: unknown };
        const repository = pkg.repository;
        const url = typeof repository === "string" ? repository
            : repository !== null && typeof repository === "object" ? (repository as { url?: unknown }).url : undefined;
        return typeof url === "string" && url.trim() !== "" ? url.replace(/^git\+/, "") : undefined;
    } catch {
        return undefined;
    }
}

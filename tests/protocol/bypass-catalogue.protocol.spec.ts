// The README's bypass catalogue, one test per row: each way a non-compliant app slipped through a check
// like this one, sent to the pack over the Analyzer protocol, must get a mandatory violation.
import * as assert from "assert";
import * as path from "path";
import { CLIENT_CERTIFICATES_POLICY, DEPLOYED_STATE_POLICY, HTTPS_ONLY_POLICY } from "../../lib/policy-names";
import { ConfigureMap, WireResource } from "../../tools/analyzer/analyzer-client";
import { runLikeEngine } from "../../tools/analyzer/engine-run";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap, loadPolicyPackConfigFile } from "../../tools/analyzer/policy-pack-config";
import { secret, UNKNOWN } from "../../tools/analyzer/wire";
import { copyPackWithExemptions, PackCopy } from "../../tools/analyzer/pack-copy";
import { PACK_DIR, startPack } from "../helpers/protocol";

const HTTPS = { httpsOnly: true };
const REQUIRED = { clientCertEnabled: true, clientCertMode: "Required", ...HTTPS };

interface Row {
    readonly bypass: string;
    readonly resource: WireResource;
    readonly policy: string;
    readonly mentions: RegExp;
    /** Options for the client-certificate policy, where the row needs them. */
    readonly options?: Record<string, unknown>;
}

export const BYPASS_CATALOGUE: readonly Row[] = [
    {
        bypass: "versioned tokens",
        resource: { type: "azure-native:web/v20220901:WebApp", name: "versioned", properties: { clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "local API-version packages",
        resource: { type: "azure-native_web_v20240401:web:WebApp", name: "local", properties: { clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "local API-version packages (earlier v3 token form, slot)",
        resource: { type: "azure-native_web_v20240401:web/v20240401:WebAppSlot", name: "local-slot", properties: { clientCertEnabled: true, clientCertMode: "Optional", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertMode is "Optional".*on this WebAppSlot/,
    },
    {
        bypass: "the deprecated azure-nextgen provider",
        resource: { type: "azure-nextgen:web/v20200601:WebApp", name: "nextgen", properties: { clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "slots",
        resource: { type: "azure-native:web:WebAppSlot", name: "staging", properties: { clientCertEnabled: true, clientCertMode: "Optional", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertMode is "Optional".*on this WebAppSlot/,
    },
    {
        bypass: "the classic provider",
        resource: { type: "azure:appservice/linuxWebApp:LinuxWebApp", name: "classic", properties: { clientCertificateEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertificateEnabled is false.*clientCertificateEnabled: true, clientCertificateMode: "Required"/,
    },
    {
        bypass: "string booleans",
        resource: { type: "azure-native:web:WebApp", name: "stringly", properties: { clientCertEnabled: "true", clientCertMode: "Required", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is "true", not the boolean true/,
    },
    {
        bypass: "secrets",
        resource: { type: "azure-native:web:WebApp", name: "secretive", properties: { clientCertEnabled: secret(secret(false)), clientCertMode: "Required", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "root exclusion",
        resource: { type: "azure-native:web:WebApp", name: "rooted", properties: { ...REQUIRED, clientCertExclusionPaths: "/health; /" } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /excludes the root path "\/"/,
        options: { allowedExclusionPaths: ["/health"] },
    },
    {
        bypass: "an exclusion list of only spaces",
        resource: { type: "azure-native:web:WebApp", name: "spaces", properties: { ...REQUIRED, clientCertExclusionPaths: "   " } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /holds spaces, line breaks or other invisible characters/,
    },
    {
        bypass: "a line break inside an allow-listed exclusion",
        resource: { type: "azure-native:web:WebApp", name: "newline", properties: { ...REQUIRED, clientCertExclusionPaths: "/health/\n/" } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /holds spaces, line breaks or other invisible characters/,
        options: { allowedExclusionPaths: ["/health"] },
    },
    {
        bypass: "a space inside an allow-listed exclusion",
        resource: { type: "azure-native:web:WebApp", name: "space", properties: { ...REQUIRED, clientCertExclusionPaths: "/health/ /" } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /holds spaces, line breaks or other invisible characters/,
        options: { allowedExclusionPaths: ["/health"] },
    },
    {
        bypass: "an allow-listed path is a prefix",
        resource: { type: "azure-native:web:WebApp", name: "prefix", properties: { ...REQUIRED, clientCertExclusionPaths: "/health" } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /Azure matches exclusion paths as prefixes, so "\/health" also exempts paths such as "\/healthz"/,
        options: { allowedExclusionPaths: ["/health"] },
    },
    {
        bypass: "plain HTTP",
        resource: { type: "azure-native:web:WebApp", name: "plain", properties: { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: false } },
        policy: HTTPS_ONLY_POLICY,
        mentions: /httpsOnly/,
    },
    {
        bypass: "function-app default mode",
        resource: { type: "azure:appservice/linuxFunctionApp:LinuxFunctionApp", name: "fn", properties: { clientCertificateEnabled: true, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertificateMode is not set, and this resource's default is "Optional"/,
        options: { includeFunctionApps: true },
    },
    {
        bypass: "enabled without Required",
        resource: { type: "azure-native:web:WebApp", name: "optional", properties: { clientCertEnabled: true, clientCertMode: "OptionalInteractiveUser", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertMode is "OptionalInteractiveUser"/,
    },
    {
        bypass: "a kind that claims to be a workflow app",
        resource: { type: "azure-native:web:WebApp", name: "claims", properties: { kind: "app,workflowapp", clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "kind is a label: a web app that calls itself a function app",
        resource: { type: "azure-native:web:WebApp", name: "labelled", properties: { kind: "functionapp", clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "kind is a label: plain HTTP on a web app that calls itself a function app",
        resource: { type: "azure-native:web:WebApp", name: "labelled-http", properties: { kind: "functionapp", ...REQUIRED, httpsOnly: false } },
        policy: HTTPS_ONLY_POLICY,
        mentions: /httpsOnly is false/,
    },
    {
        bypass: "kind is a label: a web app that calls itself a workflow app",
        resource: { type: "azure-native:web:WebApp", name: "workflow-label", properties: { kind: "functionapp,workflowapp", clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
        options: { includeFunctionApps: true },
    },
    {
        bypass: "kind is a label: a web app that calls itself hosted on Container Apps",
        resource: { type: "azure-native:web:WebApp", name: "aca-label", properties: { kind: "functionapp,linux,container,azurecontainerapps", clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /names Azure Container Apps, but managedEnvironmentId is not set/,
    },
    {
        bypass: "classic Logic Apps Standard",
        resource: { type: "azure:logicapps/standard:Standard", name: "flows", properties: { clientCertificateMode: "Optional", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertificateMode is "Optional".*on this logicapps\.Standard/,
    },
    {
        bypass: "classic Flex Consumption function app",
        resource: { type: "azure:appservice/appFlexConsumption:AppFlexConsumption", name: "flex", properties: { clientCertificateEnabled: true, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertificateMode is not set, and this resource's default is "Optional"/,
    },
    {
        bypass: "a kind set to the unknown sentinel",
        resource: { type: "azure-native:web:WebApp", name: "sentinel", properties: { kind: UNKNOWN, clientCertEnabled: false, ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false/,
    },
    {
        bypass: "a wrong mode hidden behind an unknown enabled",
        resource: { type: "azure-native:web:WebApp", name: "preview", properties: { clientCertEnabled: UNKNOWN, clientCertMode: "Optional", ...HTTPS } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertMode is "Optional"/,
    },
    {
        bypass: "a generic ARM resource",
        resource: {
            type: "azure-native:resources:Resource",
            name: "generic",
            properties: { resourceProviderNamespace: "Microsoft.Web", parentResourcePath: "", resourceType: "sites", apiVersion: "2023-12-01", resourceGroupName: "rg", properties: { clientCertEnabled: false, ...HTTPS } },
        },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false.*generic Resource \(Microsoft.Web\/sites\)/,
    },
    {
        bypass: "an ARM template deployment",
        resource: {
            type: "azure-native:resources:Deployment",
            name: "arm",
            properties: { resourceGroupName: "rg", properties: { mode: "Incremental", template: { resources: [
                { type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "shop", properties: { clientCertEnabled: false, ...HTTPS } },
            ] } } },
        },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /^In the template of this Deployment, site "shop" \(Microsoft.Web\/sites at properties.template.resources\[0\]\): .*clientCertEnabled is false/m,
    },
    {
        bypass: "a classic template deployment",
        resource: {
            type: "azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment",
            name: "classic-arm",
            properties: { resourceGroupName: "rg", deploymentMode: "Incremental", templateContent: JSON.stringify({ resources: [
                { type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "shop", properties: { clientCertEnabled: false, ...HTTPS } },
            ] }) },
        },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /site "shop" \(Microsoft.Web\/sites at templateContent.resources\[0\]\): .*clientCertEnabled is false/,
    },
    {
        bypass: "a template the pack cannot read",
        resource: {
            type: "azure-native:resources:Deployment",
            name: "linked",
            properties: { resourceGroupName: "rg", properties: { mode: "Incremental", templateLink: { uri: "https://example.com/site.json" } } },
        },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /cannot resolve templateLink at properties.templateLink/,
    },
    {
        bypass: "a template value the pack cannot resolve",
        resource: {
            type: "azure-native:resources:Deployment",
            name: "expression",
            properties: { resourceGroupName: "rg", properties: { mode: "Incremental", template: { resources: [
                { type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "shop", properties: { clientCertEnabled: "[not(true())]", clientCertMode: "Required", ...HTTPS } },
            ] } } },
        },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /cannot resolve \[not\(true\(\)\)\] at properties.template.resources\[0\].properties.clientCertEnabled/,
    },
    {
        bypass: "a property name in another case",
        resource: {
            type: "azure-native:resources:Resource",
            name: "cased",
            properties: { resourceProviderNamespace: "Microsoft.Web", parentResourcePath: "", resourceType: "sites", apiVersion: "2023-12-01", resourceGroupName: "rg",
                properties: { ...REQUIRED, ClientCertEnabled: false } },
        },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /"ClientCertEnabled" and "clientCertEnabled" at properties.clientCertEnabled: these keys differ only in case/,
    },
    {
        bypass: "an azapi resource",
        resource: { type: "azapi:index/resource:Resource", name: "azapi-site", properties: { type: "Microsoft.Web/sites@2023-12-01", parentId: "/subscriptions/x/resourceGroups/rg", body: { properties: { clientCertEnabled: false, ...HTTPS } } } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false.*azapi Resource \(Microsoft.Web\/sites\)/,
    },
    {
        bypass: "an azapi update of an existing site",
        resource: { type: "azapi:index/updateResource:UpdateResource", name: "azapi-patch", properties: { type: "Microsoft.Web/sites@2023-12-01", resourceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/sites/shop", body: JSON.stringify({ properties: { clientCertEnabled: false } }) } },
        policy: CLIENT_CERTIFICATES_POLICY,
        mentions: /clientCertEnabled is false.*azapi UpdateResource \(Microsoft.Web\/sites\)/,
    },
];

describe("protocol: the bypass catalogue", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    before(async () => {
        ({ pack, configMap } = await startPack());
    });
    after(async () => pack?.stop());

    for (const row of BYPASS_CATALOGUE) {
        it(`denies ${row.bypass}`, async () => {
            if (row.options) {
                await pack.client.configure({
                    ...configMap,
                    [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], ...row.options },
                });
            }
            try {
                const result = await pack.client.analyze(row.resource);
                const denied = result.diagnostics.filter(d => d.policyName === row.policy && d.enforcementLevel === "mandatory");
                assert.ok(denied.some(d => row.mentions.test(d.message)),
                    `${row.bypass}: ${JSON.stringify(result.diagnostics.map(d => `[${d.policyName} ${d.enforcementLevel}] ${d.message}`))}`);
            } finally {
                await pack.client.configure(configMap);
            }
        });
    }
});

describe("protocol: the bypass catalogue, exemptions", function () {
    this.timeout(60_000);
    let copy: PackCopy;
    let pack: RunningPack;

    before(async () => {
        copy = copyPackWithExemptions(PACK_DIR, `exemptions:
  - {urn: "urn:pulumi:*::storefront::*", reason: "Front Door terminates mutual TLS", category: mitigated}
  - {urn: "urn:pulumi:*::*::azure-native*", reason: "every azure-native app", category: mitigated}
  - {urn: "urn:pulumi:*::checkout::*", organization: acme, reason: "Front Door terminates mutual TLS", category: mitigated}
`);
        ({ pack } = await startPack(copy.dir));
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });

    it("denies an app of another project whose name holds ::<exempt project>::", async () => {
        const result = await pack.client.analyze({
            type: "azure-native:web:WebApp",
            name: "x::storefront::y",
            urn: "urn:pulumi:prod::evil::azure-native:web:WebApp::x::storefront::y",
            properties: { clientCertEnabled: false, ...HTTPS },
        });
        assert.ok(result.diagnostics.some(d => d.policyName === CLIENT_CERTIFICATES_POLICY && d.enforcementLevel === "mandatory"));
    });

    it("denies an app of another organization's project of the same name, where the entry names its organization", async () => {
        await pack.client.configureStack({ organization: "evil", project: "checkout", stack: "prod" });
        const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "shop", urn: "urn:pulumi:prod::checkout::azure-native:web:WebApp::shop", properties: { clientCertEnabled: false, ...HTTPS } });
        assert.ok(result.diagnostics.some(d => d.policyName === CLIENT_CERTIFICATES_POLICY && d.enforcementLevel === "mandatory"));
        await pack.client.configureStack({ organization: "acme", project: "checkout", stack: "prod" });
        const exempt = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "shop", urn: "urn:pulumi:prod::checkout::azure-native:web:WebApp::shop", properties: { clientCertEnabled: false, ...HTTPS } });
        assert.ok(!exempt.diagnostics.some(d => d.policyName === CLIENT_CERTIFICATES_POLICY && d.enforcementLevel === "mandatory"));
    });

    it("refuses a glob over every project's apps that does not say so", async () => {
        const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "any", urn: "urn:pulumi:prod::shop::azure-native:web:WebApp::any", properties: { clientCertEnabled: false, ...HTTPS } });
        const denied = result.diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY && d.enforcementLevel === "mandatory");
        assert.match(denied.map(d => d.message).join("\n"), /does not name one project/);
    });
});

describe("protocol: the bypass catalogue, changed outside Pulumi", function () {
    this.timeout(60_000);
    let pack: RunningPack;

    before(async () => {
        pack = await startPolicyPack(PACK_DIR);
        // config/full-enforcement.json makes the deployed-state policy mandatory (its default is advisory).
        await pack.client.configure(buildConfigureMap(await pack.client.getAnalyzerInfo(),
            loadPolicyPackConfigFile(path.join(PACK_DIR, "config", "full-enforcement.json"))));
    });
    after(async () => pack?.stop());

    it("denies an app whose client certificates were turned off in the portal while the program still asks for them", async () => {
        // `az webapp update --set clientCertEnabled=false`: the inputs comply, the refreshed outputs do not.
        const urn = "urn:pulumi:prod::shop::azure-native:web:WebApp::portal-edit";
        const run = await runLikeEngine(pack.client, [{
            type: "azure-native:web:WebApp", name: "portal-edit", urn,
            inputs: REQUIRED, outputs: { ...REQUIRED, clientCertEnabled: false, kind: "app" },
        }], { mode: "snapshot" });
        assert.deepStrictEqual(run.analyses[0].diagnostics, []);
        const denied = run.stack.diagnostics.filter(d => d.policyName === DEPLOYED_STATE_POLICY && d.enforcementLevel === "mandatory");
        assert.strictEqual(denied.length, 1, JSON.stringify(run.stack.diagnostics));
        assert.strictEqual(denied[0].urn, urn);
        assert.match(denied[0].message, /clientCertEnabled is false\. This is drift/);
    });
});

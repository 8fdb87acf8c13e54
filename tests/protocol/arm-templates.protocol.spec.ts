// Sites deployed through ARM-shaped resources, judged over the Analyzer protocol as the CLI sends them:
// azure-native's generic resources:Resource, ARM template deployments (azure-native Deployment* and
// DeploymentStack*, the classic *TemplateDeployment with its JSON strings), and azapi through Pulumi's
// any-Terraform-provider support. Each case would pass unjudged without the seam in lib/deployed-sites.ts.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY } from "../../lib/policy-names";
import { AnalyzeResult, ConfigureMap, Diagnostic, WireResource } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { secret, UNKNOWN } from "../../tools/analyzer/wire";
import { startPackForTests, startPackWithExemptions } from "../helpers/protocol";

const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } };
const CANT_RUN = /^can't run policy '[^']+' from policy pack '[^']+' during preview: /;

const webSite = (properties: unknown, extra: Record<string, unknown> = {}) =>
    ({ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "[parameters('siteName')]", kind: "app", properties, ...extra });

const SITE_NAME = { siteName: { type: "string", defaultValue: "shop-web" } };

function deployment(template: unknown, parameters?: unknown, extra: Record<string, unknown> = {}): WireResource {
    return {
        type: "azure-native:resources:Deployment",
        name: "arm",
        properties: { resourceGroupName: "rg", properties: { mode: "Incremental", template, ...(parameters ? { parameters } : {}), ...extra } },
    };
}

function generic(resourceType: string, parentResourcePath: string, properties: unknown, kind = "app"): WireResource {
    return {
        type: "azure-native:resources:Resource",
        name: "generic",
        properties: { resourceGroupName: "rg", resourceProviderNamespace: "Microsoft.Web", parentResourcePath, resourceType, apiVersion: "2023-12-01", kind, properties },
    };
}

function azapi(type: "Resource" | "UpdateResource", armType: string, body: unknown): WireResource {
    const token = type === "Resource" ? "azapi:index/resource:Resource" : "azapi:index/updateResource:UpdateResource";
    return { type: token, name: "azapi", properties: { type: armType, parentId: "/subscriptions/x/resourceGroups/rg", body } };
}

const ofPolicy = (result: AnalyzeResult, policy = CLIENT_CERTIFICATES_POLICY) => result.diagnostics.filter(d => d.policyName === policy);
const shown = (diagnostics: Diagnostic[]) => JSON.stringify(diagnostics.map(d => `[${d.policyName} ${d.enforcementLevel}] ${d.message}`));

describe("protocol: sites deployed through generic resources, ARM templates and azapi", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    startPackForTests(started => ({ pack, configMap } = started));

    async function mandatory(resource: WireResource, policy = CLIENT_CERTIFICATES_POLICY): Promise<Diagnostic[]> {
        const result = await pack.client.analyze(resource);
        const found = ofPolicy(result, policy).filter(d => d.enforcementLevel === "mandatory");
        assert.ok(found.length > 0, `expected a mandatory ${policy} violation, got ${shown(result.diagnostics)}`);
        return found;
    }

    async function clean(resource: WireResource): Promise<void> {
        const result = await pack.client.analyze(resource);
        assert.deepStrictEqual(result.diagnostics, [], shown(result.diagnostics));
    }

    /** A compliant case passes, and the same case with one setting flipped is denied: so it is judged. */
    async function judgedAndCompliant(compliant: WireResource, flipped: WireResource, mentions: RegExp): Promise<void> {
        await clean(compliant);
        const denied = await mandatory(flipped);
        assert.match(denied.map(d => d.message).join("\n"), mentions);
    }

    describe("azure-native:resources:Resource", () => {
        it("denies a generic Microsoft.Web/sites with client certificates off, naming the generic resource and what to set", async () => {
            const [diagnostic] = await mandatory(generic("sites", "", { ...COMPLIANT, clientCertEnabled: false }));
            assert.match(diagnostic.message, /clientCertEnabled is false.*Fix: set clientCertEnabled: true, clientCertMode: "Required" on this generic Resource \(Microsoft.Web\/sites\), inside its properties/);
        });

        it("passes a compliant generic site", async () => {
            await judgedAndCompliant(generic("sites", "", COMPLIANT), generic("sites", "", { ...COMPLIANT, clientCertMode: "Optional" }), /clientCertMode is "Optional"/);
        });

        it("denies a generic slot (parentResourcePath sites/<app>, resourceType slots)", async () => {
            const [diagnostic] = await mandatory(generic("slots", "sites/shop-web", { ...COMPLIANT, clientCertMode: "OptionalInteractiveUser" }));
            assert.match(diagnostic.message, /generic Resource \(Microsoft.Web\/sites\/slots\)/);
        });

        it("passes a compliant generic slot", async () => {
            await judgedAndCompliant(generic("slots", "sites/shop-web", COMPLIANT), generic("slots", "sites/shop-web", { ...COMPLIANT, clientCertEnabled: "true" }),
                /clientCertEnabled is "true", not the boolean true/);
        });

        it("applies the HTTPS and TLS rules to it too", async () => {
            await mandatory(generic("sites", "", { ...COMPLIANT, httpsOnly: false }), HTTPS_ONLY_POLICY);
            const result = await pack.client.analyze(generic("sites", "", { ...COMPLIANT, siteConfig: { minTlsVersion: "1.0" } }));
            assert.match(ofPolicy(result, MINIMUM_TLS_POLICY).map(d => d.message).join("\n"), /siteConfig.minTlsVersion is "1.0"/);
        });
    });

    describe("ARM template deployments", () => {
        it("denies an inline template's site with client certificates off, naming the deployment, the site and the path", async () => {
            const [diagnostic] = await mandatory(deployment({ parameters: SITE_NAME, resources: [webSite({ ...COMPLIANT, clientCertEnabled: false })] }));
            assert.match(diagnostic.message, /^In the template of this Deployment, site "\[parameters\('siteName'\)\]" \(Microsoft.Web\/sites at properties.template.resources\[0\]\): Client certificates are not required: clientCertEnabled is false/m);
            assert.match(diagnostic.message, /on this site, inside properties.template.resources\[0\].properties/);
        });

        it("passes an inline template whose sites comply", async () => {
            await judgedAndCompliant(
                deployment({ parameters: SITE_NAME, resources: [webSite(COMPLIANT)] }),
                deployment({ parameters: SITE_NAME, resources: [webSite(COMPLIANT), webSite({ ...COMPLIANT, httpsOnly: true, clientCertMode: "Optional" }, { name: "second" })] }),
                /site "second".*clientCertMode is "Optional"/);
        });

        it("resolves a parameter to false from the deployment's values, and denies", async () => {
            const template = { parameters: { ...SITE_NAME, clientCerts: { type: "bool", defaultValue: true } }, resources: [webSite({ ...COMPLIANT, clientCertEnabled: "[parameters('clientCerts')]" })] };
            const [diagnostic] = await mandatory(deployment(template, { clientCerts: { value: false } }));
            assert.match(diagnostic.message, /clientCertEnabled is false/);
        });

        it("resolves a parameter to true (its default) and passes", async () => {
            const template = (fallback: boolean) => ({ parameters: { ...SITE_NAME, clientCerts: { type: "bool", defaultValue: fallback } }, resources: [webSite({ ...COMPLIANT, clientCertEnabled: "[parameters('clientCerts')]" })] });
            await judgedAndCompliant(deployment(template(true)), deployment(template(false)), /clientCertEnabled is false/);
        });

        it("resolves a variable", async () => {
            const template = { parameters: SITE_NAME, variables: { certMode: "Optional" }, resources: [webSite({ ...COMPLIANT, clientCertMode: "[variables('certMode')]" })] };
            const [diagnostic] = await mandatory(deployment(template));
            assert.match(diagnostic.message, /clientCertMode is "Optional"/);
        });

        it("denies an expression it cannot resolve, naming it", async () => {
            const template = { parameters: SITE_NAME, resources: [webSite({ ...COMPLIANT, clientCertEnabled: "[equals(parameters('siteName'), 'shop-web')]" })] };
            const [diagnostic] = await mandatory(deployment(template));
            assert.match(diagnostic.message, /The pack cannot resolve \[equals\(parameters\('siteName'\), 'shop-web'\)\] at properties.template.resources\[0\].properties.clientCertEnabled/);
            assert.match(diagnostic.message, /Fix: write a literal value.*or have this resource exempted/);
        });

        it("reports an unresolvable value at the level the unresolvableValues option sets", async () => {
            const template = { parameters: SITE_NAME, resources: [webSite({ ...COMPLIANT, clientCertEnabled: "[bool('true')]" })] };
            await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], unresolvableValues: "advisory" } });
            try {
                const result = await pack.client.analyze(deployment(template));
                assert.deepStrictEqual(ofPolicy(result).map(d => d.enforcementLevel), ["advisory"], shown(result.diagnostics));
                assert.match(ofPolicy(result)[0].message, /cannot resolve \[bool\('true'\)\]/);
            } finally {
                await pack.client.configure(configMap);
            }
        });

        it("denies a templateLink, which it cannot read", async () => {
            const resource: WireResource = {
                type: "azure-native:resources:Deployment",
                name: "linked",
                properties: { resourceGroupName: "rg", properties: { mode: "Incremental", templateLink: { uri: "https://example.com/site.json" } } },
            };
            for (const policy of [CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY]) {
                const [diagnostic] = await mandatory(resource, policy);
                assert.match(diagnostic.message, /cannot resolve templateLink at properties.templateLink.*Fix: inline the template/);
            }
        });

        it("judges a site inside a nested deployment", async () => {
            const nested = {
                type: "Microsoft.Resources/deployments",
                apiVersion: "2022-09-01",
                name: "inner",
                properties: { mode: "Incremental", template: { resources: [webSite({ ...COMPLIANT, clientCertEnabled: false }, { name: "nested-site" })] } },
            };
            const [diagnostic] = await mandatory(deployment({ resources: [nested] }));
            assert.match(diagnostic.message, /site "nested-site" \(Microsoft.Web\/sites at properties.template.resources\[0\].properties.template.resources\[0\]\)/);
        });

        it("judges a slot declared as a child resource of a site", async () => {
            const parent = webSite(COMPLIANT, { resources: [{ type: "slots", apiVersion: "2023-12-01", name: "staging", properties: { ...COMPLIANT, clientCertMode: "Optional" } }] });
            const [diagnostic] = await mandatory(deployment({ parameters: SITE_NAME, resources: [parent] }));
            assert.match(diagnostic.message, /site "staging" \(Microsoft.Web\/sites\/slots at properties.template.resources\[0\].resources\[0\]\)/);
        });

        it("judges the classic templateContent string with its parametersContent", async () => {
            const template = { parameters: { ...SITE_NAME, https: { type: "bool" } }, resources: [webSite({ ...COMPLIANT, httpsOnly: "[parameters('https')]" })] };
            const resource: WireResource = {
                type: "azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment",
                name: "classic",
                properties: { resourceGroupName: "rg", deploymentMode: "Incremental", templateContent: JSON.stringify(template), parametersContent: JSON.stringify({ https: { value: false } }) },
            };
            const [diagnostic] = await mandatory(resource, HTTPS_ONLY_POLICY);
            assert.match(diagnostic.message, /In the template of this ResourceGroupTemplateDeployment, site .* at templateContent.resources\[0\]\): The app accepts plain HTTP: httpsOnly is false/);
        });

        it("leaves a template's other resources alone, and says the deployment is not applicable", async () => {
            const storage = { type: "Microsoft.Storage/storageAccounts", apiVersion: "2023-01-01", name: "st", properties: { clientCertEnabled: false, httpsOnly: false, supportsHttpsTrafficOnly: false } };
            const result = await pack.client.analyze(deployment({ resources: [storage] }));
            assert.deepStrictEqual(result.diagnostics, [], shown(result.diagnostics));
            const reason = result.notApplicable.find(n => n.policyName === CLIENT_CERTIFICATES_POLICY)?.reason;
            assert.match(reason ?? "", /deploys no App Service site/);
        });

        it("judges a deployment stack's template", async () => {
            const resource: WireResource = {
                type: "azure-native:resources:DeploymentStackAtResourceGroup",
                name: "stack",
                properties: { resourceGroupName: "rg", actionOnUnmanage: { resources: "delete" }, denySettings: { mode: "none" }, template: { parameters: SITE_NAME, resources: [webSite({ ...COMPLIANT, clientCertEnabled: false })] } },
            };
            await mandatory(resource);
        });

        it("waits for unknown parameter values during preview, and keeps secret values readable", async () => {
            const template = { parameters: { ...SITE_NAME, clientCerts: { type: "bool" } }, resources: [webSite({ ...COMPLIANT, clientCertEnabled: "[parameters('clientCerts')]" })] };
            const unknown = await pack.client.analyze(deployment(template, { clientCerts: { value: UNKNOWN } }));
            assert.ok(ofPolicy(unknown).length === 1 && CANT_RUN.test(ofPolicy(unknown)[0].message), shown(unknown.diagnostics));
            const hidden = await pack.client.analyze(deployment(template, secret({ clientCerts: { value: secret(false) } })));
            assert.match(ofPolicy(hidden).map(d => `${d.enforcementLevel} ${d.message}`).join("\n"), /mandatory [\s\S]*clientCertEnabled is false/);
        });

        it("at remediate, leaves the template as it is and says so in the violation", async () => {
            await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], enforcementLevel: "remediate" } });
            try {
                const resource = { ...deployment({ parameters: SITE_NAME, resources: [webSite({ ...COMPLIANT, clientCertEnabled: false })] }), urn: "urn:pulumi:prod::shop::azure-native:resources:Deployment::remediated" };
                // The engine's order: every remediation of a resource, then its analysis (step_generator.go).
                const remediated = await pack.client.remediate(resource);
                assert.deepStrictEqual(remediated.remediations.filter(r => r.policyName === CLIENT_CERTIFICATES_POLICY), []);
                const [diagnostic] = await mandatory(resource);
                assert.match(diagnostic.message, /remediation does not rewrite ARM templates/);
            } finally {
                await pack.client.configure(configMap);
            }
        });
    });

    describe("azapi", () => {
        it("denies an azapi Resource of Microsoft.Web/sites with client certificates off", async () => {
            const [diagnostic] = await mandatory(azapi("Resource", "Microsoft.Web/sites@2023-12-01", { kind: "app", properties: { ...COMPLIANT, clientCertEnabled: false } }));
            assert.match(diagnostic.message, /on this azapi Resource \(Microsoft.Web\/sites\), inside body.properties/);
        });

        it("reads a body written as a JSON string (azapi v1) and passes a compliant one", async () => {
            await judgedAndCompliant(
                azapi("Resource", "Microsoft.Web/sites@2023-12-01", JSON.stringify({ kind: "app", properties: COMPLIANT })),
                azapi("Resource", "Microsoft.Web/sites/slots@2023-12-01", JSON.stringify({ kind: "app", properties: { ...COMPLIANT, clientCertMode: "Optional" } })),
                /azapi Resource \(Microsoft.Web\/sites\/slots\)/);
        });

        it("denies an UpdateResource that turns client certificates off on a site", async () => {
            const [diagnostic] = await mandatory(azapi("UpdateResource", "Microsoft.Web/sites@2023-12-01", { properties: { clientCertEnabled: false } }));
            assert.match(diagnostic.message, /clientCertEnabled is false.*azapi UpdateResource \(Microsoft.Web\/sites\)/);
            const [mode] = await mandatory(azapi("UpdateResource", "Microsoft.Web/sites/slots@2023-12-01", { properties: { clientCertMode: "Optional" } }));
            assert.match(mode.message, /clientCertMode is "Optional"/);
        });

        it("denies a ResourceAction that PATCHes a site's settings", async () => {
            const resource: WireResource = {
                type: "azapi:index/resourceAction:ResourceAction",
                name: "patch",
                properties: { type: "Microsoft.Web/sites@2023-12-01", resourceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/sites/shop", method: "PATCH", body: { properties: { httpsOnly: false } } },
            };
            const [diagnostic] = await mandatory(resource, HTTPS_ONLY_POLICY);
            assert.match(diagnostic.message, /httpsOnly is false.*azapi ResourceAction \(Microsoft.Web\/sites\)/);
        });

        it("passes an UpdateResource that does not touch the settings the rules read", async () => {
            await judgedAndCompliant(
                azapi("UpdateResource", "Microsoft.Web/sites@2023-12-01", { properties: { publicNetworkAccess: "Disabled" } }),
                azapi("UpdateResource", "Microsoft.Web/sites@2023-12-01", { properties: { publicNetworkAccess: "Disabled", clientCertExclusionPaths: "/" } }),
                /excludes the root path/);
        });
    });
});

describe("protocol: exemptions of a deployment apply by its URN", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    const urn = "urn:pulumi:prod::shop::azure-native:resources:Deployment::legacy-arm";
    const resource: WireResource = {
        type: "azure-native:resources:Deployment",
        name: "legacy-arm",
        urn,
        properties: { resourceGroupName: "rg", properties: { mode: "Incremental", template: { resources: [webSite({ ...COMPLIANT, clientCertEnabled: false }, { name: "legacy" })] } } },
    };

    startPackWithExemptions(`exemptions:
  - {urn: "${urn}", reason: "Front Door terminates mutual TLS", category: mitigated, ticket: SEC-9}
`, started => ({ pack } = started));

    it("lets the exempt deployment pass, and the report lists it", async () => {
        const result = await pack.client.analyze(resource);
        assert.deepStrictEqual(ofPolicy(result), [], shown(result.diagnostics));
        const other = await pack.client.analyze({ ...resource, name: "other", urn: urn.replace("legacy-arm", "other") });
        assert.strictEqual(ofPolicy(other).length, 1);
        const stack = await pack.client.analyzeStack([resource]);
        const report = stack.diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY);
        // Under the report's default findings option, exemptions in force are listed in the stack's summary line.
        assert.ok(report.some(d => /^exemptions summary in stack prod of project shop \(1 in force\): legacy-arm \(azure-native:resources:Deployment\) from azure-app-service-require-client-certificates with no expiry/.test(d.message)), shown(report));
    });
});

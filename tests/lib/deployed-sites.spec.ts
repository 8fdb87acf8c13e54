import * as assert from "assert";
import * as azureNative from "@pulumi/azure-native";
import { Unresolvable } from "../../lib/arm-nodes";
import { ARM_SHAPED_TYPES, sitesOf } from "../../lib/deployed-sites";
import { DeployedSites } from "../../lib/site-view";
import { Unknown } from "../../lib/observed-values";
import { UNKNOWN } from "../../tools/analyzer/wire";

function sites(type: string, props: unknown): DeployedSites {
    const found = sitesOf(type, props);
    assert.ok(found, `${type} deploys sites`);
    return found;
}

const webSite = (properties: unknown) => ({ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "app", properties });

describe("deployed-sites", () => {
    it("names only tokens azure-native registers", () => {
        // Reading __pulumiType from the installed SDK (a dev dependency) ties each token to its class.
        const registered = new Set(Object.values(azureNative.resources)
            .map(value => (value as { __pulumiType?: unknown }).__pulumiType)
            .filter((t): t is string => typeof t === "string"));
        for (const type of ARM_SHAPED_TYPES.filter(t => t.startsWith("azure-native:"))) {
            assert.ok(registered.has(type), `${type} is registered by @pulumi/azure-native`);
        }
    });

    it("a WebApp deploys itself, read at its root, and may be remediated", () => {
        const found = sites("azure-native:web:WebApp", { clientCertEnabled: false });
        assert.strictEqual(found.sites.length, 1);
        assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), false);
        assert.strictEqual(found.sites[0].location, undefined);
        assert.ok(found.remediable);
    });

    it("leaves other types alone", () => {
        assert.strictEqual(sitesOf("azure-native:storage:StorageAccount", {}), undefined);
        assert.strictEqual(sitesOf("azure-native:resources:ResourceGroup", {}), undefined);
        assert.strictEqual(sitesOf("azure-native:resources:Resource",
            { resourceProviderNamespace: "Microsoft.Storage", resourceType: "storageAccounts", parentResourcePath: "", properties: {} }), undefined);
        assert.strictEqual(sitesOf("azapi:index/resource:Resource", { type: "Microsoft.Storage/storageAccounts@2023-01-01", body: {} }), undefined);
    });

    describe("azure-native:resources:Resource", () => {
        const generic = (extra: Record<string, unknown>) => ({ resourceProviderNamespace: "Microsoft.Web", parentResourcePath: "", apiVersion: "2023-12-01", ...extra });

        it("is a site or a slot by namespace (any case), parent path and type, at any API version", () => {
            const site = sites("azure-native:resources/v20240301:Resource", generic({ resourceType: "sites", kind: "app", properties: { clientCertEnabled: false } }));
            assert.strictEqual(site.sites[0].resource.profile.isSlot, false);
            assert.strictEqual(site.sites[0].resource.read("clientCertEnabled"), false);
            assert.strictEqual(site.sites[0].resource.read("kind"), "app");
            assert.ok(!site.remediable);
            const slot = sites("azure-native:resources:Resource", generic({ resourceProviderNamespace: "microsoft.WEB", parentResourcePath: "sites/app", resourceType: "slots", properties: {} }));
            assert.strictEqual(slot.sites[0].resource.profile.isSlot, true);
            assert.match(slot.sites[0].resource.profile.resourceName, /generic Resource \(Microsoft.Web\/sites\/slots\), inside its properties/);
            const config = sitesOf("azure-native:resources:Resource", generic({ parentResourcePath: "sites/app", resourceType: "config", properties: {} }));
            assert.strictEqual(config, undefined);
        });

        it("waits for an unknown namespace or type", () => {
            const found = sites("azure-native:resources:Resource", generic({ resourceType: UNKNOWN }));
            assert.strictEqual(found.unknowns.length, 1);
            assert.strictEqual(found.sites.length, 0);
        });

        it("a generic Microsoft.Resources/deployments is a template deployment", () => {
            const found = sites("azure-native:resources:Resource", {
                resourceProviderNamespace: "Microsoft.Resources", resourceType: "deployments", parentResourcePath: "",
                properties: { mode: "Incremental", template: { resources: [webSite({ clientCertEnabled: false })] } },
            });
            assert.strictEqual(found.sites.length, 1);
            assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), false);
        });
    });

    describe("template deployments", () => {
        it("reads azure-native Deployment*, at any scope, under properties", () => {
            for (const type of ["Deployment", "DeploymentAtScope", "DeploymentAtSubscriptionScope", "DeploymentAtManagementGroupScope", "DeploymentAtTenantScope"]) {
                const found = sites(`azure-native:resources:${type}`, { properties: { mode: "Incremental", template: { resources: [webSite({ clientCertEnabled: false })] } } });
                assert.strictEqual(found.sites.length, 1, type);
                assert.match(found.sites[0].location!, new RegExp(`^In the template of this ${type}, site "app" \\(Microsoft.Web/sites at properties.template.resources\\[0\\]\\)$`));
            }
        });

        it("reads a template given as a JSON string rather than let it through", () => {
            const found = sites("azure-native:resources:Deployment", { properties: { mode: "Incremental", template: JSON.stringify({ resources: [webSite({ clientCertEnabled: false })] }) } });
            assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), false);
        });

        it("reads deployment stacks at their root", () => {
            for (const type of ["DeploymentStackAtResourceGroup", "DeploymentStackAtSubscription", "DeploymentStackAtManagementGroup"]) {
                const found = sites(`azure-native:resources:${type}`, {
                    template: { parameters: { cc: { type: "bool" } }, resources: [webSite({ clientCertEnabled: "[parameters('cc')]" })] },
                    parameters: { cc: { value: false } },
                });
                assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), false, type);
            }
        });

        it("reads the classic templateContent and parametersContent, bare or as a parameters file", () => {
            const template = JSON.stringify({ parameters: { cc: { type: "bool" } }, resources: [webSite({ clientCertEnabled: "[parameters('cc')]" })] });
            for (const type of [
                "azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment",
                "azure:core/subscriptionTemplateDeployment:SubscriptionTemplateDeployment",
                "azure:core/tenantTemplateDeployment:TenantTemplateDeployment",
                "azure:management/groupTemplateDeployment:GroupTemplateDeployment",
            ]) {
                const bare = sites(type, { templateContent: template, parametersContent: JSON.stringify({ cc: { value: false } }) });
                assert.strictEqual(bare.sites[0].resource.read("clientCertEnabled"), false, type);
                const file = sites(type, {
                    templateContent: template,
                    parametersContent: JSON.stringify({ $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", contentVersion: "1.0.0.0", parameters: { cc: { value: true } } }),
                });
                assert.strictEqual(file.sites[0].resource.read("clientCertEnabled"), true, type);
            }
            const spec = sites("azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment", { templateSpecVersionId: "/subscriptions/x/templateSpecs/s/versions/1" });
            assert.deepStrictEqual(spec.unreadable.map(u => u.what), ["templateSpecVersionId"]);
            const broken = sites("azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment", { templateContent: "{ not json" });
            assert.deepStrictEqual(broken.unreadable.map(u => u.what), ["templateContent"]);
        });

        it("reads the deprecated classic TemplateDeployment (v5): templateBody with parametersBody or a map of strings", () => {
            const type = "azure:core/templateDeployment:TemplateDeployment";
            const templateBody = JSON.stringify({ parameters: { mode: { type: "string" } }, resources: [webSite({ clientCertMode: "[parameters('mode')]" })] });
            assert.strictEqual(sites(type, { templateBody, parameters: { mode: "Optional" } }).sites[0].resource.read("clientCertMode"), "Optional");
            assert.strictEqual(sites(type, { templateBody, parametersBody: JSON.stringify({ mode: { value: "Required" } }) }).sites[0].resource.read("clientCertMode"), "Required");
            const both = sites(type, { templateBody, parameters: { mode: "Optional" }, parametersBody: JSON.stringify({ mode: { value: "Required" } }) });
            const value = both.sites[0].resource.read("clientCertMode");
            assert.ok(value instanceof Unresolvable && /both parameters and parametersBody/.test(value.reason));
        });

        it("says why a template with no site is not applicable", () => {
            const found = sites("azure-native:resources:Deployment", { properties: { template: { resources: [{ type: "Microsoft.Storage/storageAccounts", name: "s" }] } } });
            assert.strictEqual(found.sites.length, 0);
            assert.match(found.noSiteReason, /deploys no App Service site/);
        });
    });

    describe("azapi", () => {
        it("reads a Resource's body as an object or a JSON string, kind inside the body, tags at the top", () => {
            for (const body of [{ kind: "app", properties: { clientCertEnabled: false } }, JSON.stringify({ kind: "app", properties: { clientCertEnabled: false } })]) {
                const found = sites("azapi:index/resource:Resource", { type: "Microsoft.Web/sites@2023-12-01", body, tags: { exempt: "x" } });
                assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), false);
                assert.strictEqual(found.sites[0].resource.read("kind"), "app");
                assert.strictEqual(found.sites[0].resource.read("tags", "exempt"), "x");
            }
            const slot = sites("azapi:index/resource:Resource", { type: "microsoft.web/sites/slots@2023-12-01", body: {} });
            assert.ok(slot.sites[0].resource.profile.isSlot);
        });

        it("merges sensitiveBody over body, as the provider builds the request", () => {
            const found = sites("azapi:index/resource:Resource", {
                type: "Microsoft.Web/sites@2023-12-01",
                body: { properties: { clientCertEnabled: true, clientCertMode: "Required" } },
                sensitiveBody: { properties: { clientCertMode: "Optional" } },
            });
            assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), true);
            assert.strictEqual(found.sites[0].resource.read("clientCertMode"), "Optional");
        });

        it("an UpdateResource is judged on what it writes, against a site that otherwise complies", () => {
            const untouched = sites("azapi:index/updateResource:UpdateResource", { type: "Microsoft.Web/sites@2023-12-01", body: { properties: { publicNetworkAccess: "Enabled" } } });
            const read = untouched.sites[0].resource.read;
            assert.deepStrictEqual([read("clientCertEnabled"), read("clientCertMode"), read("httpsOnly"), read("siteConfig", "minTlsVersion")], [true, "Required", true, "1.3"]);
            const off = sites("azapi:index/updateResource:UpdateResource", { type: "Microsoft.Web/sites@2023-12-01", body: JSON.stringify({ properties: { clientCertEnabled: false } }) });
            assert.strictEqual(off.sites[0].resource.read("clientCertEnabled"), false);
            assert.strictEqual(off.sites[0].resource.read("clientCertMode"), "Required");
        });

        it("a ResourceAction that PATCHes or PUTs the site itself is an update; other actions are not judged", () => {
            const patch = sites("azapi:index/resourceAction:ResourceAction", { type: "Microsoft.Web/sites@2023-12-01", resourceId: "/x", method: "PATCH", body: { properties: { clientCertEnabled: false } } });
            assert.strictEqual(patch.sites[0].resource.read("clientCertEnabled"), false);
            assert.strictEqual(patch.sites[0].resource.read("httpsOnly"), true);
            assert.match(patch.sites[0].resource.profile.resourceName, /^azapi ResourceAction \(Microsoft.Web\/sites\)/);
            assert.strictEqual(sitesOf("azapi:index/resourceAction:ResourceAction", { type: "Microsoft.Web/sites@2023-12-01", resourceId: "/x", action: "restart" }), undefined);
            assert.strictEqual(sitesOf("azapi:index/resourceAction:ResourceAction", { type: "Microsoft.Web/sites@2023-12-01", resourceId: "/x", method: "POST", action: "" }), undefined);
            assert.strictEqual(sites("azapi:index/resourceAction:ResourceAction", { type: "Microsoft.Web/sites@2023-12-01", resourceId: "/x", method: UNKNOWN }).unknowns.length, 1);
        });

        it("waits for an unknown type or body, and cannot read a body that is not JSON", () => {
            assert.strictEqual(sites("azapi:index/resource:Resource", { type: UNKNOWN, body: {} }).unknowns.length, 1);
            const unknownBody = sites("azapi:index/resource:Resource", { type: "Microsoft.Web/sites@2023-12-01", body: UNKNOWN });
            const value = unknownBody.sites[0].resource.read("clientCertEnabled");
            assert.ok(value instanceof Unknown && !(value instanceof Unresolvable));
            const broken = sites("azapi:index/resource:Resource", { type: "Microsoft.Web/sites@2023-12-01", body: "{" });
            assert.ok(broken.sites[0].resource.read("clientCertEnabled") instanceof Unresolvable);
        });

        it("an azapi Microsoft.Resources/deployments is a template deployment", () => {
            const found = sites("azapi:index/resource:Resource", {
                type: "Microsoft.Resources/deployments@2022-09-01",
                body: { properties: { mode: "Incremental", template: { resources: [webSite({ clientCertEnabled: false })] } } },
            });
            assert.strictEqual(found.sites[0].resource.read("clientCertEnabled"), false);
        });
    });
});

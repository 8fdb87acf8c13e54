import * as assert from "assert";
import { Unresolvable } from "../../lib/arm-nodes";
import { sitesOf } from "../../lib/deployed-sites";
import { DeployedSites } from "../../lib/site-view";

function sites(type: string, props: unknown): DeployedSites {
    const found = sitesOf(type, props);
    assert.ok(found, `${type} deploys sites`);
    return found;
}

const webSite = (properties: unknown) => ({ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "app", properties });

// Template deployments are recognised by lib/deployed-sites.ts and read by lib/template-deployments.ts.
describe("template-deployments", () => {
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
});

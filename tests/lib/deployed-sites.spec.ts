import * as assert from "assert";
import * as azureNative from "@pulumi/azure-native";
import { ARM_SHAPED_TYPES, sitesOf } from "../../lib/deployed-sites";
import { DeployedSites } from "../../lib/site-view";
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
});

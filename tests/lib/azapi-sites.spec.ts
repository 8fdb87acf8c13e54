import * as assert from "assert";
import { Unresolvable } from "../../lib/arm-nodes";
import { sitesOf } from "../../lib/deployed-sites";
import { Unknown } from "../../lib/observed-values";
import { DeployedSites } from "../../lib/site-view";
import { UNKNOWN } from "../../tools/analyzer/wire";

function sites(type: string, props: unknown): DeployedSites {
    const found = sitesOf(type, props);
    assert.ok(found, `${type} deploys sites`);
    return found;
}

const webSite = (properties: unknown) => ({ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "app", properties });

// azapi resources are recognised by lib/deployed-sites.ts and read by lib/azapi-sites.ts.
describe("azapi-sites", () => {
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

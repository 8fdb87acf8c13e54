// Exemption entries that name a Pulumi organization, over the Analyzer protocol. Stack and project names in a
// URN are chosen by whoever creates the stack; the organization comes from the engine, which names it in
// ConfigureStack (proto/pulumi/analyzer.proto AnalyzerStackConfigureRequest.organization, sent by
// pkg/resource/plugin/analyzer_plugin.go with the update target's organization, pkg/engine/update.go). The
// policy SDK keeps only the tags of that call, so the pack reads the organization off the request itself.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY } from "../../lib/policy-names";
import { WireResource } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { startPackWithExemptions } from "../helpers/protocol";

const EXEMPTIONS = `
exemptions:
  - {urn: "urn:pulumi:*::storefront::*", organization: acme, reason: "Front Door terminates mutual TLS", category: mitigated}
`;

const storefrontApp: WireResource = {
    type: "azure-native:web:WebApp",
    name: "shop",
    urn: "urn:pulumi:prod::storefront::azure-native:web:WebApp::shop",
    properties: { clientCertEnabled: false, httpsOnly: true },
};

describe("protocol: exemptions that name an organization", function () {
    this.timeout(60_000);
    let pack: RunningPack;

    startPackWithExemptions(EXEMPTIONS, started => ({ pack } = started));

    const denials = async () => (await pack.client.analyze(storefrontApp)).diagnostics
        .filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY && d.enforcementLevel === "mandatory");

    it("is not honoured before the engine names the organization, and says why", async () => {
        const denied = await denials();
        assert.strictEqual(denied.length, 1);
        assert.match(denied[0].message, /"organization" is "acme", but the Pulumi engine has not said which organization/);
    });

    it("is honoured in the organization it names", async () => {
        await pack.client.configureStack({ organization: "acme", project: "storefront", stack: "prod" });
        assert.deepStrictEqual(await denials(), []);
        await pack.client.configureStack({ organization: "ACME", project: "storefront", stack: "prod" });
        assert.deepStrictEqual(await denials(), []);
    });

    it("is not honoured in another organization with a project of the same name", async () => {
        await pack.client.configureStack({ organization: "evil", project: "storefront", stack: "prod" });
        const denied = await denials();
        assert.strictEqual(denied.length, 1);
        assert.match(denied[0].message, /clientCertEnabled is false/);
        assert.doesNotMatch(denied[0].message, /exemption/);
    });

    it("is not honoured through a stack tag that claims the organization", async () => {
        await pack.client.configureStack({ organization: "evil", project: "storefront", stack: "prod", tags: { "pulumi:organization": "acme", organization: "acme" } });
        assert.strictEqual((await denials()).length, 1);
    });
});

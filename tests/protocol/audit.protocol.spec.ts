// What the pack receives outside a deployment, and that it judges it the same way.
//
// Stack audits (audit policy groups for stacks, and `pulumi policy analyze`) run the pack against a stack's last
// state without running the program: pkg/resource/deploy/analyze_snapshot.go AnalyzeSnapshot calls Remediate
// and then Analyze with each resource's state *inputs* (stateToAnalyzerResource(res, res.Inputs, …)), and
// AnalyzeStack with the *outputs*; nothing is unknown, and violations are reported, never blocking (dryRun).
// pkg/cmd/pulumi/policy/policy_analyze.go: with --file, secrets that cannot be decrypted are redacted to the
// string "[secret]", whatever their type.
//
// Insights discovery (audit policy groups for cloud accounts) sends resources Pulumi never deployed: the type is
// the Pulumi type token of the provider package the account scans with (sdk/go/common/apitype/insights.go
// InsightsResourceWithVersion.Type; an Azure account scans with azure-native), the properties are the raw state
// the scan read (the provider's outputs: `resourceGroup`, not the input `resourceGroupName`; every setting present,
// many null), and the URN's stack and project are those Pulumi Cloud gives the account's resources, not any of
// the organisation's projects. The rules read the same property names in inputs and outputs.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY } from "../../lib/policy-names";
import { Diagnostic, WireResource } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { startPackWithExemptions } from "../helpers/protocol";

// An account's resources as discovery names them; the stack holds a "/" as child accounts do, the name is the
// ARM resource ID. Neither is documented, so the test takes both at their hardest.
const DISCOVERED_STACK = "contoso-subscription/westeurope";
const DISCOVERED_PROJECT = "azure-discovered";
const ARM_ID = (name: string) => `/subscriptions/0000/resourceGroups/rg-shop/providers/Microsoft.Web/sites/${name}`;
const discoveredUrn = (name: string) => `urn:pulumi:${DISCOVERED_STACK}::${DISCOVERED_PROJECT}::azure-native:web:WebApp::${ARM_ID(name)}`;

/** An azure-native WebApp as a read returns it: outputs, with output-only fields and nulls. */
function readOutputs(name: string, settings: Record<string, unknown>): Record<string, unknown> {
    return {
        azureApiVersion: "2024-04-01",
        name,
        location: "westeurope",
        resourceGroup: "rg-shop",
        kind: "app,linux",
        state: "Running",
        defaultHostName: `${name}.azurewebsites.net`,
        enabled: true,
        httpsOnly: true,
        clientCertEnabled: true,
        clientCertMode: "Required",
        clientCertExclusionPaths: null,
        publicNetworkAccess: null,
        siteConfig: { minTlsVersion: "1.2", http20Enabled: false, ftpsState: "FtpsOnly", ipSecurityRestrictions: null },
        tags: null,
        ...settings,
    };
}

const discovered = (name: string, settings: Record<string, unknown>): WireResource =>
    ({ type: "azure-native:web:WebApp", name: ARM_ID(name), urn: discoveredUrn(name), properties: readOutputs(name, settings) });

const EXEMPTIONS = `
exemptions:
  - urn: "urn:pulumi:*::${DISCOVERED_PROJECT}::azure-native:web:WebApp::*/sites/partner-api"
    policies: [${CLIENT_CERTIFICATES_POLICY}]
    reason: "Partner client migrating; app found by discovery"
    category: mitigated
  - urn: "urn:pulumi:*::webshop::azure-native:web:WebApp::legacy-api"
    reason: "Granted to the webshop project's stack resource only"
    category: mitigated
`;

const ofPolicy = (diagnostics: Diagnostic[], policy: string) => diagnostics.filter(d => d.policyName === policy);

describe("protocol: audits of stack state and of discovered resources", function () {
    this.timeout(60_000);
    let pack: RunningPack;

    startPackWithExemptions(EXEMPTIONS, started => ({ pack } = started));

    describe("Insights discovery: an azure-native web app as the scan read it", () => {
        it("passes a discovered app that requires client certificates, with every output the read returns", async () => {
            const result = await pack.client.analyze(discovered("shop-web", {}));
            assert.deepStrictEqual(result.diagnostics, []);
        });

        it("denies a discovered app whose certificates are off, with the same message as in a deployment", async () => {
            const [diagnostic, ...rest] = ofPolicy((await pack.client.analyze(discovered("shop-api", { clientCertEnabled: false }))).diagnostics, CLIENT_CERTIFICATES_POLICY);
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(diagnostic.enforcementLevel, "mandatory");
            assert.match(diagnostic.message, /Fix: .*clientCertEnabled: true/);
        });

        it("denies a discovered app with mode Optional and one that excludes the root, as deployed apps", async () => {
            for (const settings of [{ clientCertMode: "Optional" }, { clientCertExclusionPaths: "/" }]) {
                const found = ofPolicy((await pack.client.analyze(discovered("shop-x", settings))).diagnostics, CLIENT_CERTIFICATES_POLICY);
                assert.strictEqual(found.length, 1, JSON.stringify(settings));
            }
        });

        it("judges HTTPS only and the TLS version from the outputs too", async () => {
            const diagnostics = (await pack.client.analyze(discovered("shop-old", { httpsOnly: false, siteConfig: { minTlsVersion: "1.0" } }))).diagnostics;
            assert.strictEqual(ofPolicy(diagnostics, HTTPS_ONLY_POLICY).length, 1);
            assert.strictEqual(ofPolicy(diagnostics, MINIMUM_TLS_POLICY).length, 1);
        });

        it("does not pass a read whose minimum TLS version is null: the TLS rule's advisory names the null", async () => {
            const diagnostics = (await pack.client.analyze(discovered("shop-null", { siteConfig: { minTlsVersion: null } }))).diagnostics;
            const [tls, ...rest] = ofPolicy(diagnostics, MINIMUM_TLS_POLICY);
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(tls?.enforcementLevel, "advisory");
            assert.match(tls.message, /siteConfig\.minTlsVersion is null/);
            assert.deepStrictEqual(ofPolicy(diagnostics, CLIENT_CERTIFICATES_POLICY), []);
        });

        it("judges a discovered function app, as in a deployment (kind is a label: function apps are judged by default)", async () => {
            const result = await pack.client.analyze(discovered("orders-func", { kind: "functionapp,linux", clientCertEnabled: false }));
            const denied = ofPolicy(result.diagnostics, CLIENT_CERTIFICATES_POLICY);
            assert.strictEqual(denied.length, 1, JSON.stringify(result.diagnostics));
            assert.strictEqual(denied[0].enforcementLevel, "mandatory");
            assert.match(denied[0].message, /clientCertEnabled is false/);
            assert.ok(!result.notApplicable.some(n => n.policyName === CLIENT_CERTIFICATES_POLICY), JSON.stringify(result.notApplicable));
        });

        it("honours an exemption whose glob names the discovered project, across the / of the account and the ARM ID", async () => {
            const result = await pack.client.analyze(discovered("partner-api", { clientCertEnabled: false }));
            assert.deepStrictEqual(ofPolicy(result.diagnostics, CLIENT_CERTIFICATES_POLICY), []);
        });

        it("does not carry an exemption granted to a stack's project over to the same app found by discovery", async () => {
            const result = await pack.client.analyze(discovered("legacy-api", { clientCertEnabled: false }));
            assert.strictEqual(ofPolicy(result.diagnostics, CLIENT_CERTIFICATES_POLICY).length, 1);
        });
    });

    describe("stack audit: the last state's inputs to Analyze, its outputs to AnalyzeStack", () => {
        const urn = "urn:pulumi:prod::webshop::azure-native:web:WebApp::legacy-api";
        const inputs = { name: "legacy-api", resourceGroupName: "rg-shop", httpsOnly: true, clientCertEnabled: false };
        const outputs = { ...readOutputs("legacy-api", { clientCertEnabled: false }), resourceGroupName: "rg-shop" };

        it("honours the stack's exemption on the state's inputs, and remediates nothing of an exempt app", async () => {
            const resource = { type: "azure-native:web:WebApp", name: "legacy-api", urn, properties: inputs };
            assert.deepStrictEqual(ofPolicy((await pack.client.analyze(resource)).diagnostics, CLIENT_CERTIFICATES_POLICY), []);
            assert.deepStrictEqual((await pack.client.remediate(resource)).remediations.filter(r => r.policyName === CLIENT_CERTIFICATES_POLICY), []);
        });

        it("reports the exemption in force from the outputs", async () => {
            const result = await pack.client.analyzeStack([{ type: "azure-native:web:WebApp", name: "legacy-api", urn, properties: outputs }]);
            const lines = ofPolicy(result.diagnostics, EXEMPTIONS_REPORT_POLICY).map(d => d.message);
            assert.ok(lines.some(line => /legacy-api .* from .*azure-app-service-require-client-certificates/.test(line) && /mitigated/.test(line)),
                lines.join("\n"));
        });

        it("denies a value `pulumi policy analyze --file` redacted to \"[secret]\": it cannot be judged, so it is not a pass", async () => {
            const resource = { type: "azure-native:web:WebApp", name: "admin", urn: "urn:pulumi:prod::webshop::azure-native:web:WebApp::admin",
                properties: { ...inputs, clientCertEnabled: true, clientCertMode: "[secret]" } };
            const [diagnostic] = ofPolicy((await pack.client.analyze(resource)).diagnostics, CLIENT_CERTIFICATES_POLICY);
            assert.ok(diagnostic, "a redacted mode passed");
            assert.match(diagnostic.message, /\[secret\]/);
        });
    });
});

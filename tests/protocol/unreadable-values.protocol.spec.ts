// Values the engine can send that @pulumi/policy 1.21's deserializer throws on, before any rule runs: an asset
// with only a hash (an empty StringAsset), archives without contents, a secret with ciphertext only, and
// signatures the SDK does not know. No call may answer with a gRPC error (Remediate used to never answer),
// a resource of another type passes untouched, and an App Service app whose settings cannot be read is denied.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY } from "../../lib/policy-names";
import { ConfigureMap, Diagnostic, WireResource } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { secret, UNKNOWN } from "../../tools/analyzer/wire";
import { startPackForTests } from "../helpers/protocol";
import { UNREADABLE_VALUES } from "../helpers/unreadable-values";

const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } };
const OUR_POLICIES = [CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY];

function mandatory(diagnostics: Diagnostic[], policy: string): Diagnostic[] {
    return diagnostics.filter(d => d.policyName === policy && d.enforcementLevel === "mandatory");
}

describe("protocol: values the policy SDK cannot read", function () {
    this.timeout(120_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    startPackForTests(started => ({ pack, configMap } = started));

    for (const [label, value] of UNREADABLE_VALUES) {
        describe(label, () => {
            const blob: WireResource = {
                type: "azure-native:storage:Blob",
                name: "blob",
                properties: { source: value, metadata: { nested: [value] } },
                provider: { type: "pulumi:providers:azure-native", name: "default", properties: { odd: value } },
            };

            it("Analyze passes an unrelated resource untouched", async () => {
                const result = await pack.client.analyze(blob);
                assert.deepStrictEqual(result.diagnostics, []);
            });

            it("AnalyzeStack answers, and still reports on the stack", async () => {
                const command: WireResource = { type: "command:local:Command", name: "cmd", properties: { assetPaths: [value], assets: { a: value } } };
                const app: WireResource = { type: "azure-native:web:WebApp", name: "app", properties: { ...COMPLIANT } };
                const result = await pack.client.analyzeStack([blob, command, app]);
                assert.ok(result.diagnostics.every(d => d.enforcementLevel !== "mandatory"), JSON.stringify(result.diagnostics));
            });

            it("Remediate answers at every level, and leaves an unrelated resource alone", async () => {
                const remediating: ConfigureMap = Object.fromEntries(Object.entries(configMap)
                    .map(([name, entry]) => [name, OUR_POLICIES.includes(name) ? { ...entry, enforcementLevel: "remediate" } : entry]));
                for (const map of [configMap, remediating]) {
                    await pack.client.configure(map);
                    const result = await pack.client.remediate(blob);
                    assert.deepStrictEqual(result.remediations, []);
                }
                await pack.client.configure(configMap);
            });

            it("denies a web app whose client-certificate setting is that value", async () => {
                const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "app", properties: { ...COMPLIANT, clientCertEnabled: value } });
                const denied = mandatory(result.diagnostics, CLIENT_CERTIFICATES_POLICY);
                assert.match(denied.map(d => d.message).join("\n"), /clientCertEnabled is .*(cannot read|encrypted secret)/);
            });

            it("judges a web app that holds the value elsewhere on its own settings", async () => {
                const elsewhere = { appSettings: [{ name: "BLOB", value }] };
                const compliant = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "ok", properties: { ...COMPLIANT, siteConfig: { ...COMPLIANT.siteConfig, ...elsewhere } } });
                assert.deepStrictEqual(compliant.diagnostics, []);
                const wrong = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "bad", properties: { ...COMPLIANT, clientCertEnabled: false, siteConfig: elsewhere } });
                assert.match(mandatory(wrong.diagnostics, CLIENT_CERTIFICATES_POLICY).map(d => d.message).join("\n"), /clientCertEnabled is false/);
            });

            it("does not remediate a web app that holds it, so that validation denies it", async () => {
                const remediating: ConfigureMap = { ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], enforcementLevel: "remediate" } };
                await pack.client.configure(remediating);
                try {
                    const app: WireResource = { type: "azure-native:web:WebApp", name: "app", properties: { ...COMPLIANT, clientCertEnabled: false, tags: { blob: value } } };
                    const result = await pack.client.remediate(app);
                    assert.deepStrictEqual(result.remediations.filter(r => r.properties !== undefined), []);
                    const analysed = await pack.client.analyze(app);
                    assert.strictEqual(mandatory(analysed.diagnostics, CLIENT_CERTIFICATES_POLICY).length, 1);
                } finally {
                    await pack.client.configure(configMap);
                }
            });
        });
    }

    it("still remediates an ordinary web app (the guard changes nothing the SDK can read)", async () => {
        await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], enforcementLevel: "remediate" } });
        try {
            const result = await pack.client.remediate({ type: "azure-native:web:WebApp", name: "app", properties: { clientCertEnabled: false, httpsOnly: true, token: secret("s"), later: UNKNOWN } });
            const properties = result.remediations.find(r => r.policyName === CLIENT_CERTIFICATES_POLICY)?.properties as Record<string, unknown>;
            assert.strictEqual(properties.clientCertEnabled, true);
            assert.deepStrictEqual(properties.token, secret("s"));
            assert.strictEqual(properties.later, UNKNOWN);
        } finally {
            await pack.client.configure(configMap);
        }
    });
});

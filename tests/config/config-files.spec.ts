// The shipped --policy-pack-config files: valid against every policy's schema (as the CLI checks them), and
// they set the levels they promise.
import * as assert from "assert";
import * as path from "path";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap, loadPolicyPackConfigFile } from "../../tools/analyzer/policy-pack-config";
import { PACK_DIR } from "../helpers/protocol";

const CONFIG_DIR = path.join(PACK_DIR, "config");
const NONCOMPLIANT_APP = {
    type: "azure-native:web:WebApp",
    name: "app",
    properties: { clientCertEnabled: false, httpsOnly: false, siteConfig: { minTlsVersion: "1.0" } },
};

describe("shipped policy pack config files", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    before(async () => {
        pack = await startPolicyPack(PACK_DIR);
    });
    after(async () => pack?.stop());

    const expectations: [string, string[]][] = [
        ["advisory-migration.json", ["advisory", "advisory", "advisory"]],
        ["full-enforcement.json", ["mandatory", "mandatory", "mandatory"]],
    ];
    for (const [file, levels] of expectations) {
        it(`${file} passes schema validation and reports at ${[...new Set(levels)].join(", ")}`, async () => {
            const info = await pack.client.getAnalyzerInfo();
            const configMap = buildConfigureMap(info, loadPolicyPackConfigFile(path.join(CONFIG_DIR, file)));
            for (const policy of info.policies) {
                assert.ok(configMap[policy.name], `${file} configures ${policy.name}`);
            }
            await pack.client.configure(configMap);
            const result = await pack.client.analyze(NONCOMPLIANT_APP);
            assert.deepStrictEqual(result.diagnostics.map(d => d.enforcementLevel), levels,
                result.diagnostics.map(d => `${d.policyName}: ${d.enforcementLevel}`).join("\n"));
        });
    }

    it("advisory-migration.json keeps what the pack cannot read in a template a warning too", async () => {
        const info = await pack.client.getAnalyzerInfo();
        await pack.client.configure(buildConfigureMap(info, loadPolicyPackConfigFile(path.join(CONFIG_DIR, "advisory-migration.json"))));
        const result = await pack.client.analyze({
            type: "azure-native:resources:Deployment",
            name: "linked",
            properties: { resourceGroupName: "rg", properties: { mode: "Incremental", templateLink: { uri: "https://example.com/site.json" } } },
        });
        assert.deepStrictEqual(result.diagnostics.map(d => d.enforcementLevel), ["advisory", "advisory", "advisory"],
            result.diagnostics.map(d => `${d.policyName}: ${d.enforcementLevel}`).join("\n"));
    });
});

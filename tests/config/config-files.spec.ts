// The shipped --policy-pack-config files: valid against every policy's schema (as the CLI checks them), and
// they set the levels they promise.
import * as assert from "assert";
import * as path from "path";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { runLikeEngine } from "../../tools/analyzer/engine-run";
import { buildConfigureMap, loadPolicyPackConfigFile, readPolicyPackConfigFile } from "../../tools/analyzer/policy-pack-config";
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

    it("a file with all, environments, exceptions and an unknown policy name reaches the pack as the CLI sends it", async () => {
        const info = await pack.client.getAnalyzerInfo();
        const document = readPolicyPackConfigFile(path.join(PACK_DIR, "tests", "fixtures", "stack-exports", "all-environments-exceptions.json"));
        assert.deepStrictEqual(document.environments, ["platform/policy-config"]);
        assert.ok(Array.isArray(document.exceptions));
        // The CLI forwards "all" and a name the pack does not have (config.go applyConfig); the pack must take both.
        const configMap = buildConfigureMap(info, { ...document.config, "azure-app-service-retired-policy": "mandatory" });
        assert.strictEqual(configMap.all.enforcementLevel, "advisory");
        assert.strictEqual(configMap["azure-app-service-retired-policy"].enforcementLevel, "mandatory");
        await pack.client.configure(configMap);
        // Inputs to Analyze, outputs (Azure's read-back) to AnalyzeStack.
        const run = await runLikeEngine(pack.client, [{
            type: NONCOMPLIANT_APP.type, name: NONCOMPLIANT_APP.name, inputs: NONCOMPLIANT_APP.properties,
            outputs: { ...NONCOMPLIANT_APP.properties, clientCertMode: "Required" },
        }]);
        assert.deepStrictEqual(run.analyses[0].diagnostics.map(d => d.enforcementLevel), ["advisory", "advisory", "advisory"]);
        assert.deepStrictEqual(run.stack.diagnostics.filter(d => d.enforcementLevel === "mandatory"), []);
        assert.ok(pack.isAlive());
    });

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

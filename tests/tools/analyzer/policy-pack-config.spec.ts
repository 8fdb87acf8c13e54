import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalyzerInfo } from "../../../tools/analyzer/analyzer-client";
import { RunningPack, startPolicyPack } from "../../../tools/analyzer/pack-process";
import {
    buildConfigureMap,
    loadPolicyPackConfigFile,
    PolicyPackConfigError,
    PolicyPackConfigFile,
} from "../../../tools/analyzer/policy-pack-config";
import { MINIMAL_PACK, START_TIMEOUT_MS } from "./helpers";

// Shaped like GetAnalyzerInfo output, so these cases need no live pack.
const INFO: AnalyzerInfo = {
    name: "pack",
    version: "1.0.0",
    supportsConfig: true,
    policies: [
        {
            name: "with-schema",
            description: "d",
            enforcementLevel: "mandatory",
            policyType: "resource",
            configSchema: {
                properties: {
                    label: { type: "string", default: "dflt" },
                    limit: { type: "integer", minimum: 1, default: 3 },
                    tags: { type: "array", items: { type: "string" } },
                    noDefault: { type: "boolean" },
                },
            },
        },
        {
            name: "needs-value",
            description: "d",
            enforcementLevel: "advisory",
            policyType: "resource",
            configSchema: { properties: { value: { type: "string" } }, required: ["value"] },
        },
        { name: "plain", description: "d", enforcementLevel: "advisory", policyType: "stack" },
    ],
    initialConfig: {},
};

const VALID_BASE: PolicyPackConfigFile = { "needs-value": { value: "v" } };

function problemsOf(fn: () => unknown): string[] {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof PolicyPackConfigError, String(e));
        return e.problems;
    }
    assert.fail("expected a PolicyPackConfigError");
}

describe("tools/analyzer policy-pack-config", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-config-"));
    });
    after(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });
    function writeConfig(name: string, content: string): string {
        const file = path.join(tmp, name);
        fs.writeFileSync(file, content);
        return file;
    }

    it("starts from each policy's enforcement level and schema defaults", () => {
        assert.deepStrictEqual(buildConfigureMap(INFO, VALID_BASE), {
            "with-schema": { enforcementLevel: "mandatory", label: "dflt", limit: 3 },
            "needs-value": { enforcementLevel: "advisory", value: "v" },
            plain: { enforcementLevel: "advisory" },
        });
    });

    it('"all" sets every level, then per-policy strings and objects override', () => {
        const map = buildConfigureMap(INFO, {
            all: "disabled",
            plain: "mandatory",
            "with-schema": { limit: 7, tags: ["a"] },
            "needs-value": { enforcementLevel: "remediate", value: "v" },
        });
        assert.deepStrictEqual(map, {
            "with-schema": { enforcementLevel: "disabled", label: "dflt", limit: 7, tags: ["a"] },
            "needs-value": { enforcementLevel: "remediate", value: "v" },
            plain: { enforcementLevel: "mandatory" },
        });
    });

    it("applies the pack's initial config before the file", () => {
        const info: AnalyzerInfo = {
            ...INFO,
            initialConfig: { "with-schema": { enforcementLevel: "advisory", properties: { label: "initial", limit: 5 } } },
        };
        const map = buildConfigureMap(info, { ...VALID_BASE, "with-schema": { limit: 9 } });
        assert.deepStrictEqual(map["with-schema"], { enforcementLevel: "advisory", label: "initial", limit: 9 });
    });

    it("loads a config file (empty files are allowed, as in the CLI)", () => {
        const file = writeConfig("ok.json", JSON.stringify({ all: "advisory", "needs-value": { value: "x" } }));
        assert.deepStrictEqual(loadPolicyPackConfigFile(file), { all: "advisory", "needs-value": { value: "x" } });
        assert.deepStrictEqual(loadPolicyPackConfigFile(writeConfig("empty.json", "  \n")), {});
    });

    it("rejects schema violations with the policy, property path and ajv complaint", () => {
        const file = writeConfig(
            "bad.json",
            JSON.stringify({ "with-schema": { enforcementLevel: "mandatory", limit: 0, label: 5, tags: ["ok", 2] } }),
        );
        const problems = problemsOf(() => buildConfigureMap(INFO, loadPolicyPackConfigFile(file)));
        assert.deepStrictEqual(problems.sort(), [
            'policy "needs-value", property "value": must have required property \'value\'',
            'policy "with-schema", property "label": must be string',
            'policy "with-schema", property "limit": must be >= 1',
            'policy "with-schema", property "tags[1]": must be string',
        ]);
    });

    it("rejects unknown policy names, properties under \"all\", and invalid enforcement levels", () => {
        assert.deepStrictEqual(problemsOf(() => buildConfigureMap(INFO, { ...VALID_BASE, typo: "advisory" })), [
            'policy "typo" is not in policy pack "pack" (policies: with-schema, needs-value, plain)',
        ]);
        assert.match(
            problemsOf(() => buildConfigureMap(INFO, { ...VALID_BASE, all: { enforcementLevel: "advisory", limit: 2 } as never }))[0],
            /"all" may only set an enforcement level/,
        );
        const badLevel = writeConfig("level.json", JSON.stringify({ plain: "strict", "with-schema": { enforcementLevel: 1 }, x: 3 }));
        const problems = problemsOf(() => loadPolicyPackConfigFile(badLevel));
        assert.strictEqual(problems.length, 3, problems.join("\n"));
        assert.match(problems[0], /policy "plain": "strict" is not a valid enforcement level/);
        assert.match(problems[1], /policy "with-schema", property "enforcementLevel": 1 is not a valid enforcement level/);
        assert.match(problems[2], /policy "x": 3 is not a valid value; must be a string or object/);
        assert.match(problemsOf(() => loadPolicyPackConfigFile(writeConfig("broken.json", "{")))[0], /not valid JSON/);
    });

    describe("with a live pack", function () {
        this.timeout(START_TIMEOUT_MS + 5_000);
        let pack: RunningPack;
        before(async () => {
            pack = await startPolicyPack(MINIMAL_PACK, { timeoutMs: START_TIMEOUT_MS });
        });
        after(async () => {
            await pack?.stop();
        });

        it("a config file drives the verdicts end to end", async () => {
            const info = await pack.client.getAnalyzerInfo();
            const file = writeConfig("pack.json", JSON.stringify({ all: "advisory", "require-flag": { hint: "from file", maxItems: 0 } }));
            const map = buildConfigureMap(info, loadPolicyPackConfigFile(file));
            assert.deepStrictEqual(map, {
                "require-flag": { enforcementLevel: "advisory", hint: "from file", maxItems: 0 },
                "stack-flags": { enforcementLevel: "advisory" },
            });
            await pack.client.configure(map);
            const res = await pack.client.analyze({ type: "test:index:Widget", properties: { flag: false, items: ["x"] } });
            assert.deepStrictEqual(
                res.diagnostics.map((d) => `${d.enforcementLevel}: ${d.message.split("\n")[1]}`),
                ["advisory: flag is false; from file", "advisory: too many items (1 > 0)"],
            );
        });

        it("the pack's own schema rejects a bad value", async () => {
            const info = await pack.client.getAnalyzerInfo();
            assert.deepStrictEqual(problemsOf(() => buildConfigureMap(info, { "require-flag": { maxItems: -1 } })), [
                'policy "require-flag", property "maxItems": must be >= 0',
            ]);
        });
    });
});

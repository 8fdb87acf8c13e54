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
    readPolicyPackConfigFile,
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
        // "all" itself is forwarded to Configure, as the CLI's applyConfig merges it by name.
        assert.deepStrictEqual(map, {
            "with-schema": { enforcementLevel: "disabled", label: "dflt", limit: 7, tags: ["a"] },
            "needs-value": { enforcementLevel: "remediate", value: "v" },
            plain: { enforcementLevel: "mandatory" },
            all: { enforcementLevel: "disabled" },
        });
    });

    it("layers several files, each over the ones before it: a level replaces, properties merge one by one", () => {
        const program: PolicyPackConfigFile = { ...VALID_BASE, "with-schema": { enforcementLevel: "advisory", limit: 7, tags: ["a"] }, plain: "disabled" };
        const user: PolicyPackConfigFile = { "with-schema": { limit: 9 }, plain: "mandatory" };
        assert.deepStrictEqual(buildConfigureMap(INFO, program, user), {
            "with-schema": { enforcementLevel: "advisory", label: "dflt", limit: 9, tags: ["a"] },
            "needs-value": { enforcementLevel: "advisory", value: "v" },
            plain: { enforcementLevel: "mandatory" },
        });
        assert.deepStrictEqual(buildConfigureMap(INFO, VALID_BASE, {}), buildConfigureMap(INFO, VALID_BASE));
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
        // The CLI's framing (pkg/engine/update.go appendValidationErrors: "validating policy config: <pack> <version>  ...").
        assert.deepStrictEqual(problems.sort(), [
            'validating policy config: pack 1.0.0  policy "needs-value", property "value": must have required property \'value\'',
            'validating policy config: pack 1.0.0  policy "with-schema", property "label": must be string',
            'validating policy config: pack 1.0.0  policy "with-schema", property "limit": must be >= 1',
            'validating policy config: pack 1.0.0  policy "with-schema", property "tags[1]": must be string',
        ]);
    });

    describe("unknown names, \"all\" and levels, as the CLI reads them (pkg/resource/analyzer/config.go, plugin/analyzer_plugin.go)", () => {
        it("forwards an unknown policy name that has a level, as the CLI's applyConfig does", () => {
            assert.deepStrictEqual(buildConfigureMap(INFO, { ...VALID_BASE, typo: "advisory" }).typo, { enforcementLevel: "advisory" });
        });

        it("refuses an unknown name with properties only in the words of the CLI's Configure", () => {
            const [problem, ...rest] = problemsOf(() => buildConfigureMap(INFO, { ...VALID_BASE, typo: { limit: 2 } }));
            assert.deepStrictEqual(rest, []);
            assert.match(problem, /^configuring policy pack "pack": invalid enforcement level "" \(entry "typo" sets properties but no enforcementLevel/);
        });

        it("applies the level of \"all\" and forwards its properties, which no policy takes", () => {
            const map = buildConfigureMap(INFO, { ...VALID_BASE, all: { enforcementLevel: "advisory", limit: 2 } as never });
            assert.deepStrictEqual(map.all, { enforcementLevel: "advisory", limit: 2 });
            assert.deepStrictEqual(map["with-schema"], { enforcementLevel: "advisory", label: "dflt", limit: 3 });
            // Without a level, "all" reaches Configure with none, which refuses it.
            assert.match(problemsOf(() => buildConfigureMap(INFO, { ...VALID_BASE, all: { limit: 2 } as never }))[0], /invalid enforcement level "" \(entry "all"/);
        });

        it("gives parse errors in the CLI's words", () => {
            const badLevel = writeConfig("level.json", JSON.stringify({ plain: "strict", "with-schema": { enforcementLevel: 1 }, x: 3 }));
            const problems = problemsOf(() => loadPolicyPackConfigFile(badLevel));
            assert.strictEqual(problems.length, 3, problems.join("\n"));
            assert.match(problems[0], /parsing enforcement level for "plain": "strict" is not a valid enforcement level/);
            assert.match(problems[1], /parsing enforcement level for "with-schema": 1 is not a valid enforcement level; must be a string/);
            assert.match(problems[2], /parsing "x": 3 is not a valid value; must be a string or object/);
            assert.match(problemsOf(() => loadPolicyPackConfigFile(writeConfig("broken.json", "{")))[0], /not valid JSON/);
            assert.match(problemsOf(() => loadPolicyPackConfigFile(writeConfig("list.json", "[]")))[0],
                /json: cannot unmarshal array into Go value of type map\[string\]interface \{\}/);
        });

        it("reads an empty file and JSON null as no config", () => {
            for (const [name, text] of [["blank.json", " \n"], ["null.json", "null"], ["null-spaced.json", " null \n"]]) {
                assert.deepStrictEqual(readPolicyPackConfigFile(writeConfig(name, text)), { config: {}, environments: [] }, name);
            }
        });

        it("takes out ESC environments and native exceptions, and checks environments as the CLI does", () => {
            const exceptions = [{ reason: "r", match: [{ policies: ["plain"], targets: ["urn:pulumi:s::p::t::n"] }] }];
            const file = writeConfig("envs.json", JSON.stringify({ environments: ["org/policy-env"], exceptions, plain: "mandatory" }));
            assert.deepStrictEqual(readPolicyPackConfigFile(file), { config: { plain: "mandatory" }, environments: ["org/policy-env"], exceptions });
            assert.deepStrictEqual(buildConfigureMap(INFO, { ...VALID_BASE, ...loadPolicyPackConfigFile(file) }).plain, { enforcementLevel: "mandatory" });
            assert.match(problemsOf(() => readPolicyPackConfigFile(writeConfig("env1.json", JSON.stringify({ environments: "org/env" }))))[0],
                /"environments" must be an array of strings, got string$/);
            assert.match(problemsOf(() => readPolicyPackConfigFile(writeConfig("env2.json", JSON.stringify({ environments: ["a", 3] }))))[0],
                /"environments\[1\]" must be a string, got float64$/);
        });
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
                all: { enforcementLevel: "advisory" },
            });
            // The pack takes "all" in its Configure as the CLI sends it, and still answers.
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
                `validating policy config: ${info.name} ${info.version}  policy "require-flag", property "maxItems": must be >= 0`,
            ]);
        });
    });
});

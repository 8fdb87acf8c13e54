import * as assert from "assert";
import { AnalyzerInfo, AnalyzeResult, AnalyzerRpcError, Diagnostic } from "../../../tools/analyzer/analyzer-client";
import { RunningPack, startPolicyPack } from "../../../tools/analyzer/pack-process";
import { buildConfigureMap } from "../../../tools/analyzer/policy-pack-config";
import { resourceUrn, secret, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN } from "../../../tools/analyzer/wire";
import { MINIMAL_PACK, START_TIMEOUT_MS } from "./helpers";

const TYPE = "test:index:Widget";

function byPolicy(res: AnalyzeResult, policyName: string): Diagnostic[] {
    return res.diagnostics.filter((d) => d.policyName === policyName);
}

describe("tools/analyzer analyzer-client (against a live pack)", function () {
    this.timeout(START_TIMEOUT_MS + 5_000);

    let pack: RunningPack;
    let info: AnalyzerInfo;

    before(async () => {
        pack = await startPolicyPack(MINIMAL_PACK, { timeoutMs: START_TIMEOUT_MS });
        info = await pack.client.getAnalyzerInfo();
    });
    after(async () => {
        await pack?.stop();
    });
    // Like the CLI, configure before every analysis (Configure replaces the whole config).
    beforeEach(async () => {
        await pack.client.configure(buildConfigureMap(info));
    });
    afterEach(() => {
        assert.strictEqual(pack.stderr(), "", "the pack wrote to stderr");
        assert.ok(pack.isAlive(), "the pack died");
    });

    it("GetAnalyzerInfo returns the pack's metadata as plain JSON", () => {
        assert.deepStrictEqual(info, {
            name: "minimal-pack",
            version: "0.0.1",
            supportsConfig: true,
            policies: [
                {
                    name: "require-flag",
                    description: "Resources must set flag to true.",
                    enforcementLevel: "mandatory",
                    policyType: "resource",
                    configSchema: {
                        properties: {
                            hint: { type: "string", default: "set flag: true" },
                            maxItems: { type: "integer", minimum: 0 },
                        },
                    },
                },
                {
                    name: "stack-flags",
                    description: "Every resource in the stack must set flag to true.",
                    enforcementLevel: "advisory",
                    policyType: "stack",
                },
            ],
            initialConfig: {},
        });
    });

    it("Analyze: a compliant resource yields no diagnostics", async () => {
        const res = await pack.client.analyze({ type: TYPE, name: "ok", properties: { flag: true } });
        assert.deepStrictEqual(res, { diagnostics: [], notApplicable: [] });
    });

    it("Analyze: reports a mandatory violation with the schema default config applied", async () => {
        const res = await pack.client.analyze({ type: TYPE, name: "bad", properties: { flag: false } });
        assert.deepStrictEqual(res.diagnostics, [
            {
                policyName: "require-flag",
                policyPackName: "minimal-pack",
                policyPackVersion: "0.0.1",
                description: "Resources must set flag to true.",
                message: "Resources must set flag to true.\nflag is false; set flag: true",
                enforcementLevel: "mandatory",
                urn: "",
            },
        ]);
    });

    it("Configure: enforcement level and properties come from the config map", async () => {
        await pack.client.configure({
            "require-flag": { enforcementLevel: "advisory", hint: "custom hint", maxItems: 1 },
            "stack-flags": { enforcementLevel: "advisory" },
        });
        const res = await pack.client.analyze({ type: TYPE, name: "bad", properties: { flag: 0, items: [1, 2] } });
        assert.deepStrictEqual(
            res.diagnostics.map((d) => [d.enforcementLevel, d.message.split("\n")[1]]),
            [
                ["advisory", "flag is 0; custom hint"],
                ["advisory", "too many items (2 > 1)"],
            ],
        );
    });

    it("Configure: a disabled policy is skipped", async () => {
        await pack.client.configure({
            "require-flag": { enforcementLevel: "disabled" },
            "stack-flags": { enforcementLevel: "advisory" },
        });
        const res = await pack.client.analyze({ type: TYPE, name: "bad", properties: {} });
        assert.deepStrictEqual(res, { diagnostics: [], notApplicable: [] });
    });

    it("Configure: remediate level is reported as mandatory by Analyze", async () => {
        await pack.client.configure({ "require-flag": { enforcementLevel: "remediate" }, "stack-flags": { enforcementLevel: "advisory" } });
        const res = await pack.client.analyze({ type: TYPE, name: "bad", properties: { flag: false } });
        assert.deepStrictEqual(res.diagnostics.map((d) => d.enforcementLevel), ["mandatory"]);
    });

    it("an unknown value at depth yields the SDK's advisory can't-run-during-preview diagnostic", async () => {
        const res = await pack.client.analyze({
            type: TYPE,
            name: "preview",
            properties: { flag: true, nested: { deep: { value: UNKNOWN } } },
        });
        assert.deepStrictEqual(res.diagnostics.length, 1, JSON.stringify(res));
        const [d] = res.diagnostics;
        assert.strictEqual(d.enforcementLevel, "advisory");
        assert.strictEqual(
            d.message,
            "can't run policy 'require-flag' from policy pack 'minimal-pack@v0.0.1' during preview: " +
                "string value at .nested.deep.value can't be known during preview",
        );
    });

    it("secret envelopes are unwrapped by the SDK before policies see the values", async () => {
        const clean = await pack.client.analyze({ type: TYPE, name: "s", properties: { flag: secret(true) } });
        assert.deepStrictEqual(clean.diagnostics, []);

        const deep = await pack.client.analyze({
            type: TYPE,
            name: "s",
            properties: { flag: true, nested: { deep: { value: secret("bad") } } },
        });
        assert.deepStrictEqual(deep.diagnostics.map((d) => d.message.split("\n")[1]), ['nested.deep.value must not be "bad"']);
    });

    it("AnalyzeStack: runs stack policies over all resources with URNs and parents", async () => {
        const parentUrn = resourceUrn(TYPE, "parent");
        const res = await pack.client.analyzeStack([
            { type: TYPE, name: "parent", properties: { flag: true } },
            { type: TYPE, name: "child", parent: parentUrn, properties: { flag: false } },
            { type: TYPE, name: "orphan", properties: { flag: secret(false) } },
        ]);
        assert.deepStrictEqual(
            byPolicy(res, "stack-flags").map((d) => [d.enforcementLevel, d.urn, d.message.split("\n")[1]]),
            [
                ["advisory", resourceUrn(TYPE, "child"), "child (child of parent) does not set flag"],
                ["advisory", "urn:pulumi:dev::example::test:index:Widget::orphan", "orphan does not set flag"],
            ],
        );
        // Resource policies do not run in AnalyzeStack.
        assert.deepStrictEqual(byPolicy(res, "require-flag"), []);
    });

    it("Remediate: only runs at remediate level, and keeps other secrets as envelopes", async () => {
        const resource = { type: TYPE, name: "fixme", properties: { flag: false, token: secret("t0k3n") } };
        assert.deepStrictEqual(await pack.client.remediate(resource), { remediations: [], notApplicable: [] });

        await pack.client.configure({ "require-flag": { enforcementLevel: "remediate" }, "stack-flags": { enforcementLevel: "advisory" } });
        const res = await pack.client.remediate(resource);
        assert.deepStrictEqual(res, {
            remediations: [
                {
                    policyName: "require-flag",
                    policyPackName: "minimal-pack",
                    policyPackVersion: "0.0.1",
                    description: "Resources must set flag to true.",
                    properties: { flag: true, token: { [SPECIAL_SIG_KEY]: SECRET_SIG, value: "t0k3n" } },
                },
            ],
            notApplicable: [],
        });
        // Nothing to do for a compliant resource.
        assert.deepStrictEqual((await pack.client.remediate({ type: TYPE, properties: { flag: true } })).remediations, []);
    });

    it("sends resource options, provider and an explicit URN through unchanged", async () => {
        const urn = "urn:pulumi:prod::proj::test:index:Widget::explicit";
        const res = await pack.client.analyze({
            type: TYPE,
            urn,
            properties: { flag: true },
            options: { protect: true, ignoreChanges: ["x"], deleteBeforeReplace: true, customTimeouts: { create: 60 } },
            provider: { type: "pulumi:providers:test", name: "default", properties: { region: secret("eu") } },
        });
        assert.deepStrictEqual(res.diagnostics, []);
        assert.strictEqual(pack.client.urnOf({ type: TYPE, urn }), urn);
        assert.strictEqual(pack.client.urnOf({ type: TYPE, name: "n" }), "urn:pulumi:dev::example::test:index:Widget::n");
    });

    it("surfaces gRPC errors as rejected promises carrying the status details", async () => {
        // The SDK fails the call when it cannot deserialize a property with an unknown signature.
        const bad = { type: TYPE, properties: { flag: true, odd: { [SPECIAL_SIG_KEY]: "not-a-signature" } } };
        await assert.rejects(pack.client.analyze(bad), (e: unknown) => {
            assert.ok(e instanceof AnalyzerRpcError, String(e));
            assert.strictEqual(e.method, "Analyze");
            assert.match(e.message, /^Analyzer\.Analyze failed with gRPC status UNKNOWN \(2\): /);
            assert.match(e.message, /Unrecognized signature 'not-a-signature'/);
            return true;
        });
    });
});

// Config abuse, each through Configure as the CLI sends it: wrong types for every option of every policy
// (read from the pack's own schemas), unknown keys, empty and 10,000-entry allow-lists, a 10,000-entry
// exemptions file, and invalid dates and globs in exemptions. Every case gets a clear message: the schema
// rejection of buildConfigureMap (ajv, as the CLI validates) on the CLI path, or a mandatory diagnostic
// naming the option when the same value is sent raw through Configure. Nothing ever crashes the pack.
import * as assert from "assert";
import Ajv from "ajv";
import fc from "fast-check";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY } from "../../lib/policy-names";
import { AnalyzerInfo, ConfigureMap, PolicyInfo, WireResource } from "../../tools/analyzer/analyzer-client";
import { copyPackWithExemptions, PackCopy } from "../../tools/analyzer/pack-copy";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap, PolicyPackConfigError } from "../../tools/analyzer/policy-pack-config";
import { resourceUrn } from "../../tools/analyzer/wire";
import { isoDaysFrom } from "../helpers/dates";
import { note, ofPolicy, PACK_DIR, startConfiguredPack } from "./support";

const inDays = (days: number) => isoDaysFrom(new Date(), days);

/** An app every resource rule of the pack accepts with default options. */
const COMPLIANT_APP: WireResource = {
    type: "azure-native:web:WebApp",
    name: "app",
    properties: { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } },
};

/** Values of the wrong type for a property of the given schema. */
export function wrongValuesFor(schema: Record<string, unknown>): unknown[] {
    const common: unknown[] = [null, {}, { nested: true }];
    switch (schema.type) {
        case "boolean":
            return [...common, "true", "True", 1, 0, [], [true], "yes"];
        case "integer":
            return [...common, "14", 1.5, -1, 1e9, true, [14]];
        case "number":
            return [...common, "1", true, [1]];
        case "array":
            return [...common, "/health", "/health,/admin", true, 7, [1], [null], [["/health"]], [{}], ["health"], ["/"], ["//"], [" "], ["/a,/b"], ["/a;/b"]];
        case "string":
            return [...common, 1.2, true, ["1.2"], "", "definitely not a choice", "REQUIRED"];
        default:
            return common;
    }
}

function isResourcePolicy(policy: PolicyInfo): boolean {
    return policy.policyType === "resource";
}

describe("config abuse: wrong types for every option", function () {
    this.timeout(120_000);
    let pack: RunningPack;
    let info: AnalyzerInfo;
    let configMap: ConfigureMap;
    const ajv = new Ajv({ strict: false });

    before(async () => {
        ({ pack, configMap } = await startConfiguredPack());
        info = await pack.client.getAnalyzerInfo();
    });
    after(async () => pack?.stop());

    const withRaw = (policy: string, property: string, value: unknown): ConfigureMap =>
        ({ ...configMap, [policy]: { ...configMap[policy], [property]: value, enforcementLevel: "mandatory" } as ConfigureMap[string] });

    it("every policy declares a schema for each of its options", () => {
        const options = info.policies.flatMap(p => Object.keys(p.configSchema?.properties ?? {}).map(o => `${p.name}.${o}`));
        note(`${options.length} options: ${options.join(", ")}`);
        assert.ok(options.includes(`${CLIENT_CERTIFICATES_POLICY}.allowedExclusionPaths`));
    });

    it("the CLI path (buildConfigureMap, ajv) refuses each wrong value, naming the policy and the option", () => {
        let cases = 0;
        for (const policy of info.policies) {
            for (const [property, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                for (const value of wrongValuesFor(schema)) {
                    cases++;
                    assert.throws(() => buildConfigureMap(info, { [policy.name]: { [property]: value } }),
                        (error: unknown) => error instanceof PolicyPackConfigError
                            && error.message.includes(`policy "${policy.name}", property "${property}`),
                        `${policy.name}.${property} = ${JSON.stringify(value)} was accepted`);
                }
            }
        }
        note(`${cases} wrong values refused`);
    });

    it("sent raw through Configure, each wrong value of a resource policy's option gets a mandatory diagnostic naming it", async () => {
        let cases = 0;
        for (const policy of info.policies.filter(isResourcePolicy)) {
            for (const [property, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                for (const value of wrongValuesFor(schema)) {
                    if (ajv.validate(schema, value)) {
                        continue; // e.g. [] is a valid (empty) allow-list
                    }
                    cases++;
                    await pack.client.configure(withRaw(policy.name, property, value));
                    const diagnostics = ofPolicy(await pack.client.analyze(COMPLIANT_APP), policy.name);
                    assert.ok(diagnostics.some(d => d.enforcementLevel === "mandatory" && d.message.includes(`option ${property} `)),
                        `${policy.name}.${property} = ${JSON.stringify(value)}: ${JSON.stringify(diagnostics.map(d => d.message))}`);
                }
            }
        }
        await pack.client.configure(configMap);
        note(`${cases} raw wrong values each named in a mandatory diagnostic`);
        assert.ok(pack.isAlive());
    });

    it("sent raw through Configure, wrong values of the stack policy's options never break AnalyzeStack", async () => {
        for (const policy of info.policies.filter(p => !isResourcePolicy(p))) {
            for (const [property, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                for (const value of wrongValuesFor(schema)) {
                    await pack.client.configure(withRaw(policy.name, property, value));
                    const report = ofPolicy(await pack.client.analyzeStack([COMPLIANT_APP]), policy.name);
                    assert.deepStrictEqual(report.filter(d => /report failed/.test(d.message)), []);
                }
            }
        }
        await pack.client.configure(configMap);
        assert.ok(pack.isAlive());
    });

    it("generated JSON for every option, sent raw: the call resolves, and an invalid value is always named", async () => {
        const options = info.policies.filter(isResourcePolicy)
            .flatMap(p => Object.entries(p.configSchema?.properties ?? {}).map(([property, schema]) => ({ policy: p.name, property, schema })));
        await fc.assert(fc.asyncProperty(fc.constantFrom(...options), fc.jsonValue({ maxDepth: 3 }), async ({ policy, property, schema }, value) => {
            await pack.client.configure(withRaw(policy, property, value));
            const diagnostics = ofPolicy(await pack.client.analyze(COMPLIANT_APP), policy);
            if (!ajv.validate(schema, value)) {
                assert.ok(diagnostics.some(d => d.enforcementLevel === "mandatory" && d.message.includes(`option ${property} `)),
                    `${policy}.${property} = ${JSON.stringify(value)}: ${JSON.stringify(diagnostics.map(d => d.message))}`);
            }
        }), { numRuns: 300 });
        await pack.client.configure(configMap);
        assert.ok(pack.isAlive());
    });

    it("unknown keys: accepted by the schema (as by the CLI), then named in a mandatory diagnostic, never a crash", async () => {
        const file = { [CLIENT_CERTIFICATES_POLICY]: { includeFunctionApp: true, allowedExclusionPath: ["/health"], "": 1, "__x": { deep: [1] } } };
        const map = buildConfigureMap(info, file);
        await pack.client.configure(map);
        const fn = ofPolicy(await pack.client.analyze({ type: "azure-native:web:WebApp", name: "fn", properties: { kind: "functionapp", clientCertEnabled: false } }));
        // The misspelt includeFunctionApp leaves the function app out of scope, but is named, not ignored.
        assert.ok(fn.length > 0 && fn.every(d => d.enforcementLevel === "mandatory"), JSON.stringify(fn));
        for (const key of ["includeFunctionApp", "allowedExclusionPath", "__x"]) {
            assert.ok(fn.some(d => d.message.includes(`"${key}" is not an option of this policy`)), `${key} is named`);
        }
        await pack.client.configure(configMap);
        assert.ok(pack.isAlive());
    });
});

describe("config abuse: allow-lists", function () {
    this.timeout(120_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    before(async () => {
        ({ pack, configMap } = await startConfiguredPack());
    });
    after(async () => pack?.stop());

    const app = (paths: string): WireResource => ({
        type: "azure-native:web:WebApp", name: "app",
        properties: { clientCertEnabled: true, clientCertMode: "Required", clientCertExclusionPaths: paths },
    });
    const verdict = async (paths: string) => ofPolicy(await pack.client.analyze(app(paths)));

    it("an empty allow-list admits no exclusion path", async () => {
        await pack.client.configure(buildConfigureMap(await pack.client.getAnalyzerInfo(), { [CLIENT_CERTIFICATES_POLICY]: { allowedExclusionPaths: [] } }));
        assert.strictEqual((await verdict("/health")).length, 1);
        assert.deepStrictEqual(await verdict(""), []);
        // A list of only spaces is no longer read as no list: how App Service splits it is not documented.
        assert.strictEqual((await verdict(" ")).length, 1);
    });

    it("a 10,000-entry allow-list goes through the CLI path and judges quickly", async () => {
        const paths = Array.from({ length: 10_000 }, (_, i) => `/probe-${i}`);
        const started = Date.now();
        const map = buildConfigureMap(await pack.client.getAnalyzerInfo(), { [CLIENT_CERTIFICATES_POLICY]: { allowedExclusionPaths: paths } });
        await pack.client.configure(map);
        assert.deepStrictEqual(await verdict("/probe-9999/live,/probe-0/"), []);
        // Azure matches "/probe-0" as a prefix: it would open "/probe-0z" too.
        assert.strictEqual((await verdict("/probe-9999/live,/probe-0")).length, 1);
        assert.strictEqual((await verdict("/probe-10000")).length, 1);
        const timed = Date.now();
        for (let i = 0; i < 50; i++) {
            await verdict(`/probe-${i * 200}`);
        }
        note(`configure + 2 calls: ${timed - started} ms; 50 more calls: ${Date.now() - timed} ms`);
        assert.ok(pack.isAlive());
    });

    it("a 10,000-entry allow-list of invalid paths: the CLI path refuses it; raw, every call is denied with the option named", async () => {
        const info = await pack.client.getAnalyzerInfo();
        const bad = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? "/" : `no-slash-${i}`));
        assert.throws(() => buildConfigureMap(info, { [CLIENT_CERTIFICATES_POLICY]: { allowedExclusionPaths: bad } }),
            (e: unknown) => e instanceof PolicyPackConfigError && e.message.includes(`property "allowedExclusionPaths[9999]"`));
        await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], allowedExclusionPaths: bad, enforcementLevel: "mandatory" } });
        const started = Date.now();
        const diagnostics = await verdict("/health");
        const named = diagnostics.filter(d => d.enforcementLevel === "mandatory" && d.message.includes("option allowedExclusionPaths holds"));
        note(`${diagnostics.length} diagnostics for one app in ${Date.now() - started} ms`);
        // One sentence for the whole list, however many items it refuses.
        assert.strictEqual(named.length, 1);
        assert.match(named[0].message, /and 9997 more/);
        await pack.client.configure(configMap);
        assert.ok(pack.isAlive());
    });
});

describe("config abuse: a 10,000-entry exemptions file", function () {
    this.timeout(120_000);
    const ENTRIES = 10_000;
    const urnOf = (i: number) => resourceUrn("azure-native:web:WebApp", `app-${i}`, { stack: "prod", project: "bigshop" });
    let copy: PackCopy;
    let pack: RunningPack;
    let startMs = 0;

    before(async () => {
        const lines = ["exemptions:"];
        for (let i = 0; i < ENTRIES; i++) {
            lines.push(`  - {urn: "${urnOf(i)}", reason: "Generated waiver ${i}", category: waiver, expires: "${inDays(i % 180)}", ticket: GEN-${i}}`);
        }
        copy = copyPackWithExemptions(PACK_DIR, lines.join("\n") + "\n");
        const started = Date.now();
        ({ pack } = await startConfiguredPack(copy.dir));
        startMs = Date.now() - started;
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });

    const disabled = (i: number): WireResource => ({ type: "azure-native:web:WebApp", urn: urnOf(i), properties: { clientCertEnabled: false } });

    it("honours the last entry and denies an app no entry names", async () => {
        const started = Date.now();
        assert.deepStrictEqual(ofPolicy(await pack.client.analyze(disabled(ENTRIES - 1))), []);
        const firstCall = Date.now() - started;
        assert.strictEqual(ofPolicy(await pack.client.analyze(disabled(ENTRIES))).length, 1);
        note(`pack start ${startMs} ms; first Analyze (parses and compiles the file) ${firstCall} ms`);
    });

    it("reports the stack: every exemption in force, every unused entry, nothing refused", async () => {
        const stack = Array.from({ length: 100 }, (_, i) => disabled(i * 100));
        const started = Date.now();
        // Analyze sees the inputs first, as in the engine; AnalyzeStack gets outputs that differ from them.
        for (const resource of stack) {
            await pack.client.analyze(resource);
        }
        const outputs = stack.map(r => ({ ...r, properties: { ...r.properties, clientCertMode: "Required" } }));
        const report = ofPolicy(await pack.client.analyzeStack(outputs), EXEMPTIONS_REPORT_POLICY);
        note(`AnalyzeStack of 100 apps against ${ENTRIES} entries: ${report.length} report lines in ${Date.now() - started} ms`);
        assert.deepStrictEqual(report.filter(d => d.enforcementLevel === "mandatory").map(d => d.message), []);
        assert.strictEqual(report.filter(d => /^unused exemption/.test(d.message)).length, ENTRIES - 100);
        // In force: an item of the stack's summary line (findings: "actionable"); expiring: a finding of its own.
        assert.ok(report.some(d => /^exemptions summary .*app-9900 \(/.test(d.message) || /^expiring in .*app-9900 /.test(d.message)));
        assert.ok(pack.isAlive());
    });
});

describe("config abuse: invalid dates and globs in exemptions", function () {
    this.timeout(120_000);
    const urnOf = (name: string) => resourceUrn("azure-native:web:WebApp", name, { stack: "prod", project: "shop" });
    // [entry, field the refusal must name, a resource the entry targets]
    const CASES: [string, string, string][] = [
        [`{urn: "${urnOf("feb30")}", reason: r, category: waiver, expires: "2027-02-30"}`, "expires", "feb30"],
        [`{urn: "${urnOf("tomorrow")}", reason: r, category: waiver, expires: "tomorrow"}`, "expires", "tomorrow"],
        [`{urn: "${urnOf("number")}", reason: r, category: waiver, expires: 20270101}`, "expires", "number"],
        [`{urn: "${urnOf("slashes")}", reason: r, category: waiver, expires: "2027/01/01"}`, "expires", "slashes"],
        [`{urn: "${urnOf("far")}", reason: r, category: waiver, expires: "${inDays(400)}"}`, "expires", "far"],
        [`{urn: "${urnOf("noexpiry")}", reason: r, category: waiver}`, "expires", "noexpiry"],
        [`{urn: "urn:pulumi:prod::shop::[abc", reason: r, category: mitigated}`, "urn", "bracket"],
        [`{urn: "urn:pulumi:prod::shop::{a,b", reason: r, category: mitigated}`, "urn", "brace"],
        [`{urn: "prod::shop::*", reason: r, category: mitigated}`, "urn", "nourn"],
        [`{urn: "urn:pulumi:*", reason: r, category: mitigated}`, "urn", "everything"],
        [`{urn: "urn:pulumi:**::**", reason: r, category: mitigated}`, "urn", "everything2"],
        [`{urn: "${urnOf("cat")}", reason: r, category: forever}`, "category", "cat"],
        [`{urn: "${urnOf("policy")}", policies: [azure-app-service-nonexistent], reason: r, category: mitigated}`, "policies", "policy"],
        [`{urn: "${urnOf("extra")}", reason: r, category: mitigated, owner: me}`, "owner", "extra"],
    ];
    let copy: PackCopy;
    let pack: RunningPack;

    before(async () => {
        copy = copyPackWithExemptions(PACK_DIR, `exemptions:\n${CASES.map(([entry]) => `  - ${entry}`).join("\n")}\n`);
        ({ pack } = await startConfiguredPack(copy.dir));
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });

    const disabled = (name: string): WireResource => ({ type: "azure-native:web:WebApp", urn: urnOf(name), properties: { clientCertEnabled: false } });

    it("honours none of them: every targeted app is still denied", async () => {
        for (const [, , name] of CASES) {
            const diagnostics = ofPolicy(await pack.client.analyze(disabled(name)));
            assert.strictEqual(diagnostics.filter(d => d.enforcementLevel === "mandatory").length, 1, `${name}: ${JSON.stringify(diagnostics)}`);
        }
        assert.ok(pack.isAlive());
    });

    it("reports each as a mandatory invalid exemption naming its entry and field", async () => {
        const report = ofPolicy(await pack.client.analyzeStack(CASES.map(([, , name]) => disabled(name))), EXEMPTIONS_REPORT_POLICY)
            .filter(d => d.enforcementLevel === "mandatory").map(d => d.message);
        CASES.forEach(([entry, field], i) => {
            const pattern = new RegExp(`^invalid exemption: entry #${i + 1}\\b.*field ${field}:`);
            assert.ok(report.some(m => pattern.test(m)), `entry #${i + 1} ${entry} (field ${field}) not reported:\n${report.join("\n")}`);
        });
        assert.ok(pack.isAlive());
    });
});

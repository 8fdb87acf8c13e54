// AnalyzeStack on generated mixed stacks, through the real Analyzer protocol: in-scope apps of every type
// (azure-native, versioned, classic), look-alike and unrelated types, odd URNs, and self-declared
// exemption tags of every shape, against a copy of the pack whose exemptions file grants, expires and
// allows tags. The call always resolves, the process stays alive, and the exemptions report never fails
// (its catch-all would say "The exemptions report failed") nor lets an unknown escape to the SDK.
import * as assert from "assert";
import fc from "fast-check";
import { DEPLOYED_STATE_POLICY, EXEMPTIONS_REPORT_POLICY } from "../../lib/policy-names";
import { WireResource } from "../../tools/analyzer/analyzer-client";
import { runLikeEngine } from "../../tools/analyzer/engine-run";
import { copyPackWithExemptions, PackCopy } from "../../tools/analyzer/pack-copy";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { resourceUrn, secret, UNKNOWN } from "../../tools/analyzer/wire";
import { isoDaysFrom } from "../helpers/dates";
import { anyValue, appProperties, clientCertOptions } from "./generators";
import { CLASSIC_TYPES_UNDER_TEST, NATIVE_TYPES } from "./property-suite";
import { CANT_RUN, configMapFor, note, ofPolicy, PACK_DIR, profileOf, startConfiguredPack } from "./support";

const RUNS = Number(process.env.FC_STACK_RUNS ?? 300);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const inDays = (days: number) => isoDaysFrom(new Date(), days);
const ctx = { stack: "prop", project: "fuzz" };

export const STACK_EXEMPTIONS = `
settings:
  maxWaiverDays: 180
  tagExemptions: {allowed: true, tag: policy-exemption, maxDays: 30}
exemptions:
  - {urn: "urn:pulumi:prop::fuzz::*::exempt-*", reason: "Fuzzed waiver", category: waiver, expires: "${inDays(30)}", ticket: FUZZ-1}
  - {urn: "urn:pulumi:prop::fuzz::azure-native:web:WebApp::mitigated-*", reason: "Front Door mTLS", category: mitigated}
  - {urn: "urn:pulumi:prop::fuzz::*::expired-*", reason: "Old", category: waiver, expires: "${inDays(-3)}"}
  - {urn: "urn:pulumi:prop::fuzz::*::soon-*", policies: [azure-app-service-require-client-certificates], reason: "Cut-over", category: waiver, expires: "${inDays(2)}"}
  - {urn: "urn:pulumi:prop::fuzz::azure-native:web:WebApp::unused-literal", reason: "Unused", category: mitigated}
`;

const inScope = [...NATIVE_TYPES, ...CLASSIC_TYPES_UNDER_TEST];
const otherTypes = fc.constantFrom("azure-native:web:WebAppSlotConfigurationNames", "azure-native:webx:WebApp", "azure-native:web:webapp",
    "azure-native:storage:StorageAccount", "azure:appservice/plan:Plan", "pulumi:providers:azure-native", "", "azure-native:web/v2022:WebApp");

const exemptionTag = fc.oneof(
    fc.constantFrom<unknown>(`reason=fuzz; expires=${inDays(5)}`, `reason=fuzz; expires=${inDays(90)}`, `reason=fuzz; expires=${inDays(-1)}`,
        "reason=; expires=2026-02-30", "expires=tomorrow", "", ";;;", "reason=a=b; expires=9999-12-31", UNKNOWN, secret(`reason=s; expires=${inDays(3)}`), 7, null, ["x"]),
    anyValue,
);

const resourceName = fc.tuple(fc.constantFrom("exempt-", "mitigated-", "expired-", "soon-", "app-", "unused-literal", ""), fc.string({ maxLength: 8 }))
    .map(([prefix, rest]) => prefix + rest);

const stackResource: fc.Arbitrary<WireResource> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...inScope).chain(subject => fc.record({
        type: subject.type,
        name: resourceName,
        properties: appProperties(profileOf(subject.sample)),
        tag: fc.option(exemptionTag, { nil: undefined }),
    })).map(({ type, name, properties, tag }) => ({
        type, name, urn: resourceUrn(type, name, ctx),
        properties: tag === undefined ? properties : { ...properties, tags: { "policy-exemption": tag } },
    })) },
    { weight: 1, arbitrary: fc.record({ type: otherTypes, name: resourceName, properties: fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 4 }) })
        .map(r => ({ ...r, urn: resourceUrn(r.type, r.name, ctx) })) },
    { weight: 1, arbitrary: fc.record({
        type: fc.constantFrom(...inScope).chain(s => s.type),
        urn: fc.constantFrom("", "not-a-urn", "urn:pulumi:other::proj::azure-native:web:WebApp::x", "urn:pulumi:prop::fuzz::a$b::exempt-x", "urn:pulumi:prop::fuzz::"),
        properties: fc.constant({ clientCertEnabled: false }),
    }) },
);

describe("property: AnalyzeStack on generated mixed stacks", function () {
    this.timeout(300_000);
    let copy: PackCopy;
    let pack: RunningPack;
    let configMap: Awaited<ReturnType<typeof startConfiguredPack>>["configMap"];

    before(async () => {
        copy = copyPackWithExemptions(PACK_DIR, STACK_EXEMPTIONS);
        ({ pack, configMap } = await startConfiguredPack(copy.dir));
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });

    it(`answers ${RUNS} generated stacks with a report that never fails`, async () => {
        const started = Date.now();
        let resources = 0;
        let lines = 0;
        await fc.assert(
            fc.asyncProperty(clientCertOptions, fc.array(stackResource, { maxLength: 40 }), async (options, stack) => {
                await pack.client.configure(configMapFor(configMap, options));
                // As in the engine: Analyze on each resource's inputs, then AnalyzeStack on outputs, here the same
                // properties without siteConfig (some azure-native versions do not read it back).
                const { stack: result } = await runLikeEngine(pack.client, stack.map(({ properties, ...r }) => {
                    const { siteConfig: _dropped, ...outputs } = properties;
                    return { ...r, inputs: properties, outputs };
                }), { remediate: false });
                assert.ok(pack.isAlive(), "the pack process died");
                const report = ofPolicy(result, EXEMPTIONS_REPORT_POLICY);
                const broken = report.filter(d => /exemptions report failed/.test(d.message) || CANT_RUN.test(d.message));
                assert.deepStrictEqual(broken.map(d => d.message), []);
                // The file is valid, so nothing in it is refused: no line may be mandatory.
                assert.deepStrictEqual(report.filter(d => d.enforcementLevel === "mandatory").map(d => d.message), []);
                // The deployed-state policy judges the outputs; they are the inputs here, so it can find no drift,
                // never fails, and stays at its advisory level.
                const deployed = ofPolicy(result, DEPLOYED_STATE_POLICY);
                assert.deepStrictEqual(deployed.filter(d => /could not be judged|This is drift/.test(d.message) || CANT_RUN.test(d.message)
                    || d.enforcementLevel !== "advisory").map(d => d.message), []);
                assert.deepStrictEqual(result.diagnostics.filter(d => d.policyName !== EXEMPTIONS_REPORT_POLICY && d.policyName !== DEPLOYED_STATE_POLICY), []);
                resources += stack.length;
                lines += report.length;
            }),
            { numRuns: RUNS, seed: SEED },
        );
        note(`${RUNS} stacks, ${resources} resources, ${lines} report lines in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    it("reports an exempt, an expired and an unused entry in a fixed stack", async () => {
        const stack: WireResource[] = [
            { type: "azure-native:web:WebApp", name: "exempt-a", urn: resourceUrn("azure-native:web:WebApp", "exempt-a", ctx), properties: { clientCertEnabled: false } },
            { type: "azure-native:web:WebApp", name: "expired-a", urn: resourceUrn("azure-native:web:WebApp", "expired-a", ctx), properties: { clientCertEnabled: false } },
        ];
        // Inputs to Analyze, outputs (Azure's read-back, with its default clientCertMode) to AnalyzeStack.
        const run = await runLikeEngine(pack.client, stack.map(({ properties, ...r }) =>
            ({ ...r, inputs: properties, outputs: { ...properties, clientCertMode: "Required" } })));
        const report = ofPolicy(run.stack, EXEMPTIONS_REPORT_POLICY).map(d => d.message);
        // An exemption in force is an item of the stack's summary line by default (findings: "actionable").
        assert.ok(report.some(m => /^exemptions summary .*: exempt-a \(azure-native:web:WebApp\) from .* until /.test(m)), report.join("\n"));
        assert.ok(report.some(m => /^exemption expired on .*: expired-a/.test(m)), report.join("\n"));
        assert.ok(report.some(m => /^unused exemption: entry #5/.test(m)), report.join("\n"));
        assert.ok(pack.isAlive());
    });
});

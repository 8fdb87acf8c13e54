// The property suite shared by the *.property.spec.ts files: the pack is started once per file, as the
// Pulumi CLI starts it, and judged on generated property bags for every resource type in scope of the
// client-certificate rule. The oracle (./model.ts) is written from the rule's intent, not its code.
//
//   (a) every Analyze call resolves (no gRPC error) and the pack process stays alive;
//   (b) every input that is not compliant by construction gets a mandatory diagnostic from the rule, or,
//       when only unknown values stand in the way, exactly the SDK's advisory "can't run … during preview";
//       out-of-scope inputs (function apps without includeFunctionApps, workflow apps) get none and are
//       reported not applicable;
//   (c) every input compliant by construction gets no diagnostic from the rule.
//
// FC_SEED=<n> replays a run; FC_RUNS=<n> changes the number of runs per type (default 2,000).
import * as assert from "assert";
import fc from "fast-check";
import { CLIENT_CERTIFICATES_POLICY } from "../../lib/policy-names";
import { ConfigureMap } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { appProperties, clientCertOptions } from "./generators";
import { expectedVerdict, Expected } from "./model";
import {
    CANT_RUN,
    ClientCertOptions,
    classicTypes,
    configMapFor,
    note,
    ofPolicy,
    otherNativeToken,
    profileOf,
    startConfiguredPack,
    versionedToken,
} from "./support";

const RUNS = Number(process.env.FC_RUNS ?? 2_000);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

interface TypeUnderTest {
    readonly label: string;
    readonly type: fc.Arbitrary<string>;
    /** A representative token, for the profile (every token of one label shares a profile). */
    readonly sample: string;
}

const fixed = (type: string): TypeUnderTest => ({ label: type, type: fc.constant(type), sample: type });
const versioned = (resource: "WebApp" | "WebAppSlot"): TypeUnderTest => ({
    label: `azure-native:web/v<8 digits>[preview]:${resource}`,
    type: fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.boolean()).map(([digits, preview]) => versionedToken(digits, preview, resource)),
    sample: versionedToken(20220901, false, resource),
});

const otherTokens = (resource: "WebApp" | "WebAppSlot"): TypeUnderTest => ({
    label: `azure-native_web_<version>:web[/<version>]:${resource} and azure-nextgen:web/<version|latest>:${resource}`,
    type: fc.tuple(fc.constantFrom(...(["local", "local-versioned", "nextgen", "nextgen-latest"] as const)),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 99_999_999 }), fc.boolean())
        .map(([form, moduleCase, digits, preview]) => otherNativeToken(form, moduleCase, digits, preview, resource)),
    sample: otherNativeToken("local", [false, false, false], 20240401, false, resource),
});

/** azure-native: the two fixed tokens, every explicit API version of each, local API-version packages and azure-nextgen. */
export const NATIVE_TYPES: TypeUnderTest[] = [
    fixed("azure-native:web:WebApp"),
    fixed("azure-native:web:WebAppSlot"),
    versioned("WebApp"),
    versioned("WebAppSlot"),
    otherTokens("WebApp"),
    otherTokens("WebAppSlot"),
];

/** The classic provider: every token lib/app-service-resources.ts declares at the time of the run. */
export const CLASSIC_TYPES_UNDER_TEST: TypeUnderTest[] = classicTypes().map(fixed);

/** Checks one Analyze result against the model; returns a failure description or undefined. */
export function checkAgainstModel(expected: Expected, result: Awaited<ReturnType<RunningPack["client"]["analyze"]>>): string | undefined {
    const diagnostics = ofPolicy(result);
    const mandatory = diagnostics.filter(d => d.enforcementLevel === "mandatory");
    const advisory = diagnostics.filter(d => d.enforcementLevel === "advisory" && CANT_RUN.test(d.message));
    const shown = () => JSON.stringify(diagnostics.map(d => `[${d.enforcementLevel}] ${d.message.slice(0, 300)}`));
    switch (expected.outcome) {
        case "compliant":
            return diagnostics.length === 0 ? undefined : `expected no diagnostic for a compliant app, got ${shown()}`;
        case "out of scope": {
            const notApplicable = result.notApplicable.some(n => n.policyName === CLIENT_CERTIFICATES_POLICY);
            return diagnostics.length === 0 && notApplicable ? undefined
                : `expected out of scope (${expected.why}): no diagnostic and not applicable; got ${shown()}, notApplicable ${JSON.stringify(result.notApplicable)}`;
        }
        case "violation":
            return mandatory.length > 0 && advisory.length === 0 ? undefined
                : `expected a mandatory violation (${expected.why.join("; ")}), got ${shown()}`;
        case "unknown":
            return advisory.length === 1 && diagnostics.length === 1 ? undefined
                : `expected only the advisory "can't run during preview" (${expected.why.join("; ")}), got ${shown()}`;
    }
}

type Tally = Record<Expected["outcome"], number>;
const emptyTally = (): Tally => ({ "compliant": 0, "violation": 0, "unknown": 0, "out of scope": 0 });

/** The property suite over `types`, against one pack process started as the CLI starts it. */
export function propertySuite(title: string, TYPES_UNDER_TEST: readonly TypeUnderTest[]): void {
    describe(title, function () {
        this.timeout(300_000);
        let pack: RunningPack;
        let baseConfig: ConfigureMap;
        let configured = "";
        const tallies = new Map<string, Tally>(TYPES_UNDER_TEST.map(t => [t.label, emptyTally()]));

        before(async () => {
            ({ pack, configMap: baseConfig } = await startConfiguredPack());
        });
        after(async () => pack?.stop());

        async function configure(options: ClientCertOptions): Promise<void> {
            const key = JSON.stringify(options);
            if (key !== configured) {
                await pack.client.configure(configMapFor(baseConfig, options));
                configured = key;
            }
        }

        it(`covers ${TYPES_UNDER_TEST.length} types`, function () {
            if (TYPES_UNDER_TEST.length === 0) {
                this.skip();
            }
            note(`types: ${TYPES_UNDER_TEST.map(t => t.label).join(", ")}`);
        });

        // One run = one generated configuration sent through Configure, then one generated app of every type,
        // analyzed concurrently over the one connection (as the engine does for a program's resources). So each
        // type is judged on RUNS independent inputs, and a counterexample shrinks to the type that failed.
        const oneAppPerType = fc.tuple(...TYPES_UNDER_TEST.map((subject: TypeUnderTest) =>
            fc.record({ type: subject.type, properties: appProperties(profileOf(subject.sample)) })));

        it(`judges ${RUNS} generated apps of each of the ${TYPES_UNDER_TEST.length} types as the model says`, async function () {
            if (TYPES_UNDER_TEST.length === 0) {
                this.skip();
            }
            const started = Date.now();
            let calls = 0;
            await fc.assert(
                fc.asyncProperty(clientCertOptions, oneAppPerType, async (options, apps) => {
                    await configure(options);
                    const results = await Promise.all(apps.map(app => pack.client.analyze({ type: app.type, name: "app", properties: app.properties })));
                    calls += apps.length;
                    assert.ok(pack.isAlive(), "the pack process died");
                    const failures: string[] = [];
                    apps.forEach((app, i) => {
                        const profile = profileOf(TYPES_UNDER_TEST[i].sample);
                        assert.strictEqual(profileOf(app.type), profile, `${app.type} is judged with another profile`);
                        const expected = expectedVerdict(profile, app.properties, options);
                        const failure = checkAgainstModel(expected, results[i]);
                        if (failure !== undefined) {
                            failures.push(`${app.type}: ${failure}`);
                        }
                        tallies.get(TYPES_UNDER_TEST[i].label)![expected.outcome]++;
                    });
                    assert.deepStrictEqual(failures, []);
                }),
                { numRuns: RUNS, seed: SEED },
            );
            note(`${calls} Analyze calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        });

        for (const subject of TYPES_UNDER_TEST) {
            it(`${subject.label}: generated compliant, non-compliant, unknown and out-of-scope apps`, function () {
                const tally = tallies.get(subject.label)!;
                const total = Object.values(tally).reduce((a, b) => a + b, 0);
                if (total === 0) {
                    this.skip();
                }
                note(`${total} judged: ${JSON.stringify(tally)}`);
                assert.ok(total >= RUNS);
                assert.ok(tally.violation > 0);
                if (profileOf(subject.sample).clientCertificates.form !== "unsupported") {
                    assert.ok(tally.compliant > 0, "the generators produced no compliant app");
                    assert.ok(tally.unknown > 0, "the generators produced no app with unknowns");
                }
            });
        }

        it("left the pack alive after every run", () => {
            assert.ok(pack.isAlive());
        });
    });
}

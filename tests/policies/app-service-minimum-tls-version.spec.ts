import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { judgeWithExemptions } from "../../lib/applied-exemptions";
import { appServiceProfileFor, CLASSIC_TYPES } from "../../lib/app-service-resources";
import { ExemptionSet } from "../../lib/exemption-set";
import { MINIMUM_TLS_POLICY, RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { minimumTlsRule, minimumTlsVersion, tlsVersionRank } from "../../policies/app-service-minimum-tls-version";
import { ENCRYPTED_SECRET, ODD_VALUES } from "../helpers/odd-values";
import {
    assertHasResourceViolation,
    assertNoResourceViolations,
    assertRemediation,
    runResourcePolicy,
    secret,
    UNKNOWN,
} from "../helpers/policy-test-utils";

const policy = minimumTlsVersion;
const WEB_APP = "azure-native:web:WebApp";
const LINUX_WEB_APP = "azure:appservice/linuxWebApp:LinuxWebApp";
const APP_SERVICE = "azure:appservice/appService:AppService";
const FUNCTIONS = { includeFunctionApps: true };
const TLS_13 = { minimumTlsVersion: "1.3" };
const isFunctionApp = (type: string) => appServiceProfileFor(type)?.functionApp === true;

// [token, resource name, the TLS property inside siteConfig as the provider sends it, is legacy classic]
const TYPES: [string, string, string, boolean][] = [
    [WEB_APP, "WebApp", "minTlsVersion", false],
    ["azure-native:web:WebAppSlot", "WebAppSlot", "minTlsVersion", false],
    ["azure-native:web/v20220901:WebApp", "WebApp", "minTlsVersion", false],
    ["azure-native:web/v20231201preview:WebAppSlot", "WebAppSlot", "minTlsVersion", false],
    ...CLASSIC_TYPES.map((type): [string, string, string, boolean] => {
        const profile = appServiceProfileFor(type)!;
        return [type, profile.resourceName, profile.properties.minTlsVersion[1], profile.replacedBy !== undefined];
    }),
];

describe("azure-app-service-minimum-tls-version", () => {
    it("is advisory by default, named by its constant, with a configurable minimum of 1.2 or 1.3", () => {
        assert.strictEqual(policy.name, MINIMUM_TLS_POLICY);
        assert.strictEqual(policy.enforcementLevel, "advisory");
        const properties = policy.configSchema!.properties;
        assert.deepStrictEqual(Object.keys(properties).sort(), ["includeFunctionApps", "includeWorkflowApps", "minimumTlsVersion", "unresolvableValues"]);
        assert.deepStrictEqual(properties.minimumTlsVersion.enum, ["1.2", "1.3"]);
        assert.strictEqual(properties.minimumTlsVersion.default, "1.2");
        // kind is a label: nothing is left out unless the config says so.
        assert.strictEqual(properties.includeFunctionApps.default, true);
        assert.strictEqual(properties.includeWorkflowApps.default, true);
        assert.strictEqual(properties.unresolvableValues.default, "mandatory");
    });

    it("ranks the known versions in order and nothing else", () => {
        assert.deepStrictEqual(["1.0", "1.1", "1.2", "1.3"].map(tlsVersionRank), [0, 1, 2, 3]);
        for (const odd of ["1.4", "1.2 ", "TLS1_2", "", 1.2, null, undefined, {}, "__proto__", "length"]) {
            assert.strictEqual(tlsVersionRank(odd), undefined, JSON.stringify(odd));
        }
    });

    for (const [type, resourceName, property, legacy] of TYPES) {
        describe(type, () => {
            const path = `siteConfig.${property}`;
            const withFunctions = (config: Record<string, unknown> = {}) => isFunctionApp(type) ? { ...FUNCTIONS, ...config } : config;
            const site = (value: unknown) => ({ siteConfig: { [property]: value } });

            // [value, minimum, passes]
            const table: [string | undefined, string, boolean][] = [
                ["1.0", "1.2", false], ["1.1", "1.2", false], ["1.2", "1.2", true], ["1.3", "1.2", true],
                ["1.0", "1.3", false], ["1.1", "1.3", false], ["1.2", "1.3", false], ["1.3", "1.3", true],
                [undefined, "1.2", true], [undefined, "1.3", false],
            ];
            for (const [value, minimum, passes] of table) {
                const label = value === undefined ? "no version" : `version ${value}`;
                it(`${passes ? "passes" : "denies"} ${label} with the minimum ${minimum}`, async () => {
                    const resource = { type, props: value === undefined ? { siteConfig: {} } : site(value) };
                    const config = withFunctions({ minimumTlsVersion: minimum });
                    if (passes) {
                        await assertNoResourceViolations(policy, resource, config);
                        return;
                    }
                    const legacyCannot = legacy && minimum === "1.3";
                    await assertHasResourceViolation(policy, resource, {
                        config,
                        count: 1,
                        includes: [
                            value === undefined
                                ? `${path} is not set; Azure's default 1.2 assumed, below the required minimum 1.3`
                                : `${path} is "${value}", below the required minimum ${minimum}`,
                            legacyCannot
                                ? `legacy ${resourceName} accepts at most 1.2; migrate it to`
                                : `Fix: set siteConfig: { ${property}: "${minimum}" } on this ${resourceName}.`,
                            "RFC 8996",
                        ],
                    });
                });
            }

            it("assumes Azure's default when siteConfig itself is left out", async () => {
                await assertNoResourceViolations(policy, { type, props: {} }, withFunctions());
                await assertHasResourceViolation(policy, { type, props: {} }, {
                    config: withFunctions(TLS_13), count: 1, includes: [`${path} is not set; Azure's default 1.2 assumed`],
                });
            });

            it("remediates to the configured minimum, keeping the rest of siteConfig", async () => {
                const props = { name: "shop", siteConfig: { [property]: "1.0", alwaysOn: true, appSettings: UNKNOWN } };
                assert.deepStrictEqual(await assertRemediation(policy, { type, props }, withFunctions()),
                    { name: "shop", siteConfig: { [property]: "1.2", alwaysOn: true, appSettings: UNKNOWN } });
                const to13 = await assertRemediation(policy, { type, props: {} }, withFunctions(TLS_13));
                assert.deepStrictEqual(to13, legacy ? undefined : { siteConfig: { [property]: "1.3" } });
            });

            if (isFunctionApp(type)) {
                const option = appServiceProfileFor(type)!.workflowApp ? "includeWorkflowApps" : "includeFunctionApps";
                it(`is judged by default, and left out only with ${option} false`, async () => {
                    await assertHasResourceViolation(policy, { type, props: site("1.0") }, { count: 1 });
                    const outcome = await runResourcePolicy(policy, { type, props: site("1.0") }, { [option]: false });
                    assert.deepStrictEqual(outcome.violations, []);
                    assert.match(outcome.notApplicable ?? "", new RegExp(`${option} option is false`));
                });
            }
        });
    }

    it("reads the classic provider's own property, not the other one", async () => {
        // The current classic resources call it minimumTlsVersion; a stray minTlsVersion there is not theirs.
        await assertHasResourceViolation(policy, { type: LINUX_WEB_APP, props: { siteConfig: { minimumTlsVersion: "1.0", minTlsVersion: "1.2" } } },
            { count: 1, includes: ['siteConfig.minimumTlsVersion is "1.0"'] });
        await assertHasResourceViolation(policy, { type: APP_SERVICE, props: { siteConfig: { minTlsVersion: "1.1", minimumTlsVersion: "1.3" } } },
            { count: 1, includes: ['siteConfig.minTlsVersion is "1.1"'] });
    });

    describe("values it cannot rank are denied", () => {
        const odd: [string, unknown, string][] = [
            ...ODD_VALUES.map(([label, value]): [string, unknown, string] => [label, value, "siteConfig.minTlsVersion is"]),
            ["the number 1.2", 1.2, "siteConfig.minTlsVersion is 1.2 (a number), not one of the version strings"],
            ["an unknown version string", "TLS1_2", 'is "TLS1_2", which is not a TLS version the pack knows ("1.0", "1.1", "1.2", "1.3")'],
            ["a future version", "1.4", "which is not a TLS version the pack knows"],
            ["a padded version", " 1.2", "which is not a TLS version the pack knows"],
            ["an empty string", "", "which is not a TLS version the pack knows"],
            ["an encrypted secret", ENCRYPTED_SECRET, "an encrypted secret the pack cannot read"],
        ];
        for (const [label, value, mention] of odd) {
            it(`denies siteConfig.minTlsVersion as ${label}`, async () => {
                const [message] = await assertHasResourceViolation(policy, { type: WEB_APP, props: { siteConfig: { minTlsVersion: value } } },
                    { count: 1, includes: [mention, 'Fix: set siteConfig: { minTlsVersion: "1.2" } on this WebApp.'] });
                assert.ok(message.length < 1_000, "a huge value is shortened in the message");
            });
        }
        for (const [label, siteConfig] of [["a string", "1.2"], ["an array", [{ minTlsVersion: "1.2" }]], ["null", null], ["a number", 1.2], ["an encrypted secret", ENCRYPTED_SECRET]] as const) {
            it(`denies siteConfig as ${label}: the version cannot be read`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { siteConfig } },
                    { count: 1, includes: ["siteConfig is", "so the pack cannot read siteConfig.minTlsVersion"] });
            });
        }
        it("reports an unusable minimum and applies the strictest, 1.3", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { siteConfig: { minTlsVersion: "1.2" } } }, {
                config: { minimumTlsVersion: "1.1" },
                count: 2,
                includes: ['option minimumTlsVersion must be one of "1.2", "1.3", found "1.1"; the pack applies "1.3"', "below the required minimum 1.3"],
            });
        });
    });

    describe("secrets and unknowns", () => {
        it("unwraps secrets, in the version or around the whole block", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { siteConfig: { minTlsVersion: secret("1.2") } } });
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { siteConfig: secret({ minTlsVersion: new Secret("1.3") }) } }, TLS_13);
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { siteConfig: secret({ minTlsVersion: "1.0" }) } },
                { count: 1, includes: ['siteConfig.minTlsVersion is "1.0"'] });
        });
        it("waits for an unknown version or block during preview", async () => {
            for (const props of [{ siteConfig: UNKNOWN }, { siteConfig: { minTlsVersion: UNKNOWN } }, { siteConfig: { minTlsVersion: secret(UNKNOWN) } }]) {
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props });
                assert.deepStrictEqual(outcome.violations, [], JSON.stringify(props));
                assert.ok(outcome.unknownDuringPreview, JSON.stringify(props));
            }
        });
        it("ignores unknowns elsewhere in siteConfig and in properties it does not read", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { httpsOnly: UNKNOWN, siteConfig: { minTlsVersion: "1.2", ftpsState: UNKNOWN } } });
        });
        it("does not remediate a block it cannot copy safely", async () => {
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { siteConfig: secret({ minTlsVersion: "1.0" }) } }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { siteConfig: [{ minTlsVersion: "1.0" }] } }), undefined);
        });
        it("leaves compliant, out-of-scope and unrelated resources alone", async () => {
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { siteConfig: { minTlsVersion: "1.2" } } }), undefined);
            // A function app is out of scope only when the config leaves function apps out (kind is a label).
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { kind: "functionapp", siteConfig: { minTlsVersion: "1.0" } } },
                { includeFunctionApps: false }), undefined);
            assert.deepStrictEqual(await assertRemediation(policy, { type: WEB_APP, props: { kind: "functionapp", siteConfig: { minTlsVersion: "1.0" } } }),
                { kind: "functionapp", siteConfig: { minTlsVersion: "1.2" } });
            assert.strictEqual(await assertRemediation(policy, { type: "azure-native:storage:StorageAccount", props: {} }), undefined);
        });
    });

    describe("exemptions", () => {
        it("honours an entry that covers this policy", () => {
            const urn = `urn:pulumi:prod::webshop::${WEB_APP}::old-clients`;
            const exemptions = ExemptionSet.parse(
                `exemptions:\n  - {urn: "${urn}", policies: [${MINIMUM_TLS_POLICY}], reason: "Old TLS clients", category: waiver, expires: "2030-06-30"}\n`,
                RESOURCE_POLICY_NAMES);
            const judgement = judgeWithExemptions(minimumTlsRule, { type: WEB_APP, urn, props: { siteConfig: { minTlsVersion: "1.0" } }, config: {} },
                exemptions, new Date(Date.UTC(2030, 5, 1)));
            assert.deepStrictEqual(judgement.outcome === "judged" && judgement.verdict, { violations: [], unknowns: [] });
        });
    });
});

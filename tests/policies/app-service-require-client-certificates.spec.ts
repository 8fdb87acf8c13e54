import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import {
    isAllowedExclusion,
    requireClientCertificates,
} from "../../policies/app-service-require-client-certificates";
import {
    assertHasResourceViolation,
    assertNoResourceViolations,
    assertRemediation,
    runResourcePolicy,
    secret,
    UNKNOWN,
} from "../helpers/policy-test-utils";

const policy = requireClientCertificates;
const WEB_APP = "azure-native:web:WebApp";
const TYPES = [
    WEB_APP,
    "azure-native:web:WebAppSlot",
    "azure-native:web/v20220901:WebApp",
    "azure-native:web/v20231201preview:WebAppSlot",
];
const REQUIRED = { clientCertEnabled: true, clientCertMode: "Required" };
const FIX = 'clientCertEnabled: true, clientCertMode: "Required"';

describe("azure-app-service-require-client-certificates", () => {
    describe("metadata", () => {
        it("is mandatory by default and declares every option with a default", () => {
            assert.strictEqual(policy.enforcementLevel, "mandatory");
            const properties = policy.configSchema!.properties;
            assert.deepStrictEqual(Object.keys(properties).sort(), ["acceptServiceDefaultMode", "allowedExclusionPaths", "includeFunctionApps"]);
            for (const [name, property] of Object.entries(properties)) {
                assert.notStrictEqual(property.default, undefined, `${name} has a default`);
            }
        });
    });

    for (const type of TYPES) {
        describe(type, () => {
            it("passes when enabled and Required", async () => {
                await assertNoResourceViolations(policy, { type, props: { ...REQUIRED } });
            });

            const denied: [string, Record<string, unknown>, string[]][] = [
                ["nothing set", {}, ["clientCertEnabled is not set"]],
                ["enabled false", { clientCertEnabled: false, clientCertMode: "Required" }, ["clientCertEnabled is false"]],
                ["mode Optional", { clientCertEnabled: true, clientCertMode: "Optional" }, ['clientCertMode is "Optional"']],
                ["mode OptionalInteractiveUser", { clientCertEnabled: true, clientCertMode: "OptionalInteractiveUser" }, ['"OptionalInteractiveUser"']],
                ["mode omitted", { clientCertEnabled: true }, ["clientCertMode is not set", 'stored mode can stay "Optional"']],
                ["Required while disabled", { clientCertEnabled: false, clientCertMode: "Required" }, ["clientCertEnabled is false"]],
            ];
            for (const [label, props, mentions] of denied) {
                it(`denies ${label}`, async () => {
                    await assertHasResourceViolation(policy, { type, props }, {
                        count: 1,
                        includes: [...mentions, FIX, "impersonate", "man in the middle"],
                    });
                });
            }
        });
    }

    describe("values as they really arrive", () => {
        const odd: [string, unknown][] = [
            ['the string "true"', "true"],
            ["the number 1", 1],
            ["null", null],
            ["an object", { value: true }],
            ["an array", [true]],
            ["a huge string", "x".repeat(100_000)],
        ];
        for (const [label, value] of odd) {
            it(`never treats clientCertEnabled as ${label} as enabled`, async () => {
                const [message] = await assertHasResourceViolation(policy,
                    { type: WEB_APP, props: { clientCertEnabled: value, clientCertMode: "Required" } },
                    { count: 1, includes: ["clientCertEnabled is"] });
                assert.ok(message.length < 1_000, "a huge value is shortened in the message");
            });
            it(`denies clientCertMode as ${label}`, async () => {
                await assertHasResourceViolation(policy,
                    { type: WEB_APP, props: { clientCertEnabled: true, clientCertMode: value } },
                    { count: 1, includes: ["clientCertMode is"] });
            });
        }

        it("denies a mode that differs only in case, naming the exact value", async () => {
            await assertHasResourceViolation(policy,
                { type: WEB_APP, props: { clientCertEnabled: true, clientCertMode: "required" } },
                { includes: ['clientCertMode is "required"', 'only the exact value "Required"'] });
        });

        it("unwraps secret envelopes", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { clientCertEnabled: secret(true), clientCertMode: secret("Required") } });
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: secret(false), clientCertMode: "Required" } },
                { includes: ["clientCertEnabled is false"] });
        });

        it("unwraps Secret objects and secrets inside secrets", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { clientCertEnabled: new Secret(true), clientCertMode: secret(secret("Required")) } });
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: new Secret("true"), clientCertMode: "Required" } },
                { includes: ['clientCertEnabled is "true"'] });
        });

        it("denies an encrypted secret it cannot read", async () => {
            const encrypted = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: encrypted, clientCertMode: "Required" } },
                { includes: ["an encrypted secret the pack cannot read"] });
        });

        it("keeps the SDK's advisory preview behaviour when the verdict depends on an unknown", async () => {
            for (const props of [
                { clientCertEnabled: UNKNOWN, clientCertMode: "Required" },
                { clientCertEnabled: true, clientCertMode: UNKNOWN },
                { ...REQUIRED, clientCertExclusionPaths: UNKNOWN },
                { ...REQUIRED, kind: UNKNOWN },
                { clientCertEnabled: secret(UNKNOWN), clientCertMode: "Required" },
            ]) {
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props });
                assert.deepStrictEqual(outcome.violations, [], JSON.stringify(props));
                assert.ok(outcome.unknownDuringPreview, `unknown expected for ${JSON.stringify(props)}`);
            }
        });

        it("still denies what is known to be wrong next to an unknown", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: false, clientCertMode: UNKNOWN } },
                { count: 1, includes: ["clientCertEnabled is false"] });
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: UNKNOWN, clientCertMode: "Required", clientCertExclusionPaths: "/" } },
                { count: 1, includes: ['excludes the root path "/"'] });
        });

        it("ignores unknowns in properties it does not read", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, siteConfig: UNKNOWN, serverFarmId: UNKNOWN } });
        });
    });

    describe("mode omitted while enabled", () => {
        it("is accepted with acceptServiceDefaultMode", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { clientCertEnabled: true } }, { acceptServiceDefaultMode: true });
        });
        it("still needs enabled true with acceptServiceDefaultMode", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: {} }, { config: { acceptServiceDefaultMode: true }, includes: ["clientCertEnabled is not set"] });
        });
        it("does not excuse an explicit Optional with acceptServiceDefaultMode", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: true, clientCertMode: "Optional" } },
                { config: { acceptServiceDefaultMode: true }, includes: ['"Optional"'] });
        });
    });

    describe("clientCertExclusionPaths", () => {
        const rootLists = ["/", " / ", "/health,/", "/;/health", "/health; /", "//", "\\"];
        for (const list of rootLists) {
            it(`always denies the root in ${JSON.stringify(list)}, even when every other path is allowed`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health"] }, count: 1, includes: ['excludes the root path "/"', "whole site", 'remove "/"'] });
            });
        }

        it("denies a path that is not allow-listed, naming it", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: "/health" } },
                { count: 1, includes: ['"/health"', "allowedExclusionPaths"] });
        });

        const allowed = ["/health", "/HEALTH", " /health ", "/health/live", "/health,/status", "/health;/status/ready"];
        for (const list of allowed) {
            it(`passes ${JSON.stringify(list)} when /health and /status are allow-listed`, async () => {
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { allowedExclusionPaths: ["/health", "/status"] });
            });
        }

        const stillDenied = ["/healthz", "/api", "/health/../admin", "/health,/api", "/he"];
        for (const list of stillDenied) {
            it(`denies ${JSON.stringify(list)} when /health is allow-listed`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health"] }, count: 1, includes: ["allowedExclusionPaths"] });
            });
        }

        it("denies an empty entry inside a list", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: "/health,,/status" } },
                { config: { allowedExclusionPaths: ["/health", "/status"] }, count: 1, includes: ["empty entry"] });
        });

        it("treats an empty or blank list as no exclusion", async () => {
            for (const list of ["", "   ", null]) {
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } });
            }
        });

        it("denies a list that is not a string", async () => {
            for (const list of [42, ["/"], { path: "/" }, true]) {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { count: 1, includes: ["not a \",\"-separated list of paths"] });
            }
        });

        it("reports the certificate requirement and the root exclusion as two violations", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: false, clientCertExclusionPaths: "/" } },
                { count: 2 });
        });

        it("never lets an allow-list entry open the root or everything", () => {
            assert.strictEqual(isAllowedExclusion("/", ["/"]), false);
            assert.strictEqual(isAllowedExclusion("/anything", [""]), false);
            assert.strictEqual(isAllowedExclusion("/anything", ["/"]), false);
            assert.strictEqual(isAllowedExclusion("/health", ["/health/"]), true);
        });

        it("reports a configured allow-list entry the schema would refuse, and ignores it", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: "/api" } },
                { config: { allowedExclusionPaths: ["", "/"] }, includes: ["option allowedExclusionPaths holds \"\"", "allowedExclusionPaths option does not allow"] });
        });
    });

    describe("scope by kind", () => {
        const webKinds = [undefined, "app", "app,linux", "app,linux,container", "app,container,windows", "api", "linux,api", "APP, Linux", "something-new", 42, null];
        for (const kind of webKinds) {
            it(`judges kind ${JSON.stringify(kind)} as a web app`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { count: 1 });
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { kind, ...REQUIRED } });
            });
        }

        const functionKinds = ["functionapp", "functionapp,linux", "FunctionApp, Linux", "functionapp,linux,container,azurecontainerapps"];
        for (const kind of functionKinds) {
            it(`leaves function app kind ${JSON.stringify(kind)} alone by default and judges it with includeFunctionApps`, async () => {
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } });
                assert.deepStrictEqual(outcome.violations, []);
                assert.match(outcome.notApplicable ?? "", /includeFunctionApps/);
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } },
                    { config: { includeFunctionApps: true }, count: 1 });
            });
        }

        for (const kind of ["functionapp,workflowapp", "WorkflowApp,FunctionApp", "functionapp,linux,workflowapp"]) {
            it(`never judges workflow app kind ${JSON.stringify(kind)}`, async () => {
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { includeFunctionApps: true });
                assert.deepStrictEqual(outcome.violations, []);
                assert.match(outcome.notApplicable ?? "", /workflow app/);
            });
        }
    });

    describe("remediation", () => {
        it("sets enabled and Required, and drops the root exclusion", async () => {
            const result = await assertRemediation(policy, {
                type: WEB_APP,
                props: { name: "shop", clientCertEnabled: false, clientCertMode: "Optional", clientCertExclusionPaths: "/;/health" },
            });
            assert.deepStrictEqual(result, { name: "shop", clientCertEnabled: true, clientCertMode: "Required", clientCertExclusionPaths: "/health" });
        });
        it("removes an exclusion list that only held the root", async () => {
            const result = await assertRemediation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: " / " } });
            assert.deepStrictEqual(result, { ...REQUIRED });
        });
        it("leaves compliant, unrelated and out-of-scope resources alone", async () => {
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { ...REQUIRED } }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: "azure-native:storage:StorageAccount", props: {} }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { kind: "functionapp,workflowapp" } }), undefined);
        });
        it("keeps unknown properties it does not touch as they were", async () => {
            const result = await assertRemediation(policy, { type: WEB_APP, props: { siteConfig: UNKNOWN, clientCertEnabled: false } });
            assert.deepStrictEqual(result, { siteConfig: UNKNOWN, ...REQUIRED });
        });
    });

    describe("unrelated resources", () => {
        it("are not judged", async () => {
            for (const type of ["azure-native:web:AppServicePlan", "azure-native:resources:ResourceGroup", "azure-native:web:WebAppSlotConfigurationNames"]) {
                const outcome = await runResourcePolicy(policy, { type, props: { clientCertEnabled: false } });
                assert.deepStrictEqual(outcome, { violations: [] });
            }
        });
    });
});

import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { judgeWithExemptions } from "../../lib/applied-exemptions";
import { ExemptionSet } from "../../lib/exemption-set";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import {
    clientCertificateRule,
    isAllowedExclusion,
    requireClientCertificates,
} from "../../policies/app-service-require-client-certificates";
import { ENCRYPTED_SECRET, ODD_VALUES } from "../helpers/odd-values";
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
            assert.deepStrictEqual(Object.keys(properties).sort(),
                ["acceptServiceDefaultMode", "allowedExclusionPaths", "includeFunctionApps", "includeWorkflowApps", "unresolvableValues"]);
            // kind is a label: nothing is left out unless the config says so.
            assert.strictEqual(properties.includeFunctionApps.default, true);
            assert.strictEqual(properties.includeWorkflowApps.default, true);
            assert.deepStrictEqual(properties.unresolvableValues.enum, ["mandatory", "advisory"]);
            assert.strictEqual(properties.unresolvableValues.default, "mandatory");
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
        for (const [label, value] of ODD_VALUES) {
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
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: ENCRYPTED_SECRET, clientCertMode: "Required" } },
                { includes: ["an encrypted secret the pack cannot read"] });
        });

        it("keeps the SDK's advisory preview behaviour when the verdict depends on an unknown", async () => {
            for (const props of [
                { clientCertEnabled: UNKNOWN, clientCertMode: "Required" },
                { clientCertEnabled: true, clientCertMode: UNKNOWN },
                { ...REQUIRED, clientCertExclusionPaths: UNKNOWN },
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
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: UNKNOWN, clientCertMode: "Optional" } },
                { count: 1, includes: ['clientCertMode is "Optional"'] });
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { clientCertEnabled: UNKNOWN } },
                { count: 1, includes: ["clientCertMode is not set"] });
        });

        it("judges an app whose kind is unknown as a web app", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind: UNKNOWN, clientCertEnabled: false } }, { count: 1 });
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, kind: UNKNOWN } });
        });

        it("judges a path made of a huge run of slashes without stalling", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: "/".repeat(300_000) + "a" } },
                { config: { allowedExclusionPaths: ["/health"] }, count: 1, includes: ["allowedExclusionPaths option does not allow"] });
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
        const rootLists = ["/", "/health/,/", "/;/health/", "//", "\\"];
        for (const list of rootLists) {
            it(`always denies the root in ${JSON.stringify(list)}, even when every other path is allowed`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health"] }, count: 1, includes: ['excludes the root path "/"', "whole site", 'remove "/"'] });
            });
        }
        // Whitespace is now a finding of its own (App Service does not document how it splits such a list);
        // the root inside it is still named.
        for (const list of [" / ", "/health/; /"]) {
            it(`denies the root in ${JSON.stringify(list)}, and the whitespace around it`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health"] }, count: 2, includes: ['excludes the root path "/"', "holds spaces, line breaks"] });
            });
        }

        it("denies a path that is not allow-listed, naming it", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: "/health" } },
                { count: 1, includes: ['"/health"', "allowedExclusionPaths"] });
        });

        const allowed = ["/health/", "/HEALTH/", "/health/live", "/Health/Live", "/health/,/status/", "/health/;/status/ready", "/health//"];
        for (const list of allowed) {
            it(`passes ${JSON.stringify(list)} when /health and /status are allow-listed`, async () => {
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { allowedExclusionPaths: ["/health", "/status"] });
            });
        }

        const stillDenied = ["/healthz", "/api", "/health/../admin", "/health/,/api", "/he", "/health-admin"];
        for (const list of stillDenied) {
            it(`denies ${JSON.stringify(list)} when /health is allow-listed`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health"] }, count: 1, includes: ["allowedExclusionPaths"] });
            });
        }

        // Azure matches exclusion paths as prefixes: the entry /health also opens /healthz and /health-admin.
        for (const list of ["/health", "/HEALTH", "/health,/status/"]) {
            it(`denies ${JSON.stringify(list)}, the allow-listed path as a bare prefix, saying what to write instead`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } }, {
                    config: { allowedExclusionPaths: ["/health", "/status"] },
                    count: 1,
                    includes: ["Azure matches exclusion paths as prefixes", `also exempts paths such as "/healthz"`, `write "${list.split(",")[0]}/" instead`, `"/health*" allow-listed`],
                });
            });
        }

        it("admits the prefix itself, as Azure reads it, when the allow-list says /health*", async () => {
            for (const list of ["/health", "/HEALTH", "/healthz", "/health-admin", "/health/live"]) {
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { allowedExclusionPaths: ["/health*"] });
            }
            for (const list of ["/heal", "/api", "/health*", "/healthz/../admin"]) {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health*"] }, count: 1, includes: ["allowedExclusionPaths"] });
            }
        });

        it("denies an empty entry inside a list", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: "/health/,,/status/" } },
                { config: { allowedExclusionPaths: ["/health", "/status"] }, count: 1, includes: ["empty entry"] });
        });

        it("treats an empty list as no exclusion", async () => {
            for (const list of ["", null]) {
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } });
            }
        });

        // How App Service splits and trims a list with whitespace is not documented: what the pack cannot read,
        // it denies, even where a trimmed reading would only hold allow-listed paths.
        const unreadable = ["   ", "\t", "\n", " /health/ ", "/health/, /status/", "/health/\n/", "/health/ /", "/health/\u00a0/",
            "/health/\u200b", "\u3000", "/health/\r\n"];
        for (const list of unreadable) {
            it(`denies the list ${JSON.stringify(list)}, which holds whitespace or invisible characters`, async () => {
                const [message] = await assertHasResourceViolation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: list } },
                    { config: { allowedExclusionPaths: ["/health", "/status"] }, includes: ["holds spaces, line breaks or other invisible characters", "no whitespace"] });
                assert.match(message, /clientCertExclusionPaths is/);
            });
        }

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
            assert.strictEqual(isAllowedExclusion("/health/", ["/health/"]), true);
            assert.strictEqual(isAllowedExclusion("/health", ["/health/"]), false);
            assert.strictEqual(isAllowedExclusion("/anything", ["/*"]), false);
            assert.strictEqual(isAllowedExclusion("/anything", ["//*"]), false);
            assert.strictEqual(isAllowedExclusion("/health/\n/", ["/health"]), false);
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
            it(`judges function app kind ${JSON.stringify(kind)} by default, and leaves it out only with includeFunctionApps false`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { count: 1 });
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } },
                    { config: { includeFunctionApps: true }, count: 1 });
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { includeFunctionApps: false });
                assert.deepStrictEqual(outcome.violations, []);
                assert.match(outcome.notApplicable ?? "", /includeFunctionApps option is false; this trusts kind, a label the program declares/);
            });
        }

        for (const kind of ["app,workflowapp", "workflowapp"]) {
            it(`judges kind ${JSON.stringify(kind)}, which is no Logic App without functionapp, as a web app`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { count: 1 });
            });
        }

        for (const kind of ["functionapp,workflowapp", "WorkflowApp,FunctionApp", "functionapp,linux,workflowapp"]) {
            it(`judges workflow app kind ${JSON.stringify(kind)} by default (Logic Apps Standard can require certificates)`, async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { count: 1 });
                await assertNoResourceViolations(policy, { type: WEB_APP, props: { kind, ...REQUIRED } });
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } },
                    { config: { includeFunctionApps: false }, count: 1 });
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props: { kind, clientCertEnabled: false } }, { includeWorkflowApps: false });
                assert.deepStrictEqual(outcome.violations, []);
                assert.match(outcome.notApplicable ?? "", /includeWorkflowApps option is false/);
            });
        }

        describe("function apps hosted on Azure Container Apps", () => {
            const kind = "functionapp,linux,container,azurecontainerapps";
            const environment = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
            it("are not applicable when kind and managedEnvironmentId place them there, pointing to the ingress setting", async () => {
                for (const config of [undefined, { includeFunctionApps: true }]) {
                    const outcome = await runResourcePolicy(policy, { type: WEB_APP, props: { kind, managedEnvironmentId: environment, clientCertEnabled: false } }, config);
                    assert.deepStrictEqual(outcome.violations, []);
                    assert.match(outcome.notApplicable ?? "", /Azure Container Apps.*configuration\.ingress\.clientCertificateMode: "require"/);
                }
                assert.ok((await runResourcePolicy(policy, { type: WEB_APP, props: { kind, managedEnvironmentId: secret(environment) } })).notApplicable);
            });
            it("are judged when only the kind says so: the label alone decides nothing", async () => {
                for (const managedEnvironmentId of [undefined, "", null, "env", UNKNOWN, 7, ENCRYPTED_SECRET,
                    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan", `${environment}/../x`]) {
                    await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, managedEnvironmentId, clientCertEnabled: false } },
                        { count: 1, includes: ["clientCertEnabled is false", "names Azure Container Apps, but managedEnvironmentId is"] });
                }
            });
            it("are judged when only the managed environment says so", async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind: "functionapp,linux", managedEnvironmentId: environment, clientCertEnabled: false } },
                    { count: 1 });
            });
            it("an ordinary function app is still denied", async () => {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind: "functionapp,linux", clientCertEnabled: false } },
                    { config: { includeFunctionApps: true }, count: 1 });
            });
        });
    });

    describe("remediation", () => {
        it("sets enabled and Required, and drops the root exclusion", async () => {
            const result = await assertRemediation(policy, {
                type: WEB_APP,
                props: { name: "shop", clientCertEnabled: false, clientCertMode: "Optional", clientCertExclusionPaths: "/;/health" },
            });
            assert.deepStrictEqual(result, { name: "shop", clientCertEnabled: true, clientCertMode: "Required", clientCertExclusionPaths: "/health" });
        });
        it("keeps a secret exclusion list secret", async () => {
            const result = await assertRemediation(policy, { type: WEB_APP, props: { clientCertEnabled: false, clientCertExclusionPaths: new Secret("/;/internal") } });
            const list = result?.clientCertExclusionPaths;
            assert.ok(list instanceof Secret, "still a secret");
            assert.strictEqual(list.value, "/internal");
        });
        it("removes an exclusion list that only held the root", async () => {
            const result = await assertRemediation(policy, { type: WEB_APP, props: { ...REQUIRED, clientCertExclusionPaths: " / " } });
            assert.deepStrictEqual(result, { ...REQUIRED });
        });
        it("leaves compliant, unrelated and out-of-scope resources alone", async () => {
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { ...REQUIRED } }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: "azure-native:storage:StorageAccount", props: {} }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { kind: "functionapp,workflowapp" } }, { includeWorkflowApps: false }), undefined);
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

    describe("classic azure provider", () => {
        const CLASSIC_REQUIRED = { clientCertificateEnabled: true, clientCertificateMode: "Required" };
        const CLASSIC_FIX = 'clientCertificateEnabled: true, clientCertificateMode: "Required"';
        const FUNCTIONS = { includeFunctionApps: true };
        // [token, resource name, is a function app]: the current resources, all with the same property names.
        const current: [string, string, boolean][] = [
            ["azure:appservice/linuxWebApp:LinuxWebApp", "LinuxWebApp", false],
            ["azure:appservice/windowsWebApp:WindowsWebApp", "WindowsWebApp", false],
            ["azure:appservice/linuxWebAppSlot:LinuxWebAppSlot", "LinuxWebAppSlot", false],
            ["azure:appservice/windowsWebAppSlot:WindowsWebAppSlot", "WindowsWebAppSlot", false],
            ["azure:appservice/linuxFunctionApp:LinuxFunctionApp", "LinuxFunctionApp", true],
            ["azure:appservice/windowsFunctionApp:WindowsFunctionApp", "WindowsFunctionApp", true],
            ["azure:appservice/linuxFunctionAppSlot:LinuxFunctionAppSlot", "LinuxFunctionAppSlot", true],
            ["azure:appservice/windowsFunctionAppSlot:WindowsFunctionAppSlot", "WindowsFunctionAppSlot", true],
            ["azure:appservice/appFlexConsumption:AppFlexConsumption", "AppFlexConsumption", true],
        ];
        for (const [type, resourceName, functionApp] of current) {
            describe(type, () => {
                const config = functionApp ? FUNCTIONS : undefined;

                it("passes when enabled and Required", async () => {
                    await assertNoResourceViolations(policy, { type, props: { ...CLASSIC_REQUIRED } }, config);
                });

                const denied: [string, Record<string, unknown>, string[]][] = [
                    ["nothing set", {}, ["clientCertificateEnabled is not set"]],
                    ["enabled false", { clientCertificateEnabled: false, clientCertificateMode: "Required" }, ["clientCertificateEnabled is false"]],
                    ["mode Optional", { clientCertificateEnabled: true, clientCertificateMode: "Optional" }, ['clientCertificateMode is "Optional"']],
                    ["mode OptionalInteractiveUser", { clientCertificateEnabled: true, clientCertificateMode: "OptionalInteractiveUser" }, ['"OptionalInteractiveUser"']],
                    ["the azure-native names instead of its own", { ...REQUIRED }, ["clientCertificateEnabled is not set"]],
                ];
                for (const [label, props, mentions] of denied) {
                    it(`denies ${label}, naming the classic properties`, async () => {
                        await assertHasResourceViolation(policy, { type, props }, {
                            config,
                            count: 1,
                            includes: [...mentions, `${CLASSIC_FIX} on this ${resourceName}`, "impersonate"],
                        });
                    });
                }

                it("denies a root exclusion in clientCertificateExclusionPaths", async () => {
                    await assertHasResourceViolation(policy, { type, props: { ...CLASSIC_REQUIRED, clientCertificateExclusionPaths: "/" } },
                        { config, count: 1, includes: ["clientCertificateExclusionPaths is \"/\"", 'excludes the root path "/"'] });
                });

                if (functionApp) {
                    it("is a function app: judged by default, left out only with includeFunctionApps false", async () => {
                        await assertHasResourceViolation(policy, { type, props: { clientCertificateEnabled: false } }, { count: 1 });
                        const outcome = await runResourcePolicy(policy, { type, props: { clientCertificateEnabled: false } }, { includeFunctionApps: false });
                        assert.deepStrictEqual(outcome.violations, []);
                        assert.match(outcome.notApplicable ?? "", /includeFunctionApps option is false/);
                    });
                    it("denies a mode left out when function apps are in scope, because its default is Optional", async () => {
                        await assertHasResourceViolation(policy, { type, props: { clientCertificateEnabled: true } },
                            { config, count: 1, includes: ["clientCertificateMode is not set", `this resource's default is "Optional"`] });
                    });
                } else {
                    it("accepts a mode left out: the provider sends its default, Required", async () => {
                        await assertNoResourceViolations(policy, { type, props: { clientCertificateEnabled: true } });
                    });
                }
            });
        }

        const LINUX_WEB_APP = "azure:appservice/linuxWebApp:LinuxWebApp";
        const LINUX_FUNCTION_APP = "azure:appservice/linuxFunctionApp:LinuxFunctionApp";

        it("denies a LinuxWebApp with clientCertificateEnabled: false", async () => {
            await assertHasResourceViolation(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: false, clientCertificateMode: "Required", httpsOnly: true } },
                { count: 1, includes: ["clientCertificateEnabled is false", CLASSIC_FIX] });
        });

        it("denies a function app as the bridge fills it in (enabled, mode Optional by default)", async () => {
            await assertHasResourceViolation(policy, { type: LINUX_FUNCTION_APP, props: { clientCertificateEnabled: true, clientCertificateMode: "Optional" } },
                { config: FUNCTIONS, count: 1, includes: ['clientCertificateMode is "Optional"'] });
        });

        for (const [label, value] of ODD_VALUES) {
            it(`never treats clientCertificateEnabled as ${label} as enabled`, async () => {
                await assertHasResourceViolation(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: value, clientCertificateMode: "Required" } },
                    { count: 1, includes: ["clientCertificateEnabled is"] });
            });
            it(`denies clientCertificateMode as ${label}`, async () => {
                await assertHasResourceViolation(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: true, clientCertificateMode: value } },
                    { count: 1, includes: ["clientCertificateMode is"] });
            });
        }

        it("reads secrets and unknowns on classic resources as on azure-native ones", async () => {
            await assertNoResourceViolations(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: secret(true), clientCertificateMode: new Secret("Required") } });
            await assertHasResourceViolation(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: secret(false), clientCertificateMode: "Required" } },
                { includes: ["clientCertificateEnabled is false"] });
            await assertHasResourceViolation(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: ENCRYPTED_SECRET, clientCertificateMode: "Required" } },
                { includes: ["an encrypted secret the pack cannot read"] });
            const outcome = await runResourcePolicy(policy, { type: LINUX_WEB_APP, props: { clientCertificateEnabled: UNKNOWN, clientCertificateMode: "Required" } });
            assert.deepStrictEqual(outcome.violations, []);
            assert.ok(outcome.unknownDuringPreview);
        });

        describe("legacy AppService", () => {
            const type = "azure:appservice/appService:AppService";
            it("passes with clientCertEnabled: true and clientCertMode Required", async () => {
                await assertNoResourceViolations(policy, { type, props: { ...REQUIRED } });
            });
            it("denies disabled certificates and the current resources' names", async () => {
                await assertHasResourceViolation(policy, { type, props: { clientCertEnabled: false, clientCertMode: "Required" } },
                    { count: 1, includes: ["clientCertEnabled is false", `${FIX} on this AppService`] });
                await assertHasResourceViolation(policy, { type, props: { ...CLASSIC_REQUIRED } },
                    { count: 1, includes: ["clientCertEnabled is not set"] });
            });
            it("relies on the service default mode only with acceptServiceDefaultMode", async () => {
                await assertHasResourceViolation(policy, { type, props: { clientCertEnabled: true } },
                    { count: 1, includes: ['clientCertMode is not set, and an app\'s stored mode can stay "Optional"'] });
                await assertNoResourceViolations(policy, { type, props: { clientCertEnabled: true } }, { acceptServiceDefaultMode: true });
            });
        });

        describe("legacy FunctionApp: certificates are on exactly when clientCertMode is set", () => {
            const type = "azure:appservice/functionApp:FunctionApp";
            it("is judged by default, and out of scope with includeFunctionApps false", async () => {
                await assertHasResourceViolation(policy, { type, props: {} }, { count: 1 });
                const outcome = await runResourcePolicy(policy, { type, props: {} }, { includeFunctionApps: false });
                assert.match(outcome.notApplicable ?? "", /includeFunctionApps/);
            });
            it("passes with clientCertMode Required", async () => {
                await assertNoResourceViolations(policy, { type, props: { clientCertMode: "Required" } }, FUNCTIONS);
            });
            const denied: [string, Record<string, unknown>, string][] = [
                ["no mode", {}, "clientCertMode is not set, so client certificates are off"],
                ["no mode, even with an enabled flag it does not have", { clientCertEnabled: true }, "clientCertMode is not set"],
                ["mode Optional", { clientCertMode: "Optional" }, 'clientCertMode is "Optional", which lets clients in'],
                ["mode in the wrong case", { clientCertMode: "required" }, 'only the exact value "Required"'],
                ...ODD_VALUES.map(([label, value]): [string, Record<string, unknown>, string] => [`mode as ${label}`, { clientCertMode: value }, "clientCertMode is"]),
            ];
            for (const [label, props, mention] of denied) {
                it(`denies ${label}`, async () => {
                    await assertHasResourceViolation(policy, { type, props }, { config: FUNCTIONS, count: 1, includes: [mention, 'set clientCertMode: "Required" on this FunctionApp'] });
                });
            }
            it("waits for an unknown mode", async () => {
                const outcome = await runResourcePolicy(policy, { type, props: { clientCertMode: UNKNOWN } }, FUNCTIONS);
                assert.deepStrictEqual(outcome.violations, []);
                assert.ok(outcome.unknownDuringPreview);
            });
            it("remediates to clientCertMode Required only", async () => {
                assert.deepStrictEqual(await assertRemediation(policy, { type, props: { name: "fn", clientCertMode: "Optional" } }, FUNCTIONS),
                    { name: "fn", clientCertMode: "Required" });
            });
        });

        // No client certificate property exists on these, so they can never comply: fail closed.
        const unsupported: [string, string, string, Record<string, unknown> | undefined][] = [
            ["azure:appservice/slot:Slot", "Slot", "LinuxWebAppSlot or WindowsWebAppSlot", undefined],
            ["azure:appservice/functionAppSlot:FunctionAppSlot", "FunctionAppSlot", "LinuxFunctionAppSlot or WindowsFunctionAppSlot", FUNCTIONS],
        ];
        for (const [type, resourceName, replacement, config] of unsupported) {
            describe(`legacy ${resourceName}`, () => {
                for (const props of [{}, { ...REQUIRED }, { ...CLASSIC_REQUIRED }, { clientCertMode: "Required", httpsOnly: true }]) {
                    it(`is denied whatever it sets: ${JSON.stringify(props)}`, async () => {
                        await assertHasResourceViolation(policy, { type, props }, {
                            config,
                            count: 1,
                            includes: [`legacy ${resourceName} has no client certificate property`,
                                `migrate this ${resourceName} to ${replacement}`, "exempted", "impersonate"],
                        });
                    });
                }
                it("has no remediation: only a migration fixes it", async () => {
                    assert.strictEqual(await assertRemediation(policy, { type, props: {} }, config), undefined);
                });
                it("passes once exempted", () => {
                    const urn = `urn:pulumi:prod::webshop::${type}::legacy`;
                    const exemptions = ExemptionSet.parse(
                        `exemptions:\n  - {urn: "${urn}", reason: "Migrating to ${replacement}", category: waiver, expires: "2030-06-30"}\n`,
                        RESOURCE_POLICY_NAMES);
                    const judgement = judgeWithExemptions(clientCertificateRule, { type, urn, props: {}, config: { includeFunctionApps: true } },
                        exemptions, new Date(Date.UTC(2030, 5, 1)));
                    assert.strictEqual(judgement.outcome, "judged");
                    assert.deepStrictEqual(judgement.outcome === "judged" && judgement.verdict, { violations: [], unknowns: [] });
                });
            });
        }

        it("the legacy FunctionAppSlot is judged by default, and out of scope with includeFunctionApps false", async () => {
            await assertHasResourceViolation(policy, { type: "azure:appservice/functionAppSlot:FunctionAppSlot", props: {} }, { count: 1 });
            const outcome = await runResourcePolicy(policy, { type: "azure:appservice/functionAppSlot:FunctionAppSlot", props: {} }, { includeFunctionApps: false });
            assert.deepStrictEqual(outcome.violations, []);
            assert.match(outcome.notApplicable ?? "", /includeFunctionApps/);
        });

        describe("Logic Apps Standard (logicapps.Standard): certificates are on exactly when clientCertificateMode is set", () => {
            const type = "azure:logicapps/standard:Standard";
            it("passes with clientCertificateMode Required", async () => {
                await assertNoResourceViolations(policy, { type, props: { clientCertificateMode: "Required" } });
            });
            const denied: [string, Record<string, unknown>, string][] = [
                ["no mode", {}, "clientCertificateMode is not set, so client certificates are off (this logicapps.Standard turns them on only through clientCertificateMode)"],
                ["mode Optional", { clientCertificateMode: "Optional" }, 'clientCertificateMode is "Optional"'],
                ["the web apps' enabled flag instead", { clientCertificateEnabled: true }, "clientCertificateMode is not set"],
            ];
            for (const [label, props, mention] of denied) {
                it(`denies ${label}`, async () => {
                    await assertHasResourceViolation(policy, { type, props }, {
                        count: 1, includes: [mention, 'Fix: set clientCertificateMode: "Required" on this logicapps.Standard'],
                    });
                });
            }
            it("is a workflow app: left out only with includeWorkflowApps false", async () => {
                await assertHasResourceViolation(policy, { type, props: {} }, { config: { includeFunctionApps: false }, count: 1 });
                const outcome = await runResourcePolicy(policy, { type, props: {} }, { includeWorkflowApps: false });
                assert.deepStrictEqual(outcome.violations, []);
                assert.match(outcome.notApplicable ?? "", /includeWorkflowApps option is false/);
            });
            it("remediates by setting the mode", async () => {
                assert.deepStrictEqual(await assertRemediation(policy, { type, props: { name: "flows", clientCertificateMode: "Optional" } }),
                    { name: "flows", clientCertificateMode: "Required" });
            });
        });

        describe("remediation", () => {
            it("sets the classic properties and drops the root exclusion", async () => {
                const result = await assertRemediation(policy, {
                    type: LINUX_WEB_APP,
                    props: { name: "shop", clientCertificateEnabled: false, clientCertificateMode: "Optional", clientCertificateExclusionPaths: "/;/health" },
                });
                assert.deepStrictEqual(result, { name: "shop", ...CLASSIC_REQUIRED, clientCertificateExclusionPaths: "/health" });
            });
            it("sets the legacy AppService's own names", async () => {
                const result = await assertRemediation(policy, { type: "azure:appservice/appService:AppService", props: { clientCertEnabled: false } });
                assert.deepStrictEqual(result, { ...REQUIRED });
            });
        });
    });
});

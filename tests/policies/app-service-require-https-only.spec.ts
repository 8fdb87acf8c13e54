import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { judgeWithExemptions } from "../../lib/applied-exemptions";
import { appServiceProfileFor, CLASSIC_TYPES } from "../../lib/app-service-resources";
import { ExemptionSet } from "../../lib/exemption-set";
import { HTTPS_ONLY_POLICY, RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { requireClientCertificates } from "../../policies/app-service-require-client-certificates";
import { httpsOnlyRule, requireHttpsOnly } from "../../policies/app-service-require-https-only";
import { ENCRYPTED_SECRET, ODD_VALUES } from "../helpers/odd-values";
import {
    assertHasResourceViolation,
    assertNoResourceViolations,
    assertRemediation,
    runResourcePolicy,
    secret,
    UNKNOWN,
} from "../helpers/policy-test-utils";

const policy = requireHttpsOnly;
const WEB_APP = "azure-native:web:WebApp";
const FUNCTIONS = { includeFunctionApps: true };
const FUNCTION_APP_TYPES = new Set([
    "azure:appservice/linuxFunctionApp:LinuxFunctionApp",
    "azure:appservice/windowsFunctionApp:WindowsFunctionApp",
    "azure:appservice/linuxFunctionAppSlot:LinuxFunctionAppSlot",
    "azure:appservice/windowsFunctionAppSlot:WindowsFunctionAppSlot",
    "azure:appservice/functionApp:FunctionApp",
    "azure:appservice/functionAppSlot:FunctionAppSlot",
    "azure:appservice/appFlexConsumption:AppFlexConsumption",
    "azure:logicapps/standard:Standard",
]);
// Every type the pack judges, with the class name the fix names.
const TYPES: [string, string][] = [
    [WEB_APP, "WebApp"],
    ["azure-native:web:WebAppSlot", "WebAppSlot"],
    ["azure-native:web/v20220901:WebApp", "WebApp"],
    ["azure-native:web/v20231201preview:WebAppSlot", "WebAppSlot"],
    ...CLASSIC_TYPES.map((type): [string, string] => [type, appServiceProfileFor(type)!.resourceName]),
];

describe("azure-app-service-require-https-only", () => {
    it("is mandatory by default, named by its constant, judging function and workflow apps by default", () => {
        assert.strictEqual(policy.name, HTTPS_ONLY_POLICY);
        assert.strictEqual(policy.enforcementLevel, "mandatory");
        assert.deepStrictEqual(Object.keys(policy.configSchema!.properties), ["includeFunctionApps", "includeWorkflowApps", "unresolvableValues"]);
        // kind is a label: nothing is left out unless the config says so.
        assert.strictEqual(policy.configSchema!.properties.includeFunctionApps.default, true);
        assert.strictEqual(policy.configSchema!.properties.includeWorkflowApps.default, true);
        assert.strictEqual(policy.configSchema!.properties.unresolvableValues.default, "mandatory");
    });

    for (const [type, resourceName] of TYPES) {
        describe(type, () => {
            const config = FUNCTION_APP_TYPES.has(type) ? FUNCTIONS : undefined;
            it("passes with httpsOnly: true", async () => {
                await assertNoResourceViolations(policy, { type, props: { httpsOnly: true } }, config);
            });
            const denied: [string, Record<string, unknown>, string][] = [
                ["httpsOnly false", { httpsOnly: false }, "httpsOnly is false"],
                ["httpsOnly left out", {}, "httpsOnly is not set (the default is false)"],
            ];
            for (const [label, props, mention] of denied) {
                it(`denies ${label}, explaining the plain-HTTP bypass`, async () => {
                    await assertHasResourceViolation(policy, { type, props }, {
                        config,
                        count: 1,
                        includes: [mention, `set httpsOnly: true on this ${resourceName}`,
                            "client certificates only exist on HTTPS", "plain HTTP reaches the app with no certificate"],
                    });
                });
            }
            if (config) {
                const option = appServiceProfileFor(type)!.workflowApp ? "includeWorkflowApps" : "includeFunctionApps";
                it(`is judged by default, and left out only with ${option} false`, async () => {
                    await assertHasResourceViolation(policy, { type, props: { httpsOnly: false } }, { count: 1 });
                    const outcome = await runResourcePolicy(policy, { type, props: { httpsOnly: false } }, { [option]: false });
                    assert.deepStrictEqual(outcome.violations, []);
                    assert.match(outcome.notApplicable ?? "", new RegExp(`${option} option is false`));
                });
            }
        });
    }

    it("denies a web app that requires client certificates but still answers plain HTTP", async () => {
        for (const [type, props] of [
            [WEB_APP, { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: false }],
            ["azure:appservice/linuxWebApp:LinuxWebApp", { clientCertificateEnabled: true, clientCertificateMode: "Required", httpsOnly: false }],
        ] as const) {
            await assertNoResourceViolations(requireClientCertificates, { type, props });
            await assertHasResourceViolation(policy, { type, props }, { count: 1, includes: ["httpsOnly is false", "plain HTTP"] });
        }
    });

    describe("values as they really arrive", () => {
        for (const [label, value] of ODD_VALUES) {
            it(`never treats httpsOnly as ${label} as true`, async () => {
                const [message] = await assertHasResourceViolation(policy, { type: WEB_APP, props: { httpsOnly: value } },
                    { count: 1, includes: ["httpsOnly is", typeof value === "boolean" ? "" : "not the boolean true"] });
                assert.ok(message.length < 1_000, "a huge value is shortened in the message");
            });
        }
        it("unwraps secrets", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { httpsOnly: secret(true) } });
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { httpsOnly: new Secret(secret(true)) } });
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { httpsOnly: secret(false) } }, { includes: ["httpsOnly is false"] });
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { httpsOnly: ENCRYPTED_SECRET } },
                { includes: ["an encrypted secret the pack cannot read"] });
        });
        it("judges an app whose kind is unknown as a web app", async () => {
            await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind: UNKNOWN, httpsOnly: false } }, { count: 1 });
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { kind: UNKNOWN, httpsOnly: true } });
        });
        it("waits for an unknown httpsOnly during preview", async () => {
            for (const props of [{ httpsOnly: UNKNOWN }, { httpsOnly: secret(UNKNOWN) }]) {
                const outcome = await runResourcePolicy(policy, { type: WEB_APP, props });
                assert.deepStrictEqual(outcome.violations, [], JSON.stringify(props));
                assert.ok(outcome.unknownDuringPreview, JSON.stringify(props));
            }
        });
        it("ignores unknowns in properties it does not read", async () => {
            await assertNoResourceViolations(policy, { type: WEB_APP, props: { httpsOnly: true, clientCertEnabled: UNKNOWN, siteConfig: UNKNOWN } });
        });
    });

    describe("scope", () => {
        it("judges azure-native function apps by default; includeFunctionApps false leaves them out, trusting kind", async () => {
            const props = { kind: "functionapp,linux", httpsOnly: false };
            await assertHasResourceViolation(policy, { type: WEB_APP, props }, { count: 1 });
            await assertHasResourceViolation(policy, { type: WEB_APP, props }, { config: FUNCTIONS, count: 1 });
            assert.match((await runResourcePolicy(policy, { type: WEB_APP, props }, { includeFunctionApps: false })).notApplicable ?? "",
                /includeFunctionApps option is false; this trusts kind, a label the program declares/);
        });
        it("judges workflow apps by default; includeWorkflowApps false leaves them out, trusting kind", async () => {
            const props = { kind: "functionapp,workflowapp", httpsOnly: false };
            await assertHasResourceViolation(policy, { type: WEB_APP, props }, { count: 1 });
            await assertHasResourceViolation(policy, { type: WEB_APP, props }, { config: { includeFunctionApps: false }, count: 1 });
            assert.match((await runResourcePolicy(policy, { type: WEB_APP, props }, { includeWorkflowApps: false })).notApplicable ?? "",
                /includeWorkflowApps option is false/);
        });
        it("leaves a function app on Azure Container Apps to its ingress, decided by its managed environment, not its kind", async () => {
            const kind = "functionapp,linux,container,azurecontainerapps";
            const environment = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
            const outcome = await runResourcePolicy(policy, { type: WEB_APP, props: { kind, managedEnvironmentId: environment, httpsOnly: false } });
            assert.deepStrictEqual(outcome.violations, []);
            assert.match(outcome.notApplicable ?? "", /Azure Container Apps.*allowInsecure: false/);
            for (const managedEnvironmentId of [undefined, "", "env", UNKNOWN, "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan"]) {
                await assertHasResourceViolation(policy, { type: WEB_APP, props: { kind, managedEnvironmentId, httpsOnly: false } },
                    { count: 1, includes: ["httpsOnly is false", "names Azure Container Apps, but managedEnvironmentId is"] });
            }
        });
        it("reports an unusable option and applies the strictest value", async () => {
            await assertHasResourceViolation(policy, { type: "azure:appservice/linuxFunctionApp:LinuxFunctionApp", props: { httpsOnly: false } },
                { config: { includeFunctionApps: "yes" }, count: 2, includes: ["option includeFunctionApps must be true or false", "httpsOnly is false"] });
        });
        it("leaves unrelated resources alone", async () => {
            for (const type of ["azure-native:web:AppServicePlan", "azure:appservice/servicePlan:ServicePlan"]) {
                assert.deepStrictEqual(await runResourcePolicy(policy, { type, props: { httpsOnly: false } }), { violations: [] });
            }
        });
    });

    describe("exemptions", () => {
        const urn = `urn:pulumi:prod::webshop::${WEB_APP}::legacy`;
        const now = new Date(Date.UTC(2030, 5, 1));
        const judge = (policies: string) => {
            const exemptions = ExemptionSet.parse(
                `exemptions:\n  - {urn: "${urn}", ${policies}reason: "HTTP health probe", category: waiver, expires: "2030-06-30"}\n`,
                RESOURCE_POLICY_NAMES);
            return judgeWithExemptions(httpsOnlyRule, { type: WEB_APP, urn, props: { httpsOnly: false }, config: {} }, exemptions, now);
        };
        const violations = (judgement: ReturnType<typeof judge>) => judgement.outcome === "judged" ? judgement.verdict.violations.length : -1;
        it("honours an entry for every rule, or for this one by name", () => {
            assert.strictEqual(violations(judge("")), 0);
            assert.strictEqual(violations(judge(`policies: [${HTTPS_ONLY_POLICY}], `)), 0);
        });
        it("does not honour an entry for another rule", () => {
            assert.strictEqual(violations(judge("policies: [azure-app-service-require-client-certificates], ")), 1);
        });
    });

    describe("remediation", () => {
        it("sets httpsOnly: true and keeps every other property as it was", async () => {
            for (const [type] of TYPES) {
                const config = FUNCTION_APP_TYPES.has(type) ? FUNCTIONS : undefined;
                assert.deepStrictEqual(await assertRemediation(policy, { type, props: { name: "shop", httpsOnly: "true", siteConfig: UNKNOWN } }, config),
                    { name: "shop", httpsOnly: true, siteConfig: UNKNOWN }, type);
            }
        });
        it("leaves compliant, out-of-scope and unrelated resources alone", async () => {
            assert.strictEqual(await assertRemediation(policy, { type: WEB_APP, props: { httpsOnly: true } }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: "azure:appservice/functionApp:FunctionApp", props: {} }, { includeFunctionApps: false }), undefined);
            assert.strictEqual(await assertRemediation(policy, { type: "azure-native:storage:StorageAccount", props: {} }), undefined);
        });
    });
});

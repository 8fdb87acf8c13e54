// The pack started exactly as the Pulumi CLI starts it, judged over the Analyzer protocol: the verdicts
// must be those of the unit tests for the same inputs.
import * as assert from "assert";
import { requireClientCertificates } from "../../policies/app-service-require-client-certificates";
import { CLIENT_CERTIFICATES_POLICY } from "../../lib/policy-names";
import { AnalyzerClient, ConfigureMap, Diagnostic } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { secret, UNKNOWN } from "../../tools/analyzer/wire";
import { runResourcePolicy } from "../helpers/policy-test-utils";
import { startPack, startPackForTests } from "../helpers/protocol";

const REQUIRED = { clientCertEnabled: true, clientCertMode: "Required" };
const ENVIRONMENT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
const CASES: [string, string, Record<string, unknown>][] = [
    ["compliant web app", "azure-native:web:WebApp", REQUIRED],
    ["disabled web app", "azure-native:web:WebApp", { clientCertEnabled: false }],
    ["optional web app", "azure-native:web:WebApp", { clientCertEnabled: true, clientCertMode: "Optional" }],
    ["mode omitted", "azure-native:web:WebApp", { clientCertEnabled: true }],
    ["root exclusion", "azure-native:web:WebApp", { ...REQUIRED, clientCertExclusionPaths: "/health;/" }],
    ["compliant slot", "azure-native:web:WebAppSlot", REQUIRED],
    ["non-compliant slot", "azure-native:web:WebAppSlot", { clientCertEnabled: true, clientCertMode: "OptionalInteractiveUser" }],
    ["versioned token", "azure-native:web/v20220901:WebApp", { clientCertEnabled: false }],
    ["versioned preview slot", "azure-native:web/v20231201preview:WebAppSlot", { clientCertEnabled: "true", clientCertMode: "Required" }],
    ["compliant versioned", "azure-native:web/v20220901:WebApp", REQUIRED],
    ["secret compliant", "azure-native:web:WebApp", { clientCertEnabled: secret(true), clientCertMode: secret("Required") }],
    ["secret non-compliant", "azure-native:web:WebApp", { clientCertEnabled: secret(false), clientCertMode: "Required" }],
    ["unknown enabled", "azure-native:web:WebApp", { clientCertEnabled: UNKNOWN, clientCertMode: "Required" }],
    ["unknown deep elsewhere", "azure-native:web:WebApp", { ...REQUIRED, siteConfig: { ipSecurityRestrictions: [{ ipAddress: UNKNOWN }] } }],
    ["function app, judged by default (kind is a label)", "azure-native:web:WebApp", { kind: "functionapp,linux", clientCertEnabled: false }],
    ["workflow app, judged by default", "azure-native:web:WebApp", { kind: "functionapp,workflowapp" }],
    ["function app on Container Apps, not applicable", "azure-native:web:WebApp",
        { kind: "functionapp,linux,container,azurecontainerapps", managedEnvironmentId: ENVIRONMENT }],
    ["classic Logic Apps Standard", "azure:logicapps/standard:Standard", { clientCertificateMode: "Optional" }],
    ["classic Flex Consumption function app", "azure:appservice/appFlexConsumption:AppFlexConsumption", { clientCertificateEnabled: true }],
    ["local API-version package", "azure-native_web_v20240401:web:WebApp", { clientCertEnabled: false }],
    ["look-alike", "azure-native:web:WebAppSlotConfigurationNames", { clientCertEnabled: false }],
];

function ofPolicy(diagnostics: Diagnostic[]) {
    return diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY);
}

describe("protocol: azure-app-service-require-client-certificates", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let client: AnalyzerClient;

    before(async () => {
        ({ pack } = await startPack());
        client = pack.client;
    });
    after(async () => pack?.stop());

    it("describes the pack and its policies", async () => {
        const info = await client.getAnalyzerInfo();
        assert.strictEqual(info.name, "azure-app-service-client-certificates");
        const policy = info.policies.find(p => p.name === CLIENT_CERTIFICATES_POLICY);
        assert.ok(policy);
        assert.strictEqual(policy.enforcementLevel, "mandatory");
        assert.deepStrictEqual(Object.keys(policy.configSchema?.properties ?? {}).sort(),
            ["acceptServiceDefaultMode", "allowedExclusionPaths", "includeFunctionApps", "includeWorkflowApps", "unresolvableValues"]);
    });

    for (const [label, type, properties] of CASES) {
        it(`gives the unit-test verdict for ${label} (${type})`, async () => {
            const unit = await runResourcePolicy(requireClientCertificates, { type, props: properties as Record<string, unknown> });
            const result = await client.analyze({ type, name: "app", properties });
            const diagnostics = ofPolicy(result.diagnostics);
            if (unit.unknownDuringPreview) {
                assert.strictEqual(diagnostics.length, 1);
                assert.strictEqual(diagnostics[0].enforcementLevel, "advisory");
                assert.match(diagnostics[0].message, /can't run policy .* during preview/);
                return;
            }
            assert.deepStrictEqual(diagnostics.map(d => d.message),
                unit.violations.map(v => `${requireClientCertificates.description}\n${v}`));
            for (const diagnostic of diagnostics) {
                assert.strictEqual(diagnostic.enforcementLevel, "mandatory");
            }
            const notApplicable = result.notApplicable.find(n => n.policyName === CLIENT_CERTIFICATES_POLICY);
            assert.strictEqual(notApplicable?.reason, unit.notApplicable);
        });
    }

    it("answers every call without a gRPC error and stays alive", () => {
        assert.ok(pack.isAlive());
    });
});

describe("protocol: enforcement levels and options through Configure", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;
    const disabled = { type: "azure-native:web:WebApp", name: "app", properties: { clientCertEnabled: false } };

    startPackForTests(started => ({ pack, configMap } = started));

    const levelWith = (enforcementLevel: string, extra: Record<string, unknown> = {}) => ({
        ...configMap,
        [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], ...extra, enforcementLevel } as ConfigureMap[string],
    });

    for (const level of ["advisory", "mandatory"] as const) {
        it(`reports at ${level}`, async () => {
            await pack.client.configure(levelWith(level));
            const diagnostics = ofPolicy((await pack.client.analyze(disabled)).diagnostics);
            assert.deepStrictEqual(diagnostics.map(d => d.enforcementLevel), [level]);
        });
    }

    it("reports nothing when disabled", async () => {
        await pack.client.configure(levelWith("disabled"));
        assert.deepStrictEqual(ofPolicy((await pack.client.analyze(disabled)).diagnostics), []);
    });

    it("remediates at remediate: enabled, Required, root exclusion dropped, secrets kept secret", async () => {
        await pack.client.configure(levelWith("remediate"));
        const result = await pack.client.remediate({
            type: "azure-native:web:WebApp",
            name: "app",
            properties: { clientCertEnabled: false, clientCertExclusionPaths: "/,/health", appSettings: secret("s3cret") },
        });
        const remediation = result.remediations.find(r => r.policyName === CLIENT_CERTIFICATES_POLICY);
        assert.ok(remediation, JSON.stringify(result));
        assert.deepStrictEqual(remediation.properties, {
            clientCertEnabled: true,
            clientCertMode: "Required",
            clientCertExclusionPaths: "/health",
            appSettings: secret("s3cret"),
        });
    });

    it("applies options sent through Configure", async () => {
        await pack.client.configure(levelWith("mandatory", { acceptServiceDefaultMode: true, allowedExclusionPaths: ["/health"], includeFunctionApps: true }));
        const pass = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "app", properties: { clientCertEnabled: true, clientCertExclusionPaths: "/health/" } });
        assert.deepStrictEqual(ofPolicy(pass.diagnostics), []);
        // Azure matches "/health" as a prefix: it would open "/healthz" too, beyond what "/health" allows.
        const prefix = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "app", properties: { clientCertEnabled: true, clientCertExclusionPaths: "/health" } });
        assert.match(ofPolicy(prefix.diagnostics).map(d => d.message).join("\n"), /Azure matches exclusion paths as prefixes/);
        const fn = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "fn", properties: { kind: "functionapp", clientCertEnabled: false } });
        assert.strictEqual(ofPolicy(fn.diagnostics).length, 1);
    });

    it("answers a config the schema would refuse with a mandatory diagnostic naming the option", async () => {
        await pack.client.configure(levelWith("mandatory", { acceptServiceDefaultMode: "yes" }));
        const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "app", properties: { clientCertEnabled: true } });
        const messages = ofPolicy(result.diagnostics).map(d => d.message).join("\n");
        assert.match(messages, /option acceptServiceDefaultMode must be true or false, found "yes"/);
        assert.match(messages, /clientCertMode is not set/);
    });
});

describe("protocol: function apps hosted on Azure Container Apps", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    before(async () => {
        ({ pack, configMap } = await startPack());
        await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], includeFunctionApps: true } });
    });
    after(async () => pack?.stop());

    it("leaves one to its Container Apps ingress, with function apps included", async () => {
        const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "aca", properties: {
            kind: "functionapp,linux,container,azurecontainerapps", managedEnvironmentId: ENVIRONMENT, clientCertEnabled: false,
        } });
        assert.deepStrictEqual(ofPolicy(result.diagnostics), []);
        const reason = result.notApplicable.find(n => n.policyName === CLIENT_CERTIFICATES_POLICY)?.reason ?? "";
        assert.match(reason, /Azure Container Apps/);
        assert.match(reason, /configuration\.ingress\.clientCertificateMode: "require"/);
    });

    it("still denies an ordinary function app", async () => {
        const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "fn", properties: { kind: "functionapp,linux", clientCertEnabled: false } });
        assert.strictEqual(ofPolicy(result.diagnostics).filter(d => d.enforcementLevel === "mandatory").length, 1);
    });

    it("denies one whose kind names Container Apps but that has no managed environment", async () => {
        const result = await pack.client.analyze({ type: "azure-native:web:WebApp", name: "label", properties: {
            kind: "functionapp,linux,container,azurecontainerapps", clientCertEnabled: false,
        } });
        assert.match(ofPolicy(result.diagnostics).map(d => d.message).join("\n"), /names Azure Container Apps, but managedEnvironmentId is not set/);
    });
});

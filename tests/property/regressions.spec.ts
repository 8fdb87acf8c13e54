// Named regression tests: every failing input the property and config-abuse tests found, shrunk to its
// minimal form, plus the boundary inputs whose semantics the model mirrors deliberately.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY } from "../../lib/policy-names";
import { ConfigureMap, WireResource } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { secret, UNKNOWN } from "../../tools/analyzer/wire";
import { Expected, expectedVerdict } from "./model";
import { checkAgainstModel } from "./property-suite";
import { CANT_RUN, ClientCertOptions, configMapFor, DEFAULT_OPTIONS, ofPolicy, profileOf, startConfiguredPack } from "./support";

const WEB = "azure-native:web:WebApp";
const LINUX_FUNCTION_APP = "azure:appservice/linuxFunctionApp:LinuxFunctionApp";
const REQUIRED = { clientCertEnabled: true, clientCertMode: "Required" };
const HEALTH: ClientCertOptions = { ...DEFAULT_OPTIONS, allowedExclusionPaths: ["/health"] };
const WITH_FUNCTIONS: ClientCertOptions = { ...DEFAULT_OPTIONS, includeFunctionApps: true };
const WITHOUT_FUNCTIONS: ClientCertOptions = { ...DEFAULT_OPTIONS, includeFunctionApps: false };
const WITHOUT_WORKFLOWS: ClientCertOptions = { ...DEFAULT_OPTIONS, includeWorkflowApps: false };
const ENVIRONMENT = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";

type Case = [title: string, type: string, properties: Record<string, unknown>, options: ClientCertOptions, expected: Expected["outcome"]];

// Boundary inputs: each is judged by the pack as written here, and the model must agree.
const BOUNDARIES: Case[] = [
    ["doubly secret enabled and secret mode comply", WEB, { clientCertEnabled: secret(secret(true)), clientCertMode: secret("Required") }, DEFAULT_OPTIONS, "compliant"],
    ["the string \"true\" is not the boolean true", WEB, { clientCertEnabled: "true", clientCertMode: "Required" }, DEFAULT_OPTIONS, "violation"],
    ["a secret \"True\" is not the boolean true", WEB, { clientCertEnabled: secret("True"), clientCertMode: "Required" }, DEFAULT_OPTIONS, "violation"],
    ["mode \"REQUIRED\" is not \"Required\"", WEB, { clientCertEnabled: true, clientCertMode: "REQUIRED" }, DEFAULT_OPTIONS, "violation"],
    ["mode \" Required\" (leading space) is not \"Required\"", WEB, { clientCertEnabled: true, clientCertMode: " Required" }, DEFAULT_OPTIONS, "violation"],
    ["an omitted mode is refused without acceptServiceDefaultMode", WEB, { clientCertEnabled: true }, DEFAULT_OPTIONS, "violation"],
    ["an omitted mode is accepted with acceptServiceDefaultMode", WEB, { clientCertEnabled: true }, { ...DEFAULT_OPTIONS, acceptServiceDefaultMode: true }, "compliant"],
    ["a null mode is not an omitted mode", WEB, { clientCertEnabled: true, clientCertMode: null }, { ...DEFAULT_OPTIONS, acceptServiceDefaultMode: true }, "violation"],
    ["a 20,000-character mode is denied", WEB, { clientCertEnabled: true, clientCertMode: "Required".repeat(2_500) }, DEFAULT_OPTIONS, "violation"],
    ["root exclusion \"/\"", WEB, { ...REQUIRED, clientCertExclusionPaths: "/" }, HEALTH, "violation"],
    ["root exclusion \"//\"", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health,//" }, HEALTH, "violation"],
    ["root exclusion \"\\\"", WEB, { ...REQUIRED, clientCertExclusionPaths: "\\" }, HEALTH, "violation"],
    ["root exclusion behind a no-break space", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health;\u00a0/" }, HEALTH, "violation"],
    ["a trailing separator leaves an empty entry", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health," }, HEALTH, "violation"],
    ["\"..\" climbs out of an allow-listed path", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health/../admin" }, HEALTH, "violation"],
    ["an encoded slash is refused", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health%2F..%2Fadmin" }, HEALTH, "violation"],
    ["a look-alike of an allow-listed path", WEB, { ...REQUIRED, clientCertExclusionPaths: "/healthz" }, HEALTH, "violation"],
    // Once compliant: whitespace (which Azure's splitting is not documented for) and the bare "/health",
    // which Azure matches as a prefix and so also opens "/healthz".
    ["allow-listed paths in any case, with a trailing slash, below it, either separator, padded", WEB,
        { ...REQUIRED, clientCertExclusionPaths: " /HEALTH/ ; /health/live,/Health " }, HEALTH, "violation"],
    ["allow-listed paths in any case, below /health/, either separator", WEB,
        { ...REQUIRED, clientCertExclusionPaths: "/HEALTH/;/health/live,/Health/" }, HEALTH, "compliant"],
    ["the allow-listed path as a bare prefix opens /healthz too", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health" }, HEALTH, "violation"],
    ["an allow-listed prefix /health* admits /healthz as Azure reads it", WEB,
        { ...REQUIRED, clientCertExclusionPaths: "/health;/healthz" }, { ...DEFAULT_OPTIONS, allowedExclusionPaths: ["/health*"] }, "compliant"],
    ["a blank exclusion list", WEB, { ...REQUIRED, clientCertExclusionPaths: " \t " }, DEFAULT_OPTIONS, "violation"],
    ["a line break inside an allow-listed entry", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health/\n/" }, HEALTH, "violation"],
    ["a space inside an allow-listed entry", WEB, { ...REQUIRED, clientCertExclusionPaths: "/health/ /" }, HEALTH, "violation"],
    ["an exclusion list that is an array", WEB, { ...REQUIRED, clientCertExclusionPaths: ["/health"] }, HEALTH, "violation"],
    ["an unknown enabled flag with a root exclusion is still denied", WEB, { clientCertEnabled: UNKNOWN, clientCertMode: "Required", clientCertExclusionPaths: "/" }, DEFAULT_OPTIONS, "violation"],
    ["an unknown enabled flag, all else right, waits for up", WEB, { clientCertEnabled: UNKNOWN, clientCertMode: "Required" }, DEFAULT_OPTIONS, "unknown"],
    ["a secret unknown exclusion list, all else right, waits for up", WEB, { ...REQUIRED, clientCertExclusionPaths: secret(UNKNOWN) }, DEFAULT_OPTIONS, "unknown"],
    // A literal sentinel in kind once put every rule into "can't run during preview", even at up.
    ["an unknown kind counts as a web app, so a disabled app is denied", WEB, { kind: UNKNOWN, clientCertEnabled: false }, DEFAULT_OPTIONS, "violation"],
    ["kind \" WORKFLOWAPP, FunctionApp \" is judged by default", WEB, { kind: " WORKFLOWAPP, FunctionApp ", clientCertEnabled: false }, DEFAULT_OPTIONS, "violation"],
    ["kind \" WORKFLOWAPP, FunctionApp \" with includeWorkflowApps false", WEB, { kind: " WORKFLOWAPP, FunctionApp ", clientCertEnabled: false }, WITHOUT_WORKFLOWS, "out of scope"],
    ["a workflow app is judged with function apps left out", WEB, { kind: "functionapp,workflowapp", clientCertEnabled: false }, WITHOUT_FUNCTIONS, "violation"],
    ["the classic Logic Apps Standard is judged by default", "azure:logicapps/standard:Standard", { clientCertificateMode: "Optional" }, DEFAULT_OPTIONS, "violation"],
    ["a function app on Container Apps (kind and managed environment)", WEB,
        { kind: "functionapp,linux,container,azurecontainerapps", managedEnvironmentId: ENVIRONMENT, clientCertEnabled: false }, WITH_FUNCTIONS, "out of scope"],
    ["a kind naming Container Apps without a managed environment", WEB,
        { kind: "functionapp,linux,container,azurecontainerapps", clientCertEnabled: false }, WITH_FUNCTIONS, "violation"],
    ["a managed environment whose kind does not name Container Apps", WEB,
        { kind: "functionapp,linux", managedEnvironmentId: ENVIRONMENT, clientCertEnabled: false }, WITH_FUNCTIONS, "violation"],
    // workflowapp alone once took any web app out of scope.
    ["kind \"app,workflowapp\" is a web app", WEB, { kind: "app,workflowapp", clientCertEnabled: false }, DEFAULT_OPTIONS, "violation"],
    // kind is a label: under the default options it takes nothing out of scope.
    ["kind \"functionapp\" under the default options", WEB, { kind: "functionapp", clientCertEnabled: false }, DEFAULT_OPTIONS, "violation"],
    ["kind \"FunctionApp, Linux\" with includeFunctionApps false", WEB, { kind: "FunctionApp, Linux", clientCertEnabled: false }, WITHOUT_FUNCTIONS, "out of scope"],
    ["kind \"FunctionApp, Linux\" with includeFunctionApps", WEB, { kind: "FunctionApp, Linux", clientCertEnabled: false }, WITH_FUNCTIONS, "violation"],
    ["kind \"functionapp;linux\" is not a function app", WEB, { kind: "functionapp;linux", clientCertEnabled: false }, DEFAULT_OPTIONS, "violation"],
    ["a kind that is an array is a web app", WEB, { kind: ["functionapp"], clientCertEnabled: false }, DEFAULT_OPTIONS, "violation"],
    ["an unknown 48 levels down elsewhere does not matter", WEB, { ...REQUIRED, siteConfig: nested(48, UNKNOWN) }, DEFAULT_OPTIONS, "compliant"],
    ["a mis-cased property name is not the property", WEB, { ClientCertEnabled: true, clientCertMode: "Required" }, DEFAULT_OPTIONS, "violation"],
    ["a versioned preview token is judged", "azure-native:web/v20260301preview:WebAppSlot", { clientCertEnabled: "true", clientCertMode: "Required" }, DEFAULT_OPTIONS, "violation"],
];

function nested(depth: number, leaf: unknown): unknown {
    let value = leaf;
    for (let i = 0; i < depth; i++) {
        value = i % 2 === 0 ? { nested: value } : [value];
    }
    return value;
}

describe("regressions", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    before(async () => {
        ({ pack, configMap } = await startConfiguredPack());
    });
    after(async () => pack?.stop());

    const judge = async (type: string, properties: Record<string, unknown>, options: ClientCertOptions) => {
        await pack.client.configure(configMapFor(configMap, options));
        return pack.client.analyze({ type, name: "app", properties });
    };

    describe("boundaries the model mirrors deliberately", () => {
        for (const [title, type, properties, options, outcome] of BOUNDARIES) {
            it(`${title} → ${outcome}`, async () => {
                const expected = expectedVerdict(profileOf(type), properties, options);
                assert.strictEqual(expected.outcome, outcome, `the model says ${JSON.stringify(expected)}`);
                const failure = checkAgainstModel(expected, await judge(type, properties, options));
                assert.strictEqual(failure, undefined, failure);
            });
        }
    });

    describe("fixed: an unknown enabled flag hid a known-wrong mode in preview", () => {
        // Found by the property tests on every type with an enabled switch (minimal counterexamples below).
        // The rule returned "unknown" as soon as enabled was unknown, before it looked at the mode, so
        // a mode that is wrong whatever enabled turns out to be got only the advisory "can't run during
        // preview" (the pack's own rule: an unknown decides only when nothing known is wrong). `pulumi
        // preview`, the usual CI gate, passed; `up` denied it later.
        const COUNTEREXAMPLES: [string, string, Record<string, unknown>, ClientCertOptions][] = [
            ["mode \"required\" (wrong case)", WEB, { clientCertEnabled: UNKNOWN, clientCertMode: "required" }, DEFAULT_OPTIONS],
            ["mode \"Optional\" behind a secret unknown", WEB, { clientCertEnabled: secret(UNKNOWN), clientCertMode: "Optional" }, DEFAULT_OPTIONS],
            ["mode omitted without acceptServiceDefaultMode", WEB, { clientCertEnabled: UNKNOWN }, DEFAULT_OPTIONS],
            ["classic function app, mode omitted (provider default Optional)", LINUX_FUNCTION_APP, { clientCertificateEnabled: UNKNOWN }, WITH_FUNCTIONS],
        ];
        for (const [title, type, properties, options] of COUNTEREXAMPLES) {
            it(`${title} gets a mandatory violation`, async () => {
                const diagnostics = ofPolicy(await judge(type, properties, options));
                assert.ok(diagnostics.some(d => d.enforcementLevel === "mandatory" && /Client certificates are not required/.test(d.message)),
                    JSON.stringify(diagnostics.map(d => `[${d.enforcementLevel}] ${d.message}`)));
            });
        }
    });

    describe("configuration problems that once got no message", () => {
        it("an invalid expiringWithinDays sent raw to the exemptions report is named in a diagnostic", async () => {
            await pack.client.configure({ ...configMap, [EXEMPTIONS_REPORT_POLICY]: { ...configMap[EXEMPTIONS_REPORT_POLICY], expiringWithinDays: "soon" } });
            const report = ofPolicy(await pack.client.analyzeStack([{ type: WEB, name: "app", properties: REQUIRED }]), EXEMPTIONS_REPORT_POLICY);
            assert.ok(report.some(d => /expiringWithinDays/.test(d.message)), JSON.stringify(report.map(d => d.message)));
        });

        it("a misspelt option (includeFunctionApp) is named instead of silently ignored", async () => {
            await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], includeFunctionApp: true } });
            const fn: WireResource = { type: WEB, name: "fn", properties: { kind: "functionapp", clientCertEnabled: false } };
            const all = (await pack.client.analyze(fn)).diagnostics.map(d => d.message).join("\n");
            assert.match(all, /includeFunctionApp\b/);
        });

        it("a 10,000-item invalid allow-list sent raw yields a bounded number of diagnostics per resource", async () => {
            const bad = Array.from({ length: 10_000 }, (_, i) => `no-slash-${i}`);
            await pack.client.configure({ ...configMap, [CLIENT_CERTIFICATES_POLICY]: { ...configMap[CLIENT_CERTIFICATES_POLICY], allowedExclusionPaths: bad } });
            const diagnostics = ofPolicy(await pack.client.analyze({ type: WEB, name: "app", properties: REQUIRED }));
            assert.ok(diagnostics.length <= 10, `${diagnostics.length} diagnostics for one resource`);
        });
    });

    it("left the pack alive", () => {
        assert.ok(pack.isAlive());
    });
});

// The deployed-state policy over the Analyzer protocol, with the properties the engine sends: INPUTS to
// Remediate and Analyze, OUTPUTS to AnalyzeStack (pkg/resource/deploy/step_generator.go AnalyzeResources:
// "Unlike Analyze, AnalyzeStack is called on the final outputs of each resource"; for `pulumi policy
// analyze`, pkg/resource/deploy/analyze_snapshot.go AnalyzeSnapshot). Each test runs a stack of its own
// app names, so that what one test's Analyze calls leave in the pack process does not decide another's.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, DEPLOYED_STATE_POLICY, HTTPS_ONLY_POLICY } from "../../lib/policy-names";
import { AnalyzeResult, Diagnostic } from "../../tools/analyzer/analyzer-client";
import { RunResource, runLikeEngine } from "../../tools/analyzer/engine-run";
import { copyPackWithExemptions, PackCopy } from "../../tools/analyzer/pack-copy";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { UNKNOWN } from "../../tools/analyzer/wire";
import { PACK_DIR, startPack } from "../helpers/protocol";

const urnOf = (name: string) => `urn:pulumi:prod::webshop::azure-native:web:WebApp::${name}`;
const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true };
/** What Azure returns for an app (a read or a refresh), with output-only fields. */
const readBack = (name: string, settings: Record<string, unknown>) => ({
    name, kind: "app,linux", location: "westeurope", resourceGroup: "rg-shop", defaultHostName: `${name}.azurewebsites.net`,
    clientCertExclusionPaths: null, ...COMPLIANT, ...settings,
});

const EXEMPTIONS = `
exemptions:
  - urn: "${urnOf("exempt-drifted")}"
    policies: [${CLIENT_CERTIFICATES_POLICY}]
    reason: "Behind an mTLS gateway"
    category: mitigated
`;

const runResource = (name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown>): RunResource =>
    ({ type: "azure-native:web:WebApp", name, urn: urnOf(name), inputs, outputs });

const deployedState = (result: AnalyzeResult): Diagnostic[] => result.diagnostics.filter(d => d.policyName === DEPLOYED_STATE_POLICY);

describe("protocol: the deployed state (AnalyzeStack on outputs)", function () {
    this.timeout(60_000);
    let copy: PackCopy;
    let pack: RunningPack;

    before(async () => {
        copy = copyPackWithExemptions(PACK_DIR, EXEMPTIONS);
        ({ pack } = await startPack(copy.dir));
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });

    for (const mode of ["deployment", "snapshot"] as const) {
        it(`compliant inputs with non-compliant outputs: a finding that names the app and says drift (${mode})`, async () => {
            const name = `drifted-${mode}`;
            const run = await runLikeEngine(pack.client, [runResource(name, COMPLIANT, readBack(name, { clientCertEnabled: false }))], { mode });
            // The resource rules judge the inputs, and find nothing.
            assert.deepStrictEqual(run.analyses[0].diagnostics, []);
            const [finding, ...rest] = deployedState(run.stack);
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(finding.urn, urnOf(name));
            assert.strictEqual(finding.enforcementLevel, "advisory");
            assert.match(finding.message, new RegExp(`^Deployed state of ${name} \\(azure-native:web:WebApp\\) does not meet ${CLIENT_CERTIFICATES_POLICY}, in the values Azure returned: .*clientCertEnabled is false`));
            assert.match(finding.message, /This is drift: the program's inputs, judged in this run, comply/);
            assert.match(finding.message, /`pulumi up --refresh` puts the program's compliant settings back/);
            assert.ok(!/Fix: set clientCertEnabled/.test(finding.message), finding.message);
        });
    }

    it("names each drifted setting: a mode Azure holds as Optional, and plain HTTP", async () => {
        const name = "drifted-mode-and-http";
        const run = await runLikeEngine(pack.client, [runResource(name, COMPLIANT, readBack(name, { clientCertMode: "Optional", httpsOnly: false }))]);
        const messages = deployedState(run.stack).map(d => d.message);
        assert.strictEqual(messages.length, 2, messages.join("\n"));
        assert.match(messages.find(m => m.includes(CLIENT_CERTIFICATES_POLICY)) ?? "", /clientCertMode is "Optional".*This is drift/);
        assert.match(messages.find(m => m.includes(HTTPS_ONLY_POLICY)) ?? "", /httpsOnly is false.*This is drift/);
    });

    it("non-compliant inputs: the resource rule's violation says to fix the program, and the outputs add no second finding", async () => {
        const name = "wrong-in-program";
        const inputs = { ...COMPLIANT, clientCertEnabled: false };
        const run = await runLikeEngine(pack.client, [runResource(name, inputs, readBack(name, { clientCertEnabled: false }))], { remediate: false });
        assert.match(run.analyses[0].diagnostics.find(d => d.policyName === CLIENT_CERTIFICATES_POLICY)?.message ?? "", /clientCertEnabled is false\. Fix: set clientCertEnabled: true/);
        assert.deepStrictEqual(deployedState(run.stack), []);
    });

    it("outputs of an app whose inputs were not judged in this run: a finding with both ways out", async () => {
        const name = "not-analysed";
        const stack = await pack.client.analyzeStack([{ type: "azure-native:web:WebApp", name, urn: urnOf(name), properties: readBack(name, { httpsOnly: false }) }]);
        const [finding, ...rest] = deployedState(stack);
        assert.deepStrictEqual(rest, []);
        assert.match(finding.message, /httpsOnly is false\. Fix: when the program's inputs comply, `pulumi up --refresh` puts them back; when they do not, correct the program/);
        assert.ok(!/This is drift/.test(finding.message), finding.message);
    });

    it("compliant outputs give no finding", async () => {
        const name = "in-step";
        const run = await runLikeEngine(pack.client, [runResource(name, COMPLIANT, readBack(name, {}))]);
        assert.deepStrictEqual(deployedState(run.stack), []);
    });

    it("outputs missing the certificate properties: no violation, and one not-judgeable line for the stack", async () => {
        const lacking = (name: string) => {
            const outputs: Record<string, unknown> = readBack(name, {});
            delete outputs.clientCertMode;
            delete outputs.clientCertEnabled;
            return runResource(name, COMPLIANT, outputs);
        };
        const run = await runLikeEngine(pack.client, [lacking("read-back-short-1"), lacking("read-back-short-2")]);
        const diagnostics = deployedState(run.stack);
        assert.strictEqual(diagnostics.length, 1, diagnostics.map(d => d.message).join("\n"));
        const [line] = diagnostics;
        assert.strictEqual(line.urn ?? "", "");
        assert.strictEqual(line.enforcementLevel, "advisory");
        assert.match(line.message, /^Not judgeable from the deployed state: read-back-short-1 \(azure-native:web:WebApp\) lacks clientCertEnabled, clientCertMode; read-back-short-2 /);
        assert.match(line.message, /neither a violation nor evidence of compliance/);
    });

    it("the not-judgeable line stays advisory when the policy is mandatory; drift is then mandatory", async () => {
        const mandatory = await startPack(copy.dir);
        try {
            await mandatory.pack.client.configure({ ...mandatory.configMap, [DEPLOYED_STATE_POLICY]: { enforcementLevel: "mandatory" } });
            const short: Record<string, unknown> = readBack("short", {});
            delete short.httpsOnly;
            const run = await runLikeEngine(mandatory.pack.client, [
                runResource("short", COMPLIANT, short),
                runResource("drifted", COMPLIANT, readBack("drifted", { clientCertEnabled: false })),
            ]);
            const levels = deployedState(run.stack).map(d => [d.message.slice(0, 26), d.enforcementLevel]);
            assert.deepStrictEqual(levels.sort(), [["Deployed state of drifted ", "mandatory"], ["Not judgeable from the dep", "advisory"]]);
        } finally {
            await mandatory.pack.stop();
        }
    });

    it("an exempt app gets no finding", async () => {
        const name = "exempt-drifted";
        const run = await runLikeEngine(pack.client, [runResource(name, COMPLIANT, readBack(name, { clientCertEnabled: false }))]);
        assert.deepStrictEqual(deployedState(run.stack), []);
    });

    it("unknown outputs (a resource created in this preview) give no finding", async () => {
        const name = "being-created";
        const run = await runLikeEngine(pack.client, [runResource(name, COMPLIANT, readBack(name, { clientCertEnabled: UNKNOWN, clientCertMode: UNKNOWN, httpsOnly: UNKNOWN }))]);
        assert.deepStrictEqual(deployedState(run.stack), []);
    });

    it("judges the outputs with the options the engine gave the resource rule: one config change reaches both", async () => {
        const configured = await startPack(copy.dir);
        try {
            await configured.pack.client.configure({
                ...configured.configMap,
                [CLIENT_CERTIFICATES_POLICY]: { ...configured.configMap[CLIENT_CERTIFICATES_POLICY], allowedExclusionPaths: ["/health"] },
            });
            const name = "health-probe";
            const inputs = { ...COMPLIANT, clientCertExclusionPaths: "/health/" };
            const run = await runLikeEngine(configured.pack.client, [
                runResource(name, inputs, readBack(name, { clientCertExclusionPaths: "/health/" })),
                runResource("opened-later", inputs, readBack("opened-later", { clientCertExclusionPaths: "/health/,/admin" })),
            ]);
            const findings = deployedState(run.stack);
            assert.deepStrictEqual(findings.map(d => d.urn), [urnOf("opened-later")]);
            assert.match(findings[0].message, /exempts "\/admin" from client certificates.*This is drift/);
        } finally {
            await configured.pack.stop();
        }
    });
});

// Exemptions over the Analyzer protocol: a copy of the built pack carrying a test exemptions file, with
// dates built from today so that nothing here goes stale.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY } from "../../lib/policy-names";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { ConfigureMap, WireResource } from "../../tools/analyzer/analyzer-client";
import { RunResource, runLikeEngine } from "../../tools/analyzer/engine-run";
import { UNKNOWN } from "../../tools/analyzer/wire";
import { isoDaysFrom } from "../helpers/dates";
import { startPackWithExemptions } from "../helpers/protocol";

const inDays = (days: number) => isoDaysFrom(new Date(), days);
const urnOf = (name: string) => `urn:pulumi:prod::webshop::azure-native:web:WebApp::${name}`;
const DISABLED = { clientCertEnabled: false, httpsOnly: true };
const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true };

const EXEMPTIONS = `
exemptions:
  - {urn: "${urnOf("exempt-app")}", reason: "Partner client migrating", category: waiver, expires: "${inDays(60)}", ticket: SEC-1}
  - {urn: "${urnOf("expired-app")}", reason: "Was migrating", category: waiver, expires: "${inDays(-1)}"}
  - {urn: "${urnOf("stale-app")}", reason: "Behind Front Door", category: mitigated}
  - {urn: "${urnOf("soon-app")}", reason: "Cut-over", category: waiver, expires: "${inDays(2)}"}
  - {urn: "${urnOf("broken-app")}", category: waiver, expires: "${inDays(5)}"}
  - {urn: "${urnOf("gone-app")}", reason: "Deleted app", category: mitigated}
`;

const app = (name: string, properties: Record<string, unknown>): WireResource =>
    ({ type: "azure-native:web:WebApp", name, urn: urnOf(name), properties });

const STACK = [
    app("exempt-app", DISABLED),
    app("expired-app", DISABLED),
    app("stale-app", COMPLIANT),
    app("soon-app", DISABLED),
    app("broken-app", DISABLED),
    app("compliant-app", COMPLIANT),
];

describe("protocol: exemptions", function () {
    this.timeout(60_000);
    let pack: RunningPack;

    startPackWithExemptions(EXEMPTIONS, started => ({ pack } = started));

    const verdict = async (resource: WireResource) =>
        (await pack.client.analyze(resource)).diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY);

    it("lets an exempt app pass", async () => {
        assert.deepStrictEqual(await verdict(app("exempt-app", DISABLED)), []);
    });

    it("denies the same app once its entry has expired, naming the entry and its date", async () => {
        const [diagnostic, ...rest] = await verdict(app("expired-app", DISABLED));
        assert.deepStrictEqual(rest, []);
        assert.strictEqual(diagnostic.enforcementLevel, "mandatory");
        assert.ok(diagnostic.message.includes(`exemption entry #2 (urn "${urnOf("expired-app")}") expired on ${inDays(-1)}`), diagnostic.message);
    });

    it("does not honour a malformed entry", async () => {
        const [diagnostic] = await verdict(app("broken-app", DISABLED));
        assert.match(diagnostic.message, /An exemption matches but is not honoured: "reason" is required/);
    });

    it("reports the stack: in force, expiring, expired, stale, and the malformed entry as mandatory", async () => {
        // Inputs to Analyze, outputs to AnalyzeStack, as the engine sends them; Azure reads every app back
        // with a clientCertMode (its default, "Required"), so the outputs differ from the inputs.
        const { stack: result } = await runLikeEngine(pack.client, STACK.map(({ properties, ...r }) =>
            ({ ...r, inputs: properties, outputs: { clientCertMode: "Required", ...properties } })));
        const report = result.diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY);
        const lines = report.map(d => `[${d.enforcementLevel}] ${d.urn ? d.urn.split("::").pop() + ": " : ""}${d.message}`);
        // Kept for the closing note and for people reading a failed run: the report as the CLI receives it.
        console.log(lines.map(line => `      ${line}`).join("\n"));
        const line = (pattern: RegExp) => {
            const found = report.filter(d => pattern.test(d.message));
            assert.strictEqual(found.length, 1, `one line matching ${pattern}:\n${lines.join("\n")}`);
            return found[0];
        };
        // By default (findings: "actionable") an exemption in force is a fact, shown in the stack's summary line
        // rather than as a finding of its own on the resource (one Policy Findings issue per stack, not per app).
        const exempt = line(/^exemptions summary in stack prod of project webshop \(1 in force\): exempt-app /);
        assert.strictEqual(exempt.urn, "");
        assert.strictEqual(exempt.enforcementLevel, "advisory");
        assert.match(exempt.message, /\(60 days left\).*waiver "Partner client migrating" \(entry #1, ticket SEC-1\)/);
        assert.strictEqual(line(/^expiring in 2 days/).urn, urnOf("soon-app"));
        assert.strictEqual(line(/^exemption expired on/).urn, urnOf("expired-app"));
        assert.strictEqual(line(/^stale exemption: stale-app/).urn, urnOf("stale-app"));
        const invalid = line(/^invalid exemption: entry #5 .*field reason: "reason" is required/);
        assert.strictEqual(invalid.enforcementLevel, "mandatory");
        assert.strictEqual(line(/^unused exemption: entry #6 .*gone-app.* matches nothing in stack prod of project webshop/).urn, "");
        assert.strictEqual(report.some(d => /compliant-app/.test(d.message)), false);
        assert.ok(pack.isAlive());
    });
});

describe("protocol: the exemptions report's findings option (report lines and Policy Findings)", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let configMap: ConfigureMap;

    startPackWithExemptions(EXEMPTIONS, started => ({ pack, configMap } = started));

    const reportWith = async (findings: string) => {
        await pack.client.configure({ ...configMap, [EXEMPTIONS_REPORT_POLICY]: { ...configMap[EXEMPTIONS_REPORT_POLICY], findings } });
        const { stack } = await runLikeEngine(pack.client, STACK.map(({ properties, ...r }) =>
            ({ ...r, inputs: properties, outputs: { clientCertMode: "Required", ...properties } })));
        return stack.diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY);
    };
    const kinds = (report: { message: string; urn: string }[]) => report.map(d => `${d.urn ? d.urn.split("::").pop() : "(stack)"}: ${d.message.split(":")[0]}`).sort();

    it("every-line: each line is a finding on its resource, exemptions in force included", async () => {
        const report = await reportWith("every-line");
        const exempt = report.filter(d => /^exempt until .*: exempt-app/.test(d.message));
        assert.strictEqual(exempt.length, 1);
        assert.strictEqual(exempt[0].urn, urnOf("exempt-app"));
        assert.strictEqual(exempt[0].enforcementLevel, "advisory");
        assert.match(exempt[0].message, /\(60 days left\).*waiver "Partner client migrating" \(entry #1, ticket SEC-1\)/);
        assert.ok(!report.some(d => /^exemptions summary/.test(d.message)));
    });

    it("actionable (the default): refused, expired, expiring, stale and unused on their own; in force in one summary", async () => {
        assert.strictEqual(configMap[EXEMPTIONS_REPORT_POLICY].findings, "actionable");
        assert.deepStrictEqual(kinds(await reportWith("actionable")), [
            "(stack): exemptions summary in stack prod of project webshop (1 in force)",
            "(stack): invalid exemption",
            "(stack): unused exemption",
            "expired-app: exemption expired on " + inDays(-1),
            "soon-app: expiring in 2 days (" + inDays(2) + ")",
            "stale-app: stale exemption",
        ].sort());
    });

    it("refused-only: only refused entries are findings; everything else is in the summary, still shown", async () => {
        const report = await reportWith("refused-only");
        assert.deepStrictEqual(kinds(report), [
            "(stack): exemptions summary in stack prod of project webshop (1 in force, 1 expired, 1 stale, 1 expiring, 1 unused)",
            "(stack): invalid exemption",
        ]);
        const summary = report.find(d => /^exemptions summary/.test(d.message))!.message;
        for (const name of ["exempt-app", "expired-app", "stale-app", "soon-app", "gone-app"]) {
            assert.ok(summary.includes(name), `${name} is shown in the summary: ${summary}`);
        }
        assert.strictEqual(report.find(d => /^invalid exemption/.test(d.message))!.enforcementLevel, "mandatory");
    });
});

describe("protocol: an unreadable exemptions file", function () {
    this.timeout(60_000);
    let pack: RunningPack;

    startPackWithExemptions("exemptions: [\n  - {urn: \"urn:pulumi:prod::webshop::*\"\n", started => ({ pack } = started));

    it("keeps serving, honours nothing and reports a mandatory stack violation", async () => {
        const resource = app("exempt-app", DISABLED);
        const analyzed = await pack.client.analyze(resource);
        assert.strictEqual(analyzed.diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY).length, 1);
        const stack = await pack.client.analyzeStack([resource]);
        const invalid = stack.diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY && d.enforcementLevel === "mandatory");
        assert.strictEqual(invalid.length, 1);
        assert.match(invalid[0].message, /exemptions.yaml is not valid YAML/);
        assert.ok(pack.isAlive());
    });
});

// The engine sends INPUTS to Analyze and OUTPUTS to AnalyzeStack ("Unlike Analyze, AnalyzeStack is called
// on the final outputs of each resource": pkg/resource/deploy/step_generator.go AnalyzeResources; the same
// split in pkg/resource/deploy/analyze_snapshot.go for `pulumi policy analyze`). Azure reads an app that
// set clientCertEnabled and left clientCertMode out back with clientCertMode "Required", so judging the
// outputs called the exemption stale, and removing it as told blocked the next `pulumi up`.
describe("protocol: the exemptions report never contradicts the resource rules", function () {
    this.timeout(60_000);
    const MODE_LEFT_OUT = { clientCertEnabled: true, httpsOnly: true };
    const READ_BACK = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } };
    const names = ["engine-order", "stack-first", "snapshot-order", "targeted", "truly-stale", "tls-missing", "preview-unknown"];
    const FILE = `exemptions:\n${names.map(n => `  - {urn: "${urnOf(n)}", reason: "Behind Front Door", category: mitigated}`).join("\n")}\n`;
    let pack: RunningPack;

    startPackWithExemptions(FILE, started => ({ pack } = started));

    const runResource = (name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown>): RunResource =>
        ({ type: "azure-native:web:WebApp", name, urn: urnOf(name), inputs, outputs });
    // The report's lines about one app: on its URN, or an item of the stack's summary line naming it.
    const reportOn = (result: { diagnostics: { policyName: string; urn: string; message: string }[] }, name: string) =>
        result.diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY && (d.urn === urnOf(name) || d.message.includes(`: ${name} (`)))
            .map(d => d.message);

    for (const mode of ["deployment", "snapshot"] as const) {
        const name = mode === "deployment" ? "engine-order" : "snapshot-order";
        it(`regression (stale-exemption contradiction), ${mode} order: Analyze on inputs, then AnalyzeStack on outputs`, async () => {
            const run = await runLikeEngine(pack.client, [runResource(name, MODE_LEFT_OUT, READ_BACK)], { mode });
            // The resource rule passes only by the exemption...
            assert.deepStrictEqual(run.analyses[0].diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY), []);
            const withoutExemption = await pack.client.analyze(app(`${name}-unexempt`, MODE_LEFT_OUT));
            assert.match(withoutExemption.diagnostics.map(d => d.message).join("\n"), /clientCertMode is not set/);
            // ...so the report, though handed outputs that comply, says it is in force, not stale.
            const lines = reportOn(run.stack, name);
            assert.strictEqual(lines.length, 1, lines.join("\n"));
            assert.match(lines[0], new RegExp(`^exemptions summary .*\\(1 in force\\): ${name} \\(azure-native:web:WebApp\\) from ${CLIENT_CERTIFICATES_POLICY}.* with no expiry, mitigated "Behind Front Door"`));
            assert.ok(!lines.some(l => /stale exemption|already complies/.test(l)), lines.join("\n"));
        });
    }

    it("regression, the other order: AnalyzeStack before any Analyze makes no staleness claim; Analyze after it still passes by the exemption", async () => {
        const stack = await pack.client.analyzeStack([{ type: "azure-native:web:WebApp", name: "stack-first", urn: urnOf("stack-first"), properties: READ_BACK }]);
        const lines = reportOn(stack, "stack-first");
        assert.strictEqual(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^exemptions summary .*\(1 not analysed\): stack-first \(azure-native:web:WebApp\) matches entry #2 with no expiry, not judged in this run/);
        assert.ok(!/stale exemption|already complies/.test(lines[0]));
        const analysed = await pack.client.analyze(app("stack-first", MODE_LEFT_OUT));
        assert.deepStrictEqual(analysed.diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY), []);
        // Once Analyze has seen the inputs, the next AnalyzeStack judges them: still needed.
        const again = reportOn(await pack.client.analyzeStack([{ type: "azure-native:web:WebApp", name: "stack-first", urn: urnOf("stack-first"), properties: READ_BACK }]), "stack-first");
        assert.match(again.join("\n"), /^exemptions summary .*\(1 in force\): stack-first \(azure-native:web:WebApp\) from .* with no expiry/);
    });

    it("a --target run: a resource in the stack that Analyze did not see gets no staleness claim", async () => {
        // Only "engine-order" is analysed; "targeted" is in the stack from the last update.
        const stack = await pack.client.analyzeStack([
            { type: "azure-native:web:WebApp", name: "targeted", urn: urnOf("targeted"), properties: { ...READ_BACK } },
        ]);
        assert.match(reportOn(stack, "targeted").join("\n"), /^exemptions summary .*\(1 not analysed\): targeted .*not judged in this run/);
    });

    it("calls an exemption stale only when the inputs pass without it, whatever the outputs lack", async () => {
        const run = await runLikeEngine(pack.client, [
            runResource("truly-stale", { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true }, {}),
        ]);
        assert.match(reportOn(run.stack, "truly-stale").join("\n"), /^stale exemption: truly-stale .*already complies; remove exemption entry #5/);
    });

    it("`pulumi preview`: a setting unknown in the inputs is no evidence of compliance either", async () => {
        // In a preview the engine sends unknowns in the inputs; the outputs of an update are known.
        const run = await runLikeEngine(pack.client, [
            runResource("preview-unknown", { clientCertEnabled: true, clientCertMode: UNKNOWN, httpsOnly: true }, READ_BACK),
        ]);
        const lines = reportOn(run.stack, "preview-unknown");
        assert.strictEqual(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^exemptions summary .*: preview-unknown \(azure-native:web:WebApp\) from azure-app-service-require-client-certificates with no expiry/);
        assert.ok(!/stale exemption/.test(lines[0]));
    });

    it("a property missing from the outputs is no evidence of compliance (siteConfig not read back, pulumi-azure-native#4749)", async () => {
        const inputs = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.0" } };
        const outputs = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true };
        const run = await runLikeEngine(pack.client, [runResource("tls-missing", inputs, outputs)]);
        const lines = reportOn(run.stack, "tls-missing");
        assert.strictEqual(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^exemptions summary .*: tls-missing \(azure-native:web:WebApp\) from azure-app-service-minimum-tls-version with no expiry/);
    });
});

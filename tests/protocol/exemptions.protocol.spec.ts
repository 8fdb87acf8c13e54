// Exemptions over the Analyzer protocol: a copy of the built pack carrying a test exemptions file, with
// dates built from today so that nothing here goes stale.
import * as assert from "assert";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY } from "../../lib/policy-names";
import { copyPackWithExemptions, PackCopy } from "../../tools/analyzer/pack-copy";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { WireResource } from "../../tools/analyzer/analyzer-client";
import { isoDaysFrom } from "../helpers/dates";
import { PACK_DIR, startPack } from "../helpers/protocol";

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
        for (const resource of STACK) {
            await pack.client.analyze(resource);
        }
        const result = await pack.client.analyzeStack(STACK);
        const report = result.diagnostics.filter(d => d.policyName === EXEMPTIONS_REPORT_POLICY);
        const lines = report.map(d => `[${d.enforcementLevel}] ${d.urn ? d.urn.split("::").pop() + ": " : ""}${d.message}`);
        // Kept for the closing note and for people reading a failed run: the report as the CLI receives it.
        console.log(lines.map(line => `      ${line}`).join("\n"));
        const line = (pattern: RegExp) => {
            const found = report.filter(d => pattern.test(d.message));
            assert.strictEqual(found.length, 1, `one line matching ${pattern}:\n${lines.join("\n")}`);
            return found[0];
        };
        const exempt = line(/^exempt until .*: exempt-app/);
        assert.strictEqual(exempt.urn, urnOf("exempt-app"));
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

describe("protocol: an unreadable exemptions file", function () {
    this.timeout(60_000);
    let copy: PackCopy;
    let pack: RunningPack;

    before(async () => {
        copy = copyPackWithExemptions(PACK_DIR, "exemptions: [\n  - {urn: \"urn:pulumi:prod::webshop::*\"\n");
        ({ pack } = await startPack(copy.dir));
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });

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

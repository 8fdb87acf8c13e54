import * as assert from "assert";
import { judgeWithExemptions } from "../../lib/app-service-policy";
import { ExemptionSet } from "../../lib/exemptions";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import {
    buildExemptionReport,
    exemptionsReport,
    REPORTED_RULES,
    StackResource,
} from "../../policies/app-service-exemptions-report";
import { clientCertificateRule } from "../../policies/app-service-require-client-certificates";
import { isoDaysFrom } from "../helpers/dates";
import { UNKNOWN } from "../helpers/policy-test-utils";

const NOW = new Date(Date.UTC(2030, 5, 1, 8));
const inDays = (days: number) => isoDaysFrom(NOW, days);
const POLICY = clientCertificateRule.name;
const WEB_APP = "azure-native:web:WebApp";
const urnOf = (name: string, type = WEB_APP) => `urn:pulumi:prod::webshop::${type}::${name}`;
const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true };
const DISABLED = { clientCertEnabled: false, httpsOnly: true };

const FILE = `
settings:
  tagExemptions: {allowed: true}
exemptions:
  - {urn: "${urnOf("exempt-app")}", reason: "Partner client migrating", category: waiver, expires: "${inDays(60)}", ticket: SEC-1, approvedBy: jane}
  - {urn: "${urnOf("soon-app")}", reason: "Ends soon", category: waiver, expires: "${inDays(3)}"}
  - {urn: "${urnOf("expired-app")}", reason: "Was migrating", category: waiver, expires: "${inDays(-2)}"}
  - {urn: "${urnOf("stale-app")}", reason: "Behind Front Door", category: mitigated}
  - {urn: "${urnOf("gone-app")}", reason: "Deleted app", category: mitigated}
  - {urn: "urn:pulumi:prod::payments::*::other", reason: "Another project", category: mitigated}
  - {urn: "${urnOf("broken-app")}", reason: "Bad date", category: waiver, expires: "2030-02-30"}
`;
const exemptions = ExemptionSet.parse(FILE, RESOURCE_POLICY_NAMES);

const STACK: StackResource[] = [
    { type: WEB_APP, urn: urnOf("exempt-app"), props: DISABLED },
    { type: WEB_APP, urn: urnOf("soon-app"), props: DISABLED },
    { type: WEB_APP, urn: urnOf("expired-app"), props: DISABLED },
    { type: WEB_APP, urn: urnOf("stale-app"), props: COMPLIANT },
    { type: WEB_APP, urn: urnOf("compliant-app"), props: COMPLIANT },
    { type: WEB_APP, urn: urnOf("broken-app"), props: DISABLED },
    { type: WEB_APP, urn: urnOf("tagged-app"), props: { ...DISABLED, tags: { "policy-exemption": `reason=Cut-over next sprint; expires=${inDays(20)}` } } },
    { type: "azure-native:storage:StorageAccount", urn: urnOf("storage", "azure-native:storage:StorageAccount"), props: {} },
];

function report(resources = STACK, set = exemptions) {
    return buildExemptionReport(resources, REPORTED_RULES, set, NOW, {
        expiringWithinDays: 14,
        configFor: rule => rule.options.defaults,
    });
}

describe("azure-app-service-exemptions-report", () => {
    it("is an advisory stack policy with a configurable warning horizon", () => {
        assert.strictEqual(exemptionsReport.enforcementLevel, "advisory");
        assert.strictEqual(exemptionsReport.configSchema!.properties.expiringWithinDays.default, 14);
    });

    it("reports each finding on one line, attached to the resource", () => {
        const lines = report();
        const byUrn = (name: string) => lines.filter(l => l.urn === urnOf(name)).map(l => l.message);
        assert.deepStrictEqual(byUrn("exempt-app"), [
            `exempt until ${inDays(60)} (60 days left): exempt-app (${WEB_APP}) from ${POLICY}, waiver "Partner client migrating" (entry #1, ticket SEC-1, approved by jane).`,
        ]);
        assert.deepStrictEqual(byUrn("soon-app"), [
            `expiring in 3 days (${inDays(3)}): soon-app (${WEB_APP}) from ${POLICY}, waiver "Ends soon" (entry #2). Fix the app or renew the entry before it lapses.`,
        ]);
        assert.match(byUrn("expired-app")[0], new RegExp(`^exemption expired on ${inDays(-2)}: expired-app .* is denied again; exemption entry #3`));
        assert.match(byUrn("stale-app")[0], /^stale exemption: stale-app .* already complies; remove exemption entry #4 .* from exemptions.yaml/);
        assert.match(byUrn("tagged-app")[0], new RegExp(`^self-declared exemption until ${inDays(20)} \\(20 days left\\): tagged-app .*self-declared by resource tag`));
        assert.deepStrictEqual(byUrn("compliant-app"), []);
        assert.deepStrictEqual(byUrn("storage"), []);
        for (const line of lines) {
            assert.ok(!line.message.includes("\n"), `one line: ${line.message}`);
        }
    });

    it("reports entries of this stack and project that match nothing, and only those", () => {
        const unused = report().filter(l => l.message.startsWith("unused exemption"));
        assert.deepStrictEqual(unused.map(l => l.message), [
            `unused exemption: entry #5 (urn "${urnOf("gone-app")}") matches nothing in stack prod of project webshop; remove it from exemptions.yaml.`,
        ]);
    });

    it("reports an entry it refuses as a mandatory violation naming the entry and the field", () => {
        const refused = report().filter(l => l.enforcementLevel === "mandatory");
        assert.strictEqual(refused.length, 1);
        assert.match(refused[0].message, /^invalid exemption: entry #7 \(urn ".*broken-app"\), field expires: .*not a calendar date.*not honoured/);
    });

    it("reports an unreadable file as mandatory, whatever the stack holds", () => {
        const lines = report([], ExemptionSet.parse("exemptions: [\n - {", RESOURCE_POLICY_NAMES));
        assert.strictEqual(lines.length, 1);
        assert.strictEqual(lines[0].enforcementLevel, "mandatory");
        assert.match(lines[0].message, /not valid YAML/);
    });

    it("says nothing for a stack with no exemption and no problem", () => {
        assert.deepStrictEqual(report(STACK, ExemptionSet.empty()), []);
    });

    it("reports a self-declared tag it refuses", () => {
        const lines = report([{ type: WEB_APP, urn: urnOf("bad-tag"), props: { ...DISABLED, tags: { "policy-exemption": "reason=no date" } } }]);
        assert.match(lines.map(l => l.message).join("\n"), /self-declared exemption refused: bad-tag .*expires=YYYY-MM-DD/);
    });
});

describe("resource rules honour exemptions", () => {
    const judge = (name: string, props: unknown) =>
        judgeWithExemptions(clientCertificateRule, { type: WEB_APP, urn: urnOf(name), props, config: {} }, exemptions, NOW);

    it("turns the deny of an exempt app into a pass", () => {
        const judgement = judge("exempt-app", DISABLED);
        assert.ok(judgement.kind === "judged");
        assert.deepStrictEqual(judgement.verdict.findings, []);
    });

    it("denies the same app once its entry has expired, naming the entry and its date", () => {
        const judgement = judge("expired-app", DISABLED);
        assert.ok(judgement.kind === "judged");
        assert.strictEqual(judgement.verdict.findings.length, 1);
        assert.match(judgement.verdict.findings[0].message,
            new RegExp(`exemption entry #3 \\(urn ".*expired-app"\\) expired on ${inDays(-2)} and is no longer honoured`));
    });

    it("denies an app whose only entry is invalid, saying why", () => {
        const judgement = judge("broken-app", DISABLED);
        assert.ok(judgement.kind === "judged");
        assert.match(judgement.verdict.findings[0].message, /An exemption matches but is not honoured: .*not a calendar date/);
    });

    it("keeps the findings of an app whose exemption tag is unknown during preview", () => {
        const judgement = judge("tagged-later", { ...DISABLED, tags: { "policy-exemption": UNKNOWN } });
        assert.ok(judgement.kind === "judged");
        assert.strictEqual(judgement.verdict.findings.length, 1);
        assert.match(judgement.verdict.findings[0].message, /exemption tag is unknown during preview/);
    });

    it("denies an app no entry matches", () => {
        const judgement = judge("other-app", DISABLED);
        assert.ok(judgement.kind === "judged");
        assert.strictEqual(judgement.verdict.findings.length, 1);
    });
});

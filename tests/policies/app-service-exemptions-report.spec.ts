import * as assert from "assert";
import { AnalyzedResource, RuleConclusion } from "../../lib/analyzed-resources";
import { judgeResource } from "../../lib/app-service-judgement";
import { ruleConclusionOf } from "../../lib/app-service-policy";
import { ExemptionSet } from "../../lib/exemption-set";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { exemptionRecordsIn } from "../../lib/exemption-records";
import {
    arrangeLines,
    buildExemptionReport,
    exemptionsReport,
    reportLines,
    REPORTED_RULES,
    StackResource,
} from "../../policies/app-service-exemptions-report";
import { clientCertificateRule } from "../../policies/app-service-require-client-certificates";
import { WEB_APP, WEBSHOP_EXEMPTIONS_FILE, WEBSHOP_NOW, webshopInDays, webshopUrn } from "../helpers/exemptions";
import { UNKNOWN } from "../helpers/policy-test-utils";

const NOW = WEBSHOP_NOW;
const inDays = webshopInDays;
const POLICY = clientCertificateRule.name;
const urnOf = webshopUrn;
const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true };
const DISABLED = { clientCertEnabled: false, httpsOnly: true };

const FILE = WEBSHOP_EXEMPTIONS_FILE;
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

/**
 * What Analyze would have recorded for these resources' INPUTS, by the same judgement and the same record
 * the pack's resource policies make (lib/app-service-policy.ts ruleConclusionOf), with default options.
 */
function analysedFrom(inputs: readonly StackResource[], set = exemptions): (urn: string) => AnalyzedResource | undefined {
    const seen = new Map<string, AnalyzedResource>();
    for (const r of inputs) {
        const rules = new Map<string, RuleConclusion>();
        for (const rule of REPORTED_RULES) {
            const conclusion = ruleConclusionOf(judgeResource(rule, r.type, r.props, {}), set);
            if (conclusion) {
                rules.set(rule.name, conclusion);
            }
        }
        seen.set(r.urn, { urn: r.urn, type: r.type, rules });
    }
    return urn => seen.get(urn);
}

/** The report over `outputs`, with Analyze having seen `inputs` (by default the same properties). */
function report(resources = STACK, set = exemptions, inputs: readonly StackResource[] = resources) {
    return buildExemptionReport(resources, REPORTED_RULES, set, NOW, {
        expiringWithinDays: 14,
        analysed: analysedFrom(inputs, set),
    });
}

describe("azure-app-service-exemptions-report", () => {
    it("is an advisory stack policy with a configurable warning horizon", () => {
        assert.strictEqual(exemptionsReport.enforcementLevel, "advisory");
        assert.strictEqual(exemptionsReport.configSchema!.properties.expiringWithinDays.default, 14);
        assert.strictEqual(exemptionsReport.configSchema!.properties.findings.default, "actionable");
        assert.deepStrictEqual(exemptionsReport.configSchema!.properties.findings.enum, ["actionable", "every-line", "refused-only"]);
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

    it("names a resource by the whole name part of its URN, `::` included (urn.go Name)", () => {
        const urn = urnOf("api::v2");
        const set = ExemptionSet.parse(`exemptions:\n  - {urn: "${urn}", reason: "Partner client migrating", category: waiver, expires: "${inDays(60)}"}\n`,
            RESOURCE_POLICY_NAMES);
        const resources: StackResource[] = [{ type: WEB_APP, urn, props: DISABLED }];
        assert.deepStrictEqual(report(resources, set).map(l => l.message), [
            `exempt until ${inDays(60)} (60 days left): api::v2 (${WEB_APP}) from ${POLICY}, waiver "Partner client migrating" (entry #1).`,
        ]);
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

    describe("judges exemptions on what Analyze saw (inputs), never on the outputs it is handed", () => {
        // The program sets clientCertEnabled and leaves clientCertMode out; Azure reads back "Required".
        const INPUTS = { clientCertEnabled: true, httpsOnly: true };
        const OUTPUTS = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } };
        const app = (props: unknown): StackResource => ({ type: WEB_APP, urn: urnOf("stale-app"), props });

        it("regression: an exemption the inputs still need is not stale because the outputs comply", () => {
            const lines = report([app(OUTPUTS)], exemptions, [app(INPUTS)]).filter(l => l.urn === urnOf("stale-app"));
            assert.strictEqual(lines.length, 1);
            assert.strictEqual(lines[0].status, "in force");
            assert.match(lines[0].message, /^exempt with no expiry: stale-app .* mitigated "Behind Front Door"/);
            assert.ok(!/stale/i.test(lines[0].message.replace("stale-app", "")), lines[0].message);
        });

        it("a property missing from the outputs is no evidence of compliance", () => {
            // Outputs without siteConfig (pulumi-azure-native#4749) next to inputs that set TLS 1.0.
            const inputs = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.0" } };
            const outputs = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true };
            const lines = report([app(outputs)], exemptions, [app(inputs)]).filter(l => l.urn === urnOf("stale-app"));
            assert.deepStrictEqual(lines.map(l => l.status), ["in force"]);
            assert.match(lines[0].message, /from azure-app-service-minimum-tls-version/);
        });

        it("calls an exemption stale when the inputs pass, whatever the outputs say", () => {
            const lines = report([app({})], exemptions, [app(COMPLIANT)]).filter(l => l.urn === urnOf("stale-app"));
            assert.deepStrictEqual(lines.map(l => l.status), ["stale"]);
            assert.match(lines[0].message, /^stale exemption: stale-app .* already complies; .*found nothing in the inputs they judged in this run/);
        });

        it("makes no claim about a resource Analyze did not see in this process (a --target run)", () => {
            const lines = report([app(COMPLIANT), { type: WEB_APP, urn: urnOf("expired-app"), props: COMPLIANT }], exemptions, []);
            assert.deepStrictEqual(lines.filter(l => l.urn).map(l => l.status), ["not analysed", "expired"]);
            for (const line of lines.filter(l => l.urn)) {
                assert.match(line.message, /^exemption not judged in this run: .*whether the exemption is still needed is not judged here/);
                assert.ok(!/stale exemption|denied again/.test(line.message));
            }
            assert.match(lines.find(l => l.status === "expired")!.message, new RegExp(`expired on ${inDays(-2)}, no longer honoured`));
        });

        it("says nothing of a resource of a type the rules do not judge, even when a glob entry matches it", () => {
            const set = ExemptionSet.parse(`exemptions:\n  - {urn: "urn:pulumi:prod::webshop::*", reason: "Front Door", category: mitigated}\n`, RESOURCE_POLICY_NAMES);
            const storage = { type: "azure-native:storage:StorageAccount", urn: urnOf("assets", "azure-native:storage:StorageAccount"), props: {} };
            assert.deepStrictEqual(buildExemptionReport([storage], REPORTED_RULES, set, NOW, { expiringWithinDays: 14, analysed: () => undefined }), []);
        });

        it("makes no claim from a rule that did not run on the resource (disabled)", () => {
            const analysed = analysedFrom([app(COMPLIANT)]);
            const withoutTls = (urn: string) => {
                const seen = analysed(urn)!;
                const rules = new Map(seen.rules);
                rules.delete("azure-app-service-minimum-tls-version");
                return { ...seen, rules };
            };
            const lines = buildExemptionReport([app(COMPLIANT)], REPORTED_RULES, exemptions, NOW, { expiringWithinDays: 14, analysed: withoutTls });
            assert.match(lines.find(l => l.status === "stale")!.message, /from azure-app-service-require-client-certificates, azure-app-service-require-https-only already complies/);
        });
    });

    it("reports a self-declared tag it refuses", () => {
        const lines = report([{ type: WEB_APP, urn: urnOf("bad-tag"), props: { ...DISABLED, tags: { "policy-exemption": "reason=no date" } } }]);
        assert.match(lines.map(l => l.message).join("\n"), /self-declared exemption refused: bad-tag .*expires=YYYY-MM-DD/);
    });
});

describe("azure-app-service-exemptions-report: records for programs", () => {
    /** What reportLines hands the SDK's reportViolation, in object form. */
    function reported(choice: "actionable" | "every-line") {
        const diagnostics: { message: string; urn?: string; description?: string }[] = [];
        reportLines(arrangeLines(report(), choice), (d => diagnostics.push(d as unknown as typeof diagnostics[number])) as Parameters<typeof reportLines>[1], "The report.");
        return diagnostics;
    }
    const recordsOf = (diagnostics: { description?: string }[]) => diagnostics.flatMap(d => exemptionRecordsIn(d.description));

    it("says which entry excuses which app from which policies, whether the lines are folded or not", () => {
        for (const choice of ["actionable", "every-line"] as const) {
            const records = recordsOf(reported(choice));
            const exempting = records.filter(r => r.exemptFrom.length > 0).map(r => [r.urn, r.entry, r.source, [...r.exemptFrom]]);
            // An entry without `policies` excuses the app from every rule, the ones it meets too; a tag is
            // decided rule by rule.
            assert.deepStrictEqual(exempting.sort(), [
                [urnOf("exempt-app"), 1, "file", [...RESOURCE_POLICY_NAMES]],
                [urnOf("soon-app"), 2, "file", [...RESOURCE_POLICY_NAMES]],
                [urnOf("stale-app"), 4, "file", [...RESOURCE_POLICY_NAMES]],
                ...RESOURCE_POLICY_NAMES.map(policy => [urnOf("tagged-app"), 0, "tag", [policy]]),
            ].sort(), choice);
            const inForce = records.find(r => r.entry === 1)!;
            assert.strictEqual(inForce.ticket, "SEC-1");
            assert.strictEqual(inForce.approvedBy, "jane");
            assert.ok(records.some(r => r.status === "expired" && r.entry === 3 && r.exemptFrom.length === 0), choice);
            assert.ok(records.some(r => r.status === "refused" && r.entry === 7), choice);
        }
    });

    it("leaves the messages as they were: the records are in the description only", () => {
        const diagnostics = reported("actionable");
        assert.deepStrictEqual(diagnostics.map(d => d.message), arrangeLines(report(), "actionable").map(l => l.message));
        for (const d of diagnostics) {
            assert.ok(!d.message.includes("exemption-records"), d.message);
        }
    });
});

import * as assert from "assert";
import { UnknownValueError } from "@pulumi/policy";
import { applyExemption, describeEntry, exemptionTagValue, judgeWithExemptions } from "../../lib/applied-exemptions";
import { observeResource, RuleVerdict } from "../../lib/app-service-rule";
import { appServiceProfileFor } from "../../lib/app-service-resources";
import { ExemptionSet } from "../../lib/exemption-set";
import { Unknown } from "../../lib/observed-values";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { clientCertificateRule } from "../../policies/app-service-require-client-certificates";
import { WEB_APP, WEBSHOP_EXEMPTIONS_FILE, WEBSHOP_NOW, webshopInDays, webshopUrn } from "../helpers/exemptions";
import { UNKNOWN } from "../helpers/policy-test-utils";

const NOW = WEBSHOP_NOW;
const inDays = webshopInDays;
const urnOf = webshopUrn;
const DISABLED = { clientCertEnabled: false, httpsOnly: true };

const FILE = WEBSHOP_EXEMPTIONS_FILE;
const exemptions = ExemptionSet.parse(FILE, RESOURCE_POLICY_NAMES);

const VERDICT: RuleVerdict = {
    violations: [{ message: "Client certificates are not required." }],
    unknowns: [new Unknown(new UnknownValueError(UNKNOWN, ["clientCertMode"]))],
};

describe("applied-exemptions", () => {
    const entry = exemptions.entries[2];

    it("describes an entry by number and urn, and a tag as self-declared", () => {
        assert.strictEqual(describeEntry(entry), `exemption entry #3 (urn ${JSON.stringify(urnOf("expired-app"))})`);
        assert.strictEqual(describeEntry({ ...entry, source: "tag" }), "self-declared exemption tag");
    });

    it("reads the exemption tag only where tag exemptions are allowed", () => {
        const resource = observeResource(appServiceProfileFor(WEB_APP)!, { tags: { "policy-exemption": "reason=x" } });
        assert.strictEqual(exemptionTagValue(exemptions, resource), "reason=x");
        const noTags = ExemptionSet.parse("exemptions: []\n", RESOURCE_POLICY_NAMES);
        assert.strictEqual(exemptionTagValue(noTags, resource), undefined);
    });

    describe("applyExemption", () => {
        it("leaves the verdict as it is without an exemption, and clears it, unknowns too, with one in force", () => {
            assert.strictEqual(applyExemption(VERDICT, { outcome: "none" }), VERDICT);
            assert.deepStrictEqual(applyExemption(VERDICT, { outcome: "exempt", entry }), { violations: [], unknowns: [] });
        });

        it("keeps every violation, and the unknowns, saying why a matching exemption does not excuse it", () => {
            const expired = applyExemption(VERDICT, { outcome: "expired", entry });
            assert.deepStrictEqual(expired.violations.map(v => v.message), [`Client certificates are not required. The ${describeEntry(entry)} ` +
                `expired on ${entry.expires} and is no longer honoured.`]);
            assert.strictEqual(expired.unknowns, VERDICT.unknowns);
            const rejected = applyExemption(VERDICT, { outcome: "rejected", problems: [{ message: "no reason given" }, { message: "no expiry" }] });
            assert.match(rejected.violations[0].message, /An exemption matches but is not honoured: no reason given; no expiry\.$/);
            const unknownTag = applyExemption(VERDICT, { outcome: "unknown", unknown: VERDICT.unknowns[0] });
            assert.match(unknownTag.violations[0].message, /exemption tag is unknown during preview, so it cannot excuse this yet\.$/);
        });

        it("keeps a violation's own level (what the pack cannot resolve, at the option's level) when it adds a note", () => {
            const advisory: RuleVerdict = { violations: [{ message: "The pack cannot resolve x.", enforcementLevel: "advisory" }], unknowns: [] };
            for (const decision of [
                { outcome: "expired" as const, entry },
                { outcome: "rejected" as const, problems: [{ message: "no reason given" }] },
                { outcome: "unknown" as const, unknown: VERDICT.unknowns[0] },
            ]) {
                assert.deepStrictEqual(applyExemption(advisory, decision).violations.map(v => v.enforcementLevel), ["advisory"], decision.outcome);
            }
        });
    });
});

describe("resource rules honour exemptions", () => {
    const judge = (name: string, props: unknown) =>
        judgeWithExemptions(clientCertificateRule, { type: WEB_APP, urn: urnOf(name), props, config: {} }, exemptions, NOW);

    it("turns the deny of an exempt app into a pass", () => {
        const judgement = judge("exempt-app", DISABLED);
        assert.ok(judgement.outcome === "judged");
        assert.deepStrictEqual(judgement.verdict.violations, []);
    });

    it("denies the same app once its entry has expired, naming the entry and its date", () => {
        const judgement = judge("expired-app", DISABLED);
        assert.ok(judgement.outcome === "judged");
        assert.strictEqual(judgement.verdict.violations.length, 1);
        assert.match(judgement.verdict.violations[0].message,
            new RegExp(`exemption entry #3 \\(urn ".*expired-app"\\) expired on ${inDays(-2)} and is no longer honoured`));
    });

    it("denies an app whose only entry is invalid, saying why", () => {
        const judgement = judge("broken-app", DISABLED);
        assert.ok(judgement.outcome === "judged");
        assert.match(judgement.verdict.violations[0].message, /An exemption matches but is not honoured: .*not a calendar date/);
    });

    it("keeps the violations of an app whose exemption tag is unknown during preview", () => {
        const judgement = judge("tagged-later", { ...DISABLED, tags: { "policy-exemption": UNKNOWN } });
        assert.ok(judgement.outcome === "judged");
        assert.strictEqual(judgement.verdict.violations.length, 1);
        assert.match(judgement.verdict.violations[0].message, /exemption tag is unknown during preview/);
    });

    it("denies an app no entry matches", () => {
        const judgement = judge("other-app", DISABLED);
        assert.ok(judgement.outcome === "judged");
        assert.strictEqual(judgement.verdict.violations.length, 1);
    });
});

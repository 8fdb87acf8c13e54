import * as assert from "assert";
import { cannotJudgeMessage, Judgement, judgeResource } from "../../lib/app-service-judgement";
import { UNREADABLE_KEY } from "../../lib/policy-sdk-guard";
import { httpsOnlyRule } from "../../policies/app-service-require-https-only";
import { UNKNOWN } from "../helpers/policy-test-utils";

const WEB_APP = "azure-native:web:WebApp";
const DEPLOYMENT = "azure-native:resources:Deployment";
const site = (name: string, properties: unknown) => ({ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name, properties });
const deployment = (template: unknown, parameters: unknown = {}) => ({ properties: { mode: "Incremental", template, parameters } });
const judge = (type: string, props: unknown, config: unknown = {}) => judgeResource(httpsOnlyRule, type, props, config);

function judged(judgement: Judgement): Extract<Judgement, { outcome: "judged" }> {
    assert.strictEqual(judgement.outcome, "judged", JSON.stringify(judgement));
    return judgement as Extract<Judgement, { outcome: "judged" }>;
}

describe("app-service-judgement", () => {
    it("does not judge a type that deploys no site", () => {
        assert.deepStrictEqual(judge("azure-native:storage:StorageAccount", { httpsOnly: false }), { outcome: "not judged" });
    });

    it("judges a site that is the resource itself, which remediation may rewrite", () => {
        const judgement = judged(judge(WEB_APP, { httpsOnly: false, tags: { team: "a" } }));
        assert.strictEqual(judgement.verdict.violations.length, 1);
        assert.match(judgement.verdict.violations[0].message, /^The app accepts plain HTTP: httpsOnly is false\./);
        assert.strictEqual(judgement.verdict.violations[0].enforcementLevel, undefined);
        assert.ok(judgement.remediable);
        assert.strictEqual(judgement.resource.read("tags", "team"), "a");
        const compliant = judged(judge(WEB_APP, { httpsOnly: true }));
        assert.deepStrictEqual([compliant.verdict, compliant.configViolations], [{ violations: [], unknowns: [] }, []]);
    });

    it("keeps what the engine does not know yet as an unknown, not a violation", () => {
        const judgement = judged(judge(WEB_APP, { httpsOnly: UNKNOWN }));
        assert.deepStrictEqual(judgement.verdict.violations, []);
        assert.strictEqual(judgement.verdict.unknowns.length, 1);
    });

    it("says why a site beyond the rule's scope is not applicable, reading the shared scope options", () => {
        const props = { kind: "functionapp", httpsOnly: false };
        assert.strictEqual(judged(judge(WEB_APP, props)).verdict.violations.length, 1);
        const judgement = judge(WEB_APP, props, { includeFunctionApps: false });
        assert.strictEqual(judgement.outcome, "not applicable");
        assert.match(judgement.outcome === "not applicable" ? judgement.reason : "", /includeFunctionApps option is false/);
    });

    it("judges each site a template deploys, saying which, and never lets remediation rewrite the template", () => {
        const judgement = judged(judge(DEPLOYMENT, deployment({ resources: [site("good", { httpsOnly: true }), site("bad", { httpsOnly: false })] })));
        assert.strictEqual(judgement.verdict.violations.length, 1);
        assert.match(judgement.verdict.violations[0].message, /^In the template of this Deployment, site "bad" \(Microsoft\.Web\/sites at properties\.template\.resources\[1\]\): The app accepts plain HTTP/);
        assert.ok(!judgement.remediable);
    });

    it("says why a template with no site, or with no site in scope, is not applicable", () => {
        const none = judge(DEPLOYMENT, deployment({ resources: [] }));
        assert.deepStrictEqual(none, { outcome: "not applicable", configViolations: [],
            reason: "the template of this Deployment deploys no App Service site (Microsoft.Web/sites or sites/slots)" });
        const functions = judge(DEPLOYMENT, deployment({ resources: [{ ...site("fn", { httpsOnly: false }), kind: "functionapp" }] }), { includeFunctionApps: false });
        assert.strictEqual(functions.outcome, "not applicable");
        assert.match(functions.outcome === "not applicable" ? functions.reason : "", /^In the template of this Deployment, site "fn" .*: function apps are left out/);
    });

    it("reports what it cannot resolve as a violation, not an unknown, at the level the unresolvableValues option sets", () => {
        const props = deployment({ resources: [site("app", { httpsOnly: "[concat('t', 'rue')]" })] });
        const mandatory = judged(judge(DEPLOYMENT, props));
        // The rule reads the value once and waits for nothing: what cannot be resolved is never known at `up` either.
        assert.strictEqual(mandatory.verdict.violations.length, 1);
        assert.deepStrictEqual(mandatory.verdict.unknowns, []);
        const [unresolved] = mandatory.verdict.violations;
        assert.strictEqual(unresolved.enforcementLevel, "mandatory");
        assert.match(unresolved.message, /^In the template of this Deployment, site "app" .*: The pack cannot resolve \[concat\('t', 'rue'\)\] at properties\.template\.resources\[0\]\.properties\.httpsOnly/);
        assert.match(unresolved.message, new RegExp(`cannot judge what it deploys against ${httpsOnlyRule.name}`));
        const advisory = judged(judge(DEPLOYMENT, props, { unresolvableValues: "advisory" }));
        assert.deepStrictEqual(advisory.verdict.violations.map(v => v.enforcementLevel), ["advisory"]);
    });

    it("reports an unusable option on the resource, beside its verdict, and applies the strictest value", () => {
        const judgement = judged(judge(WEB_APP, { kind: "functionapp", httpsOnly: false }, { includeFunctionApps: "no" }));
        assert.strictEqual(judgement.verdict.violations.length, 1);
        assert.deepStrictEqual(judgement.configViolations.map(v => v.message), ["The policy's configuration is unusable: option includeFunctionApps " +
            "must be true or false, found \"no\"; the pack applies true. Fix the policy pack config file."]);
    });

    it("denies a resource whose properties the SDK could not read, and never remediates it", () => {
        const judgement = judged(judge(WEB_APP, { [UNREADABLE_KEY]: "an asset with only a hash" }));
        assert.deepStrictEqual(judgement.verdict.violations.map(v => v.message), [cannotJudgeMessage(new Error("an asset with only a hash"))]);
        assert.ok(!judgement.remediable);
    });

    it("says what could not be judged, shortened, and that the resource is denied for it", () => {
        const message = cannotJudgeMessage(new Error("x".repeat(300)));
        assert.ok(message.startsWith(`The pack could not judge this resource (${"x".repeat(200)}), so it is denied until it can.`));
        assert.match(cannotJudgeMessage("a string"), /\(a string\)/);
    });
});

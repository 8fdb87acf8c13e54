import * as assert from "assert";
import { ResourceValidationArgs, unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { analysedInputs, forgetAnalyses } from "../../lib/analyzed-resources";
import { Judgement } from "../../lib/app-service-judgement";
import { appServiceResourcePolicy, inputConclusionOf, NOT_REWRITTEN_NOTE, rawCopyOf } from "../../lib/app-service-policy";
import { observeResource, violationOf } from "../../lib/app-service-rule";
import { appServiceProfileFor } from "../../lib/app-service-resources";
import { Unknown } from "../../lib/observed-values";
import { httpsOnlyRule } from "../../policies/app-service-require-https-only";
import { createResourceValidationArgs, UNKNOWN } from "../helpers/policy-test-utils";

const WEB_APP = "azure-native:web:WebApp";
const DEPLOYMENT = "azure-native:resources:Deployment";
// A project no entry of the pack's exemptions file names.
const urnOf = (type: string, name: string) => `urn:pulumi:dev::app-service-policy-spec::${type}::${name}`;
const policy = appServiceResourcePolicy(httpsOnlyRule);

/** What validateResource reports, in either form the SDK accepts, and what it throws. */
async function validate(args: ResourceValidationArgs): Promise<{ reported: unknown[]; thrown?: unknown }> {
    const reported: unknown[] = [];
    try {
        await (policy.validateResource as (a: ResourceValidationArgs, r: (m: unknown) => void) => void)(args, message => reported.push(message));
    } catch (error) {
        return { reported, thrown: error };
    }
    return { reported };
}

const argsFor = (type: string, name: string, props: Record<string, unknown>, config?: Record<string, unknown>) =>
    createResourceValidationArgs(policy, { type, name, urn: urnOf(type, name), props }, config);

const templateWith = (httpsOnly: unknown) =>
    ({ properties: { mode: "Incremental", template: { resources: [{ type: "Microsoft.Web/sites", name: "app", properties: { httpsOnly } }] } } });

describe("app-service-policy", () => {
    beforeEach(forgetAnalyses);
    after(forgetAnalyses);

    it("hands the rule's metadata and options schema to the SDK as the rule declares them", () => {
        for (const key of ["name", "displayName", "description", "enforcementLevel", "severity", "framework", "remediationSteps", "url"] as const) {
            assert.deepStrictEqual(policy[key], httpsOnlyRule[key], key);
        }
        assert.deepStrictEqual(policy.tags, httpsOnlyRule.tags);
        assert.notStrictEqual(policy.tags, httpsOnlyRule.tags);
        assert.strictEqual(policy.configSchema, httpsOnlyRule.options.configSchema);
        assert.ok(!("evaluate" in policy) && !("options" in policy) && !("containerAppsReason" in policy));
    });

    it("reports each violation as a plain message and records what it concluded from the inputs", async () => {
        const { reported, thrown } = await validate(argsFor(WEB_APP, "plain-http", { httpsOnly: false }));
        assert.strictEqual(thrown, undefined);
        assert.strictEqual(reported.length, 1);
        assert.match(reported[0] as string, /^The app accepts plain HTTP/);
        assert.deepStrictEqual(analysedInputs(urnOf(WEB_APP, "plain-http"))!.rules.get(httpsOnlyRule.name),
            { conclusion: "violation", violations: [reported[0]], exemptionTag: undefined });
    });

    it("lets the SDK report an unknown as it does, and records it as unknown", async () => {
        const { reported, thrown } = await validate(argsFor(WEB_APP, "later", { httpsOnly: UNKNOWN }));
        assert.deepStrictEqual(reported, []);
        assert.ok(thrown instanceof UnknownValueError);
        assert.strictEqual(analysedInputs(urnOf(WEB_APP, "later"))!.rules.get(httpsOnlyRule.name)!.conclusion, "unknown");
    });

    it("reports what it cannot resolve at its own level, the description first as the string form puts it", async () => {
        const { reported } = await validate(argsFor(DEPLOYMENT, "template", templateWith("[concat('t', 'rue')]"), { unresolvableValues: "advisory" }));
        assert.strictEqual(reported.length, 1);
        const [report] = reported as { message: string; enforcementLevel: string }[];
        assert.strictEqual(report.enforcementLevel, "advisory");
        assert.ok(report.message.startsWith(`${httpsOnlyRule.description}\nIn the template of this Deployment, site "app"`));
    });

    it("says not applicable for a site beyond the rule's scope", async () => {
        const { thrown } = await validate(argsFor(WEB_APP, "fn", { kind: "functionapp", httpsOnly: false }, { includeFunctionApps: false }));
        assert.match(String((thrown as Error).message), /includeFunctionApps option is false/);
        assert.strictEqual(analysedInputs(urnOf(WEB_APP, "fn"))!.rules.get(httpsOnlyRule.name)!.conclusion, "not applicable");
    });

    it("remediates a site that is the resource itself, and keeps unknowns and secrets as they came", async () => {
        const props = { httpsOnly: false, siteConfig: UNKNOWN };
        assert.deepStrictEqual(await policy.remediateResource!(argsFor(WEB_APP, "fix", props)), { httpsOnly: true, siteConfig: UNKNOWN });
        assert.strictEqual(await policy.remediateResource!(argsFor(WEB_APP, "fine", { httpsOnly: true })), undefined);
    });

    it("does not rewrite a template, and says so in the violation that follows, once", async () => {
        const args = argsFor(DEPLOYMENT, "declined", templateWith(false));
        assert.strictEqual(await policy.remediateResource!(args), undefined);
        const first = await validate(args);
        assert.ok((first.reported[0] as string).endsWith(NOT_REWRITTEN_NOTE));
        const second = await validate(args);
        assert.ok(!(second.reported[0] as string).endsWith(NOT_REWRITTEN_NOTE));
    });

    it("copies the properties as they arrived, past the SDK's unknown-checking proxy", () => {
        const copy = rawCopyOf(unknownCheckingProxy({ a: UNKNOWN, b: { c: 1 } }) as Record<string, unknown>);
        assert.deepStrictEqual(copy, { a: UNKNOWN, b: { c: 1 } });
    });

    it("states a judgement before exemptions in the words of lib/analyzed-resources", () => {
        const resource = observeResource(appServiceProfileFor(WEB_APP)!, {});
        const judged = (verdict: Extract<Judgement, { outcome: "judged" }>["verdict"]): Judgement =>
            ({ outcome: "judged", verdict, resource, remediable: true, configViolations: [] });
        assert.strictEqual(inputConclusionOf({ outcome: "not judged" }), undefined);
        assert.strictEqual(inputConclusionOf({ outcome: "not applicable", reason: "r", configViolations: [] }), "not applicable");
        assert.strictEqual(inputConclusionOf(judged(violationOf("x"))), "violation");
        assert.strictEqual(inputConclusionOf(judged({ violations: [], unknowns: [new Unknown(new UnknownValueError(UNKNOWN, []))] })), "unknown");
        assert.strictEqual(inputConclusionOf(judged({ violations: [], unknowns: [] })), "no violations");
    });
});

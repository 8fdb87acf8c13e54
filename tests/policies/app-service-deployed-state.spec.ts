import * as assert from "assert";
import { AnalyzedResource, RuleConclusion } from "../../lib/analyzed-resources";
import { ExemptionSet } from "../../lib/exemption-set";
import { CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import {
    DEPLOYED_STATE_RULES,
    DeployedResource,
    DeployedStateContext,
    judgeDeployedState,
    splitFix,
} from "../../policies/app-service-deployed-state";
import { UNKNOWN } from "../helpers/policy-test-utils";

const NOW = new Date(Date.UTC(2030, 5, 1, 8));
const WEB_APP = "azure-native:web:WebApp";
const urnOf = (name: string, type = WEB_APP) => `urn:pulumi:prod::webshop::${type}::${name}`;
const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, clientCertExclusionPaths: null };

const EXEMPTIONS = ExemptionSet.parse(`
settings:
  tagExemptions: {allowed: true}
exemptions:
  - {urn: "${urnOf("exempt-app")}", reason: "Behind an mTLS gateway", category: mitigated}
`, RESOURCE_POLICY_NAMES);

/** Every rule configured (with its defaults unless given), and what Analyze concluded per URN. */
function context(opts: {
    analysed?: Record<string, Record<string, RuleConclusion>>;
    config?: Record<string, unknown>;
    unconfigured?: boolean;
} = {}): DeployedStateContext {
    return {
        exemptions: EXEMPTIONS,
        now: NOW,
        analysed: (urn: string): AnalyzedResource | undefined => {
            const rules = opts.analysed?.[urn];
            return rules ? { urn, type: WEB_APP, rules: new Map(Object.entries(rules)) } : undefined;
        },
        ruleConfig: (policyName: string) => opts.unconfigured ? undefined : { config: opts.config?.[policyName] ?? {} },
    };
}

const passed: RuleConclusion = { conclusion: "no violations", violations: [] };
const bothPassed = { [CLIENT_CERTIFICATES_POLICY]: passed, [HTTPS_ONLY_POLICY]: passed };
const judge = (resources: DeployedResource[], ctx = context()) => judgeDeployedState(resources, DEPLOYED_STATE_RULES, ctx);

describe("policies/app-service-deployed-state", () => {
    describe("splitFix", () => {
        it("drops the rule's Fix sentence and keeps the problem and the Why", () => {
            assert.deepStrictEqual(splitFix("httpsOnly is false. Fix: set httpsOnly: true. Why: plain HTTP."),
                { problem: "httpsOnly is false.", why: "Why: plain HTTP." });
        });
        it("keeps a message without a Fix sentence whole", () => {
            assert.deepStrictEqual(splitFix("The pack could not judge this resource."), { problem: "The pack could not judge this resource." });
        });
    });

    it("judges a classic app's outputs under the classic property names", () => {
        const type = "azure:appservice/linuxWebApp:LinuxWebApp";
        const [line, ...rest] = judge([{ type, urn: urnOf("classic", type), props: {
            clientCertificateEnabled: false, clientCertificateMode: "Required", httpsOnly: true,
        } }]);
        assert.deepStrictEqual(rest, []);
        assert.match(line.message, /^Deployed state of classic \(azure:appservice\/linuxWebApp:LinuxWebApp\) .*clientCertificateEnabled is false/);
        assert.strictEqual(line.urn, urnOf("classic", type));
    });

    it("names an app by the whole name part of its URN, `::` included (urn.go Name)", () => {
        const type = "azure:appservice/linuxWebApp:LinuxWebApp";
        const [line] = judge([{ type, urn: urnOf("api::v2", type), props: {
            clientCertificateEnabled: false, clientCertificateMode: "Required", httpsOnly: true,
        } }]);
        assert.match(line.message, /^Deployed state of api::v2 \(azure:appservice\/linuxWebApp:LinuxWebApp\) /);
    });

    it("judges a slot on its own", () => {
        const type = "azure-native:web:WebAppSlot";
        const lines = judge([{ type, urn: urnOf("app$slot", type), props: { ...COMPLIANT, clientCertMode: "OptionalInteractiveUser" } }]);
        assert.strictEqual(lines.length, 1);
        assert.match(lines[0].message, /clientCertMode is "OptionalInteractiveUser"/);
    });

    it("says drift only where Analyze found the same app's inputs compliant in this run", () => {
        const props = { ...COMPLIANT, clientCertEnabled: false };
        const [drift] = judge([{ type: WEB_APP, urn: urnOf("a"), props }], context({ analysed: { [urnOf("a")]: bothPassed } }));
        assert.match(drift.message, /This is drift/);
        const [unseen] = judge([{ type: WEB_APP, urn: urnOf("a"), props }]);
        assert.doesNotMatch(unseen.message, /This is drift/);
        assert.match(unseen.message, /when they do not, correct the program/);
    });

    it("uses the options the engine gave the resource rule", () => {
        const props = { ...COMPLIANT, clientCertExclusionPaths: "/health/" };
        assert.strictEqual(judge([{ type: WEB_APP, urn: urnOf("a"), props }]).length, 1);
        assert.deepStrictEqual(judge([{ type: WEB_APP, urn: urnOf("a"), props }],
            context({ config: { [CLIENT_CERTIFICATES_POLICY]: { allowedExclusionPaths: ["/health"] } } })), []);
    });

    it("leaves function apps out when the rule's options do, even when their outputs lack the settings", () => {
        const props = { ...COMPLIANT, kind: "functionapp", clientCertEnabled: false };
        const off = { includeFunctionApps: false };
        const config = { [CLIENT_CERTIFICATES_POLICY]: off, [HTTPS_ONLY_POLICY]: off };
        assert.deepStrictEqual(judge([{ type: WEB_APP, urn: urnOf("f"), props }], context({ config })), []);
        assert.deepStrictEqual(judge([{ type: WEB_APP, urn: urnOf("f"), props: { kind: "functionapp" } }], context({ config })), []);
        assert.strictEqual(judge([{ type: WEB_APP, urn: urnOf("f"), props: { kind: "functionapp" } }]).length, 1);
    });

    it("applies no rule the engine did not call in this run: a disabled rule is enforced nowhere", () => {
        const props = { ...COMPLIANT, clientCertEnabled: false, httpsOnly: false };
        assert.deepStrictEqual(judge([{ type: WEB_APP, urn: urnOf("a"), props }], context({ unconfigured: true })), []);
    });

    it("says the inputs were not judged only where they were not", () => {
        const props = { ...COMPLIANT, httpsOnly: false };
        const unknownInputs = { [CLIENT_CERTIFICATES_POLICY]: passed, [HTTPS_ONLY_POLICY]: { conclusion: "unknown", violations: [] } as RuleConclusion };
        const [judgedUnknown] = judge([{ type: WEB_APP, urn: urnOf("u"), props }], context({ analysed: { [urnOf("u")]: unknownInputs } }));
        assert.match(judgedUnknown.message, /when they do not, correct the program, then `pulumi up`\./);
        assert.doesNotMatch(judgedUnknown.message, /did not judge/);
        const [unseen] = judge([{ type: WEB_APP, urn: urnOf("u"), props }]);
        assert.match(unseen.message, /The resource rules did not judge this resource's inputs in this run/);
    });

    it("honours the pack's exemptions file, and the exemption tag Analyze read from the inputs, not the deployed one", () => {
        const props = { ...COMPLIANT, clientCertEnabled: false };
        assert.deepStrictEqual(judge([{ type: WEB_APP, urn: urnOf("exempt-app"), props }]), []);
        const tag = "reason=Partner migrating; expires=2030-06-20";
        const tagged: RuleConclusion = { conclusion: "no violations", violations: [], exemptionTag: tag };
        assert.deepStrictEqual(judge([{ type: WEB_APP, urn: urnOf("tagged"), props }],
            context({ analysed: { [urnOf("tagged")]: { [CLIENT_CERTIFICATES_POLICY]: tagged, [HTTPS_ONLY_POLICY]: passed } } })), []);
        // A tag added in the portal is no exemption where Analyze read the program's tags.
        const portalTagged = { ...props, tags: { "policy-exemption": tag } };
        assert.strictEqual(judge([{ type: WEB_APP, urn: urnOf("tagged"), props: portalTagged }],
            context({ analysed: { [urnOf("tagged")]: bothPassed } })).length, 1);
    });

    it("judges nothing it cannot know: unknown outputs, template deployments, other types", () => {
        assert.deepStrictEqual(judge([
            { type: WEB_APP, urn: urnOf("new"), props: { ...COMPLIANT, clientCertEnabled: UNKNOWN, httpsOnly: UNKNOWN } },
            { type: "azure-native:resources:Deployment", urn: urnOf("arm", "azure-native:resources:Deployment"), props: { properties: { template: {} } } },
            { type: "azure-native:storage:StorageAccount", urn: urnOf("sa", "azure-native:storage:StorageAccount"), props: {} },
        ]), []);
    });

    it("names every app with missing outputs in one advisory line, and judges what is there", () => {
        const lines = judge([
            { type: WEB_APP, urn: urnOf("short"), props: { httpsOnly: true } },
            { type: WEB_APP, urn: urnOf("nulls"), props: { clientCertEnabled: null, clientCertMode: null, httpsOnly: false } },
        ]);
        assert.deepStrictEqual(lines.map(l => [l.urn, l.enforcementLevel]), [[urnOf("nulls"), undefined], [undefined, "advisory"]]);
        assert.match(lines[1].message, /short \(azure-native:web:WebApp\) lacks clientCertEnabled, clientCertMode; nulls \(azure-native:web:WebApp\) lacks clientCertEnabled, clientCertMode\./);
    });
});

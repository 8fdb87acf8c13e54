// What Pulumi Cloud shows about the pack: read from GetAnalyzerInfo over the protocol, as `pulumi policy publish`
// reads it (pkg/backend/httpstate/policypack.go Publish → client.go PublishPolicyPack copies the pack's
// DisplayName, Description, Readme, Provider, Tags, Repository and each policy's DisplayName, Framework, Tags).
// Every policy the pack reports is checked, so a policy added later meets the same bar without editing this file.
import * as assert from "assert";
import { AnalyzerInfo } from "../../tools/analyzer/analyzer-client";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { CIS_AZURE_FOUNDATIONS } from "../../lib/pack-metadata";
import { CLIENT_CERTIFICATES_POLICY, RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { REPORTED_RULES } from "../../policies/app-service-exemptions-report";
import { PACK_DIR } from "../helpers/protocol";

const POLICY_NAME = /^azure-app-service(-[a-z0-9]+)+$/;

describe("protocol: pack and policy metadata in GetAnalyzerInfo", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    let info: AnalyzerInfo;

    before(async () => {
        pack = await startPolicyPack(PACK_DIR);
        info = await pack.client.getAnalyzerInfo();
    });

    after(async () => {
        await pack?.stop();
    });

    it("names the pack for people: display name, description, readme, provider and tags", () => {
        assert.strictEqual(info.name, "azure-app-service-client-certificates");
        assert.ok(info.displayName && info.displayName !== info.name, `display name: ${info.displayName}`);
        assert.ok(info.description && info.description.length >= 40, `description: ${info.description}`);
        assert.match(info.readme ?? "", /^# /, "the readme is Markdown with a title");
        assert.strictEqual(info.provider, "azure");
        assert.ok(info.tags?.includes("azure") && info.tags.includes("app-service"), `tags: ${info.tags}`);
    });

    it("reports the version from package.json, the version Pulumi installs under", () => {
        const version = require("../../package.json").version as string;
        assert.strictEqual(info.version, version);
    });

    it("lists at least the client-certificate policy", () => {
        assert.ok(info.policies.some(p => p.name === CLIENT_CERTIFICATES_POLICY), info.policies.map(p => p.name).join(", "));
    });

    it("has exactly the resource policies of the pack's one list of them, each the rule the report judges exemptions against", () => {
        const resourcePolicies = info.policies.filter(p => p.policyType === "resource").map(p => p.name);
        assert.deepStrictEqual([...resourcePolicies].sort(), [...RESOURCE_POLICY_NAMES].sort());
        assert.deepStrictEqual(REPORTED_RULES.map(rule => rule.name), [...RESOURCE_POLICY_NAMES]);
    });

    it("gives every policy a name, display name, description, tags and the CIS Azure Foundations framework", () => {
        const problems: string[] = [];
        for (const policy of info.policies) {
            const at = (what: string) => problems.push(`${policy.name}: ${what}`);
            if (!POLICY_NAME.test(policy.name)) at(`name does not match ${POLICY_NAME}`);
            if (!policy.displayName || policy.displayName === policy.name) at(`display name ${JSON.stringify(policy.displayName)}`);
            if (!policy.description || policy.description.length < 40) at("description is missing or too short to say what is denied");
            if (!policy.tags || !policy.tags.includes("azure")) at(`tags ${JSON.stringify(policy.tags)}`);
            if (!policy.severity) at("no severity");
            const framework = policy.framework;
            if (!framework) {
                at("no compliance framework");
                continue;
            }
            if (framework.name !== CIS_AZURE_FOUNDATIONS) at(`framework name ${JSON.stringify(framework.name)}`);
            if (!/^\d+\.\d+\.\d+$/.test(framework.version)) at(`framework version ${JSON.stringify(framework.version)}`);
            if (!/^\d+\.\d+/.test(framework.reference)) at(`framework reference ${JSON.stringify(framework.reference)}`);
            if (!framework.specification) at("framework has no specification");
        }
        assert.deepStrictEqual(problems, []);
    });

    it("ties the client-certificate policy to control 9.4 of the CIS Microsoft Azure Foundations Benchmark 2.0.0", () => {
        const policy = info.policies.find(p => p.name === CLIENT_CERTIFICATES_POLICY)!;
        assert.deepStrictEqual(
            { name: policy.framework?.name, version: policy.framework?.version, reference: policy.framework?.reference },
            { name: "CIS Microsoft Azure Foundations Benchmark", version: "2.0.0", reference: "9.4" });
        assert.match(policy.framework!.specification, /Client Certificates/);
    });

    it("gives every option of every policy a default and a description", () => {
        const problems: string[] = [];
        for (const policy of info.policies) {
            for (const [option, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                const property = schema as { default?: unknown; description?: unknown };
                if (property.default === undefined) problems.push(`${policy.name}.${option} has no default`);
                if (typeof property.description !== "string" || property.description === "") problems.push(`${policy.name}.${option} has no description`);
            }
            if ((policy.configSchema?.required ?? []).length > 0) {
                problems.push(`${policy.name} requires options (${policy.configSchema!.required!.join(", ")}): enabling it without config would fail`);
            }
        }
        assert.deepStrictEqual(problems, []);
    });
});

import * as assert from "assert";
import { Secret, UnknownValueError } from "@pulumi/policy";
import {
    appScopeOptions,
    combineVerdicts,
    NO_VIOLATIONS,
    observeResource,
    unknownBy,
    unresolvableValuesOption,
    violationOf,
} from "../../lib/app-service-rule";
import { appServiceProfileFor } from "../../lib/app-service-resources";
import { isUnknown, Unknown } from "../../lib/observed-values";
import { defineOptions } from "../../lib/policy-options";
import { UNKNOWN } from "../helpers/policy-test-utils";

const unknown = new Unknown(new UnknownValueError(UNKNOWN, ["httpsOnly"]));

describe("app-service-rule", () => {
    it("builds verdicts: none, one violation, one unknown, and several combined in order", () => {
        assert.deepStrictEqual(NO_VIOLATIONS, { violations: [], unknowns: [] });
        assert.deepStrictEqual(violationOf("wrong"), { violations: [{ message: "wrong" }], unknowns: [] });
        assert.deepStrictEqual(unknownBy(unknown), { violations: [], unknowns: [unknown] });
        assert.deepStrictEqual(combineVerdicts(violationOf("a"), unknownBy(unknown), NO_VIOLATIONS, violationOf("b")),
            { violations: [{ message: "a" }, { message: "b" }], unknowns: [unknown] });
        assert.deepStrictEqual(combineVerdicts(), NO_VIOLATIONS);
    });

    it("reads a resource's properties as a rule sees them: secrets unwrapped, unknowns as Unknown", () => {
        const resource = observeResource(appServiceProfileFor("azure-native:web:WebApp")!,
            { httpsOnly: new Secret(true), siteConfig: { minTlsVersion: UNKNOWN } });
        assert.strictEqual(resource.read("httpsOnly"), true);
        assert.ok(isUnknown(resource.read("siteConfig", "minTlsVersion")));
        assert.strictEqual(resource.read("clientCertEnabled"), undefined);
    });

    it("declares the shared options once: scope judged by default, unresolvable values mandatory, strictest when unusable", () => {
        const options = defineOptions({ ...appScopeOptions({ functionApps: "Functions.", workflowApps: "Workflows." }), ...unresolvableValuesOption });
        assert.deepStrictEqual(options.defaults, { includeFunctionApps: true, includeWorkflowApps: true, unresolvableValues: "mandatory" });
        assert.strictEqual(options.configSchema.properties.includeFunctionApps.description, "Functions.");
        assert.strictEqual(options.configSchema.properties.includeWorkflowApps.description, "Workflows.");
        assert.deepStrictEqual(options.configSchema.properties.unresolvableValues.enum, ["mandatory", "advisory"]);
        assert.deepStrictEqual(options.read({ includeFunctionApps: 0, includeWorkflowApps: "false", unresolvableValues: "off" }).values,
            { includeFunctionApps: true, includeWorkflowApps: true, unresolvableValues: "mandatory" });
    });
});

// Builds validation args the way @pulumi/policy's server does (props behind unknownCheckingProxy, config
// with the schema's defaults as the CLI fills them in) and runs a policy against them.
import * as assert from "assert";
import {
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "@pulumi/policy";

import { schemaDefaults } from "../../tools/analyzer/policy-pack-config";

export { secret, UNKNOWN } from "../../tools/analyzer/wire";

class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason);
    }
}

/** The config the CLI sends: each schema property's default, overridden by what the test sets. */
export function configWithDefaults(schema: PolicyConfigSchema | undefined, config: Record<string, unknown> = {}) {
    return { ...schemaDefaults(schema), ...config };
}

export interface ResourceUnderTest {
    type: string;
    props: Record<string, unknown>;
    name?: string;
    urn?: string;
}

export function createResourceValidationArgs(
    policy: ResourceValidationPolicy,
    resource: ResourceUnderTest,
    config?: Record<string, unknown>,
): ResourceValidationArgs {
    const name = resource.name ?? "app";
    const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
    const fullConfig = configWithDefaults(policy.configSchema, config);
    return {
        type: resource.type,
        props,
        name,
        urn: resource.urn ?? `urn:pulumi:dev::webshop::${resource.type}::${name}`,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({ ...fullConfig }) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

export interface PolicyOutcome {
    violations: string[];
    /** The SDK's "can't run during preview" path: the policy let an UnknownValueError escape. */
    unknownDuringPreview?: UnknownValueError;
    notApplicable?: string;
}

export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    resource: ResourceUnderTest,
    config?: Record<string, unknown>,
): Promise<PolicyOutcome> {
    const args = createResourceValidationArgs(policy, resource, config);
    const outcome: PolicyOutcome = { violations: [] };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const validate of validations) {
        try {
            await validate(args, message => {
                assert.strictEqual(typeof message, "string", "violations are reported as plain messages");
                outcome.violations.push(message as string);
            });
        } catch (error) {
            if (error instanceof UnknownValueError) {
                outcome.unknownDuringPreview = error;
            } else if (error instanceof NotApplicable) {
                outcome.notApplicable = error.reason ?? "";
            } else {
                throw error;
            }
        }
    }
    return outcome;
}

export async function assertHasResourceViolation(
    policy: ResourceValidationPolicy,
    resource: ResourceUnderTest,
    expected: { config?: Record<string, unknown>; includes?: (string | RegExp)[]; count?: number },
): Promise<string[]> {
    const outcome = await runResourcePolicy(policy, resource, expected.config);
    assert.ok(outcome.violations.length > 0, `expected a violation for ${JSON.stringify(resource)}, got none` +
        (outcome.notApplicable !== undefined ? ` (not applicable: ${outcome.notApplicable})` : "") +
        (outcome.unknownDuringPreview ? ` (unknown: ${outcome.unknownDuringPreview.message})` : ""));
    if (expected.count !== undefined) {
        assert.strictEqual(outcome.violations.length, expected.count, outcome.violations.join("\n"));
    }
    const all = outcome.violations.join("\n");
    for (const part of expected.includes ?? []) {
        if (typeof part === "string") {
            assert.ok(all.includes(part), `expected the violation to mention ${JSON.stringify(part)}:\n${all}`);
        } else {
            assert.match(all, part);
        }
    }
    return outcome.violations;
}

export async function assertNoResourceViolations(
    policy: ResourceValidationPolicy,
    resource: ResourceUnderTest,
    config?: Record<string, unknown>,
): Promise<PolicyOutcome> {
    const outcome = await runResourcePolicy(policy, resource, config);
    assert.deepStrictEqual(outcome.violations, [], `expected no violation for ${JSON.stringify(resource)}`);
    assert.strictEqual(outcome.unknownDuringPreview, undefined, "expected a verdict, not an unknown");
    return outcome;
}

export async function assertRemediation(
    policy: ResourceValidationPolicy,
    resource: ResourceUnderTest,
    config?: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
    assert.ok(policy.remediateResource, `${policy.name} has no remediation`);
    const args = createResourceValidationArgs(policy, resource, config);
    const result = await policy.remediateResource(args);
    return result === undefined ? undefined : { ...result };
}

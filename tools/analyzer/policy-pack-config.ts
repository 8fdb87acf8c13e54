// Builds the Configure request map from a `--policy-pack-config` JSON file the way the Pulumi CLI
// does (pkg/resource/analyzer/config.go: parsePolicyPackConfig, ReconcilePolicyPackConfig,
// validatePolicyPackConfig):
//   1. every policy starts at its own enforcement level plus the `default` of each schema property;
//   2. the pack's programmatic initial config is applied, then the file;
//      when applying, an "all" entry sets only the enforcement level of every policy, then each
//      per-policy entry (a level string, or `{enforcementLevel?, ...properties}`) is merged in;
//   3. each policy's properties (enforcementLevel removed) are validated against its config schema.
// Deliberately stricter than the CLI: unknown policy names and properties under "all" are errors
// (the CLI silently ignores them), so a typo in a test config cannot go unnoticed.

import * as fs from "fs";
import Ajv, { ErrorObject } from "ajv";
import {
    AnalyzerInfo,
    ConfigureMap,
    ENFORCEMENT_LEVELS,
    EnforcementLevel,
    isEnforcementLevel,
    PolicyInfo,
} from "./analyzer-client";

export type PolicyPackConfigFileEntry = EnforcementLevel | { enforcementLevel?: EnforcementLevel; [property: string]: unknown };
/** Contents of a `--policy-pack-config` file: policy name (or "all") to entry. */
export type PolicyPackConfigFile = Record<string, PolicyPackConfigFileEntry>;

/** The CLI's normalised per-policy config (plugin.AnalyzerPolicyConfig). */
export interface NormalizedPolicyConfig {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export const ALL_POLICIES_KEY = "all";

export class PolicyPackConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid policy pack config:\n  - ${problems.join("\n  - ")}`);
        this.name = "PolicyPackConfigError";
    }
}

/** Reads and shape-checks a policy pack config file. Empty files are allowed (as in the CLI). */
export function loadPolicyPackConfigFile(file: string): PolicyPackConfigFile {
    const text = fs.readFileSync(file, "utf8");
    if (text.trim() === "") {
        return {};
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new PolicyPackConfigError([`${file}: not valid JSON: ${(e as Error).message}`]);
    }
    normalizePolicyPackConfig(raw, file); // throws on a malformed entry
    return raw as PolicyPackConfigFile;
}

/** Mirrors the CLI's parsePolicyPackConfig: splits each entry into enforcement level and properties. */
export function normalizePolicyPackConfig(raw: unknown, source = "policy pack config"): Record<string, NormalizedPolicyConfig> {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new PolicyPackConfigError([`${source}: must be a JSON object mapping policy names to config`]);
    }
    const problems: string[] = [];
    const result: Record<string, NormalizedPolicyConfig> = {};
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        let cfg: NormalizedPolicyConfig;
        if (typeof value === "string") {
            if (!isEnforcementLevel(value)) {
                problems.push(`policy "${name}": ${JSON.stringify(value)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
                continue;
            }
            cfg = { enforcementLevel: value };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            cfg = {};
            if (enforcementLevel !== undefined) {
                if (!isEnforcementLevel(enforcementLevel)) {
                    problems.push(
                        `policy "${name}", property "enforcementLevel": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`,
                    );
                    continue;
                }
                cfg.enforcementLevel = enforcementLevel;
            }
            if (Object.keys(properties).length > 0) {
                cfg.properties = properties;
            }
        } else {
            problems.push(`policy "${name}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
            continue;
        }
        // The CLI drops empty entries.
        if (cfg.enforcementLevel !== undefined || cfg.properties !== undefined) {
            result[name] = cfg;
        }
    }
    if (problems.length > 0) {
        throw new PolicyPackConfigError(problems.map((p) => `${source}: ${p}`));
    }
    return result;
}

/**
 * Reconciles defaults, the pack's initial config and `fileConfig` into the map to send with
 * `AnalyzerClient.configure`, validating each policy's properties against its schema with ajv.
 */
export function buildConfigureMap(info: AnalyzerInfo, fileConfig: PolicyPackConfigFile = {}): ConfigureMap {
    const file = normalizePolicyPackConfig(fileConfig);
    const known = new Set(info.policies.map((p) => p.name));

    const problems: string[] = [];
    for (const [name, cfg] of Object.entries(file)) {
        if (name === ALL_POLICIES_KEY) {
            if (cfg.properties) {
                problems.push(`"${ALL_POLICIES_KEY}" may only set an enforcement level, not properties (${Object.keys(cfg.properties).join(", ")})`);
            }
        } else if (!known.has(name)) {
            problems.push(`policy "${name}" is not in policy pack "${info.name}" (policies: ${[...known].join(", ")})`);
        }
    }
    if (problems.length > 0) {
        throw new PolicyPackConfigError(problems);
    }

    let result = configWithDefaults(info.policies);
    result = applyConfig(result, info.initialConfig);
    result = applyConfig(result, file);

    for (const policy of info.policies) {
        problems.push(...validatePolicyConfig(policy, result[policy.name]?.properties ?? {}, info.supportsConfig));
    }
    if (problems.length > 0) {
        throw new PolicyPackConfigError(problems);
    }

    const map: ConfigureMap = {};
    for (const policy of info.policies) {
        const cfg = result[policy.name];
        map[policy.name] = { ...(cfg?.properties ?? {}), enforcementLevel: cfg?.enforcementLevel ?? policy.enforcementLevel };
    }
    return map;
}

function configWithDefaults(policies: PolicyInfo[]): Record<string, NormalizedPolicyConfig> {
    const result: Record<string, NormalizedPolicyConfig> = {};
    for (const p of policies) {
        let props: Record<string, unknown> | undefined;
        for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
            if ("default" in schema) {
                props ??= {};
                props[k] = schema.default;
            }
        }
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties: props };
    }
    return result;
}

// Mirrors the CLI's applyConfig; properties are merged shallowly, later sources winning.
function applyConfig(
    result: Record<string, NormalizedPolicyConfig>,
    toApply: Record<string, NormalizedPolicyConfig>,
): Record<string, NormalizedPolicyConfig> {
    const out: Record<string, NormalizedPolicyConfig> = { ...result };
    const allLevel = toApply[ALL_POLICIES_KEY]?.enforcementLevel;
    if (allLevel !== undefined) {
        for (const [name, cfg] of Object.entries(out)) {
            out[name] = { ...cfg, enforcementLevel: allLevel };
        }
    }
    for (const [name, given] of Object.entries(toApply)) {
        if (name === ALL_POLICIES_KEY) {
            continue;
        }
        const prev = out[name] ?? {};
        const hasProps = given.properties !== undefined && Object.keys(given.properties).length > 0;
        out[name] = {
            enforcementLevel: given.enforcementLevel ?? prev.enforcementLevel,
            properties: hasProps ? { ...(prev.properties ?? {}), ...given.properties } : prev.properties,
        };
    }
    return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });

function validatePolicyConfig(policy: PolicyInfo, properties: Record<string, unknown>, supportsConfig: boolean): string[] {
    const schemaProps: Record<string, unknown> = { ...(policy.configSchema?.properties ?? {}) };
    if (supportsConfig) {
        // The CLI injects this so the level is a recognised key.
        schemaProps.enforcementLevel = { type: "string", enum: [...ENFORCEMENT_LEVELS] };
    } else if (!policy.configSchema) {
        return [];
    }
    const schema: Record<string, unknown> = { type: "object" };
    if (Object.keys(schemaProps).length > 0) {
        schema.properties = schemaProps;
    }
    if (policy.configSchema?.required?.length) {
        schema.required = policy.configSchema.required;
    }
    const validate = ajv.compile(schema);
    if (validate(properties)) {
        return [];
    }
    return (validate.errors ?? []).map((e) => `policy "${policy.name}", property "${propertyPath(e)}": ${e.message ?? e.keyword}`);
}

// Renders an ajv error location as a readable path ("a.b[0]"), naming the missing property for
// `required` errors, whose instancePath is the parent object.
function propertyPath(e: ErrorObject): string {
    const segments = e.instancePath
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const missing = (e.params as { missingProperty?: unknown }).missingProperty;
    if (e.keyword === "required" && typeof missing === "string") {
        segments.push(missing);
    }
    if (segments.length === 0) {
        return "(root)";
    }
    return segments.reduce((acc, s, i) => (/^\d+$/.test(s) ? `${acc}[${s}]` : i === 0 ? s : `${acc}.${s}`), "");
}

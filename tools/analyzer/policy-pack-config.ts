// Builds the Configure request map from a `--policy-pack-config` JSON file the way the Pulumi CLI
// does (pkg/resource/analyzer/config.go: parsePolicyPackConfig, ReconcilePolicyPackConfig,
// applyConfig, validatePolicyPackConfig; pkg/resource/plugin/analyzer_plugin.go: Configure;
// pkg/engine/update.go, where a local pack's file is loaded and its errors are framed):
//   1. an empty file, or JSON `null`, is no config; anything but an object is a JSON error;
//   2. a top-level "environments" (ESC environment names, a list of strings) is taken out before the
//      policies are read; the CLI resolves them through the backend, which this offline harness cannot;
//   3. every policy starts at its own enforcement level plus the `default` of each schema property;
//   4. the pack's programmatic initial config is applied, then the file; when applying, an "all" entry
//      with a valid level sets the level of every policy, then EVERY entry of the file, "all" and names
//      the pack does not have included, is merged into the result by name (applyConfig);
//   5. each policy of the pack has its properties validated against its config schema;
//   6. the whole result goes to Configure, "all" and unknown names too: an entry with a level is sent
//      (the pack ignores names it does not know), and one with properties only has no level, which
//      Configure refuses: `invalid enforcement level ""`.
// A top-level "exceptions" holds Pulumi's native policy exceptions in a local config file (a newer CLI
// than the source above); exceptions are applied by the CLI to the violations the pack reports, never
// sent to the pack, so it is taken out here and kept for the caller to mention.

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

/** The top-level key of ESC environment names, taken out before policies are read (config.go). */
export const ENVIRONMENTS_KEY = "environments";
/** The top-level key of Pulumi's native policy exceptions in a local config file. */
export const EXCEPTIONS_KEY = "exceptions";

/** A config file as the CLI reads it: the policies' entries, and what is not for the pack. */
export interface PolicyPackConfigDocument {
    readonly config: PolicyPackConfigFile;
    /** ESC environments the CLI would resolve and layer under the file (pkg/engine/update.go). */
    readonly environments: string[];
    /** Native policy exceptions, if the file holds any: the CLI's business, not the pack's. */
    readonly exceptions?: unknown;
}

/** Go's name for the type of a decoded JSON value, as `%T` prints it in the CLI's errors. */
function goType(value: unknown): string {
    if (value === null) {
        return "<nil>";
    }
    if (Array.isArray(value)) {
        return "[]interface {}";
    }
    switch (typeof value) {
        case "string":
            return "string";
        case "number":
            return "float64";
        case "boolean":
            return "bool";
        default:
            return "map[string]interface {}";
    }
}

/** Reads a policy pack config file as the CLI does (parsePolicyPackConfig); throws with the CLI's words. */
export function readPolicyPackConfigFile(file: string): PolicyPackConfigDocument {
    const text = fs.readFileSync(file, "utf8");
    // "Gracefully allow empty content."
    if (text.trim() === "") {
        return { config: {}, environments: [] };
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new PolicyPackConfigError([`${file}: not valid JSON: ${(e as Error).message}`]);
    }
    // Go unmarshals `null` into an empty map without complaint.
    if (raw === null) {
        return { config: {}, environments: [] };
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
        throw new PolicyPackConfigError([`${file}: json: cannot unmarshal ${Array.isArray(raw) ? "array" : typeof raw} into Go value of type map[string]interface {}`]);
    }
    const { [ENVIRONMENTS_KEY]: environmentsRaw, [EXCEPTIONS_KEY]: exceptions, ...config } = raw as Record<string, unknown>;
    const environments: string[] = [];
    if (environmentsRaw !== undefined) {
        if (!Array.isArray(environmentsRaw)) {
            throw new PolicyPackConfigError([`${file}: "environments" must be an array of strings, got ${goType(environmentsRaw)}`]);
        }
        environmentsRaw.forEach((v, i) => {
            if (typeof v !== "string") {
                throw new PolicyPackConfigError([`${file}: "environments[${i}]" must be a string, got ${goType(v)}`]);
            }
            environments.push(v);
        });
    }
    normalizePolicyPackConfig(config, file); // throws on a malformed entry
    return { config: config as PolicyPackConfigFile, environments, ...(exceptions !== undefined ? { exceptions } : {}) };
}

/** The policies' entries of a config file (see readPolicyPackConfigFile). */
export function loadPolicyPackConfigFile(file: string): PolicyPackConfigFile {
    return readPolicyPackConfigFile(file).config;
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
        // The CLI's words (config.go parsePolicyPackConfig, extractEnforcementLevel), with the valid levels added.
        if (typeof value === "string") {
            if (!isEnforcementLevel(value)) {
                problems.push(`parsing enforcement level for ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
                continue;
            }
            cfg = { enforcementLevel: value };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            cfg = {};
            if (enforcementLevel !== undefined) {
                if (typeof enforcementLevel !== "string") {
                    problems.push(`parsing enforcement level for ${JSON.stringify(name)}: ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; must be a string`);
                    continue;
                }
                if (!isEnforcementLevel(enforcementLevel)) {
                    problems.push(`parsing enforcement level for ${JSON.stringify(name)}: ${JSON.stringify(enforcementLevel)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
                    continue;
                }
                cfg.enforcementLevel = enforcementLevel;
            }
            if (Object.keys(properties).length > 0) {
                cfg.properties = properties;
            }
        } else {
            problems.push(`parsing ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a valid value; must be a string or object`);
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
 * Reconciles defaults, the pack's initial config and the config files into the map to send with
 * `AnalyzerClient.configure`, validating each policy's properties against its schema with ajv. Several
 * files are layered first, each over the ones before it, per policy: a level replaces the level, properties
 * are merged shallowly (the preview command's program config under the user's).
 */
export function buildConfigureMap(info: AnalyzerInfo, ...files: PolicyPackConfigFile[]): ConfigureMap {
    const file = files.map(f => normalizePolicyPackConfig(f)).reduce(mergeByName, {});
    const problems: string[] = [];

    let result = configWithDefaults(info.policies);
    result = applyConfig(result, info.initialConfig);
    result = applyConfig(result, file);

    for (const policy of info.policies) {
        // Framed as the CLI frames them (pkg/engine/update.go appendValidationErrors); the detail is ajv's
        // wording where the CLI's is gojsonschema's.
        problems.push(...validatePolicyConfig(policy, result[policy.name]?.properties ?? {}, info.supportsConfig)
            .map(problem => `validating policy config: ${info.name} ${info.version}  ${problem}`));
    }
    if (problems.length > 0) {
        throw new PolicyPackConfigError(problems);
    }

    // Every entry goes to Configure, "all" and names the pack does not have included; one without a
    // level is refused there (analyzer_plugin.go Configure), as the CLI frames it (engine/update.go).
    const map: ConfigureMap = {};
    for (const [name, cfg] of Object.entries(result)) {
        if (cfg.enforcementLevel === undefined) {
            throw new PolicyPackConfigError([`configuring policy pack ${JSON.stringify(info.name)}: invalid enforcement level "" ` +
                `(entry ${JSON.stringify(name)} sets properties but no enforcementLevel, and the pack has no policy of that name to take one from)`]);
        }
        map[name] = { ...(cfg.properties ?? {}), enforcementLevel: cfg.enforcementLevel };
    }
    return map;
}

/** The `default` of each property of a policy's config schema, as the CLI fills them in; undefined when none has one. */
export function schemaDefaults(schema: { properties?: Record<string, { default?: unknown }> } | undefined): Record<string, unknown> | undefined {
    let props: Record<string, unknown> | undefined;
    for (const [k, property] of Object.entries(schema?.properties ?? {})) {
        if (property.default !== undefined) {
            props ??= {};
            props[k] = property.default;
        }
    }
    return props;
}

function configWithDefaults(policies: PolicyInfo[]): Record<string, NormalizedPolicyConfig> {
    const result: Record<string, NormalizedPolicyConfig> = {};
    for (const p of policies) {
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties: schemaDefaults(p.configSchema) };
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
    // "all" itself is merged in by name like any other entry, and so reaches Configure (config.go applyConfig).
    return mergeByName(out, toApply);
}

/** Each entry of `upper` merged into `lower`'s of the same name: its level wins, its properties win one by one. */
function mergeByName(lower: Record<string, NormalizedPolicyConfig>, upper: Record<string, NormalizedPolicyConfig>): Record<string, NormalizedPolicyConfig> {
    const out: Record<string, NormalizedPolicyConfig> = { ...lower };
    for (const [name, given] of Object.entries(upper)) {
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

// A policy's options, declared once: the JSON schema the CLI validates and fills defaults from, and the
// reader the policy uses, which falls back to the strictest value when it is handed something the
// schema would have refused (a Configure call that did not come through the CLI's validation).
import { PolicyConfigSchema } from "@pulumi/policy";

interface BooleanOption {
    readonly type: "boolean";
    readonly default: boolean;
    /** The value that lets the fewest apps through, used when the configured one is unusable. */
    readonly strictest: boolean;
    readonly description: string;
}

interface IntegerOption {
    readonly type: "integer";
    readonly default: number;
    readonly minimum: number;
    readonly maximum: number;
    readonly description: string;
}

interface StringListOption {
    readonly type: "string-list";
    readonly default: readonly string[];
    /** Each item must match this; items that do not are dropped and reported. */
    readonly itemPattern: string;
    readonly itemDescription: string;
    readonly description: string;
}

interface ChoiceOption<Choice extends string = string> {
    readonly type: "choice";
    readonly choices: readonly Choice[];
    readonly default: Choice;
    readonly strictest: Choice;
    readonly description: string;
}

export type OptionSpec = BooleanOption | IntegerOption | StringListOption | ChoiceOption;

type OptionValue<S extends OptionSpec> =
    S extends BooleanOption ? boolean :
    S extends IntegerOption ? number :
    S extends StringListOption ? string[] :
    // The union of the declared choices, so that a reader needs no cast: `"1.2" | "1.3"`, not `string`.
    S extends ChoiceOption<infer Choice> ? Choice : never;

export type OptionValues<Specs extends Record<string, OptionSpec>> = { [K in keyof Specs]: OptionValue<Specs[K]> };

export interface ReadOptions<Values> {
    readonly values: Values;
    /** One sentence per unusable setting, naming the option and what was found. */
    readonly problems: string[];
}

export interface OptionSet<Values> {
    readonly configSchema: PolicyConfigSchema;
    readonly defaults: Values;
    read(config: unknown): ReadOptions<Values>;
}

/**
 * `const`, so that each option's literals survive inference: a choice's `choices` stay a union of their
 * strings, without `as const` at every call.
 */
export function defineOptions<const Specs extends Record<string, OptionSpec>>(specs: Specs): OptionSet<OptionValues<Specs>> {
    const properties: PolicyConfigSchema["properties"] = {};
    for (const [name, spec] of Object.entries(specs)) {
        properties[name] = schemaOf(spec);
    }
    const configSchema: PolicyConfigSchema = { properties };
    const defaults = Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [name, Array.isArray(spec.default) ? [...spec.default] : spec.default]),
    ) as OptionValues<Specs>;

    // getConfig() hands back a fresh object per call but the same values for a whole run, so the last
    // reading is kept to spare every resource the same work.
    let lastKey: string | undefined;
    let lastRead: ReadOptions<OptionValues<Specs>> | undefined;

    return {
        configSchema,
        defaults,
        read(config: unknown): ReadOptions<OptionValues<Specs>> {
            const key = cacheKey(config);
            if (key !== undefined && key === lastKey && lastRead) {
                return lastRead;
            }
            const source = config !== null && typeof config === "object" ? config as Record<string, unknown> : {};
            const values: Record<string, unknown> = {};
            const problems: string[] = [];
            for (const [name, spec] of Object.entries(specs)) {
                values[name] = readOne(name, spec, source[name], problems);
            }
            // The schema, like the CLI, lets unknown keys through; a misspelt option would otherwise be
            // silently ignored and its intent lost.
            for (const name of Object.keys(source)) {
                if (!Object.prototype.hasOwnProperty.call(specs, name)) {
                    problems.push(`${JSON.stringify(name)} is not an option of this policy (known: ${Object.keys(specs).join(", ")}); it is ignored`);
                }
            }
            lastKey = key;
            lastRead = { values: values as OptionValues<Specs>, problems };
            return lastRead;
        },
    };
}

function cacheKey(config: unknown): string | undefined {
    try {
        return JSON.stringify(config);
    } catch {
        return undefined;
    }
}

function schemaOf(spec: OptionSpec): PolicyConfigSchema["properties"][string] {
    switch (spec.type) {
        case "boolean":
            return { type: "boolean", default: spec.default, description: spec.description };
        case "integer":
            return { type: "integer", default: spec.default, minimum: spec.minimum, maximum: spec.maximum, description: spec.description };
        case "string-list":
            return {
                type: "array",
                default: [...spec.default],
                description: spec.description,
                items: { type: "string", pattern: spec.itemPattern, description: spec.itemDescription },
            };
        case "choice":
            return { type: "string", enum: [...spec.choices], default: spec.default, description: spec.description };
    }
}

function readOne(name: string, spec: OptionSpec, value: unknown, problems: string[]): unknown {
    if (value === undefined) {
        return Array.isArray(spec.default) ? [...spec.default] : spec.default;
    }
    const found = shortJson(value);
    switch (spec.type) {
        case "boolean":
            if (typeof value === "boolean") {
                return value;
            }
            problems.push(`option ${name} must be true or false, found ${found}; the pack applies ${spec.strictest}`);
            return spec.strictest;
        case "integer":
            if (typeof value === "number" && Number.isInteger(value) && value >= spec.minimum && value <= spec.maximum) {
                return value;
            }
            problems.push(`option ${name} must be a whole number from ${spec.minimum} to ${spec.maximum}, found ${found}; the pack applies ${spec.default}`);
            return spec.default;
        case "string-list": {
            if (!Array.isArray(value)) {
                problems.push(`option ${name} must be a list of ${spec.itemDescription}, found ${found}; the pack applies an empty list`);
                return [];
            }
            const pattern = new RegExp(spec.itemPattern);
            const kept: string[] = [];
            const refused: unknown[] = [];
            for (const item of value) {
                if (typeof item === "string" && pattern.test(item)) {
                    kept.push(item);
                } else {
                    refused.push(item);
                }
            }
            if (refused.length > 0) {
                // One sentence however many items are wrong: every resource carries it.
                const shown = refused.slice(0, 3).map(shortJson).join(", ") + (refused.length > 3 ? ` and ${refused.length - 3} more` : "");
                problems.push(`option ${name} holds ${shown}, which ${refused.length === 1 ? "is" : "are"} not ${spec.itemDescription}; the pack ignores ${refused.length === 1 ? "it" : "them"}`);
            }
            return kept;
        }
        case "choice":
            if (typeof value === "string" && spec.choices.includes(value)) {
                return value;
            }
            problems.push(`option ${name} must be one of ${spec.choices.map(c => JSON.stringify(c)).join(", ")}, found ${found}; the pack applies ${JSON.stringify(spec.strictest)}`);
            return spec.strictest;
    }
}

function shortJson(value: unknown): string {
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

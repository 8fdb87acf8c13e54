// The exemptions file: one reviewed file shipped inside the pack, honoured by every resource rule and reported
// by the stack validation. Modelled on Azure Policy exemptions: a category (waiver: accepted for now;
// mitigated: the intent is met another way) and an expiry, capped for waivers. This file reads the format
// (YAML, checked against a schema with ajv), its dates, and the self-declared exemption tag; lib/exemption-set.ts
// decides with what it reads.
import type { ValidateFunction } from "ajv";

/** The file's name, in the pack's root (lib/pack-exemptions.ts) and wherever tools look for it. */
export const EXEMPTIONS_FILE_NAME = "exemptions.yaml";
export const DEFAULT_MAX_WAIVER_DAYS = 180;
export const DEFAULT_TAG_NAME = "policy-exemption";
export const DEFAULT_TAG_MAX_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ExemptionCategory = "waiver" | "mitigated";

export interface ExemptionEntry {
    /** 1-based position in the file, as people count. */
    readonly number: number;
    readonly urn: string;
    readonly policies?: readonly string[];
    readonly reason: string;
    readonly category: ExemptionCategory;
    /** YYYY-MM-DD, the last day the entry is honoured. */
    readonly expires?: string;
    readonly ticket?: string;
    readonly approvedBy?: string;
    readonly matchesEveryProject?: boolean;
    /**
     * The Pulumi organization the entry is granted to, compared with the one the engine names in ConfigureStack
     * (not with anything the program chooses). Absent: any organization the pack runs in.
     */
    readonly organization?: string;
    readonly source: "file" | "tag";
}

export interface ExemptionProblem {
    /** The entry's number, or undefined for the file as a whole. */
    readonly entry?: number;
    readonly urn?: string;
    readonly field?: string;
    readonly message: string;
}

export interface ExemptionSettings {
    readonly maxWaiverDays: number;
    readonly tagExemptions: { readonly allowed: boolean; readonly tag: string; readonly maxDays: number };
}

const entrySchema = {
    type: "object",
    additionalProperties: false,
    required: ["urn", "reason", "category"],
    properties: {
        urn: { type: "string", minLength: 1, maxLength: 2048 },
        policies: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
        reason: { type: "string", minLength: 1, pattern: "\\S" },
        category: { enum: ["waiver", "mitigated"] },
        expires: { type: "string" },
        ticket: { type: "string" },
        approvedBy: { type: "string" },
        matchesEveryProject: { type: "boolean" },
        organization: { type: "string", minLength: 1, pattern: "^\\S+$" },
    },
} as const;

const fileSchema = {
    type: "object",
    additionalProperties: false,
    properties: {
        settings: {
            type: "object",
            additionalProperties: false,
            properties: {
                maxWaiverDays: { type: "integer", minimum: 1, maximum: 3650 },
                tagExemptions: {
                    type: "object",
                    additionalProperties: false,
                    properties: {
                        allowed: { type: "boolean" },
                        tag: { type: "string", minLength: 1, maxLength: 512 },
                        maxDays: { type: "integer", minimum: 1, maximum: 3650 },
                    },
                },
            },
        },
        exemptions: { type: ["array", "null"] },
    },
} as const;

let validators: { file: ValidateFunction; entry: ValidateFunction } | undefined;

// ajv is loaded on first use, not at start-up: most runs of the pack judge no exemption at all.
function schemaValidators() {
    if (!validators) {
        const Ajv: typeof import("ajv").default = require("ajv");
        const ajv = new Ajv({ allErrors: true, strict: false });
        validators = { file: ajv.compile(fileSchema), entry: ajv.compile(entrySchema) };
    }
    return validators;
}

/** Parses YYYY-MM-DD as a calendar date (UTC midnight), or undefined. */
export function parseIsoDate(value: unknown): number | undefined {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        return undefined;
    }
    const [year, month, day] = value.split("-").map(Number);
    const time = Date.UTC(year, month - 1, day);
    const date = new Date(time);
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? time : undefined;
}

function startOfUtcDay(now: Date): number {
    return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/** Whole days from today to the expiry day: 0 on the last day, negative once expired. */
export function daysLeft(expires: string, now: Date): number {
    return Math.round((parseIsoDate(expires)! - startOfUtcDay(now)) / DAY_MS);
}

function problemsOfSchema(errors: ValidateFunction["errors"], number: number | undefined, urn: string | undefined): ExemptionProblem[] {
    return (errors ?? []).map(error => {
        const field = error.keyword === "additionalProperties"
            ? String((error.params as { additionalProperty: string }).additionalProperty)
            : error.keyword === "required"
                ? String((error.params as { missingProperty: string }).missingProperty)
                : error.instancePath.replace(/^\//, "").replace(/\//g, ".") || undefined;
        const message = error.keyword === "additionalProperties"
            ? `unknown field "${field}"`
            : error.keyword === "required"
                ? `"${field}" is required`
                : `"${field}" ${error.message}`;
        return { entry: number, urn, field, message };
    });
}

export function defaultSettings(): ExemptionSettings {
    return {
        maxWaiverDays: DEFAULT_MAX_WAIVER_DAYS,
        tagExemptions: { allowed: false, tag: DEFAULT_TAG_NAME, maxDays: DEFAULT_TAG_MAX_DAYS },
    };
}

/** A file as read: its settings and its entries, each still to be checked (readEntry), or why none is honoured. */
export type ExemptionsFile =
    | { readonly settings: ExemptionSettings; readonly entries: readonly unknown[] }
    | { readonly problems: ExemptionProblem[] };

/** Reads a file's text. Never throws: a file that is not YAML, or not of this shape, is a problem. */
export function readExemptionsFile(text: string): ExemptionsFile {
    let document: unknown;
    try {
        const yaml: typeof import("js-yaml") = require("js-yaml");
        // The JSON schema keeps `2027-01-31` a string and `yes` a string, as people meant them.
        document = yaml.load(text, { schema: yaml.JSON_SCHEMA });
    } catch (error) {
        return { problems: [{ message: `${EXEMPTIONS_FILE_NAME} is not valid YAML: ${(error as Error).message.split("\n")[0]}; no exemption is honoured` }] };
    }
    if (document === undefined || document === null) {
        return { settings: defaultSettings(), entries: [] };
    }
    const { file } = schemaValidators();
    if (!file(document)) {
        return {
            problems: problemsOfSchema(file.errors, undefined, undefined)
                .map(p => ({ ...p, message: `${EXEMPTIONS_FILE_NAME}: ${p.message}; no exemption is honoured` })),
        };
    }
    const root = document as { settings?: Partial<ExemptionSettings> & { tagExemptions?: Partial<ExemptionSettings["tagExemptions"]> }; exemptions?: unknown[] | null };
    return {
        settings: {
            maxWaiverDays: root.settings?.maxWaiverDays ?? DEFAULT_MAX_WAIVER_DAYS,
            tagExemptions: {
                allowed: root.settings?.tagExemptions?.allowed ?? false,
                tag: root.settings?.tagExemptions?.tag ?? DEFAULT_TAG_NAME,
                maxDays: root.settings?.tagExemptions?.maxDays ?? DEFAULT_TAG_MAX_DAYS,
            },
        },
        entries: root.exemptions ?? [],
    };
}

/**
 * One entry of the file as read, with every problem of its fields apart from its URN glob (lib/exemption-set.ts
 * compiles that). A field that is wrong is filled in blank, so the entry can still be named in reports; its
 * problems keep it from being honoured.
 */
export function readEntry(raw: unknown, number: number, knownPolicies: readonly string[]): {
    entry: ExemptionEntry;
    /** The entry's "urn" when it is a string at all (`entry.urn` is "" otherwise). */
    rawUrn: string | undefined;
    problems: ExemptionProblem[];
} {
    const rawUrn = raw !== null && typeof raw === "object" && typeof (raw as { urn?: unknown }).urn === "string"
        ? (raw as { urn: string }).urn : undefined;
    const problems: ExemptionProblem[] = [];
    const validate = schemaValidators().entry;
    if (!validate(raw)) {
        problems.push(...problemsOfSchema(validate.errors, number, rawUrn));
    }
    const fields = (raw !== null && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const entry: ExemptionEntry = {
        number,
        urn: rawUrn ?? "",
        policies: Array.isArray(fields.policies) ? fields.policies.map(String) : undefined,
        reason: typeof fields.reason === "string" ? fields.reason : "",
        category: fields.category === "mitigated" ? "mitigated" : "waiver",
        expires: typeof fields.expires === "string" ? fields.expires : undefined,
        ticket: typeof fields.ticket === "string" ? fields.ticket : undefined,
        approvedBy: typeof fields.approvedBy === "string" ? fields.approvedBy : undefined,
        matchesEveryProject: fields.matchesEveryProject === true,
        organization: typeof fields.organization === "string" ? fields.organization : undefined,
        source: "file",
    };
    const at = { entry: number, urn: rawUrn };
    if (fields.expires !== undefined && parseIsoDate(fields.expires) === undefined) {
        problems.push({ ...at, field: "expires", message: `"expires" ${JSON.stringify(fields.expires)} is not a calendar date (YYYY-MM-DD)` });
    }
    // A missing or unknown category is read as "waiver" (the stricter one) but is already a schema problem;
    // only an entry that really says "waiver" is also told that a waiver needs "expires", so that one mistake
    // is not reported twice.
    if (entry.category === "waiver" && fields.expires === undefined && fields.category === "waiver") {
        problems.push({ ...at, field: "expires", message: `"expires" is required for a waiver` });
    }
    for (const name of entry.policies ?? []) {
        if (!knownPolicies.includes(name)) {
            problems.push({ ...at, field: "policies", message: `"policies" names ${JSON.stringify(name)}, which is not a resource policy of this pack` });
        }
    }
    return { entry, rawUrn, problems };
}

/**
 * A self-declared exemption: the tag's value is `reason=<why>; expires=YYYY-MM-DD`.
 * Always a waiver, and capped by its own, shorter horizon.
 */
export function parseExemptionTag(value: unknown, tag: string, urn: string): { entry: ExemptionEntry } | { problem: ExemptionProblem } {
    const at = { urn, field: `tags.${tag}` };
    if (typeof value !== "string") {
        return { problem: { ...at, message: `tag ${tag} must be a string "reason=…; expires=YYYY-MM-DD"` } };
    }
    const fields = new Map<string, string>();
    for (const part of value.split(";")) {
        const separator = part.indexOf("=");
        if (separator > 0) {
            fields.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
        }
    }
    const reason = fields.get("reason");
    const expires = fields.get("expires");
    if (!reason) {
        return { problem: { ...at, message: `tag ${tag} has no reason=…` } };
    }
    if (parseIsoDate(expires) === undefined) {
        return { problem: { ...at, message: `tag ${tag} needs expires=YYYY-MM-DD, found ${JSON.stringify(expires ?? null)}` } };
    }
    return { entry: { number: 0, urn, reason, category: "waiver", expires, source: "tag" } };
}

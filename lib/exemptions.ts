// Exemptions: one reviewed file shipped inside the pack, honoured by every resource rule and reported by
// the stack validation. Modelled on Azure Policy exemptions: a category (waiver: accepted for now;
// mitigated: the intent is met another way) and an expiry, capped for waivers.
import * as fs from "fs";
import * as path from "path";
import type { ValidateFunction } from "ajv";
import picomatch = require("picomatch");
import { UnknownDuringPreview } from "./observed-values";
import { engineStack } from "./policy-sdk-guard";

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

export type ExemptionDecision =
    | { readonly kind: "none" }
    | { readonly kind: "exempt"; readonly entry: ExemptionEntry; readonly daysLeft?: number }
    | { readonly kind: "expired"; readonly entry: ExemptionEntry }
    | { readonly kind: "rejected"; readonly problems: readonly ExemptionProblem[] }
    | { readonly kind: "undetermined"; readonly unknown: UnknownDuringPreview };

interface CompiledEntry {
    readonly entry: ExemptionEntry;
    readonly matches: (urn: string) => boolean;
    /** The project every URN the glob matches must have, when the glob names one literally. */
    readonly literalProject?: string;
    /** Problems that stop the entry from being honoured whatever the date. */
    readonly problems: ExemptionProblem[];
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

/** `urn:pulumi:<stack>::<project>::<rest>`: stack and project names cannot hold `::`; the rest (types, name) can. */
export function splitUrn(urn: string): { stack: string; project: string; rest: string } | undefined {
    if (!urn.startsWith("urn:pulumi:")) {
        return undefined;
    }
    const body = urn.slice("urn:pulumi:".length);
    const first = body.indexOf("::");
    const second = first < 0 ? -1 : body.indexOf("::", first + 2);
    if (second < 0) {
        return undefined;
    }
    return { stack: body.slice(0, first), project: body.slice(first + 2, second), rest: body.slice(second + 2) };
}

export const GLOB_CHARACTERS = /[*?[\]{}()!+@]/;

export interface CompiledUrnGlob {
    matches(urn: string): boolean;
    /** The project the glob names literally, or undefined when it spans projects. */
    readonly literalProject?: string;
}

/**
 * Compiles `urn:pulumi:<stack glob>::<project glob>::<rest glob>`, matching each part against the same part of
 * a URN. Matched whole, a `*` could cross `::` into a resource name that holds `::<project>::`; matched by
 * part, it cannot leave its stack, project or rest. In the rest, `*` also crosses the `/` of versioned and
 * classic type tokens.
 */
export function compileUrnGlob(glob: string): CompiledUrnGlob | { error: string } {
    const parts = splitUrn(glob);
    if (!parts) {
        return { error: `"${glob}" is not a URN glob: it must read urn:pulumi:<stack>::<project>::<type>::<name>` };
    }
    for (const [open, close] of [["[", "]"], ["{", "}"], ["(", ")"]]) {
        if (glob.split(open).length !== glob.split(close).length) {
            return { error: `"${glob}" is not a valid glob: unbalanced ${open}${close}` };
        }
    }
    try {
        const [stack, project, rest] = [parts.stack, parts.project, parts.rest].map(part => {
            const regex = picomatch.makeRe(part, { bash: true, dot: true });
            if (regex.source === "$^") {
                throw new Error(`cannot read ${JSON.stringify(part)}`);
            }
            return regex;
        });
        return {
            literalProject: GLOB_CHARACTERS.test(parts.project) ? undefined : parts.project,
            matches: (urn: string) => {
                const target = splitUrn(urn);
                return target !== undefined && project.test(target.project) && stack.test(target.stack) && rest.test(target.rest);
            },
        };
    } catch (error) {
        return { error: `"${glob}" is not a valid glob: ${(error as Error).message}` };
    }
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

export class ExemptionSet {
    /** Entries by the project their glob names literally, in file order: a resource meets only its own. */
    private readonly byProject = new Map<string, CompiledEntry[]>();
    /** Entries whose glob does not name one project literally, in file order: every resource meets these. */
    private readonly anyProject: CompiledEntry[] = [];
    private readonly compiledOf = new Map<ExemptionEntry, CompiledEntry>();

    private constructor(
        readonly settings: ExemptionSettings,
        private readonly compiled: readonly CompiledEntry[],
        private readonly fileProblems: readonly ExemptionProblem[],
    ) {
        for (const c of compiled) {
            this.compiledOf.set(c.entry, c);
            if (c.literalProject === undefined) {
                this.anyProject.push(c);
            } else {
                let list = this.byProject.get(c.literalProject);
                if (!list) {
                    list = [];
                    this.byProject.set(c.literalProject, list);
                }
                list.push(c);
            }
        }
    }

    /** The entries that can match `urn` at all, in file order. */
    private candidates(urn: string): readonly CompiledEntry[] {
        const project = splitUrn(urn)?.project;
        if (project === undefined) {
            return this.compiled;
        }
        const own = this.byProject.get(project);
        if (!own) {
            return this.anyProject;
        }
        if (this.anyProject.length === 0) {
            return own;
        }
        // Both lists are in file order; merge them so that the first entry in the file still wins.
        const merged: CompiledEntry[] = [];
        let i = 0;
        let j = 0;
        while (i < own.length || j < this.anyProject.length) {
            if (j >= this.anyProject.length || (i < own.length && own[i].entry.number < this.anyProject[j].entry.number)) {
                merged.push(own[i++]);
            } else {
                merged.push(this.anyProject[j++]);
            }
        }
        return merged;
    }

    static empty(problems: ExemptionProblem[] = []): ExemptionSet {
        return new ExemptionSet(defaultSettings(), [], problems);
    }

    /** Parses a file's text. Never throws: whatever is wrong becomes a problem and is not honoured. */
    static parse(text: string, knownPolicies: readonly string[]): ExemptionSet {
        let document: unknown;
        try {
            const yaml: typeof import("js-yaml") = require("js-yaml");
            // The JSON schema keeps `2027-01-31` a string and `yes` a string, as people meant them.
            document = yaml.load(text, { schema: yaml.JSON_SCHEMA });
        } catch (error) {
            return ExemptionSet.empty([{ message: `${EXEMPTIONS_FILE_NAME} is not valid YAML: ${(error as Error).message.split("\n")[0]}; no exemption is honoured` }]);
        }
        if (document === undefined || document === null) {
            return ExemptionSet.empty();
        }
        const { file, entry: validateEntry } = schemaValidators();
        if (!file(document)) {
            return ExemptionSet.empty(problemsOfSchema(file.errors, undefined, undefined)
                .map(p => ({ ...p, message: `${EXEMPTIONS_FILE_NAME}: ${p.message}; no exemption is honoured` })));
        }
        const root = document as { settings?: Partial<ExemptionSettings> & { tagExemptions?: Partial<ExemptionSettings["tagExemptions"]> }; exemptions?: unknown[] | null };
        const settings: ExemptionSettings = {
            maxWaiverDays: root.settings?.maxWaiverDays ?? DEFAULT_MAX_WAIVER_DAYS,
            tagExemptions: {
                allowed: root.settings?.tagExemptions?.allowed ?? false,
                tag: root.settings?.tagExemptions?.tag ?? DEFAULT_TAG_NAME,
                maxDays: root.settings?.tagExemptions?.maxDays ?? DEFAULT_TAG_MAX_DAYS,
            },
        };
        const compiled = (root.exemptions ?? []).map((raw, index) => compileEntry(raw, index + 1, validateEntry, knownPolicies));
        return new ExemptionSet(settings, compiled, []);
    }

    get entries(): readonly ExemptionEntry[] {
        return this.compiled.map(c => c.entry);
    }

    /** Every reason an entry, or the file, is not honoured today. */
    problems(now: Date): ExemptionProblem[] {
        return [...this.fileProblems, ...this.compiled.flatMap(c => [...c.problems, ...this.timeProblems(c.entry, now)])];
    }

    private timeProblems(entry: ExemptionEntry, now: Date): ExemptionProblem[] {
        if (entry.category !== "waiver" || entry.expires === undefined || parseIsoDate(entry.expires) === undefined) {
            return [];
        }
        const left = daysLeft(entry.expires, now);
        const cap = entry.source === "tag" ? this.settings.tagExemptions.maxDays : this.settings.maxWaiverDays;
        if (left > cap) {
            return [{
                entry: entry.number, urn: entry.urn, field: "expires",
                message: `"expires" ${entry.expires} is ${left} days away, beyond the ${cap}-day cap for a ${entry.source === "tag" ? "self-declared exemption" : "waiver"}`,
            }];
        }
        return [];
    }

    /**
     * The entries whose URN glob matches, honoured or not. An entry that names an organization matches only in
     * that organization, or, where the engine has not named one, matches so that the deny can say why it is
     * not honoured.
     */
    matching(urn: string, policyName?: string, organization: string | undefined = engineStack().organization): ExemptionEntry[] {
        return this.candidates(urn)
            // An entry that is refused still matches, so that the deny can say which entry was refused and why.
            .filter(c => c.matches(urn)
                && (policyName === undefined || !c.entry.policies || c.entry.policies.includes(policyName))
                && (c.entry.organization === undefined || organization === undefined || sameOrganization(c.entry.organization, organization)))
            .map(c => c.entry);
    }

    /**
     * Whether `policyName` is exempted for the resource at `urn`. `tagValue` is the resource's
     * self-declared exemption tag, read only when the file allows such tags.
     */
    decide(urn: string, policyName: string, now: Date, tagValue?: unknown,
        organization: string | undefined = engineStack().organization): ExemptionDecision {
        const candidates: ExemptionEntry[] = this.matching(urn, policyName, organization);
        const rejected: ExemptionProblem[] = [];
        if (this.settings.tagExemptions.allowed && tagValue !== undefined) {
            if (tagValue instanceof UnknownDuringPreview) {
                return { kind: "undetermined", unknown: tagValue };
            }
            const parsed = parseExemptionTag(tagValue, this.settings.tagExemptions.tag, urn);
            if ("problem" in parsed) {
                rejected.push(parsed.problem);
            } else {
                candidates.push(parsed.entry);
            }
        }
        let expired: ExemptionEntry | undefined;
        for (const entry of candidates) {
            const problems = [
                ...(this.compiledOf.get(entry)?.problems ?? []),
                ...this.timeProblems(entry, now),
            ];
            if (entry.organization !== undefined && organization === undefined) {
                problems.push({
                    entry: entry.number, urn: entry.urn, field: "organization",
                    message: `"organization" is ${JSON.stringify(entry.organization)}, but the Pulumi engine has not said which ` +
                        "organization this stack belongs to (it does so in ConfigureStack), so the entry cannot be checked",
                });
            }
            if (problems.length > 0) {
                rejected.push(...problems);
                continue;
            }
            if (entry.expires !== undefined) {
                const left = daysLeft(entry.expires, now);
                if (left < 0) {
                    expired ??= entry;
                    continue;
                }
                return { kind: "exempt", entry, daysLeft: left };
            }
            return { kind: "exempt", entry };
        }
        if (expired) {
            return { kind: "expired", entry: expired };
        }
        return rejected.length > 0 ? { kind: "rejected", problems: rejected } : { kind: "none" };
    }
}

/** Pulumi organization names are compared without regard to case. */
function sameOrganization(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

function defaultSettings(): ExemptionSettings {
    return {
        maxWaiverDays: DEFAULT_MAX_WAIVER_DAYS,
        tagExemptions: { allowed: false, tag: DEFAULT_TAG_NAME, maxDays: DEFAULT_TAG_MAX_DAYS },
    };
}

function compileEntry(raw: unknown, number: number, validate: ValidateFunction, knownPolicies: readonly string[]): CompiledEntry {
    const rawUrn = raw !== null && typeof raw === "object" && typeof (raw as { urn?: unknown }).urn === "string"
        ? (raw as { urn: string }).urn : undefined;
    const problems: ExemptionProblem[] = [];
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
    if (entry.category === "waiver" && fields.expires === undefined && fields.category === "waiver") {
        problems.push({ ...at, field: "expires", message: `"expires" is required for a waiver` });
    }
    for (const name of entry.policies ?? []) {
        if (!knownPolicies.includes(name)) {
            problems.push({ ...at, field: "policies", message: `"policies" names ${JSON.stringify(name)}, which is not a resource policy of this pack` });
        }
    }
    let matches: (urn: string) => boolean = () => false;
    let literalProject: string | undefined;
    if (rawUrn !== undefined) {
        const glob = compileUrnGlob(rawUrn);
        if ("error" in glob) {
            problems.push({ ...at, field: "urn", message: `"urn" ${glob.error}` });
        } else {
            matches = glob.matches;
            literalProject = glob.literalProject;
            // An entry is granted to one project; a glob over projects (every project's web apps, say) is
            // an org-wide waiver, and has to say so.
            if (literalProject === undefined && !entry.matchesEveryProject) {
                problems.push({
                    ...at, field: "urn",
                    message: `"urn" "${rawUrn}" does not name one project, so it reaches into every project it matches; ` +
                        `name the project, or set matchesEveryProject: true if that is really meant`,
                });
            }
        }
    }
    return { entry, matches, literalProject, problems };
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

/** The pack's root: the folder holding PulumiPolicy.yaml, found from this file, not the working directory. */
export function packRoot(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return path.resolve(from, "..");
        }
        dir = parent;
    }
}

let packExemptionSet: ExemptionSet | undefined;

/** The exemptions shipped with this pack, read once per process. A missing file means no exemption. */
export function packExemptions(knownPolicies: readonly string[]): ExemptionSet {
    if (!packExemptionSet) {
        const file = path.join(packRoot(), EXEMPTIONS_FILE_NAME);
        let text: string | undefined;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            packExemptionSet = code === "ENOENT"
                ? ExemptionSet.empty()
                : ExemptionSet.empty([{ message: `${EXEMPTIONS_FILE_NAME} cannot be read (${code}); no exemption is honoured` }]);
        }
        if (text !== undefined) {
            packExemptionSet = ExemptionSet.parse(text, knownPolicies);
        }
    }
    return packExemptionSet!;
}

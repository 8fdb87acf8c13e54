// The exemptions of one file, compiled, and the decisions made with them: which entries match a resource
// (`matching`), whether a rule is exempted for it (`decide`), and why an entry is not honoured (`problems`).
// The file format itself is read by lib/exemptions-file.ts; the pack's own file is found by lib/pack-exemptions.ts.
import { Unknown } from "./observed-values";
import { engineStack } from "./policy-sdk-guard";
import {
    daysLeft,
    defaultSettings,
    ExemptionEntry,
    ExemptionProblem,
    ExemptionSettings,
    parseExemptionTag,
    parseIsoDate,
    readEntry,
    readExemptionsFile,
} from "./exemptions-file";
import { splitUrn } from "./urn";
import { compileUrnGlob } from "./urn-glob";

export type ExemptionDecision =
    | { readonly outcome: "none" }
    | { readonly outcome: "exempt"; readonly entry: ExemptionEntry; readonly daysLeft?: number }
    | { readonly outcome: "expired"; readonly entry: ExemptionEntry }
    | { readonly outcome: "rejected"; readonly problems: readonly ExemptionProblem[] }
    | { readonly outcome: "unknown"; readonly unknown: Unknown };

interface CompiledEntry {
    readonly entry: ExemptionEntry;
    readonly matches: (urn: string) => boolean;
    /** The project every URN the glob matches must have, when the glob names one literally. */
    readonly literalProject?: string;
    /** Problems that stop the entry from being honoured whatever the date. */
    readonly problems: ExemptionProblem[];
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
        // File order decides which entry a resource is exempted by (the first that is honoured), so the two
        // lists, each already in file order, are merged by entry number. A linear merge rather than
        // concatenating and sorting: this runs for every resource and every rule, and the index exists so that
        // a large file costs each resource only the entries of its own project.
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
        const file = readExemptionsFile(text);
        if ("problems" in file) {
            return ExemptionSet.empty(file.problems);
        }
        const compiled = file.entries.map((raw, index) => compileEntry(raw, index + 1, knownPolicies));
        return new ExemptionSet(file.settings, compiled, []);
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
            if (tagValue instanceof Unknown) {
                return { outcome: "unknown", unknown: tagValue };
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
                return { outcome: "exempt", entry, daysLeft: left };
            }
            return { outcome: "exempt", entry };
        }
        if (expired) {
            return { outcome: "expired", entry: expired };
        }
        return rejected.length > 0 ? { outcome: "rejected", problems: rejected } : { outcome: "none" };
    }
}

/** Pulumi organization names are compared without regard to case. */
function sameOrganization(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

function compileEntry(raw: unknown, number: number, knownPolicies: readonly string[]): CompiledEntry {
    const { entry, rawUrn, problems } = readEntry(raw, number, knownPolicies);
    let matches: (urn: string) => boolean = () => false;
    let literalProject: string | undefined;
    if (rawUrn !== undefined) {
        const at = { entry: number, urn: rawUrn };
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

// The exemptions file the pack ships with: found in the pack's own root, never in the working directory or a
// path the program chooses (a stack cannot bring its own exemptions), read once per process.
import * as fs from "fs";
import * as path from "path";
import { EXEMPTIONS_FILE_NAME } from "./exemptions-file";
import { ExemptionSet } from "./exemption-set";

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

/**
 * The exemptions file of the pack at `root`, read on first use and never again: the pack is installed once per
 * version (scripts/make-publishable.ts), so its file cannot change under a running pack. Each list of known
 * policies gets its own set, compiled once: the list decides which entries are refused for naming an unknown
 * policy, so a set made for one list cannot stand in for another, while the same list always gets the same
 * set and the same entry objects.
 */
export class PackExemptionsCache {
    private read?: { text: string } | { set: ExemptionSet };
    private readonly sets = new Map<string, ExemptionSet>();

    constructor(readonly root: string) {}

    /** The set for `knownPolicies`, whose order and repeats do not matter. */
    get(knownPolicies: readonly string[]): ExemptionSet {
        this.read ??= this.readFile();
        if ("set" in this.read) {
            return this.read.set;
        }
        const key = JSON.stringify([...new Set(knownPolicies)].sort());
        let set = this.sets.get(key);
        if (!set) {
            set = ExemptionSet.parse(this.read.text, knownPolicies);
            this.sets.set(key, set);
        }
        return set;
    }

    /** The file's text, or, when there is none to read, the set that stands for it whatever the policies. */
    private readFile(): { text: string } | { set: ExemptionSet } {
        try {
            return { text: fs.readFileSync(path.join(this.root, EXEMPTIONS_FILE_NAME), "utf8") };
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            // A missing file means no exemption; a file that is there but unreadable fails closed, and says so.
            return {
                set: code === "ENOENT"
                    ? ExemptionSet.empty()
                    : ExemptionSet.empty([{ message: `${EXEMPTIONS_FILE_NAME} cannot be read (${code}); no exemption is honoured` }]),
            };
        }
    }
}

let packCache: PackExemptionsCache | undefined;

/**
 * The exemptions shipped with this pack, checked against `knownPolicies` (the pack's resource policies,
 * lib/policy-names.ts RESOURCE_POLICY_NAMES). The file is read once per process; the set is made once per
 * list of policies, so every caller that passes the same list gets the very same set.
 */
export function packExemptions(knownPolicies: readonly string[]): ExemptionSet {
    packCache ??= new PackExemptionsCache(packRoot());
    return packCache.get(knownPolicies);
}

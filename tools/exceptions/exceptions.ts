// The exemptions of exemptions.yaml in force, as Pulumi policy exceptions: one exception per entry, with the
// entry's reason, match entries naming the pack's policies and the exact URNs of the resources the entry covers
// in the stacks given, and the entry's expiry. Which resource an entry covers, for which policy, and whether it is
// in force is the pack's answer: the stacks go through the pack over the Analyzer protocol, as
// `pulumi policy analyze --file` sends them, and its exemptions report says what each entry excuses
// (lib/exemption-records.ts). Nothing here decides an exemption a second time.
//
// The shape is Pulumi Cloud's CreatePolicyExceptionRequest (REST API reference, schema
// CreatePolicyExceptionRequest / PolicyExceptionMatch): policyPack; match, 1 to 100 entries, each with 1 to 100
// policies and 1 to 100 target URNs of at most 2048 characters; reason, not blank, at most 2048 characters;
// expiresInSeconds, a whole number of hours from 1 hour to 3650 days, left out for no expiry.
import * as path from "path";
import { ExemptionRecord } from "../../lib/exemption-records";
import { daysLeft, EXEMPTIONS_FILE_NAME, ExemptionEntry, parseIsoDate } from "../../lib/exemptions-file";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { buildConfigureMap } from "../analyzer/policy-pack-config";
import { Subject } from "../preview/inputs";
import { judgeSubject } from "../preview/judge";
import { PackPool } from "../preview/pack";

export const MAX_MATCH_ENTRIES = 100;
export const MAX_TARGETS = 100;
export const MAX_URN_LENGTH = 2048;
export const MAX_REASON_LENGTH = 2048;
const HOUR_S = 3600;
export const MAX_EXPIRES_IN_SECONDS = 3650 * 24 * HOUR_S;

export interface PolicyExceptionMatch {
    policies: string[];
    targets: string[];
}

export interface PolicyException {
    policyPack: string;
    reason: string;
    match: PolicyExceptionMatch[];
    expiresInSeconds?: number;
}

export interface ConvertedException {
    /** The exemptions.yaml entry it comes from. */
    readonly entry: ExemptionEntry;
    readonly exception: PolicyException;
}

export interface SkippedEntry {
    readonly entry: ExemptionEntry;
    readonly why: string;
}

/**
 * What the pack's exemptions report says of each entry over the given stacks: each stack is run through the
 * pack (its own exemptions file, or a copy of the pack with `exemptionsFile`), with the policies' defaults, as
 * `pulumi policy analyze --file` runs a snapshot; its clock at `clockAt` where given, the real time otherwise.
 */
export async function askPackAboutExemptions(packDir: string, exemptionsFile: string, subjects: readonly Subject[], clockAt?: Date): Promise<ExemptionRecord[]> {
    const pool = new PackPool(packDir, { clockAt });
    const own = path.resolve(exemptionsFile) === path.resolve(packDir, EXEMPTIONS_FILE_NAME);
    try {
        const started = await pool.get(own ? undefined : exemptionsFile);
        const records: ExemptionRecord[] = [];
        for (const subject of subjects) {
            const report = await judgeSubject(started, subject, { configureMap: buildConfigureMap(started.info), policyConfig: "the policies' defaults" });
            records.push(...report.exemptionRecords);
        }
        return records;
    } finally {
        await pool.stopAll();
    }
}

/**
 * Seconds from `now` to the end of the entry's last day (UTC), in whole hours, rounded down so that the exception
 * never outlives the exemption; capped at Pulumi's 3650 days. Undefined for an entry without expiry; 0 when less
 * than an hour is left.
 */
export function expiresInSeconds(expires: string | undefined, now: Date): number | undefined {
    if (expires === undefined) {
        return undefined;
    }
    const endOfLastDay = parseIsoDate(expires)! + 24 * HOUR_S * 1000;
    const hours = Math.floor((endOfLastDay - now.getTime()) / (HOUR_S * 1000));
    return Math.min(Math.max(hours, 0) * HOUR_S, MAX_EXPIRES_IN_SECONDS);
}

/** The entry's reason with what identifies it, within Pulumi's 2048 characters. */
export function exceptionReason(entry: ExemptionEntry): string {
    const facts = [
        `exemptions.yaml entry #${entry.number}`,
        entry.category,
        entry.expires ? `expires ${entry.expires}` : undefined,
        entry.ticket ? `ticket ${entry.ticket}` : undefined,
        entry.approvedBy ? `approved by ${entry.approvedBy}` : undefined,
    ].filter((fact): fact is string => fact !== undefined);
    const suffix = ` (${facts.join(", ")})`;
    const reason = entry.reason.trim();
    return reason.length + suffix.length <= MAX_REASON_LENGTH
        ? reason + suffix
        : reason.slice(0, MAX_REASON_LENGTH - suffix.length - 1) + "…" + suffix;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) {
        out.push(items.slice(i, i + size));
    }
    return out;
}

/**
 * Converts the entries in force into exceptions. A target is a resource the pack's answers (`records`) say the
 * entry excuses today, for the policies they name. Self-declared tag exemptions are not entries of the file and
 * are left out.
 */
export function exceptionsFromRecords(
    entries: readonly ExemptionEntry[],
    records: readonly ExemptionRecord[],
    now: Date,
    policyPack: string,
): { exceptions: ConvertedException[]; skipped: SkippedEntry[] } {
    // entry number → urn → policies it is excused from there, in the pack's order of its policies.
    const covered = new Map<number, Map<string, string[]>>();
    const order = (policy: string) => RESOURCE_POLICY_NAMES.indexOf(policy);
    for (const record of records) {
        if (record.source !== "file" || record.entry === undefined || record.urn === undefined || record.exemptFrom.length === 0) {
            continue;
        }
        const byUrn = covered.get(record.entry) ?? new Map<string, string[]>();
        covered.set(record.entry, byUrn);
        const policies = new Set([...(byUrn.get(record.urn) ?? []), ...record.exemptFrom]);
        byUrn.set(record.urn, [...policies].sort((a, b) => order(a) - order(b)));
    }
    const said = (status: string) => new Set(records.filter(r => r.status === status && r.entry !== undefined).map(r => r.entry!));
    const refused = said("refused");
    const expiredOn = said("expired");

    const exceptions: ConvertedException[] = [];
    const skipped: SkippedEntry[] = [];
    for (const entry of entries) {
        const byUrn = covered.get(entry.number);
        if (!byUrn) {
            const expired = expiredOn.has(entry.number)
                || (entry.expires !== undefined && parseIsoDate(entry.expires) !== undefined && daysLeft(entry.expires, now) < 0);
            skipped.push({
                entry,
                why: refused.has(entry.number) ? "the pack refuses this entry (see the exemptions report)"
                    : expired ? `expired on ${entry.expires}`
                        : "it covers no resource of the given stacks (or an earlier entry does)",
            });
            continue;
        }
        const expiresIn = expiresInSeconds(entry.expires, now);
        if (expiresIn === 0) {
            skipped.push({ entry, why: `less than an hour of ${entry.expires} is left, and Pulumi's shortest expiry is one hour` });
            continue;
        }
        const tooLong = [...byUrn.keys()].filter(urn => urn.length > MAX_URN_LENGTH);
        if (tooLong.length > 0) {
            skipped.push({ entry, why: `${tooLong.length} URN(s) exceed Pulumi's ${MAX_URN_LENGTH} characters` });
            continue;
        }
        // One match entry per set of policies, its targets in chunks of 100.
        const byPolicies = new Map<string, { policies: string[]; targets: string[] }>();
        for (const [urn, policies] of byUrn) {
            const key = policies.join("\n");
            const group = byPolicies.get(key) ?? { policies, targets: [] };
            group.targets.push(urn);
            byPolicies.set(key, group);
        }
        const match = [...byPolicies.values()].flatMap(group =>
            chunks(group.targets, MAX_TARGETS).map(targets => ({ policies: [...group.policies], targets })));
        if (match.length > MAX_MATCH_ENTRIES) {
            skipped.push({ entry, why: `it covers ${byUrn.size} resources, more than one exception's ${MAX_MATCH_ENTRIES} match entries hold; split the entry` });
            continue;
        }
        const exception: PolicyException = { policyPack, reason: exceptionReason(entry), match };
        if (expiresIn !== undefined) {
            exception.expiresInSeconds = expiresIn;
        }
        exceptions.push({ entry, exception });
    }
    return { exceptions, skipped };
}

// The exemptions of exemptions.yaml in force, as Pulumi policy exceptions: one exception per entry, with the
// entry's reason, match entries naming the pack's policies and the exact URNs of the resources the entry covers
// in the stacks given, and the entry's expiry. Which resource an entry covers, for which policy, and whether it is
// in force is decided by the pack's own code (ExemptionSet.decide, and judgeResource for the types each rule
// judges), never by a second matcher here.
//
// The shape is Pulumi Cloud's CreatePolicyExceptionRequest (REST API reference, schema
// CreatePolicyExceptionRequest / PolicyExceptionMatch): policyPack; match, 1 to 100 entries, each with 1 to 100
// policies and 1 to 100 target URNs of at most 2048 characters; reason, not blank, at most 2048 characters;
// expiresInSeconds, a whole number of hours from 1 hour to 3650 days, left out for no expiry.
import { AppServiceRule, judgeResource } from "../../lib/app-service-policy";
import { daysLeft, ExemptionEntry, parseIsoDate } from "../../lib/exemptions-file";
import { ExemptionSet } from "../../lib/exemption-set";

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

export interface StackResource {
    readonly urn: string;
    readonly type: string;
    readonly inputs: Record<string, unknown>;
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
 * Converts the entries in force into exceptions. A target is a resource of the given stacks that a rule judges
 * (its type is the rule's) and for which the pack's ExemptionSet decides, today, that this entry exempts it from
 * that rule. Self-declared tag exemptions are not entries of the file and are left out.
 */
export function exceptionsFromExemptions(
    exemptions: ExemptionSet,
    resources: readonly StackResource[],
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    rules: readonly AppServiceRule<any>[],
    now: Date,
    policyPack: string,
): { exceptions: ConvertedException[]; skipped: SkippedEntry[] } {
    // entry → urn → policies it exempts there, in the order met.
    const covered = new Map<ExemptionEntry, Map<string, string[]>>();
    const seen = new Set<string>();
    for (const resource of resources) {
        if (seen.has(resource.urn)) {
            continue;
        }
        seen.add(resource.urn);
        for (const rule of rules) {
            let judged: boolean;
            try {
                judged = judgeResource(rule, resource.type, resource.inputs, {}).kind !== "not judged";
            } catch {
                // A resource the rule fails on is one of its types: the pack would deny it, so it is a target.
                judged = true;
            }
            if (!judged) {
                continue;
            }
            const decision = exemptions.decide(resource.urn, rule.name, now);
            if (decision.kind !== "exempt" || decision.entry.source !== "file") {
                continue;
            }
            let byUrn = covered.get(decision.entry);
            if (!byUrn) {
                byUrn = new Map();
                covered.set(decision.entry, byUrn);
            }
            byUrn.set(resource.urn, [...(byUrn.get(resource.urn) ?? []), rule.name]);
        }
    }

    const exceptions: ConvertedException[] = [];
    const skipped: SkippedEntry[] = [];
    const refused = new Set(exemptions.problems(now).map(p => p.entry));
    for (const entry of exemptions.entries) {
        const byUrn = covered.get(entry);
        if (!byUrn) {
            const expired = entry.expires !== undefined && parseIsoDate(entry.expires) !== undefined && daysLeft(entry.expires, now) < 0;
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

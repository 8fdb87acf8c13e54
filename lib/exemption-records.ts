// What the exemptions report concluded about each exemption, in a form a program can read back from the
// report's findings: which entry excuses which resource from which policies today. Tools that show or
// export exemptions (the preview and exceptions commands) take these from the pack's answers over the
// Analyzer protocol instead of deciding exemptions a second time.
//
// The records ride in the `description` of the report's diagnostics. The policy SDK forwards the
// description of a diagnostic given in object form (@pulumi/policy server.js makeReportViolationFun), the
// Analyzer protocol carries it (proto/pulumi/analyzer.proto, AnalyzeDiagnostic.description), and the
// engine does not show it: a policy violation event holds the message, not the description
// (pkg/engine/events.go, policyViolationEvent and PolicyViolationEventPayload; sdk/go/common/apitype/events.go
// PolicyEvent). So what people see in a preview or in Pulumi Cloud stays the message alone.

/** One exemption entry's standing with one resource (or, for a refused entry, with none), as the report sees it. */
export interface ExemptionRecord {
    /** The status of the report line it comes from: "in force", "expiring", "stale", "expired", "refused", ... */
    readonly status: string;
    /** The resource the line is about, when it is about one. */
    readonly urn?: string;
    /** The resource policies the entry excuses the resource from today; empty when it excuses it from none. */
    readonly exemptFrom: readonly string[];
    /** The entry's 1-based number in exemptions.yaml (0 for a self-declared tag exemption); absent for the file as a whole. */
    readonly entry?: number;
    readonly source?: "file" | "tag";
    readonly category?: string;
    readonly reason?: string;
    readonly expires?: string;
    readonly ticket?: string;
    readonly approvedBy?: string;
}

/** Starts the one line of a description that holds the records, as JSON. */
const RECORDS_LINE = "exemption-records: ";

/** The description of a report finding: the policy's own, then the line of records (when there are any). */
export function describeWithExemptionRecords(description: string, records: readonly ExemptionRecord[]): string {
    return records.length === 0 ? description : `${description}\n${RECORDS_LINE}${JSON.stringify(records)}`;
}

/** The records a finding's description holds; none when it holds none or they cannot be read. */
export function exemptionRecordsIn(description: string | undefined): ExemptionRecord[] {
    const line = (description ?? "").split("\n").find(l => l.startsWith(RECORDS_LINE));
    if (line === undefined) {
        return [];
    }
    try {
        const parsed: unknown = JSON.parse(line.slice(RECORDS_LINE.length));
        return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
    } catch {
        return [];
    }
}

function isRecord(value: unknown): value is ExemptionRecord {
    const r = value as Partial<ExemptionRecord> | null;
    return r !== null && typeof r === "object" && typeof r.status === "string" && Array.isArray(r.exemptFrom)
        && r.exemptFrom.every(p => typeof p === "string");
}

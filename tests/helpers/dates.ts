/** The YYYY-MM-DD that lies `days` days after `now` (UTC): tests build every date from an injected clock. */
export function isoDaysFrom(now: Date, days: number): string {
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

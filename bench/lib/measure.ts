// Small measuring aids: medians, process CPU time from /proc, and a Markdown table.
import * as fs from "fs";
import * as os from "os";

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of a process so far, in ms (undefined off Linux). */
export function cpuMsOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
        return undefined;
    }
}

export interface Row {
    readonly metric: string;
    readonly baseline: string;
    readonly ours: string;
    /** ours / baseline (or the growth ratio), undefined when not applicable. */
    readonly ratio?: number;
    /** Upper bound for the ratio; undefined for rows that only inform. */
    readonly bound?: number;
}

export function okOf(row: Row): string {
    if (row.bound === undefined || row.ratio === undefined) {
        return "info";
    }
    return row.ratio <= row.bound ? "yes" : "**NO**";
}

export function markdownTable(rows: readonly Row[]): string {
    const out = ["| metric | baseline | ours | ratio | bound | ok |", "| --- | ---: | ---: | ---: | ---: | :---: |"];
    for (const r of rows) {
        out.push(`| ${r.metric} | ${r.baseline} | ${r.ours} | ${r.ratio === undefined ? "—" : Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : "n/a"} | ` +
            `${r.bound === undefined ? "—" : `≤ ${r.bound}×`} | ${okOf(r)} |`);
    }
    return out.join("\n");
}

export function machineLine(): string {
    const cpus = os.cpus();
    return `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
        `${os.platform()} ${os.release()}, Node ${process.version}. Date: ${new Date().toISOString().slice(0, 10)}.`;
}

export const ms = (v: number) => `${v.toFixed(0)} ms`;
export const us = (v: number) => `${v.toFixed(1)} µs`;
export const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

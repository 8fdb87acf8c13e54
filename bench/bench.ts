// Performance of the pack through the real Analyzer protocol, against bare JavaScript packs.
//   npm run bench            (builds first; the pack runs from bin/ exactly as the Pulumi CLI starts it)
// Every comparison alternates runs (baseline, ours, baseline, ours ...) and reports medians. Bounds that
// are missed are marked in the table; the script still exits 0, since timings vary by machine.
import * as path from "path";
import { AnalyzerClient, WireResource } from "../tools/analyzer/analyzer-client";
import { copyPackWithExemptions } from "../tools/analyzer/pack-copy";
import { RunningPack, startPolicyPack } from "../tools/analyzer/pack-process";
import { buildConfigureMap } from "../tools/analyzer/policy-pack-config";
import { cpuMsOf, machineLine, markdownTable, mb, median, ms, nowMs, Row, us } from "./lib/measure";
import { createBaselinePacks } from "./lib/packs";
import { exemptionsYaml, mixedStack, PROJECT, STACK, URN_CONTEXT } from "./lib/workload";

const REPO = path.resolve(__dirname, "..");
const QUICK = process.argv.includes("--quick");
// `--pack <dir>`: bench another built checkout of the pack (e.g. one with a candidate fix applied).
const packArg = process.argv.indexOf("--pack");
const OURS = packArg >= 0 ? path.resolve(process.argv[packArg + 1]) : REPO;
/** A growth step predicted to take longer than this is not run; its row says so. */
const GROWTH_STEP_BUDGET_MS = 120_000;

const START_RUNS = QUICK ? 3 : 7;
const ANALYZE_RESOURCES = QUICK ? 1_000 : 5_000;
const ANALYZE_ROUNDS = QUICK ? 2 : 5;
const ANALYZE_CONCURRENCY = 8;
const STACK_RESOURCES = 20_000;
const STACK_ROUNDS = QUICK ? 2 : 5;
const GROWTH_SIZES = [1_000, 5_000, 20_000];
const GROWTH_RUNS = QUICK ? 1 : 3;
const EXEMPTION_ENTRIES = 10_000;
const RSS_RUNS = QUICK ? 1 : 3;

const log = (message: string) => process.stderr.write(`${message}\n`);

async function start(dir: string): Promise<RunningPack> {
    const pack = await startPolicyPack(dir, { timeoutMs: 60_000, client: URN_CONTEXT });
    // As the CLI does: Configure with every policy's defaults, then ConfigureStack.
    await pack.client.configure(buildConfigureMap(await pack.client.getAnalyzerInfo()));
    await pack.client.configureStack({ stack: STACK, project: PROJECT, dryRun: true });
    return pack;
}

async function analyzeAll(client: AnalyzerClient, resources: readonly WireResource[]): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < resources.length) {
            await client.analyze(resources[next++]);
        }
    };
    await Promise.all(Array.from({ length: ANALYZE_CONCURRENCY }, worker));
}

/** Wall time and the pack's own CPU time of one piece of work. */
async function timed(pack: RunningPack, work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
    const cpu0 = cpuMsOf(pack.pid) ?? NaN;
    const t0 = nowMs();
    await work();
    const wall = nowMs() - t0;
    return { wall, cpu: (cpuMsOf(pack.pid) ?? NaN) - cpu0 };
}

async function startUpTimes(baselineDir: string, oursDir: string): Promise<{ baseline: number[]; ours: number[] }> {
    const result = { baseline: [] as number[], ours: [] as number[] };
    // One unmeasured start each, so that both read their files from a warm page cache.
    for (const dir of [baselineDir, oursDir]) {
        await (await startPolicyPack(dir, { timeoutMs: 60_000 })).stop();
    }
    for (let run = 0; run < START_RUNS; run++) {
        for (const [side, dir] of [["baseline", baselineDir], ["ours", oursDir]] as const) {
            const t0 = nowMs();
            const pack = await startPolicyPack(dir, { timeoutMs: 60_000 });
            result[side].push(nowMs() - t0);
            await pack.stop();
        }
    }
    return result;
}

interface Paired {
    baseline: { wall: number[]; cpu: number[] };
    ours: { wall: number[]; cpu: number[] };
}

/** Alternating rounds of the same work against two running packs. */
async function paired(baseline: RunningPack, ours: RunningPack, rounds: number, work: (pack: RunningPack) => Promise<unknown>): Promise<Paired> {
    const result: Paired = { baseline: { wall: [], cpu: [] }, ours: { wall: [], cpu: [] } };
    await work(baseline); // warm-up: JIT, lazy loads, the exemptions file
    await work(ours);
    for (let round = 0; round < rounds; round++) {
        for (const [side, pack] of [["baseline", baseline], ["ours", ours]] as const) {
            const t = await timed(pack, () => work(pack));
            result[side].wall.push(t.wall);
            result[side].cpu.push(t.cpu);
        }
    }
    return result;
}

function pairedRows(label: string, p: Paired, bound: number, unit: (v: number) => string = ms): Row[] {
    const bw = median(p.baseline.wall);
    const ow = median(p.ours.wall);
    const bc = median(p.baseline.cpu);
    const oc = median(p.ours.cpu);
    return [
        { metric: `${label}, wall time`, baseline: unit(bw), ours: unit(ow), ratio: ow / bw, bound },
        { metric: `${label}, pack CPU time`, baseline: unit(bc), ours: unit(oc), ratio: oc / bc },
    ];
}

async function growth(dir: string, stacks: Map<number, WireResource[]>): Promise<Map<number, number>> {
    const pack = await start(dir);
    try {
        await pack.client.analyzeStack(stacks.get(GROWTH_SIZES[0])!); // warm-up
        const perResourceUs = new Map<number, number>();
        for (const size of GROWTH_SIZES) {
            const known = [...perResourceUs.values()];
            const predictedMs = known.length > 0 ? (known[known.length - 1] * size) / 1000 : 0;
            if (predictedMs > GROWTH_STEP_BUDGET_MS) {
                log(`  ${path.basename(dir)}: ${size} resources: skipped, predicted ${(predictedMs / 1000).toFixed(0)} s per call`);
                continue;
            }
            const walls: number[] = [];
            for (let run = 0; run < GROWTH_RUNS; run++) {
                walls.push((await timed(pack, () => pack.client.analyzeStack(stacks.get(size)!))).wall);
            }
            perResourceUs.set(size, (median(walls) * 1000) / size);
            log(`  ${path.basename(dir)}: ${size} resources: ${median(walls).toFixed(0)} ms`);
        }
        return perResourceUs;
    } finally {
        await pack.stop();
    }
}

async function peakRss(dir: string, resources: readonly WireResource[], stack: readonly WireResource[]): Promise<number> {
    const pack = await start(dir);
    try {
        await analyzeAll(pack.client, resources);
        await pack.client.analyzeStack([...stack]);
        return pack.peakRssKb() ?? NaN;
    } finally {
        await pack.stop();
    }
}

async function main(): Promise<void> {
    const baselines = createBaselinePacks(REPO);
    const rows: Row[] = [];
    const exemptionsCopy = copyPackWithExemptions(OURS, exemptionsYaml(EXEMPTION_ENTRIES));
    try {
        log(`start-up: ${START_RUNS} alternating runs each`);
        const startUp = await startUpTimes(baselines.minimalDir, OURS);
        const sb = median(startUp.baseline);
        const so = median(startUp.ours);
        rows.push({ metric: `Start-up until the port is printed (median of ${START_RUNS})`, baseline: ms(sb), ours: ms(so), ratio: so / sb, bound: 1.3 });

        const analyzeResources = mixedStack(ANALYZE_RESOURCES);
        const stack = mixedStack(STACK_RESOURCES);
        const noop = await start(baselines.noopDir);
        const ours = await start(OURS);
        try {
            log(`Analyze: ${ANALYZE_RESOURCES} resources × ${ANALYZE_ROUNDS} rounds, ${ANALYZE_CONCURRENCY} in flight`);
            const analyze = await paired(noop, ours, ANALYZE_ROUNDS, pack => analyzeAll(pack.client, analyzeResources));
            rows.push(...pairedRows(`Analyze ${ANALYZE_RESOURCES.toLocaleString("en")} mixed resources vs no-op pack`, analyze, 1.25));

            log(`AnalyzeStack: ${STACK_RESOURCES} resources × ${STACK_ROUNDS} rounds`);
            const analyzeStack = await paired(noop, ours, STACK_ROUNDS, pack => pack.client.analyzeStack(stack));
            rows.push(...pairedRows(`AnalyzeStack ${STACK_RESOURCES.toLocaleString("en")} resources vs no-op stack rule`, analyzeStack, 1.25));
        } finally {
            await noop.stop();
            await ours.stop();
        }

        log("AnalyzeStack growth");
        const stacks = new Map(GROWTH_SIZES.map(size => [size, stack.slice(0, size)]));
        const noopGrowth = await growth(baselines.noopDir, stacks);
        const ourGrowth = await growth(OURS, stacks);
        const exemptGrowth = await growth(exemptionsCopy.dir, stacks);
        const [small, , large] = GROWTH_SIZES;
        for (const size of GROWTH_SIZES) {
            rows.push({
                metric: `AnalyzeStack per resource at ${size.toLocaleString("en")} (no-op / ours)`,
                baseline: us(noopGrowth.get(size)!), ours: us(ourGrowth.get(size)!), ratio: ourGrowth.get(size)! / noopGrowth.get(size)!,
            });
        }
        for (const size of GROWTH_SIZES) {
            const cost = exemptGrowth.get(size);
            rows.push({
                metric: `AnalyzeStack per resource at ${size.toLocaleString("en")}, ${EXEMPTION_ENTRIES.toLocaleString("en")} exemptions (no-op / ours)`,
                baseline: us(noopGrowth.get(size)!),
                ours: cost === undefined ? `not run (> ${GROWTH_STEP_BUDGET_MS / 1000} s per call)` : us(cost),
                ratio: cost === undefined ? (size === large ? Infinity : undefined) : cost / noopGrowth.get(size)!,
                // Exemptions must not make every resource dearer: same bound as the AnalyzeStack row.
                bound: size === large ? 1.25 : undefined,
            });
        }
        const growthRow = (label: string, g: Map<number, number>): Row => ({
            metric: `${label}: per-resource cost at ${large.toLocaleString("en")} / at ${small.toLocaleString("en")}`,
            baseline: us(g.get(small)!),
            ours: g.has(large) ? us(g.get(large)!) : "not run",
            // A step too slow to run counts as missed.
            ratio: g.has(large) ? g.get(large)! / g.get(small)! : Infinity,
            bound: 1.5,
        });
        rows.push(growthRow("AnalyzeStack growth, shipped exemptions", ourGrowth));
        rows.push(growthRow(`AnalyzeStack growth, ${EXEMPTION_ENTRIES.toLocaleString("en")} exemptions`, exemptGrowth));

        log(`peak RSS: ${RSS_RUNS} alternating runs (Analyze ${ANALYZE_RESOURCES} + AnalyzeStack ${STACK_RESOURCES})`);
        const rss = { baseline: [] as number[], ours: [] as number[] };
        for (let run = 0; run < RSS_RUNS; run++) {
            rss.baseline.push(await peakRss(baselines.minimalDir, analyzeResources, stack));
            rss.ours.push(await peakRss(OURS, analyzeResources, stack));
        }
        const rb = median(rss.baseline);
        const ro = median(rss.ours);
        rows.push({ metric: "Peak RSS after the same workload (vs minimal pack)", baseline: mb(rb), ours: mb(ro), ratio: ro / rb, bound: 1.3 });
    } finally {
        exemptionsCopy.remove();
        baselines.remove();
    }

    const missed = rows.filter(r => r.bound !== undefined && r.ratio !== undefined && r.ratio > r.bound);
    console.log(markdownTable(rows));
    console.log();
    console.log(machineLine());
    console.log("Baselines: start-up and peak RSS against a one-rule JavaScript pack; Analyze and AnalyzeStack against a pack " +
        "whose resource and stack rules do nothing. Mixed stack: 1 in 10 an azure-native web app (1 in 4 of those " +
        `non-compliant), the rest storage accounts, virtual networks and key vaults. Exemptions: ${EXEMPTION_ENTRIES.toLocaleString("en")} ` +
        "entries over 200 projects, each scoped to one project.");
    console.log(missed.length === 0 ? "\nAll bounds met." : `\nBounds missed: ${missed.map(r => r.metric).join("; ")}.`);
}

main().then(
    () => process.exit(0),
    error => {
        console.error(error);
        process.exit(1);
    },
);

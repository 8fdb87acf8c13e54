// Soak test of the built policy pack over the Analyzer protocol (loopback only): one pack process, started
// as the Pulumi CLI starts it, answers CALLS Analyze calls (default 100,000) on a rotating set of app
// variants, then one AnalyzeStack over STACK resources (default 50,000). The pack's resident set size is
// sampled from /proc/<pid>/status as it goes.
//
// Prints calls, resources, peak RSS, the RSS growth between the first and the last 10% of the calls, and
// errors: gRPC errors, a dead process, or an answer that differs from the first answer for the same input.
// Exits non-zero on any error. Needs `npm run build` first.
//
//   npm run soak                     (ts-node --transpile-only tools/soak/soak.ts)
//   npm run soak -- --calls 20000 --stack 5000 --concurrency 16 --max-growth-mb 100
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AnalyzeResult, WireResource } from "../analyzer/analyzer-client";
import { RunningPack, startPolicyPack } from "../analyzer/pack-process";
import { buildConfigureMap } from "../analyzer/policy-pack-config";
import { secret, UNKNOWN } from "../analyzer/wire";
import { packRoot } from "../../lib/pack-exemptions";

interface Settings {
    calls: number;
    stack: number;
    concurrency: number;
    sampleEvery: number;
    /** The bound on RSS growth between the first and the last 10% of the calls. */
    maxGrowthMb: number;
    pack: string;
}

// Above the growth measured over 100,000 calls (+51 MB and +58 MB in two runs), with room for noise.
const DEFAULT_MAX_GROWTH_MB = 100;

/** This repository's pack: packRoot falls back to a parent folder, which would soak-test nothing. */
function packRootOrThrow(): string {
    const root = packRoot(__dirname);
    if (!fs.existsSync(path.join(root, "PulumiPolicy.yaml"))) {
        throw new Error(`no PulumiPolicy.yaml above ${__dirname}; pass --pack`);
    }
    return root;
}

function parseSettings(argv: string[]): Settings {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        options: {
            "calls": { type: "string", default: "100000" },
            "stack": { type: "string", default: "50000" },
            "concurrency": { type: "string", default: "16" },
            "sample-every": { type: "string", default: "1000" },
            "max-growth-mb": { type: "string", default: String(DEFAULT_MAX_GROWTH_MB) },
            "pack": { type: "string" },
        },
    });
    return {
        calls: positive("--calls", values.calls),
        stack: positive("--stack", values.stack),
        concurrency: positive("--concurrency", values.concurrency),
        sampleEvery: positive("--sample-every", values["sample-every"]),
        maxGrowthMb: positive("--max-growth-mb", values["max-growth-mb"]),
        pack: values.pack ? path.resolve(values.pack) : packRootOrThrow(),
    };
}

function positive(flag: string, value: string | undefined): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`${flag} needs a whole number above 0, found ${JSON.stringify(value)}`);
    }
    return n;
}

const REQUIRED = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } };

/** The variants the calls rotate through: every verdict the pack can give, on every provider. */
function variants(): WireResource[] {
    const native: Record<string, unknown>[] = [
        REQUIRED,
        { clientCertEnabled: false },
        { clientCertEnabled: "true", clientCertMode: "Required" },
        { clientCertEnabled: true, clientCertMode: "required" },
        { clientCertEnabled: true },
        { ...REQUIRED, clientCertExclusionPaths: "/health;/" },
        { ...REQUIRED, clientCertExclusionPaths: "/health/live, /HEALTH/" },
        { ...REQUIRED, clientCertExclusionPaths: "/health/../admin" },
        { clientCertEnabled: secret(true), clientCertMode: secret("Required"), httpsOnly: secret(true) },
        { clientCertEnabled: UNKNOWN, clientCertMode: "Required" },
        { ...REQUIRED, kind: UNKNOWN },
        { ...REQUIRED, kind: "functionapp,linux", clientCertEnabled: false },
        { kind: "functionapp,workflowapp" },
        { ...REQUIRED, httpsOnly: false, siteConfig: { minTlsVersion: "1.0" } },
        { ...REQUIRED, tags: { team: "web" }, appSettings: secret({ key: "x".repeat(2_000) }), siteConfig: { nested: deep(12) } },
        { ...REQUIRED, note: "é🔐".repeat(1_000) },
    ];
    const types = ["azure-native:web:WebApp", "azure-native:web:WebAppSlot", "azure-native:web/v20220901:WebApp", "azure-native:web/v20240401preview:WebAppSlot"];
    const out: WireResource[] = [];
    types.forEach((type, t) => native.forEach((properties, i) => out.push({ type, name: `app-${t}-${i}`, properties })));
    const classic: [string, Record<string, unknown>][] = [
        ["azure:appservice/linuxWebApp:LinuxWebApp", { clientCertificateEnabled: true, clientCertificateMode: "Required", httpsOnly: true }],
        ["azure:appservice/windowsWebApp:WindowsWebApp", { clientCertificateEnabled: false }],
        ["azure:appservice/linuxFunctionApp:LinuxFunctionApp", { clientCertificateEnabled: true }],
        ["azure:appservice/appService:AppService", { clientCertEnabled: true, clientCertMode: "Optional" }],
        ["azure:appservice/slot:Slot", { httpsOnly: true }],
        ["azure-native:storage:StorageAccount", { kind: "StorageV2" }],
    ];
    classic.forEach(([type, properties], i) => out.push({ type, name: `classic-${i}`, properties }));
    return out;
}

function deep(depth: number): unknown {
    let value: unknown = UNKNOWN;
    for (let i = 0; i < depth; i++) {
        value = i % 2 === 0 ? { nested: value } : [secret(value)];
    }
    return value;
}

function vmRssKb(pid: number): number | undefined {
    try {
        const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) : undefined;
    } catch {
        return undefined;
    }
}

/** What must not change between two answers for the same input. */
function fingerprint(result: AnalyzeResult): string {
    return JSON.stringify({
        diagnostics: result.diagnostics.map(d => [d.policyName, d.enforcementLevel, d.message]).sort(),
        notApplicable: result.notApplicable.map(n => [n.policyName, n.reason]).sort(),
    });
}

const mb = (kb: number | undefined) => (kb === undefined ? "n/a" : `${(kb / 1024).toFixed(1)} MB`);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

async function main(): Promise<number> {
    const settings = parseSettings(process.argv.slice(2));
    const errors: string[] = [];
    const error = (message: string) => {
        if (errors.length < 20) {
            console.error(`error: ${message}`);
        }
        errors.push(message);
    };

    const started = Date.now();
    const pack: RunningPack = await startPolicyPack(settings.pack, { client: { stack: "soak", project: "soak" } });
    try {
        const info = await pack.client.getAnalyzerInfo();
        await pack.client.configure(buildConfigureMap(info, {
            "azure-app-service-require-client-certificates": { allowedExclusionPaths: ["/health"] },
        }));
        console.log(`pack ${info.name}@${info.version}, pid ${pack.pid}, started and configured in ${Date.now() - started} ms`);
        const rssAtStart = vmRssKb(pack.pid);

        // Analyze.
        const inputs = variants();
        const expected = new Map<number, string>();
        const samples: { call: number; rssKb: number }[] = [];
        let done = 0;
        const analyzeStarted = Date.now();
        let nextSample = 0;
        while (done < settings.calls) {
            const batch = Math.min(settings.concurrency, settings.calls - done);
            await Promise.all(Array.from({ length: batch }, async (_, j) => {
                const index = (done + j) % inputs.length;
                try {
                    const print = fingerprint(await pack.client.analyze(inputs[index]));
                    const first = expected.get(index);
                    if (first === undefined) {
                        expected.set(index, print);
                    } else if (first !== print) {
                        error(`call ${done + j}: the answer for ${inputs[index].type} ${inputs[index].name} changed:\n  was ${first}\n  now ${print}`);
                    }
                } catch (e) {
                    error(`call ${done + j} (${inputs[index].type} ${inputs[index].name}): ${(e as Error).message}`);
                }
            }));
            done += batch;
            if (done >= nextSample || done === settings.calls) {
                const rss = vmRssKb(pack.pid);
                if (rss !== undefined) {
                    samples.push({ call: done, rssKb: rss });
                }
                nextSample += settings.sampleEvery;
            }
            if (!pack.isAlive()) {
                error(`the pack process died after ${done} calls`);
                break;
            }
        }
        const analyzeMs = Date.now() - analyzeStarted;
        const tenth = settings.calls / 10;
        const early = samples.filter(s => s.call <= tenth).map(s => s.rssKb);
        const late = samples.filter(s => s.call > settings.calls - tenth).map(s => s.rssKb);
        const growthKb = mean(late) - mean(early);
        if (growthKb > settings.maxGrowthMb * 1024) {
            error(`RSS grew by ${mb(growthKb)} between the first and the last 10% of the calls, above the bound of ${settings.maxGrowthMb} MB`);
        }

        // AnalyzeStack.
        const stack: WireResource[] = Array.from({ length: settings.stack }, (_, i) => {
            const variant = inputs[i % inputs.length];
            return { ...variant, name: `${variant.name}-${i}` };
        });
        const stackStarted = Date.now();
        let stackLines = 0;
        try {
            const result = await pack.client.analyzeStack(stack);
            stackLines = result.diagnostics.length;
            const failed = result.diagnostics.filter(d => /report failed|can't run policy/.test(d.message));
            for (const d of failed) {
                error(`AnalyzeStack: ${d.policyName}: ${d.message}`);
            }
        } catch (e) {
            error(`AnalyzeStack of ${settings.stack} resources: ${(e as Error).message}`);
        }
        const stackMs = Date.now() - stackStarted;
        const rssAfterStack = vmRssKb(pack.pid);
        if (!pack.isAlive()) {
            error("the pack process died during AnalyzeStack");
        }

        console.log("");
        console.log(`Analyze calls:        ${done} (${inputs.length} variants, concurrency ${settings.concurrency}) in ${(analyzeMs / 1000).toFixed(1)} s, ${(done / (analyzeMs / 1000)).toFixed(0)} calls/s`);
        console.log(`AnalyzeStack:         ${settings.stack} resources in ${(stackMs / 1000).toFixed(1)} s, ${stackLines} diagnostics`);
        console.log(`RSS at start:         ${mb(rssAtStart)}`);
        console.log(`RSS, first 10% calls: ${mb(mean(early))} (mean of ${early.length} samples)`);
        console.log(`RSS, last 10% calls:  ${mb(mean(late))} (mean of ${late.length} samples)`);
        console.log(`RSS growth:           ${growthKb >= 0 ? "+" : ""}${mb(growthKb)} (${((growthKb / mean(early)) * 100).toFixed(1)}%), bound ${settings.maxGrowthMb} MB`);
        console.log(`RSS after the stack:  ${mb(rssAfterStack)}`);
        console.log(`peak RSS (VmHWM):     ${mb(pack.peakRssKb())}`);
        console.log(`errors:               ${errors.length}`);
        return errors.length === 0 ? 0 : 1;
    } finally {
        await pack.stop();
    }
}

main().then(code => process.exit(code), e => {
    console.error(e);
    process.exit(2);
});

// Starts a policy pack the way the Pulumi CLI does for a nodejs policy pack:
//   node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-address> <packDir>   (cwd = packDir)
// then waits for the gRPC port it prints on stdout and connects an AnalyzerClient to it.

import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AnalyzerClient, AnalyzerClientOptions } from "./analyzer-client";

/** The engine address argument. The pack never dials it for analysis, so a dead port is fine. */
export const DUMMY_ENGINE_ADDRESS = "127.0.0.1:1";
export const DEFAULT_START_TIMEOUT_MS = 20_000;
/** After unexpected stderr, how long to keep collecting output so the error shows the whole trace. */
const STDERR_GRACE_MS = 300;
const STOP_TIMEOUT_MS = 5_000;

export interface StartOptions {
    timeoutMs?: number;
    /** Environment of the pack process (defaults to this process's environment). */
    env?: NodeJS.ProcessEnv;
    /** Node binary; defaults to the one running the tests. */
    nodePath?: string;
    /** Passed to the AnalyzerClient (stack/project used for derived URNs, call deadline). */
    client?: AnalyzerClientOptions;
    /** The moment the pack's clock reads at start (it runs on from there); default the real time. */
    clockAt?: Date;
}

/** The preload that moves a pack process's clock (see shifted-clock.js). */
const SHIFTED_CLOCK = path.join(__dirname, "shifted-clock.js");

export interface RunningPack {
    readonly port: number;
    readonly pid: number;
    readonly client: AnalyzerClient;
    /** stdout captured so far (including the port line). */
    stdout(): string;
    /** stderr captured so far. */
    stderr(): string;
    isAlive(): boolean;
    /** Peak resident set size (VmHWM) in kB, from /proc; undefined where unavailable. */
    peakRssKb(): number | undefined;
    /** Resolves when the process has exited. */
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    /** Closes the client, kills the process (SIGTERM, then SIGKILL) and waits for it to exit. */
    stop(): Promise<void>;
}

export class PackStartError extends Error {
    constructor(
        message: string,
        readonly exitCode: number | null,
        readonly signal: NodeJS.Signals | null,
        readonly stdout: string,
        readonly stderr: string,
    ) {
        super(message);
        this.name = "PackStartError";
    }
}

/** Path of run-policy-pack as Node would resolve @pulumi/pulumi from the pack directory. */
export function resolveRunPolicyPack(packDir: string): string {
    const pkgJson = require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] });
    return path.join(path.dirname(pkgJson), "cmd", "run-policy-pack");
}

export function startPolicyPack(packDir: string, opts: StartOptions = {}): Promise<RunningPack> {
    const dir = path.resolve(packDir);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const script = resolveRunPolicyPack(dir);

    const env = opts.env ?? process.env;
    const clock = opts.clockAt === undefined ? [] : ["--require", SHIFTED_CLOCK];
    const child = spawn(opts.nodePath ?? process.execPath, [...clock, script, DUMMY_ENGINE_ADDRESS, dir], {
        cwd: dir,
        env: opts.clockAt === undefined ? env : { ...env, POLICY_PACK_CLOCK_OFFSET_MS: String(opts.clockAt.getTime() - Date.now()) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    track(child);

    let out = "";
    let err = "";
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    let lastPeakRss: number | undefined;

    return new Promise<RunningPack>((resolve, reject) => {
        let settled = false;
        let scanned = 0; // stdout offset up to which complete lines have been checked
        let stderrTimer: NodeJS.Timeout | undefined;

        const fail = (reason: string) => {
            if (settled) {
                return;
            }
            settled = true;
            cleanup();
            const code = child.exitCode;
            const signal = child.signalCode;
            killHard(child);
            reject(
                new PackStartError(
                    `Policy pack ${dir} failed to start: ${reason} ` +
                        `(exit code: ${code ?? "none"}, signal: ${signal ?? "none"}; command: node ${script} ${DUMMY_ENGINE_ADDRESS} ${dir})\n` +
                        `--- stdout ---\n${stripAnsi(out)}\n--- stderr ---\n${stripAnsi(err)}`,
                    code,
                    signal,
                    out,
                    err,
                ),
            );
        };

        const timer = setTimeout(() => fail(`no port printed within ${timeoutMs} ms`), timeoutMs);

        const onStdout = (chunk: string) => {
            out += chunk;
            if (settled) {
                return;
            }
            let nl: number;
            while ((nl = out.indexOf("\n", scanned)) >= 0) {
                const line = out.slice(scanned, nl).trim();
                scanned = nl + 1;
                // A port after stderr output is still a failed start (the pending stderr timer reports it).
                if (/^\d+$/.test(line) && stderrTimer === undefined) {
                    succeed(Number(line));
                    return;
                }
            }
        };
        const onStderr = (chunk: string) => {
            err += chunk;
            // The CLI treats stderr before the port as a failed start; collect a little more
            // output (usually the rest of a stack trace and the exit) before reporting it.
            if (!settled && stderrTimer === undefined) {
                stderrTimer = setTimeout(() => fail("it wrote to stderr before printing its port"), STDERR_GRACE_MS);
            }
        };
        // "close" (not "exit") fires once stdio is drained, so the error includes all output.
        const onClose = () => fail("the process exited before printing its port");
        const onError = (e: Error) => fail(`spawn error: ${e.message}`);

        const cleanup = () => {
            clearTimeout(timer);
            if (stderrTimer !== undefined) {
                clearTimeout(stderrTimer);
            }
            child.removeListener("close", onClose);
            child.removeListener("error", onError);
        };

        const succeed = (port: number) => {
            settled = true;
            cleanup();
            const client = new AnalyzerClient(`127.0.0.1:${port}`, opts.client);
            let stopping: Promise<void> | undefined;
            resolve({
                port,
                pid: child.pid!,
                client,
                stdout: () => out,
                stderr: () => err,
                isAlive: () => isAlive(child),
                peakRssKb: () => {
                    const v = readPeakRssKb(child.pid!);
                    if (v !== undefined) {
                        lastPeakRss = v;
                    }
                    return v ?? lastPeakRss;
                },
                exited,
                stop: () => {
                    stopping ??= (async () => {
                        client.close();
                        await terminate(child, exited);
                    })();
                    return stopping;
                },
            });
        };

        child.stdout!.on("data", onStdout);
        child.stderr!.on("data", onStderr);
        child.once("close", onClose);
        child.once("error", onError);
    });
}

// run-policy-pack colours its error output even into a pipe; keep error messages greppable.
function stripAnsi(s: string): string {
    // eslint-disable-next-line no-control-regex
    return s.replace(/\u001b\[[0-9;]*m/g, "");
}

function isAlive(child: ChildProcess): boolean {
    return child.exitCode === null && child.signalCode === null;
}

function readPeakRssKb(pid: number): number | undefined {
    try {
        const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

function killHard(child: ChildProcess): void {
    if (isAlive(child)) {
        child.kill("SIGKILL");
    }
}

async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
    if (!isAlive(child)) {
        return;
    }
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS)));
    if (await Promise.race([exited.then(() => false), timedOut])) {
        killHard(child);
        await exited;
    }
    clearTimeout(timer);
}

// ---- orphan protection: every spawned pack is killed when this process goes away ----

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function track(child: ChildProcess): void {
    live.add(child);
    child.once("exit", () => live.delete(child));
    child.once("error", () => live.delete(child));
    installExitHooks();
}

function killAllSync(): void {
    for (const c of live) {
        killHard(c);
    }
}

function installExitHooks(): void {
    if (hooksInstalled) {
        return;
    }
    hooksInstalled = true;
    process.on("exit", killAllSync);
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        const onSignal = () => {
            killAllSync();
            // If nobody else handles the signal, restore Node's default behaviour (terminate).
            if (process.listenerCount(sig) === 1) {
                process.removeListener(sig, onSignal);
                process.kill(process.pid, sig);
            }
        };
        process.on(sig, onSignal);
    }
}

/** Number of pack processes started by this module that are still running (for leak checks). */
export function livePackCount(): number {
    return live.size;
}

// The policy pack as the preview command runs it: checked to be built from its current sources, and
// started once per exemptions file (the pack reads exemptions.yaml from its own root, once per process,
// so another file means a temporary copy of the pack with that file in place).

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AnalyzerInfo } from "../analyzer/analyzer-client";
import { copyPackWithExemptions, PackCopy } from "../analyzer/pack-copy";
import { RunningPack, startPolicyPack } from "../analyzer/pack-process";
import { EXEMPTIONS_FILE_NAME } from "../../lib/exemptions-file";
import { packSources } from "../pack-files";


export class PackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PackError";
    }
}

/** The file the pack runs (package.json main), as run-policy-pack resolves it. */
export function packMain(packDir: string): string {
    const pkgFile = path.join(packDir, "package.json");
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml")) || !fs.existsSync(pkgFile)) {
        throw new PackError(`${packDir} is not a policy pack: it needs PulumiPolicy.yaml and package.json`);
    }
    const main = (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string }).main ?? "index.js";
    return path.join(packDir, main);
}

/** Why the compiled pack does not match its sources, or undefined when it does (or has no TypeScript). */
export function staleBuildReason(packDir: string): string | undefined {
    const main = packMain(packDir);
    if (!fs.existsSync(main)) {
        return `${path.relative(process.cwd(), main) || main} does not exist`;
    }
    for (const { source, compiled } of packSources(packDir)) {
        if (!fs.existsSync(path.join(packDir, compiled))) {
            return `${source} has no compiled ${compiled}`;
        }
        if (fs.statSync(path.join(packDir, source)).mtimeMs > fs.statSync(path.join(packDir, compiled)).mtimeMs) {
            return `${source} is newer than ${compiled}`;
        }
    }
    return undefined;
}

export type BuildPolicy = "check" | "build" | "skip-check";

/**
 * Makes sure the pack's compiled code is current. By default an out-of-date build is refused with the
 * command to fix it, rather than rebuilt: tsc writes bin/ even when the sources do not compile, and a
 * half-edited source tree would then break the build everyone else runs. `build` runs `npm run build`
 * first; `skip-check` judges with whatever build is there, with a warning.
 */
export function ensureBuilt(packDir: string, opts: { policy: BuildPolicy; log: (line: string) => void }): void {
    const reason = staleBuildReason(packDir);
    if (reason === undefined) {
        return;
    }
    if (opts.policy === "check") {
        throw new PackError(`The pack's build is out of date (${reason}). Run \`npm run build\` in ${packDir}, ` +
            "or pass --build to have this command run it (or --no-build-check to judge with the old build).");
    }
    if (opts.policy === "skip-check") {
        if (!fs.existsSync(packMain(packDir))) {
            throw new PackError(`The pack is not built (${reason}). Run \`npm run build\` in ${packDir}.`);
        }
        opts.log(`warning: the pack's build is out of date (${reason}); judging with it anyway (--no-build-check).`);
        return;
    }
    opts.log(`The pack's build is out of date (${reason}); running \`npm run build\` in ${packDir} ...`);
    const result = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build", "--silent"], {
        cwd: packDir,
        encoding: "utf8",
    });
    if (result.status !== 0) {
        const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n");
        throw new PackError(`\`npm run build\` failed in ${packDir} (exit ${result.status ?? result.signal}); fix the ` +
            `compile errors and run it again.\n${output.slice(0, 20).join("\n")}` +
            (output.length > 20 ? `\n... and ${output.length - 20} more lines` : ""));
    }
}

export interface StartedPack {
    readonly pack: RunningPack;
    readonly info: AnalyzerInfo;
    /** The exemptions file this pack instance reads (undefined when it has none). */
    readonly exemptionsFile?: string;
    /** True when this is a temporary copy of the pack with another exemptions file. */
    readonly isCopy: boolean;
}

/** Starts each pack instance on first use and stops (and deletes the copies of) all of them at the end. */
export class PackPool {
    private readonly started = new Map<string, Promise<StartedPack>>();
    private readonly copies: PackCopy[] = [];

    /** `clockAt`: the moment the packs' clocks read when they start (default the real time). */
    constructor(readonly packDir: string, private readonly opts: { clockAt?: Date } = {}) {}

    /** The pack reading `exemptionsFile`, or the pack as it is when undefined. */
    get(exemptionsFile?: string): Promise<StartedPack> {
        const key = exemptionsFile ? path.resolve(exemptionsFile) : "";
        let entry = this.started.get(key);
        if (!entry) {
            entry = this.start(key || undefined);
            this.started.set(key, entry);
        }
        return entry;
    }

    private async start(exemptionsFile: string | undefined): Promise<StartedPack> {
        let dir = this.packDir;
        if (exemptionsFile) {
            const copy = copyPackWithExemptions(this.packDir, fs.readFileSync(exemptionsFile, "utf8"));
            this.copies.push(copy);
            dir = copy.dir;
        }
        const pack = await startPolicyPack(dir, { timeoutMs: 60_000, clockAt: this.opts.clockAt });
        const info = await pack.client.getAnalyzerInfo();
        const own = path.join(this.packDir, EXEMPTIONS_FILE_NAME);
        return {
            pack,
            info,
            exemptionsFile: exemptionsFile ?? (fs.existsSync(own) ? own : undefined),
            isCopy: exemptionsFile !== undefined,
        };
    }

    async stopAll(): Promise<void> {
        const all = await Promise.allSettled([...this.started.values()]);
        await Promise.all(all.map(s => (s.status === "fulfilled" ? s.value.pack.stop() : undefined)));
        for (const copy of this.copies) {
            copy.remove();
        }
    }
}

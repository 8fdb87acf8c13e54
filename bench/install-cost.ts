// What installing the published pack costs, cold: `npm pack`, unpack, then the full `npm install` Pulumi
// runs where the pack is enforced (devDependencies included), each with a fresh, empty npm cache.
//   npm run bench:install        (downloads several hundred MB; needs registry access)
// Variants: a bare package with only @pulumi/policy and @pulumi/pulumi; the pack as `npm pack` publishes it
// from the repository today; the pack as scripts/make-publishable.ts writes it (runtime dependencies only,
// prebuilt bin/, pinned by npm-shrinkwrap.json).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makePublishable } from "../scripts/make-publishable";
import { machineLine, median, nowMs } from "./lib/measure";
import { diskUsage, npmInstall, npmPack, unpack } from "./lib/packing";

const REPO = path.resolve(__dirname, "..");
const RUNS = Number(process.env.INSTALL_COST_RUNS ?? 1);
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Result {
    label: string;
    tarballKb?: number;
    seconds: number;
    mb: number;
    nodeModulesMb: number;
    files: number;
}

function measure(label: string, prepare: (work: string) => string): Result {
    const seconds: number[] = [];
    let last: Omit<Result, "seconds"> | undefined;
    for (let run = 0; run < RUNS; run++) {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "install-cost-"));
        try {
            const tarball = prepare(work);
            const dir = unpack(tarball, path.join(work, "pack"));
            const cache = path.join(work, "npm-cache"); // fresh and empty: a cold install
            log(`${label}: npm install (run ${run + 1}/${RUNS})`);
            const t0 = nowMs();
            npmInstall(dir, { cache });
            seconds.push((nowMs() - t0) / 1000);
            const all = diskUsage(dir);
            const nodeModules = diskUsage(path.join(dir, "node_modules"));
            last = {
                label,
                tarballKb: fs.statSync(tarball).size / 1024,
                mb: all.bytes / 2 ** 20,
                nodeModulesMb: nodeModules.bytes / 2 ** 20,
                files: all.files,
            };
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
    }
    return { ...last!, seconds: median(seconds) };
}

function main(): void {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    const results: Result[] = [];

    results.push(measure("bare: @pulumi/policy + @pulumi/pulumi only", work => {
        const dir = path.join(work, "bare-src");
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({
            name: "bare-policy-pack", version: "0.0.1", private: true, main: "index.js",
            dependencies: { "@pulumi/policy": pkg.dependencies["@pulumi/policy"], "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"] },
        }, null, 2));
        fs.writeFileSync(path.join(dir, "index.js"), "");
        fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        return npmPack(dir, work, { cache: path.join(work, "pack-cache") });
    }));

    results.push(measure("pack as published from the repository today (npm pack in the repo)", work =>
        npmPack(REPO, work, { cache: path.join(work, "pack-cache") })));

    results.push(measure("publishable pack (scripts/make-publishable.ts, runtime deps + shrinkwrap)", work => {
        const dir = path.join(work, "dist");
        makePublishable(REPO, dir);
        return npmPack(dir, work, { cache: path.join(work, "pack-cache") });
    }));

    const base = results[0];
    console.log("| install (cold cache, full `npm install`) | tarball | time | on disk | node_modules | files | vs bare (time / MB / files) |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of results) {
        console.log(`| ${r.label} | ${r.tarballKb!.toFixed(0)} kB | ${r.seconds.toFixed(1)} s | ${r.mb.toFixed(0)} MB | ${r.nodeModulesMb.toFixed(0)} MB | ` +
            `${r.files.toLocaleString("en")} | ${(r.seconds / base.seconds).toFixed(2)}× / ${(r.mb / base.mb).toFixed(2)}× / ${(r.files / base.files).toFixed(2)}× |`);
    }
    console.log();
    console.log(machineLine());
    console.log(`npm ${require("child_process").execFileSync("npm", ["--version"], { encoding: "utf8" }).trim()}; ` +
        `median of ${RUNS} run(s) each; times include downloads, so they depend on the network.`);
}

main();

// Packing the pack the way publishing does (`npm pack`, which `pulumi policy publish` runs) and installing
// the result the way Pulumi does wherever the pack is enforced (a full `npm install` in the unpacked folder).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface NpmOptions {
    /** npm cache folder; the user's default cache when undefined. */
    cache?: string;
    preferOffline?: boolean;
}

function npm(args: string[], cwd: string, options: NpmOptions = {}): string {
    const extra = [
        ...(options.cache ? ["--cache", options.cache] : []),
        ...(options.preferOffline ? ["--prefer-offline"] : []),
    ];
    return execFileSync("npm", [...args, ...extra, "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
    });
}

/** Runs `npm pack` in `dir` (its `prepare` script runs, as on publish) and returns the tarball's path. */
export function npmPack(dir: string, destination: string, options: NpmOptions = {}): string {
    fs.mkdirSync(destination, { recursive: true });
    const out = npm(["pack", "--pack-destination", destination], dir, options).trim().split("\n");
    return path.join(destination, out[out.length - 1].trim());
}

/** Unpacks a tarball made by `npm pack` into `into` (its files sit under package/ in the archive). */
export function unpack(tarball: string, into: string): string {
    fs.mkdirSync(into, { recursive: true });
    execFileSync("tar", ["xzf", tarball, "-C", into, "--strip-components=1"]);
    return into;
}

/** A full `npm install` (devDependencies included, scripts run), as Pulumi runs it for a downloaded pack. */
export function npmInstall(dir: string, options: NpmOptions = {}): void {
    npm(["install"], dir, options);
}

/** Total size in bytes (as `du` counts allocated blocks) and number of files under `dir`. */
export function diskUsage(dir: string): { bytes: number; files: number } {
    const kb = Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split(/\s+/)[0]);
    let files = 0;
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            if (entry.isDirectory()) {
                walk(path.join(d, entry.name));
            } else {
                files++;
            }
        }
    };
    walk(dir);
    return { bytes: kb * 1024, files };
}

// Shared by the preview and example specs: where the pack and examples are, and one run of each
// example program per test run (each run costs a child process and a few seconds).
import * as path from "path";
import { loadProgram, Subject } from "../../../tools/preview/inputs";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const EXAMPLES = path.join(REPO_ROOT, "examples");
/** The pack under test: this repository (built by `npm test`), or PREVIEW_TEST_PACK to try another build. */
export const PACK_DIR = process.env.PREVIEW_TEST_PACK ? path.resolve(process.env.PREVIEW_TEST_PACK) : REPO_ROOT;
// Programs are type-checked as under Pulumi (about 12 s each for one importing @pulumi/azure-native, more on a busy machine).
export const TIMEOUT_MS = 300_000;

const programs = new Map<string, Promise<Subject>>();

export function exampleProgram(name: string): Promise<Subject> {
    let run = programs.get(name);
    if (!run) {
        run = loadProgram({ source: `examples/${name}`, dir: path.join(EXAMPLES, name) }, undefined);
        programs.set(name, run);
    }
    return run;
}

export interface Captured {
    readonly stdout: string;
    readonly stderr: string;
    readonly code: number;
}

export async function runCliCaptured(argv: string[]): Promise<Captured> {
    const { runCli } = await import("../../../tools/preview/cli");
    let stdout = "";
    let stderr = "";
    const code = await runCli(["--pack", PACK_DIR, ...argv], { stdout: t => (stdout += t), stderr: t => (stderr += t) });
    return { stdout, stderr, code };
}

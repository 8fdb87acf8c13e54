// Runs one Pulumi program under the Node.js SDK's mocks, in a child process of its own (the Pulumi runtime
// is process-global, so every program gets a fresh one), and captures every resource it registers the way
// the engine would see it: type, name, URN, parent, its inputs and what the mocks returned, in wire form.
//
// The program is run as `pulumi preview` runs it:
// - Pulumi.yaml: `runtime` (a name, or `{name, options}`: sdk/go/common/workspace/project.go
//   ProjectRuntimeInfo) and `main` (pkg/engine/project.go getPwdMain: a folder becomes the program
//   directory, a file its folder plus the file as entry point);
// - the Node.js language host (sdk/nodejs/cmd/pulumi-language-nodejs/main.go): the runtime options
//   `typescript` (default true), `tsconfig` and `nodeargs` (parseOptions), passed to Node.js as
//   PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH and arguments before the script (execRuntime),
//   and the SDK resolved from the program directory, or no run at all (locateModule);
// - the SDK's runner (sdk/nodejs/cmd/run/run.ts), which program-host.ts follows: entry point from
//   package.json, ts-node with Pulumi's default compiler options, require or import of the program.
//
// Programs of other runtimes cannot run under the Node.js SDK's mocks: they get an error that says how to
// judge them instead.

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RESOURCE_REFERENCE_SIGNATURE, SIGNATURE_KEY } from "../../lib/wire-signatures";
import { CapturedResource, HostFailure, HostResult, HostSpec, resolveProgram } from "./program-host";

export type { CapturedResource } from "./program-host";
export { childUrn, stackUrn } from "./program-host";

export const DEFAULT_STACK = "dev";
const RUN_TIMEOUT_MS = 180_000;
/** Runtimes whose programs are JavaScript or TypeScript on the Node.js SDK. */
export const NODE_RUNTIMES: readonly string[] = ["nodejs", "bun"];
export const PROJECT_FILES: readonly string[] = ["Pulumi.yaml", "Pulumi.yml"];

export interface CapturedProgram {
    readonly project: string;
    readonly stack: string;
    /** The project root (where Pulumi.yaml is). */
    readonly programDir: string;
    readonly resources: CapturedResource[];
}

/** A program that could not be run or failed. `message` is one paragraph; `detail` (stack traces, output) is for --verbose. */
export class ProgramRunError extends Error {
    constructor(readonly programDir: string, message: string, readonly detail?: string) {
        super(message);
        this.name = "ProgramRunError";
    }
}

/** A program in a runtime other than Node.js: it cannot run here at all. */
export class UnsupportedRuntimeError extends ProgramRunError {
    constructor(programDir: string, readonly runtime: string, packDir: string | undefined) {
        const pack = packDir ? quoteArg(packDir) : "<policy pack directory>";
        super(programDir,
            `is a Pulumi program in the "${runtime}" runtime, and only Node.js programs (runtime nodejs) can run here, ` +
            `under the Node.js SDK's mocks. Judge it one of two ways: export a deployed stack with ` +
            `\`pulumi stack export --file stack.json\` and run \`npm run preview -- stack.json\`; or, with the Pulumi CLI, ` +
            `run \`pulumi preview --policy-pack ${pack}\` in the program's folder (before deploying) or ` +
            `\`pulumi policy analyze --policy-pack ${pack} --stack <stack>\` (for a deployed stack).`);
        this.name = "UnsupportedRuntimeError";
    }
}

/** Dependencies that are not installed: one line with the package and the command that installs it. */
export class MissingDependencyError extends ProgramRunError {
    constructor(programDir: string, readonly packages: string[], message: string, detail?: string) {
        super(programDir, message, detail);
        this.name = "MissingDependencyError";
    }
}

/** The parts of Pulumi.yaml that decide how a program runs. */
export interface PulumiProject {
    readonly file: string;
    readonly name: string;
    readonly runtime: string;
    readonly options: Record<string, unknown>;
    readonly main?: string;
}

function quoteArg(arg: string): string {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

/** The project file (Pulumi.yaml or Pulumi.yml) in `dir`, or undefined when `dir` is no Pulumi project. */
export function projectFileOf(dir: string): string | undefined {
    return PROJECT_FILES.map(f => path.join(dir, f)).find(f => fs.existsSync(f));
}

/** Reads Pulumi.yaml (or Pulumi.yml) of the project at `rootDir`. */
export function readPulumiProject(rootDir: string): PulumiProject {
    const file = projectFileOf(rootDir);
    if (!file) {
        throw new ProgramRunError(rootDir, "has no Pulumi.yaml");
    }
    const yaml: typeof import("js-yaml") = require("js-yaml");
    let project: Record<string, unknown>;
    try {
        const loaded = yaml.load(fs.readFileSync(file, "utf8"));
        project = loaded !== null && typeof loaded === "object" ? loaded as Record<string, unknown> : {};
    } catch (error) {
        throw new ProgramRunError(rootDir, `${path.basename(file)} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    if (typeof project.name !== "string" || project.name === "") {
        throw new ProgramRunError(rootDir, `${path.basename(file)} has no name`);
    }
    const runtime = project.runtime;
    let name: unknown = runtime;
    let options: unknown = {};
    if (runtime !== null && typeof runtime === "object" && !Array.isArray(runtime)) {
        name = (runtime as Record<string, unknown>).name;
        options = (runtime as Record<string, unknown>).options ?? {};
    }
    if (typeof name !== "string" || name === "" || options === null || typeof options !== "object" || Array.isArray(options)) {
        // sdk/go/common/workspace/project.go ProjectRuntimeInfo.UnmarshalYAML.
        throw new ProgramRunError(rootDir, `${path.basename(file)}: runtime section must be a string or an object with name and options attributes`);
    }
    if (project.main !== undefined && typeof project.main !== "string") {
        throw new ProgramRunError(rootDir, `${path.basename(file)}: main must be a string`);
    }
    return { file, name: project.name, runtime: name, options: options as Record<string, unknown>, main: project.main || undefined };
}

/** The project name from the program's Pulumi.yaml (or Pulumi.yml). */
export function readProjectName(programDir: string): string {
    return readPulumiProject(programDir).name;
}

/** Splits `nodeargs` into words as a POSIX shell would (the language host uses github.com/google/shlex). */
export function splitShellWords(text: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: "'" | '"' | undefined;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote === "'") {
            if (c === "'") {
                quote = undefined;
            } else {
                word += c;
            }
        } else if (quote === '"') {
            if (c === '"') {
                quote = undefined;
            } else if (c === "\\" && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
                word += text[++i];
            } else {
                word += c;
            }
        } else if (c === "'" || c === '"') {
            quote = c;
            word ??= "";
        } else if (c === "\\" && i + 1 < text.length) {
            word = (word ?? "") + text[++i];
        } else if (/\s/.test(c)) {
            if (word !== undefined) {
                words.push(word);
                word = undefined;
            }
        } else {
            word = (word ?? "") + c;
        }
    }
    if (quote) {
        throw new Error(`unclosed ${quote} quote`);
    }
    if (word !== undefined) {
        words.push(word);
    }
    return words;
}

/** How the language host starts Node.js for a program. */
export interface NodeRunPlan {
    readonly rootDir: string;
    /** Where the process runs and the entry point is looked up. */
    readonly programDir: string;
    readonly entryPoint: string;
    readonly typescript: boolean;
    readonly tsconfig?: string;
    readonly nodeArgs: string[];
    readonly packageManager?: string;
}

/**
 * The runtime options as pulumi-language-nodejs parseOptions reads them (with its messages), and the
 * program directory and entry point as the engine derives them from `main` (pkg/engine/project.go).
 * The bun runtime ignores `typescript` (bun compiles TypeScript itself, so it is always on here),
 * `tsconfig` and `nodeargs`.
 */
export function planNodeRun(rootDir: string, project: PulumiProject): NodeRunPlan {
    const problem = (message: string) => new ProgramRunError(rootDir, `${path.basename(project.file)}: ${message}`);
    const { typescript = true, tsconfig, nodeargs, packagemanager } = project.options;
    if (typeof typescript !== "boolean") {
        throw problem("typescript option must be a boolean");
    }
    if (tsconfig !== undefined && typeof tsconfig !== "string") {
        throw problem("tsconfigpath option must be a string");
    }
    if (nodeargs !== undefined && typeof nodeargs !== "string") {
        throw problem("nodeargs option must be a string");
    }
    if (packagemanager !== undefined && !["auto", "npm", "yarn", "pnpm", "bun"].includes(packagemanager as string)) {
        throw problem(`packagemanager option must be one of auto, npm, yarn, pnpm or bun, got ${JSON.stringify(packagemanager)}`);
    }
    let nodeArgs: string[];
    try {
        nodeArgs = nodeargs ? splitShellWords(nodeargs) : [];
    } catch (error) {
        throw problem(`nodeargs: ${(error as Error).message}`);
    }
    let programDir = rootDir;
    let entryPoint = ".";
    if (project.main) {
        const main = path.resolve(rootDir, project.main);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(main);
        } catch (error) {
            throw problem(`project 'main' could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} ${main}`);
        }
        if (stat.isDirectory()) {
            programDir = main;
        } else {
            programDir = path.dirname(main);
            entryPoint = path.basename(main);
        }
    }
    const bun = project.runtime === "bun";
    return {
        rootDir,
        programDir,
        entryPoint,
        typescript: bun || typescript,
        tsconfig: bun ? undefined : tsconfig as string | undefined,
        nodeArgs: bun ? [] : nodeArgs,
        packageManager: packagemanager === "auto" ? undefined : packagemanager as string | undefined,
    };
}

function searchUp(dir: string, names: readonly string[]): string | undefined {
    for (let current = dir; ; current = path.dirname(current)) {
        const found = names.map(n => path.join(current, n)).find(f => fs.existsSync(f));
        if (found || path.dirname(current) === current) {
            return found;
        }
    }
}

/**
 * The command that installs a program's dependencies, with the package manager the language host would
 * pick (sdk/nodejs/npm/manager.go ResolvePackageManager): the `packagemanager` option, pnpm for a
 * package.yaml, else by lock file (yarn.lock, pnpm-lock.yaml, bun.lock/bun.lockb), else npm.
 * `add` names packages that package.json does not list.
 */
export function installCommand(plan: NodeRunPlan, add: string[] = []): { command: string; dir: string } {
    const manifest = searchUp(plan.programDir, ["package.json", "package.yaml"]);
    const dir = manifest ? path.dirname(manifest) : plan.programDir;
    const manager = plan.packageManager
        ?? (manifest?.endsWith("package.yaml") ? "pnpm"
            : searchUp(plan.programDir, ["yarn.lock"]) ? "yarn"
            : searchUp(plan.programDir, ["pnpm-lock.yaml"]) ? "pnpm"
            : searchUp(plan.programDir, ["bun.lock", "bun.lockb"]) ? "bun"
            : "npm");
    const command = add.length === 0 ? `${manager} install` : `${manager} ${manager === "npm" ? "install" : "add"} ${add.join(" ")}`;
    return { command, dir };
}

/** Does `require.resolve("@pulumi/pulumi/cmd/run")` from the program directory succeed, as in locateModule? */
function sdkInReach(programDir: string): boolean {
    try {
        require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
        return true;
    } catch {
        return false;
    }
}

/** Is the package in a node_modules folder at or above `dir`, where Node.js's resolution looks for it? */
function installed(dir: string, pkg: string): boolean {
    return searchUp(dir, [path.join("node_modules", pkg, "package.json")]) !== undefined;
}

/** Packages listed in the nearest package.json. */
function declaredPackages(programDir: string): Set<string> {
    const manifest = searchUp(programDir, ["package.json"]);
    const declared = new Set<string>();
    if (!manifest) {
        return declared;
    }
    try {
        const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
        for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
            Object.keys(pkg?.[field] ?? {}).forEach(name => declared.add(name));
        }
    } catch {
        // An unreadable package.json lists nothing; the install command then names the package.
    }
    return declared;
}

function missingDependencies(plan: NodeRunPlan, packages: string[], requiredBy: string | undefined, detail?: string): MissingDependencyError {
    const declared = declaredPackages(plan.programDir);
    const insideDependency = requiredBy !== undefined && requiredBy.split(path.sep).includes("node_modules");
    const undeclared = insideDependency ? [] : packages.filter(p => !declared.has(p));
    const { command, dir } = installCommand(plan, undeclared);
    const names = packages.map(p => `'${p}'`).join(", ");
    const what = packages.length === 1 ? `package ${names} is` : `packages ${names} are`;
    const inProject = requiredBy && !path.relative(plan.rootDir, requiredBy).startsWith("..");
    const by = requiredBy ? ` (imported by ${inProject ? path.relative(plan.rootDir, requiredBy) : displayPath(requiredBy)})` : "";
    const why = undeclared.length > 0 ? "not installed and not in package.json" : "not installed";
    return new MissingDependencyError(plan.rootDir, packages,
        `cannot run: ${what} ${why}${by}. Run \`${command}\` in ${displayPath(dir)}, then try again.`, detail);
}

function fromHostFailure(plan: NodeRunPlan, failure: HostFailure, stderr: string): ProgramRunError {
    const detail = [failure.detail, stderr.trim() ? `program output (stderr):\n${stderr.trim()}` : ""].filter(Boolean).join("\n");
    switch (failure.cause) {
        case "missing-package":
            return missingDependencies(plan, failure.packages, failure.requiredBy, detail);
        case "missing-entry-point":
            return new ProgramRunError(plan.rootDir,
                `cannot run: Node.js finds no program at ${displayPath(failure.entryPoint)} (an index.js, or the file ` +
                "`main` names in package.json or Pulumi.yaml)" +
                (!plan.typescript && fs.readdirSync(plan.programDir).some(f => /\.[cm]?ts$/.test(f))
                    ? "; its TypeScript runs only with the runtime option `typescript: true` (the default), not false" : "") +
                ".", detail);
        case "compile":
            return new ProgramRunError(plan.rootDir, `the program does not compile:\n${failure.message.trim()}`, detail);
        case "program":
            return new ProgramRunError(plan.rootDir, `the program failed: ${failure.message} (--verbose shows where)`, detail);
    }
}

/** The file the program's directory or package.json names as its entry point, if it lies outside the project. */
function entryOutsideProject(plan: NodeRunPlan): { manifest: string; entry: string } | undefined {
    const resolved = resolveProgram(plan.programDir, plan.entryPoint);
    const inside = (file: string) => !path.relative(plan.rootDir, file).startsWith("..");
    return resolved.fromManifest && !inside(resolved.program) ? { manifest: resolved.fromManifest, entry: resolved.program } : undefined;
}

let transpiledHost: string | undefined;

/**
 * The child's script. Compiled, it is program-host.js next to this file. From TypeScript sources it is
 * program-host.ts transpiled on its own (it imports only Node built-ins), so that no compiler of ours is
 * registered in the program's process: the program's TypeScript gets only the options Pulumi gives it.
 */
function hostScript(tempDir: string): string {
    const compiled = path.join(__dirname, "program-host.js");
    if (!__filename.endsWith(".ts") && fs.existsSync(compiled)) {
        return compiled;
    }
    if (transpiledHost === undefined) {
        const ts: typeof import("typescript") = require("typescript");
        const source = fs.readFileSync(path.join(__dirname, "program-host.ts"), "utf8");
        transpiledHost = ts.transpileModule(source, {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
            fileName: "program-host.ts",
        }).outputText;
    }
    const file = path.join(tempDir, "program-host.js");
    fs.writeFileSync(file, transpiledHost);
    return file;
}

export interface RunOptions {
    readonly stack?: string;
    /** The policy pack that will judge the program, named in the advice for programs that cannot run. */
    readonly packDir?: string;
}

/** Runs the program whose Pulumi.yaml is in `programDir` in a fresh child process and returns what it registered. */
export async function runProgramUnderMocks(programDir: string, opts: RunOptions = {}): Promise<CapturedProgram> {
    const rootDir = path.resolve(programDir);
    const project = readPulumiProject(rootDir);
    if (!NODE_RUNTIMES.includes(project.runtime)) {
        throw new UnsupportedRuntimeError(rootDir, project.runtime, opts.packDir);
    }
    const plan = planNodeRun(rootDir, project);
    const stack = opts.stack ?? DEFAULT_STACK;

    // pulumi-language-nodejs locateModule: without the SDK in reach of the program directory nothing runs.
    // Named with it: every other package in package.json that is not installed either.
    if (!sdkInReach(plan.programDir)) {
        const others = [...declaredPackages(plan.programDir)].filter(p => p !== "@pulumi/pulumi" && !installed(plan.programDir, p));
        const missing = ["@pulumi/pulumi", ...others].sort();
        throw missingDependencies(plan, missing, undefined);
    }
    // With no `main`, run.ts takes the entry point from the nearest package.json, even one above the project
    // (a program folder without its own package.json inside another package would run that package's main).
    const outside = entryOutsideProject(plan);
    if (outside) {
        throw new ProgramRunError(rootDir,
            `cannot run: it has no package.json of its own, so Pulumi would run ${displayPath(outside.entry)}, the entry point ` +
            `of ${displayPath(outside.manifest)}, outside the program. Give the program a package.json, or set \`main\` in Pulumi.yaml.`);
    }

    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-preview-"));
    const outFile = path.join(tempDir, "result.json");
    const spec: HostSpec = {
        programDir: plan.programDir, entryPoint: plan.entryPoint, rootDir, project: project.name, stack, outFile,
        signatures: { key: SIGNATURE_KEY, resourceReference: RESOURCE_REFERENCE_SIGNATURE },
    };
    // execRuntime: the runtime options travel as environment variables, `nodeargs` before the script.
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_NODEJS_PROJECT: project.name,
        PULUMI_NODEJS_STACK: stack,
        PULUMI_NODEJS_ROOT_DIRECTORY: rootDir,
    };
    if (plan.typescript) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (plan.tsconfig) {
        env.PULUMI_NODEJS_TSCONFIG_PATH = plan.tsconfig;
    }
    try {
        const args = [...plan.nodeArgs, hostScript(tempDir), JSON.stringify(spec)];
        let timedOut = false;
        const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            // Node.js starts in the program directory, where the engine starts the language host
            // (pkg/host/host.go LanguageRuntime, with the Pwd of pkg/engine/deployment.go) and run.ts chdirs.
            const child = spawn(process.execPath, args, { cwd: plan.programDir, stdio: ["ignore", "ignore", "pipe"], env });
            let err = "";
            child.stderr!.setEncoding("utf8").on("data", chunk => (err += chunk));
            const timer = setTimeout(() => {
                timedOut = true;
                child.kill("SIGKILL");
            }, RUN_TIMEOUT_MS);
            child.once("error", reject);
            child.once("close", exitCode => {
                clearTimeout(timer);
                resolve({ code: exitCode, stderr: err });
            });
        });
        const result: HostResult | undefined = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, "utf8")) : undefined;
        if (result?.ok && code === 0) {
            return { project: project.name, stack, programDir: rootDir, resources: result.resources };
        }
        if (result && !result.ok) {
            throw fromHostFailure(plan, result.failure, stderr);
        }
        if (timedOut) {
            throw new ProgramRunError(rootDir, `the program did not finish within ${RUN_TIMEOUT_MS / 1000} s and was stopped.`, stderr.trim());
        }
        // Node.js refused to start (a bad `nodeargs`), or the program ended the process itself.
        const firstLine = stderr.trim().split("\n").find(l => l.trim() !== "") ?? "no error output";
        throw new ProgramRunError(rootDir, `Node.js exited with code ${code} before the program finished: ${firstLine}`, stderr.trim());
    } finally {
        fs.rmSync(tempDir, { recursive: true, force: true });
    }
}

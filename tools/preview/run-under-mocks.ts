// Runs one Pulumi program under the SDK's mocks, in a child process of its own (the Pulumi runtime is
// process-global, so every program gets a fresh one), and captures every resource it registers the
// way the engine would see it: type, name, URN, parent and its inputs in wire form.
//
// This file is both the parent-side API (`runProgramUnderMocks`) and the child's entry point.

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SPECIAL_SIG_KEY } from "../analyzer/wire";

export const DEFAULT_STACK = "dev";
const RUN_TIMEOUT_MS = 120_000;
const STACK_TYPE = "pulumi:pulumi:Stack";
/** The wire signature of a resource reference (sdk/nodejs/runtime/rpc.ts specialResourceSig). */
const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

export interface CapturedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN; the stack's URN for top-level resources, as in the engine. */
    readonly parent: string;
    readonly custom: boolean;
    /** Inputs as they travel on the wire: secrets as envelopes, unknowns as the engine's sentinel. */
    readonly inputs: Record<string, unknown>;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
}

export interface CapturedProgram {
    readonly project: string;
    readonly stack: string;
    readonly programDir: string;
    readonly resources: CapturedResource[];
}

export class ProgramRunError extends Error {
    constructor(readonly programDir: string, detail: string) {
        super(`Running ${programDir} under mocks failed: ${detail}`);
        this.name = "ProgramRunError";
    }
}

/** The project name from the program's Pulumi.yaml (or Pulumi.yml). */
export function readProjectName(programDir: string): string {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map(f => path.join(programDir, f)).find(f => fs.existsSync(f));
    if (!file) {
        throw new ProgramRunError(programDir, "no Pulumi.yaml in the directory");
    }
    const yaml: typeof import("js-yaml") = require("js-yaml");
    const project = yaml.load(fs.readFileSync(file, "utf8")) as { name?: unknown } | undefined;
    if (!project || typeof project.name !== "string" || project.name === "") {
        throw new ProgramRunError(programDir, `${path.basename(file)} has no name`);
    }
    return project.name;
}

export function stackUrn(stack: string, project: string): string {
    return `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${project}-${stack}`;
}

/**
 * The engine's URN rule: a child's type is qualified with its parent's full qualified type
 * (`Parent$Child`, `Grandparent$Parent$Child`), except under the stack itself.
 */
export function childUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parentUrn) {
        const parentType = parentUrn.split("::")[2];
        if (parentType !== undefined && parentType !== STACK_TYPE) {
            qualified = `${parentType}$${type}`;
        }
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Runs the program in `programDir` in a fresh child process and returns what it registered. */
export async function runProgramUnderMocks(programDir: string, opts: { stack?: string } = {}): Promise<CapturedProgram> {
    const dir = path.resolve(programDir);
    const project = readProjectName(dir);
    const stack = opts.stack ?? DEFAULT_STACK;
    const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-preview-")), "captured.json");
    // Run as TypeScript through ts-node when this file is TypeScript, as plain JS once compiled to bin/.
    const nodeArgs = __filename.endsWith(".ts") ? ["-r", require.resolve("ts-node/register/transpile-only")] : [];
    try {
        const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            const child = spawn(process.execPath, [...nodeArgs, __filename, dir, project, stack, outFile], {
                cwd: dir,
                stdio: ["ignore", "ignore", "pipe"],
                env: { ...process.env, PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stack },
            });
            let err = "";
            child.stderr!.setEncoding("utf8").on("data", chunk => (err += chunk));
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                err += `\n(killed after ${RUN_TIMEOUT_MS} ms)`;
            }, RUN_TIMEOUT_MS);
            child.once("error", reject);
            child.once("close", exitCode => {
                clearTimeout(timer);
                resolve({ code: exitCode, stderr: err });
            });
        });
        if (code !== 0 || !fs.existsSync(outFile)) {
            throw new ProgramRunError(dir, `exit code ${code}\n${stderr.trim()}`);
        }
        const resources = JSON.parse(fs.readFileSync(outFile, "utf8")) as CapturedResource[];
        return { project, stack, programDir: dir, resources };
    } finally {
        fs.rmSync(path.dirname(outFile), { recursive: true, force: true });
    }
}

// ---------------------------------------------------------------- child side

/** Plain JSON in wire form: resource references become the id (custom) or URN the engine sends analyzers. */
function wireJson(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(wireJson);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SPECIAL_SIG_KEY] === RESOURCE_REFERENCE_SIG) {
            return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, wireJson(v)]));
    }
    return value;
}

async function childMain(programDir: string, project: string, stack: string, outFile: string): Promise<void> {
    // The program's own copy of the SDK must get the mocks, wherever it resolves @pulumi/pulumi from.
    const fromProgram = (id: string) => require(require.resolve(id, { paths: [programDir, __dirname] }));
    const pulumi: typeof import("@pulumi/pulumi") = fromProgram("@pulumi/pulumi");
    const settings = fromProgram("@pulumi/pulumi/runtime/settings");

    await pulumi.runtime.setMocks({
        newResource: args => ({ id: `${args.name}_id`, state: args.inputs }),
        call: args => args.inputs,
    }, project, stack, false);

    const captured: CapturedResource[] = [];
    const monitor = settings.getMonitor();
    const topParent = stackUrn(stack, project);
    // Replace the mock monitor's URN rule (it qualifies with the parent's last type only) with the engine's.
    monitor.newUrn = (parent: string, type: string, name: string) => childUrn(stack, project, parent, type, name);
    const originalRegister = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, res?: any) => void) => {
        originalRegister(req, (err: unknown, res?: any) => {
            if (!err && res) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                    propertyDependencies[key] = deps.getUrnsList();
                });
                captured.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: res.getUrn(),
                    parent: req.getParent() || topParent,
                    custom: req.getCustom(),
                    // The raw request object is what the engine receives: secrets and unknowns keep their wire form.
                    inputs: wireJson(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                });
            }
            callback(err, res);
        });
    };

    const tsNode = fromProgram("ts-node");
    if (!(process as any)[Symbol.for("ts-node.register.instance")]) {
        tsNode.register({ transpileOnly: true, skipProject: true, compilerOptions: { module: "commonjs", target: "ES2020" } });
    }
    // Like run-policy-pack and the nodejs language host: an exported function is called and awaited.
    const exported = require(programDir);
    await (typeof exported === "function" ? exported() : exported);
    await settings.waitForRPCs();
    fs.writeFileSync(outFile, JSON.stringify(captured));
}

if (require.main === module) {
    const [programDir, project, stack, outFile] = process.argv.slice(2);
    childMain(programDir, project, stack, outFile).then(
        () => process.exit(0),
        error => {
            process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
            process.exit(1);
        },
    );
}

// The child process that runs one Node.js Pulumi program under the SDK's mocks, the way Pulumi's Node.js
// language host runs it (sdk/nodejs/cmd/run/run.ts in github:pulumi/pulumi), and records every resource
// it registers as the engine would see it.
//
// This file is started on its own (`node [nodeargs] program-host.js <spec>`), so it imports nothing but
// Node's built-ins: when the preview runs from TypeScript sources, this file alone is transpiled to
// JavaScript for the child, and no TypeScript compiler of ours is registered in the child's process.
// The program's TypeScript is compiled by the ts-node and typescript the program's own SDK finds, with
// the options Pulumi gives them, and nothing else.

import * as fs from "fs";
import * as path from "path";
import * as url from "url";
import { createRequire, register } from "module";

/** What the parent tells the child; one JSON argument. */
export interface HostSpec {
    /** The program directory: `main` when it is a directory or its parent when a file, else the project root. */
    readonly programDir: string;
    /** "." for the program directory, or a file name in it (pkg/engine/project.go getPwdMain). */
    readonly entryPoint: string;
    /** The project root, where Pulumi.yaml is. */
    readonly rootDir: string;
    readonly project: string;
    readonly stack: string;
    /** Where the result (a HostResult) is written. */
    readonly outFile: string;
    /**
     * The wire's signature key and a resource reference's signature (lib/wire-signatures.ts): this script
     * imports only Node built-ins, so it is told them.
     */
    readonly signatures: { readonly key: string; readonly resourceReference: string };
}

export interface CapturedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN; the stack's URN for top-level resources, as in the engine. */
    readonly parent: string;
    readonly custom: boolean;
    /** Inputs as they travel on the wire: secrets as envelopes, unknowns as the engine's sentinel. */
    readonly inputs: Record<string, unknown>;
    /** What the mocks returned for the resource (its state), in the same wire form. */
    readonly outputs: Record<string, unknown>;
    /** The id the mocks gave a custom resource ("" for components). */
    readonly id: string;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
}

/** Why a program could not run, sorted so the parent can say what to do about it. */
export type HostFailure =
    /** A package the program (or one of its packages) imports is not installed. */
    | { readonly cause: "missing-package"; readonly packages: string[]; readonly requiredBy?: string; readonly detail: string }
    /** The entry point itself is not there. */
    | { readonly cause: "missing-entry-point"; readonly entryPoint: string; readonly detail: string }
    /** TypeScript or JavaScript that does not compile: the message says where, no stack needed. */
    | { readonly cause: "compile"; readonly message: string; readonly detail: string }
    /** Anything else the program threw. */
    | { readonly cause: "program"; readonly message: string; readonly detail: string };

export type HostResult =
    | { readonly ok: true; readonly resources: CapturedResource[] }
    | { readonly ok: false; readonly failure: HostFailure };

const STACK_TYPE = "pulumi:pulumi:Stack";

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
        // The parent's qualified type (urn.go QualifiedType). lib/urn.ts parseUrn is the pack's URN reader, but
        // this file imports only built-ins (above); the URNs cut here are the ones this host made.
        const parentType = parentUrn.split("::")[2];
        if (parentType !== undefined && parentType !== STACK_TYPE) {
            qualified = `${parentType}$${type}`;
        }
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Plain JSON in wire form: resource references become the id (custom) or URN the engine sends analyzers. */
export function wireJson(value: unknown, signatures: HostSpec["signatures"]): unknown {
    if (Array.isArray(value)) {
        return value.map(v => wireJson(v, signatures));
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[signatures.key] === signatures.resourceReference) {
            return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, wireJson(v, signatures)]));
    }
    return value;
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`); undefined for paths and built-ins. */
export function packageOfSpecifier(specifier: string): string | undefined {
    if (specifier === "" || specifier.startsWith(".") || path.isAbsolute(specifier) || /^[a-z]+:/i.test(specifier)) {
        return undefined;
    }
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

// Node compiles `import()` into `require()` in CommonJS output; run.ts uses the same indirection to keep a
// real dynamic import for ES module programs.
// eslint-disable-next-line no-eval
const dynamicImport: (specifier: string) => Promise<any> = (0, eval)("u => import(u)");

/** Nearest package.json (or pnpm's package.yaml) at or above `dir` (sdk/nodejs/runtime/manifest.ts searchupPackageManifest). */
function searchupPackageManifest(dir: string): string | undefined {
    for (let current = dir; ; current = path.dirname(current)) {
        for (const name of ["package.json", "package.yaml"]) {
            if (fs.existsSync(path.join(current, name))) {
                return path.join(current, name);
            }
        }
        if (path.dirname(current) === current) {
            return undefined;
        }
    }
}

function readJson(file: string): Record<string, any> {
    try {
        const value = JSON.parse(fs.readFileSync(file, "utf8"));
        return value !== null && typeof value === "object" ? value : {};
    } catch {
        return {};
    }
}

/**
 * The program path and its package.json, as run.ts computes them: with no `main` in Pulumi.yaml the entry
 * point comes from the nearest package.json's `exports`, then `main` (resolveEntrypoint), else the directory.
 */
export function resolveProgram(programDir: string, entryPoint: string): { program: string; packageRoot: string; packageObject: Record<string, any>; fromManifest?: string } {
    const program = path.join(programDir, entryPoint);
    // run.ts npmPackageRootFromProgramPath: from the program's folder (the program itself when it is one).
    const manifest = searchupPackageManifest(entryPoint === "." ? programDir : path.dirname(program));
    const packageRoot = manifest ? path.dirname(manifest) : programDir;
    // run.ts reads package.yaml too; its fields are rarely used for this, and YAML would need a parser here.
    const packageObject = manifest?.endsWith(".json") ? readJson(manifest) : {};
    if (entryPoint !== ".") {
        return { program, packageRoot, packageObject };
    }
    const exported = packageObject.exports;
    const fromPackage = (entry: unknown) => {
        if (typeof entry !== "string") {
            return undefined;
        }
        const candidate = path.join(packageRoot, entry);
        return fs.existsSync(candidate) ? candidate : undefined;
    };
    let entry: string | undefined;
    if (typeof exported === "string") {
        entry = fromPackage(exported);
    } else if (exported !== null && typeof exported === "object") {
        const main = exported["."];
        entry = typeof main === "string" ? fromPackage(main)
            : main !== null && typeof main === "object" ? fromPackage(main.default || main.require || main.import) : undefined;
    } else if (packageObject.main) {
        entry = fromPackage(packageObject.main);
    }
    return entry ? { program: entry, packageRoot, packageObject, fromManifest: manifest } : { program, packageRoot, packageObject };
}

/** Which TypeScript compiler and ts-node the program's SDK uses (sdk/nodejs/tsutils.ts typeScriptRequireStrings). */
function typeScriptRequireStrings(sdkRequire: NodeRequire, sdkDir: string): { typescriptRequire: string; tsnodeRequire: string } {
    const found = (id: string) => {
        try {
            sdkRequire.resolve(id);
            return true;
        } catch {
            return false;
        }
    };
    return {
        typescriptRequire: found("typescript") ? "typescript" : path.join(sdkDir, "vendor", "typescript@3.8.3", "typescript.js"),
        tsnodeRequire: found("ts-node") ? "ts-node" : path.join(sdkDir, "vendor", "ts-node@7.0.1"),
    };
}

/** `x.y.z` compared with a minimum version. */
function versionAtLeast(version: string, minimum: [number, number, number], strictlyGreater = false): boolean {
    const parts = version.split(/[.-]/).slice(0, 3).map(n => parseInt(n, 10));
    for (let i = 0; i < 3; i++) {
        if ((parts[i] ?? 0) !== minimum[i]) {
            return (parts[i] ?? 0) > minimum[i];
        }
    }
    return !strictlyGreater;
}

/**
 * Registers TypeScript support exactly as run.ts does when PULUMI_NODEJS_TYPESCRIPT is "true": the tsconfig
 * at PULUMI_NODEJS_TSCONFIG_PATH (default tsconfig.json, relative to the program directory) if it exists,
 * else no project at all (skipProject, pulumi/pulumi#1772) and these defaults: target ES2020, module and
 * moduleResolution nodenext (commonjs/node before TypeScript 4.7), source maps. The tsconfig's own
 * compilerOptions win over the defaults. Type-checking stays on unless PULUMI_NODEJS_TRANSPILE_ONLY says
 * otherwise or the tsconfig sets noCheck. ES module packages (`"type": "module"`) get ts-node's ESM hooks
 * through the SDK's own cmd/run/hooks.js.
 */
function registerTypeScript(sdkRequire: NodeRequire, sdkDir: string, packageObject: Record<string, any>): void {
    const defaultTsConfigPath = "tsconfig.json";
    const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? defaultTsConfigPath;
    const skipProject = !fs.existsSync(tsConfigPath);
    if (skipProject && tsConfigPath !== defaultTsConfigPath) {
        throw Object.assign(new Error(`tsconfig path was set to ${tsConfigPath} but the file was not found`), { stack: undefined });
    }
    const { typescriptRequire, tsnodeRequire } = typeScriptRequireStrings(sdkRequire, sdkDir);
    const ts = sdkRequire(typescriptRequire);
    // sdk/nodejs/tsutils.ts loadTypeScriptCompilerOptions: a tsconfig that cannot be read counts as none.
    let compilerOptions: Record<string, unknown> = {};
    try {
        const text = fs.readFileSync(tsConfigPath, "utf8");
        compilerOptions = ts.parseConfigFileTextToJson(tsConfigPath, text).config?.compilerOptions ?? {};
    } catch {
        compilerOptions = {};
    }
    const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck as boolean | undefined;
    const options: Record<string, unknown> = {
        compiler: typescriptRequire,
        transpileOnly,
        project: tsConfigPath,
        skipProject,
        compilerOptions: {},
    };
    const tsVersion = String(ts.version ?? "0.0.0");
    const hasLoaders = process.execArgv.find(arg => arg === "--loader" || arg === "--import" || arg === "--require");
    let tsNodeEsm: string | undefined;
    try {
        tsNodeEsm = sdkRequire.resolve("ts-node/esm");
    } catch {
        tsNodeEsm = undefined;
    }
    if (packageObject.type === "module" && versionAtLeast(tsVersion, [4, 7, 0], true) && !hasLoaders && tsNodeEsm) {
        options.compilerOptions = { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions };
        register(url.pathToFileURL(path.join(sdkDir, "cmd", "run", "hooks.js")).href, url.pathToFileURL(__filename), { data: options });
    } else {
        const useNodeNext = versionAtLeast(tsVersion, [4, 7, 0]);
        options.compilerOptions = {
            target: "ES2020",
            module: useNodeNext ? "nodenext" : "commonjs",
            moduleResolution: useNodeNext ? "nodenext" : "node",
            sourceMap: "true",
            ...compilerOptions,
        };
        sdkRequire(tsnodeRequire).register(options);
    }
}

/** Loads the program like run.ts: `import()` for ES module packages, `require` of the file or folder otherwise. */
async function loadProgram(program: string, packageObject: Record<string, any>): Promise<unknown> {
    if (packageObject.type === "module") {
        let mainPath = fs.realpathSync(path.resolve(program));
        if (fs.lstatSync(mainPath).isDirectory()) {
            const index = ["index.js", "index.mjs", "index.ts", "index.mts"].find(f => fs.existsSync(path.join(mainPath, f)));
            if (!index) {
                throw new Error(`No entrypoint found in ${mainPath}`);
            }
            mainPath = path.join(mainPath, index);
        }
        let exported = await dynamicImport(url.pathToFileURL(mainPath).href);
        if (Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
            if (Object.keys(exported).length !== 1) {
                throw new Error("expected entrypoint module to have either a default export or named exports but not both");
            }
            exported = exported.default;
        }
        return exported;
    }
    // A folder is required with a trailing "/", so that an adjacent .json file is not picked instead.
    const target = fs.existsSync(program) && fs.lstatSync(program).isDirectory() && !program.endsWith("/") ? `${program}/` : program;
    return require(target);
}

function errorDetail(error: unknown): string {
    return error instanceof Error ? error.stack ?? error.message : String(error);
}

/** Is `specifier` resolvable from `fromFile`, as Node would resolve it at run time? */
function resolvable(specifier: string, fromFile: string): boolean {
    try {
        createRequire(fromFile).resolve(specifier);
        return true;
    } catch (error) {
        // A package whose `exports` hides the path is installed all the same.
        return (error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND";
    }
}

/** Is the package in a node_modules folder at or above the file's folder, where Node.js looks for it? */
function packageInstalled(pkg: string, fromFile: string | undefined): boolean {
    if (!fromFile) {
        return false;
    }
    for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "node_modules", pkg, "package.json"))) {
            return true;
        }
        if (path.dirname(dir) === dir) {
            return false;
        }
    }
}

/** Sorts a failure into what the user should do about it. */
export function classifyFailure(error: unknown, program: string): HostFailure {
    const detail = errorDetail(error);
    if (!(error instanceof Error)) {
        return { cause: "program", message: String(error), detail };
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "MODULE_NOT_FOUND") {
        // Node: "Cannot find module 'x'\nRequire stack:\n- <requiring file>\n- ...".
        const specifier = /Cannot find module '([^']+)'/.exec(error.message)?.[1] ?? "";
        const requiredBy = ((error as { requireStack?: string[] }).requireStack ?? [])[0];
        const pkg = packageOfSpecifier(specifier);
        // A path the installed package does not have is the program's mistake, not a missing install.
        if (pkg && !packageInstalled(pkg, requiredBy)) {
            return { cause: "missing-package", packages: [pkg], requiredBy, detail };
        }
        if (specifier === "" || path.resolve(specifier) === path.resolve(program)) {
            return { cause: "missing-entry-point", entryPoint: specifier || program, detail };
        }
        return { cause: "program", message: error.message.split("\n")[0], detail };
    }
    if (code === "ERR_MODULE_NOT_FOUND") {
        // ES modules: "Cannot find package 'x' imported from /path/file.js" (or "Cannot find module '/path' ...").
        const match = /Cannot find (package|module) '([^']+)' imported from (.+)$/m.exec(error.message);
        const pkg = match && match[1] === "package" ? packageOfSpecifier(match[2]) : undefined;
        if (pkg && !packageInstalled(pkg, match![3].trim())) {
            return { cause: "missing-package", packages: [pkg], requiredBy: match![3].trim(), detail };
        }
        return { cause: "program", message: error.message.split("\n")[0], detail };
    }
    if (error.name === "TSError") {
        // Type-checking reports a package that is not installed as TS2307; only those Node cannot resolve
        // either are missing packages, the rest (a package without type declarations) is a compile error.
        const diagnostics = (error as { diagnostics?: { code: number; messageText: unknown; file?: { fileName: string } }[] }).diagnostics ?? [];
        const missing = new Set<string>();
        let requiredBy: string | undefined;
        for (const d of diagnostics) {
            const text = typeof d.messageText === "string" ? d.messageText : "";
            const specifier = d.code === 2307 ? /Cannot find module '([^']+)'/.exec(text)?.[1] : undefined;
            const pkg = specifier ? packageOfSpecifier(specifier) : undefined;
            if (pkg && d.file && !resolvable(specifier!, d.file.fileName) && !packageInstalled(pkg, d.file.fileName)) {
                missing.add(pkg);
                requiredBy ??= d.file.fileName;
            }
        }
        if (missing.size > 0) {
            return { cause: "missing-package", packages: [...missing], requiredBy, detail };
        }
        return { cause: "compile", message: error.message.replace(/^⨯ Unable to compile TypeScript:\s*/, ""), detail };
    }
    if (error.name === "SyntaxError") {
        // run.ts hides the stack frames of a SyntaxError: the first lines of its stack say where it is.
        const stack = error.stack ?? error.message;
        const at = stack.indexOf(error.message);
        return { cause: "compile", message: at >= 0 ? stack.slice(0, at + error.message.length) : error.message, detail };
    }
    return { cause: "program", message: `${error.name}: ${error.message}`, detail };
}

async function hostMain(spec: HostSpec): Promise<HostResult> {
    let program = path.join(spec.programDir, spec.entryPoint);
    try {
        // run.ts: `process.chdir(pwd)`; the process was started there already.
        process.chdir(spec.programDir);
        // The language host runs the SDK the program directory resolves (pulumi-language-nodejs locateModule);
        // the parent checked that there is one. Its copy of the runtime is the one that gets the mocks.
        const fromProgram = createRequire(path.join(spec.programDir, "noop.js"));
        const sdkPackageJson = fromProgram.resolve("@pulumi/pulumi/package.json");
        const sdkDir = path.dirname(sdkPackageJson);
        const sdkRequire = createRequire(sdkPackageJson);
        const pulumi = sdkRequire("./index.js");
        const settings = sdkRequire("./runtime/settings.js");

        await pulumi.runtime.setMocks({
            newResource: (args: { name: string; inputs: unknown }) => ({ id: `${args.name}_id`, state: args.inputs }),
            call: (args: { inputs: unknown }) => args.inputs,
        }, spec.project, spec.stack, false);

        const captured: CapturedResource[] = [];
        const monitor = settings.getMonitor();
        const topParent = stackUrn(spec.stack, spec.project);
        // Replace the mock monitor's URN rule (it qualifies with the parent's last type only) with the engine's.
        monitor.newUrn = (parent: string, type: string, name: string) => childUrn(spec.stack, spec.project, parent, type, name);
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
                        inputs: wireJson(req.getObject()?.toJavaScript() ?? {}, spec.signatures) as Record<string, unknown>,
                        outputs: wireJson(res.getObject()?.toJavaScript() ?? {}, spec.signatures) as Record<string, unknown>,
                        id: res.getId() ?? "",
                        dependencies: req.getDependenciesList(),
                        propertyDependencies,
                    });
                }
                callback(err, res);
            });
        };

        const resolved = resolveProgram(spec.programDir, spec.entryPoint);
        program = resolved.program;
        if (process.env.PULUMI_NODEJS_TYPESCRIPT === "true") {
            registerTypeScript(sdkRequire, sdkDir, resolved.packageObject);
        }
        // Like run.ts: an exported function is called, and whatever the program gives back is awaited.
        const exported = await loadProgram(program, resolved.packageObject);
        await (exported instanceof Function ? exported() : exported);
        await settings.waitForRPCs();
        return { ok: true, resources: captured };
    } catch (error) {
        return { ok: false, failure: classifyFailure(error, program) };
    }
}

if (require.main === module) {
    const spec = JSON.parse(process.argv[2]) as HostSpec;
    const finish = (result: HostResult) => {
        fs.writeFileSync(spec.outFile, JSON.stringify(result));
        process.exit(result.ok ? 0 : 1);
    };
    // A program that throws outside the awaited chain (a rejected promise nobody awaits) fails the run,
    // as run.ts's uncaught-error handlers make it fail under Pulumi.
    const onUncaught = (error: unknown) => finish({ ok: false, failure: classifyFailure(error, spec.programDir) });
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
    hostMain(spec).then(finish, onUncaught);
}

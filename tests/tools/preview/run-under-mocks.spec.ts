// How a program directory becomes a Node.js run, without running anything: Pulumi.yaml's runtime and
// main (sdk/go/common/workspace/project.go, pkg/engine/project.go getPwdMain), the language host's
// runtime options (sdk/nodejs/cmd/pulumi-language-nodejs/main.go parseOptions), its package manager
// (sdk/nodejs/npm/manager.go ResolvePackageManager) and run.ts's entry point from package.json.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { classifyFailure, packageOfSpecifier, resolveProgram } from "../../../tools/preview/program-host";
import {
    installCommand, MissingDependencyError, planNodeRun, ProgramRunError, readPulumiProject, runProgramUnderMocks, splitShellWords, UnsupportedRuntimeError,
} from "../../../tools/preview/run-under-mocks";

function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

describe("tools/preview run-under-mocks: from Pulumi.yaml to a Node.js run", () => {
    const dirs: string[] = [];
    const make = (files: Record<string, string>) => {
        const dir = project(files);
        dirs.push(dir);
        return dir;
    };
    after(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

    it("reads the runtime as a name or as {name, options}, and rejects anything else", () => {
        assert.deepStrictEqual(readPulumiProject(make({ "Pulumi.yaml": "name: a\nruntime: nodejs\n" })).options, {});
        const withOptions = readPulumiProject(make({ "Pulumi.yml": "name: b\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n" }));
        assert.strictEqual(withOptions.runtime, "nodejs");
        assert.deepStrictEqual(withOptions.options, { typescript: false });
        assert.throws(() => readPulumiProject(make({ "Pulumi.yaml": "name: c\nruntime: [nodejs]\n" })),
            /runtime section must be a string or an object with name and options attributes/);
        assert.throws(() => readPulumiProject(make({ "Pulumi.yaml": "runtime: nodejs\n" })), /has no name/);
    });

    for (const runtime of ["yaml", "python", "go", "dotnet", "java"]) {
        it(`refuses a ${runtime} program before starting anything, naming the runtime and both ways out`, async () => {
            const dir = make({ "Pulumi.yaml": `name: p\nruntime: ${runtime}\n` });
            await assert.rejects(runProgramUnderMocks(dir, { packDir: "/packs/client-certs" }), (error: Error) => {
                assert.ok(error instanceof UnsupportedRuntimeError);
                assert.strictEqual(error.runtime, runtime);
                assert.match(error.message, new RegExp(`the "${runtime}" runtime`));
                assert.match(error.message, /pulumi stack export --file stack\.json.*npm run preview -- stack\.json/);
                assert.match(error.message, /pulumi preview --policy-pack \/packs\/client-certs/);
                assert.match(error.message, /pulumi policy analyze --policy-pack \/packs\/client-certs --stack <stack>/);
                assert.ok(!error.message.includes("\n"));
                return true;
            });
        });
    }

    it("main: a folder becomes the program directory, a file its folder plus the entry point", () => {
        const dir = make({ "Pulumi.yaml": "name: a\nruntime: nodejs\n", "infra/index.ts": "", "src/app.js": "" });
        const plan = (main?: string) => planNodeRun(dir, { ...readPulumiProject(dir), main });
        assert.deepStrictEqual([plan().programDir, plan().entryPoint], [dir, "."]);
        assert.deepStrictEqual([plan("infra/").programDir, plan("infra/").entryPoint], [path.join(dir, "infra"), "."]);
        assert.deepStrictEqual([plan("src/app.js").programDir, plan("src/app.js").entryPoint], [path.join(dir, "src"), "app.js"]);
        assert.throws(() => plan("nowhere"), /project 'main' could not be read: ENOENT/);
    });

    it("runtime options: typescript defaults to true, each option is type-checked as the language host does", () => {
        const dir = make({ "Pulumi.yaml": "name: a\nruntime: nodejs\n" });
        const base = readPulumiProject(dir);
        const plan = (options: Record<string, unknown>, runtime = "nodejs") => planNodeRun(dir, { ...base, runtime, options });
        assert.strictEqual(plan({}).typescript, true);
        assert.strictEqual(plan({ typescript: false }).typescript, false);
        assert.strictEqual(plan({ tsconfig: "tsconfig.pulumi.json" }).tsconfig, "tsconfig.pulumi.json");
        assert.deepStrictEqual(plan({ nodeargs: "--max-old-space-size=4096 --require './a b.js'" }).nodeArgs,
            ["--max-old-space-size=4096", "--require", "./a b.js"]);
        assert.throws(() => plan({ typescript: "yes" }), /typescript option must be a boolean/);
        assert.throws(() => plan({ nodeargs: ["--a"] }), /nodeargs option must be a string/);
        assert.throws(() => plan({ packagemanager: "cargo" }), /packagemanager option must be one of auto, npm, yarn, pnpm or bun/);
        // bun compiles TypeScript itself and ignores tsconfig and nodeargs.
        const bun = plan({ typescript: false, nodeargs: "--inspect", tsconfig: "x.json" }, "bun");
        assert.deepStrictEqual([bun.typescript, bun.nodeArgs, bun.tsconfig], [true, [], undefined]);
    });

    it("splits nodeargs like a shell", () => {
        assert.deepStrictEqual(splitShellWords(`  -r "./x y.js" --title='a "b"' c\\ d ""`), ["-r", "./x y.js", "--title=a \"b\"", "c d", ""]);
        assert.throws(() => splitShellWords(`-r "x`), /unclosed " quote/);
    });

    it("the install command follows the packagemanager option, else the lock file, else npm", () => {
        const dir = make({ "Pulumi.yaml": "name: a\nruntime: nodejs\n", "package.json": "{}" });
        const plan = planNodeRun(dir, readPulumiProject(dir));
        assert.deepStrictEqual(installCommand(plan), { command: "npm install", dir });
        assert.strictEqual(installCommand(plan, ["@pulumi/random"]).command, "npm install @pulumi/random");
        assert.strictEqual(installCommand({ ...plan, packageManager: "pnpm" }, ["x"]).command, "pnpm add x");
        fs.writeFileSync(path.join(dir, "yarn.lock"), "");
        assert.strictEqual(installCommand(plan).command, "yarn install");
    });

    it("entry point: package.json exports, then main, else the folder; a package.json above the project is detected", () => {
        const dir = make({
            "package.json": JSON.stringify({ main: "bin/index.js" }),
            "bin/index.js": "",
            "app/Pulumi.yaml": "name: a\nruntime: nodejs\n",
            "app/index.ts": "",
            "exp/package.json": JSON.stringify({ exports: { ".": { require: "./src/main.js" } }, main: "ignored.js" }),
            "exp/src/main.js": "",
        });
        const above = resolveProgram(path.join(dir, "app"), ".");
        assert.strictEqual(above.program, path.join(dir, "bin", "index.js"));
        assert.strictEqual(above.fromManifest, path.join(dir, "package.json"));
        assert.strictEqual(resolveProgram(path.join(dir, "exp"), ".").program, path.join(dir, "exp", "src", "main.js"));
        assert.strictEqual(resolveProgram(path.join(dir, "app"), "index.ts").program, path.join(dir, "app", "index.ts"));
    });

    it("refuses a program whose package.json-less folder would run another package's entry point", async () => {
        const dir = make({
            "package.json": JSON.stringify({ main: "bin/index.js" }),
            "bin/index.js": "",
            "node_modules/@pulumi/pulumi/package.json": "{}",
            "node_modules/@pulumi/pulumi/cmd/run/index.js": "",
            "app/Pulumi.yaml": "name: a\nruntime: nodejs\n",
            "app/index.ts": "",
        });
        await assert.rejects(runProgramUnderMocks(path.join(dir, "app")), (error: Error) => {
            assert.ok(error instanceof ProgramRunError);
            assert.match(error.message, /no package\.json of its own, so Pulumi would run \S+bin\/index\.js, the entry point of \S+package\.json, outside the program/);
            return true;
        });
    });

    it("names the SDK when it is not in reach of the program, with the other packages package.json lists", async () => {
        const dir = make({
            "Pulumi.yaml": "name: a\nruntime: nodejs\n",
            "package.json": JSON.stringify({ dependencies: { "@pulumi/pulumi": "*", "left-pad": "*" }, devDependencies: { "is-installed": "*" } }),
            "node_modules/is-installed/package.json": "{}",
            // A package folder without the SDK's runner is not an SDK the language host can run.
            "node_modules/@pulumi/pulumi/package.json": "{}",
            "index.js": "",
        });
        await assert.rejects(runProgramUnderMocks(dir), (error: Error) => {
            assert.ok(error instanceof MissingDependencyError);
            assert.deepStrictEqual(error.packages, ["@pulumi/pulumi", "left-pad"]);
            assert.strictEqual(error.message, `cannot run: packages '@pulumi/pulumi', 'left-pad' are not installed. Run \`npm install\` in ${dir}, then try again.`);
            return true;
        });
    });

    it("nodeargs go to Node.js itself: a flag it does not know is its own one-line error", async () => {
        const dir = make({
            "Pulumi.yaml": "name: a\nruntime:\n  name: nodejs\n  options:\n    nodeargs: --no-such-node-flag\n",
            "package.json": "{}",
            "node_modules/@pulumi/pulumi/package.json": "{}",
            "node_modules/@pulumi/pulumi/cmd/run/index.js": "",
            "index.js": "",
        });
        await assert.rejects(runProgramUnderMocks(dir), /^ProgramRunError: Node\.js exited with code \d+ before the program finished: .*bad option: --no-such-node-flag$/);
    });

    it("sorts failures: missing packages, a missing entry point, compile errors, program errors", () => {
        assert.strictEqual(packageOfSpecifier("@pulumi/azure-native/web"), "@pulumi/azure-native");
        assert.strictEqual(packageOfSpecifier("lodash/fp"), "lodash");
        assert.strictEqual(packageOfSpecifier("./local"), undefined);
        assert.strictEqual(packageOfSpecifier("node:fs"), undefined);
        const notFound = (specifier: string, stack: string[]) =>
            Object.assign(new Error(`Cannot find module '${specifier}'\nRequire stack:\n- ${stack.join("\n- ")}`), { code: "MODULE_NOT_FOUND", requireStack: stack });
        const missing = notFound("@pulumi/random", ["/p/index.js"]);
        assert.deepStrictEqual(classifyFailure(missing, "/p"),
            { cause: "missing-package", packages: ["@pulumi/random"], requiredBy: "/p/index.js", detail: missing.stack });
        assert.strictEqual(classifyFailure(notFound("/p/", ["/host.js"]), "/p").cause, "missing-entry-point");
        // An installed package without the path the program asks for: the program's mistake, not an install.
        const subpath = notFound("@pulumi/pulumi/no-such-module", [path.join(__dirname, "program.js")]);
        assert.deepStrictEqual(classifyFailure(subpath, "/p"),
            { cause: "program", message: "Cannot find module '@pulumi/pulumi/no-such-module'", detail: subpath.stack });
        const esm = Object.assign(new Error("Cannot find package '@pulumi/random' imported from /p/index.mjs"), { code: "ERR_MODULE_NOT_FOUND" });
        assert.deepStrictEqual((classifyFailure(esm, "/p") as { packages: string[] }).packages, ["@pulumi/random"]);
        const tsError = Object.assign(new Error("⨯ Unable to compile TypeScript:\nindex.ts(1,1): error TS2322: nope"), { name: "TSError", diagnostics: [] });
        assert.deepStrictEqual([classifyFailure(tsError, "/p").cause, (classifyFailure(tsError, "/p") as { message: string }).message],
            ["compile", "index.ts(1,1): error TS2322: nope"]);
        assert.strictEqual(classifyFailure(new TypeError("x is undefined"), "/p").cause, "program");
    });
});

// Programs as users have them (tests/fixtures/programs): run the way Pulumi's Node.js language host runs
// them and judged, or refused with exit code 2 and a message that says what to do instead.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadProgram } from "../../../tools/preview/inputs";
import { REPO_ROOT, runCliCaptured, TIMEOUT_MS } from "./helpers";

const PROGRAMS = path.join(REPO_ROOT, "tests", "fixtures", "programs");

interface JsonStack {
    project: string;
    violating: { name: string; type: string; diagnostics: { policyName: string; enforcementLevel: string }[] }[];
    compliant: { name: string }[];
}

async function judge(program: string): Promise<{ stacks: JsonStack[]; stderr: string; code: number }> {
    const { stdout, stderr, code } = await runCliCaptured(["--format", "json", path.join(PROGRAMS, program)]);
    return { stacks: JSON.parse(stdout).stacks, stderr, code };
}

const names = (list: { name: string }[]) => list.map(r => r.name).sort();

/** The program copied to a fresh folder outside the repository, where no node_modules is in reach. */
function copyOutside(program: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-uninstalled-"));
    fs.cpSync(path.join(PROGRAMS, program), dir, { recursive: true });
    return dir;
}

/** Node.js resolution from `dir` finds the package (in a node_modules folder at or above it). */
function resolvableFrom(dir: string, pkg: string): boolean {
    try {
        require.resolve(`${pkg}/package.json`, { paths: [dir] });
        return true;
    } catch {
        return false;
    }
}

describe("tools/preview programs as users have them", function () {
    this.timeout(TIMEOUT_MS * 2);

    it("a JavaScript program (index.js) runs as it is and its violation is reported", async () => {
        const { stacks, code } = await judge("javascript");
        assert.strictEqual(code, 1);
        assert.strictEqual(stacks[0].project, "javascript-apps");
        assert.deepStrictEqual(names(stacks[0].violating), ["js-app-optional"]);
        assert.deepStrictEqual(names(stacks[0].compliant), ["js-app-required"]);
        assert.deepStrictEqual(stacks[0].violating[0].diagnostics.map(d => `${d.policyName}:${d.enforcementLevel}`),
            ["azure-app-service-require-client-certificates:mandatory"]);
    });

    it("each resource of a program carries what the mocks returned for it (outputs) next to its inputs", async () => {
        const subject = await loadProgram({ source: "javascript", dir: path.join(PROGRAMS, "javascript") }, "dev");
        const app = subject.resources.find(r => r.name === "js-app-optional")!;
        const plan = subject.resources.find(r => r.name === "plan")!;
        assert.strictEqual(app.inputs.clientCertMode, "Optional");
        // The mocks return the inputs as the state and `<name>_id` as the id; a reference to the plan is its id.
        assert.strictEqual(app.outputs?.clientCertMode, "Optional");
        assert.strictEqual(app.inputs.serverFarmId, "plan_id");
        assert.strictEqual(app.outputs?.serverFarmId, "plan_id");
        assert.deepStrictEqual(plan.outputs, plan.inputs);
    });

    it("a TypeScript program without tsconfig.json runs with Pulumi's default compiler options", async () => {
        // The repository's own tsconfig.json sits above the program; Pulumi ignores it (skipProject).
        assert.ok(!fs.existsSync(path.join(PROGRAMS, "typescript-no-tsconfig", "tsconfig.json")));
        const { stacks, code, stderr } = await judge("typescript-no-tsconfig");
        assert.strictEqual(code, 1, stderr);
        assert.deepStrictEqual(names(stacks[0].violating), ["ts-app-disabled"]);
        assert.deepStrictEqual(names(stacks[0].compliant), ["ts-app-required"]);
    });

    it("TypeScript is type-checked as under Pulumi; PULUMI_NODEJS_TRANSPILE_ONLY=true skips the check there and here", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-typecheck-"));
        const previous = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: typecheck-apps\nruntime: nodejs\n");
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "typecheck-apps", main: "index.ts" }));
            fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
            fs.writeFileSync(path.join(dir, "index.ts"), [
                `import * as pulumi from "@pulumi/pulumi";`,
                `class WebApp extends pulumi.CustomResource {`,
                `    constructor(name: string, props: pulumi.Inputs) { super("azure-native:web:WebApp", name, props); }`,
                `}`,
                `const retries: number = "three";`,
                `new WebApp("typed-app", { clientCertEnabled: false, httpsOnly: true, retries });`,
            ].join("\n"));
            delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
            const checked = await runCliCaptured([dir]);
            assert.strictEqual(checked.code, 2);
            assert.match(checked.stderr, /: the program does not compile:\nindex\.ts\(5,7\): error TS2322: Type 'string' is not assignable to type 'number'\./);
            assert.doesNotMatch(checked.stderr, /\n\s+at /);
            process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
            const transpiled = await runCliCaptured(["--format", "json", dir]);
            assert.strictEqual(transpiled.code, 1, transpiled.stderr);
            assert.deepStrictEqual(names(JSON.parse(transpiled.stdout).stacks[0].violating), ["typed-app"]);
        } finally {
            if (previous === undefined) {
                delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
            } else {
                process.env.PULUMI_NODEJS_TRANSPILE_ONLY = previous;
            }
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("`main` in a subfolder runs infra/ as the program, with the nodeargs runtime option honoured", async () => {
        const { stacks, code, stderr } = await judge("main-subfolder");
        assert.strictEqual(code, 1, stderr);
        assert.strictEqual(stacks[0].project, "main-subfolder-apps");
        // The app's name comes from the script nodeargs preloads: "sub-app-not-preloaded" if it was ignored.
        assert.deepStrictEqual(names(stacks[0].violating), ["sub-app-preloaded"]);
        assert.strictEqual(stacks[0].violating[0].type, "azure-native:web:WebApp");
    });

    it("a YAML program is refused with exit code 2, naming its runtime and the two ways to judge it", async () => {
        const { stdout, stderr, code } = await runCliCaptured([path.join(PROGRAMS, "yaml")]);
        assert.strictEqual(code, 2);
        const lines = stderr.trim().split("\n");
        assert.strictEqual(lines.length, 1, stderr);
        assert.match(lines[0], /^error: .*yaml: is a Pulumi program in the "yaml" runtime, and only Node\.js programs \(runtime nodejs\) can run here/);
        assert.match(lines[0], /`pulumi stack export --file stack\.json` and run `npm run preview -- stack\.json`/);
        assert.match(lines[0], /`pulumi preview --policy-pack \S+`/);
        assert.match(lines[0], /`pulumi policy analyze --policy-pack \S+ --stack <stack>`/);
        assert.doesNotMatch(stdout + stderr, /TSError|TS\d{4}|\n\s+at /);
    });

    describe("a program without its dependencies installed", () => {
        let dir: string;
        beforeEach(() => {
            dir = copyOutside("no-dependencies");
            // The copy must really be out of reach of this repository's node_modules.
            assert.ok(!resolvableFrom(dir, "@pulumi/pulumi") && !resolvableFrom(dir, "@pulumi/azure-native"),
                `${dir} resolves packages from a node_modules above it`);
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("is refused with exit code 2 and one line naming the missing packages and `npm install`", async () => {
            const { stderr, code } = await runCliCaptured([dir]);
            assert.strictEqual(code, 2);
            assert.strictEqual(stderr.trim().split("\n").length, 1, stderr);
            assert.match(stderr, /cannot run: packages '@pulumi\/azure-native', '@pulumi\/pulumi' are not installed\. Run `npm install` in \S+, then try again\./);
            assert.doesNotMatch(stderr, /\n\s+at |Require stack/);
        });

        it("with only the SDK installed, names the package the program imports (type-checked and transpile-only)", async () => {
            fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
            fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(dir, "node_modules", "@pulumi", "pulumi"), "dir");
            const expected = /^error: \S+: cannot run: package '@pulumi\/azure-native' is not installed \(imported by index\.ts\)\. Run `npm install` in \S+, then try again\.$/;
            const previous = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
            try {
                for (const transpileOnly of [undefined, "true"]) {
                    // TypeScript reports the import as TS2307 when it type-checks; Node.js as MODULE_NOT_FOUND when not.
                    if (transpileOnly === undefined) {
                        delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
                    } else {
                        process.env.PULUMI_NODEJS_TRANSPILE_ONLY = transpileOnly;
                    }
                    const { stderr, code } = await runCliCaptured([dir]);
                    assert.strictEqual(code, 2);
                    assert.match(stderr.trim(), expected, `transpile-only ${transpileOnly}`);
                }
            } finally {
                if (previous === undefined) {
                    delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
                } else {
                    process.env.PULUMI_NODEJS_TRANSPILE_ONLY = previous;
                }
            }
        });

        it("--verbose adds the stack trace", async () => {
            fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
            fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(dir, "node_modules", "@pulumi", "pulumi"), "dir");
            const previous = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
            process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
            try {
                const { stderr, code } = await runCliCaptured(["--verbose", dir]);
                assert.strictEqual(code, 2);
                assert.match(stderr, /package '@pulumi\/azure-native' is not installed/);
                assert.match(stderr, /Cannot find module '@pulumi\/azure-native\/web'\nRequire stack:/);
            } finally {
                if (previous === undefined) {
                    delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
                } else {
                    process.env.PULUMI_NODEJS_TRANSPILE_ONLY = previous;
                }
            }
        });
    });
});

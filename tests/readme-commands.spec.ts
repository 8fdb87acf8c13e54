// The README's commands stay true: every command in its shell blocks is in the "What tests each command" table,
// every test the table names exists, every `npm run` script it mentions is in package.json; and the commands no
// other spec runs are run here (`npm run preview -- --help`, a short soak).
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../tools/preview/cli";

const REPO = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** The command lines of the README's bash blocks, comments and continuation lines left out. */
function shownCommands(): string[] {
    const commands: string[] = [];
    for (const block of README.matchAll(/```bash\n([\s\S]*?)```/g)) {
        let continued = false;
        for (const raw of block[1].split("\n")) {
            const line = raw.replace(/\s+#.*$/, "").trim();
            if (line !== "" && !line.startsWith("#") && !continued) {
                // `(cd dist && pulumi policy publish <org>)` shows the pulumi command.
                commands.push(line.replace(/^\(cd [^&]+&&\s*/, "").replace(/\)$/, ""));
            }
            continued = raw.trimEnd().endsWith("\\");
        }
    }
    return commands;
}

function tableRows(): { commands: string[]; testedBy: string }[] {
    const section = README.split("## What tests each command")[1]?.split(/\n## /)[0] ?? "";
    return section.split("\n")
        .filter(line => line.startsWith("| `"))
        .map(line => {
            const [, first, testedBy] = line.split("|");
            return { commands: [...first.matchAll(/`([^`]+)`/g)].map(m => m[1]), testedBy };
        });
}

describe("README: every command shown is tested", () => {
    const rows = tableRows();

    it("has the table", () => {
        assert.ok(rows.length >= 10, `rows: ${rows.length}`);
    });

    it("lists every command of the shell blocks", () => {
        const keys = rows.flatMap(r => r.commands);
        const missing = shownCommands().filter(command => !keys.some(key => command.startsWith(key) || command.replace(/^CI=true /, "").startsWith(key.replace(/^CI=true /, ""))));
        assert.deepStrictEqual(missing, []);
    });

    it("names only tests that exist", () => {
        const named = rows.flatMap(r => [...r.testedBy.matchAll(/`((?:tests|examples)\/[^`]+)`/g)].map(m => m[1]));
        assert.ok(named.length >= 10, named.join(", "));
        assert.deepStrictEqual(named.filter(file => !fs.existsSync(path.join(REPO, file))), []);
    });

    it("mentions only npm scripts that package.json defines", () => {
        const mentioned = [...new Set([...README.matchAll(/npm run ([a-z][a-z:-]*)/g)].map(m => m[1]))];
        assert.ok(mentioned.includes("exceptions") && mentioned.includes("publishable"), mentioned.join(", "));
        assert.deepStrictEqual(mentioned.filter(name => SCRIPTS[name] === undefined), []);
    });

    it("npm run preview -- --help prints the usage and exits 0", async () => {
        let out = "";
        const code = await runCli(["--help"], { stdout: t => (out += t), stderr: () => undefined });
        assert.strictEqual(code, 0);
        assert.match(out, /^Usage: npm run preview/);
    });

    it("npm run soak, shortened, serves every call without an error", function () {
        this.timeout(120_000);
        const out = execFileSync(process.execPath, [
            require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(REPO, "tools", "soak", "soak.ts"),
            "--calls", "300", "--stack", "300", "--concurrency", "4", "--sample-every", "50",
        ], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        assert.match(out, /^errors:\s+0$/m, out);
    });
});

// The README's machine-readable forms, run as a new user runs them: through npm, whose banner goes to stdout.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, TIMEOUT_MS } from "./helpers";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const EXPORT = path.join(REPO_ROOT, "tests", "fixtures", "stack-exports", "v4-show-secrets.json");

describe("tools/preview through npm: clean machine-readable output", function () {
    this.timeout(TIMEOUT_MS);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-npm-"));
        fs.mkdirSync(path.join(dir, "exports"));
        fs.copyFileSync(EXPORT, path.join(dir, "exports", "prod.json"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("`npm run preview -- --format json --output out.json exports/` writes valid JSON", () => {
        const out = path.join(dir, "out.json");
        const run = spawnSync(NPM, ["run", "preview", "--", "--format", "json", "--output", out, path.join(dir, "exports")],
            { cwd: REPO_ROOT, encoding: "utf8" });
        assert.strictEqual(run.status, 1, run.stderr);
        // npm's banner is on stdout; the report is not.
        assert.match(run.stdout, /> .*preview/);
        const report = JSON.parse(fs.readFileSync(out, "utf8"));
        assert.strictEqual(report.exitCode, 1);
        assert.deepStrictEqual(report.stacks.map((s: { stack: string }) => s.stack), ["prod"]);
    });

    it("`npm run --silent preview -- --format json` leaves stdout to the report alone", () => {
        const run = spawnSync(NPM, ["run", "--silent", "preview", "--", "--format", "json", path.join(dir, "exports")],
            { cwd: REPO_ROOT, encoding: "utf8" });
        assert.strictEqual(run.status, 1, run.stderr);
        assert.strictEqual(JSON.parse(run.stdout).stacks[0].project, "webshop");
    });

    it("relative paths are read from where npm was run, not the package root", () => {
        fs.rmSync(path.join(dir, "out.json"), { force: true });
        const run = spawnSync(NPM, ["--prefix", REPO_ROOT, "run", "--silent", "preview", "--", "--format", "json", "--output", "out.json", "exports"],
            { cwd: dir, encoding: "utf8" });
        assert.strictEqual(run.status, 1, run.stderr);
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")).stacks[0].source, path.join("exports", "prod.json"));
        assert.ok(!fs.existsSync(path.join(REPO_ROOT, "out.json")));
    });
});

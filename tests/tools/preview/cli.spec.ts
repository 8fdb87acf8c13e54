// The preview command end to end, in-process (its programs and the pack still run as child processes).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseUrn } from "../../../tools/preview/inputs";
import { EXAMPLES, runCliCaptured, TIMEOUT_MS } from "./helpers";

const EXPORTS = path.join(EXAMPLES, "stack-exports");

describe("tools/preview cli", function () {
    this.timeout(TIMEOUT_MS);

    it("audits a directory of stack exports, and reports the malformed one with a clear error (exit 2)", async () => {
        const { stdout, stderr, code } = await runCliCaptured([EXPORTS]);
        assert.strictEqual(code, 2);
        assert.match(stderr, /malformed\.json: is not JSON .*expected the output of `pulumi stack export`/);
        assert.match(stderr, /\[1\/3\] .*malformed\.json/);
        // orders-func, a function app by its kind, is judged: kind is a label.
        assert.match(stdout, /Summary: webshop\/prod: 8 resources, 5 judged: 4 violating/);
        assert.match(stdout, /Summary: webshop\/staging: 4 resources, 2 judged: 1 violating/);
        // The versioned token and the slot are judged like any other app; the encrypted secret is denied.
        assert.match(stdout, /\[mandatory\] {2}azure-app-service-require-client-certificates {2}\(azure-native:web\/v20220901:WebApp: legacy-api\)/);
        assert.match(stdout, /\(azure-native:web:WebAppSlot: storefront-staging\)/);
        assert.match(stdout, /clientCertMode is "\[encrypted secret/);
    });

    it("exits 1 when only violations, not input errors, were found", async () => {
        const { code } = await runCliCaptured([path.join(EXPORTS, "prod.json"), path.join(EXPORTS, "staging.json")]);
        assert.strictEqual(code, 1);
    });

    it("rejects an unknown export version and names the known one", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-spec-"));
        try {
            const file = path.join(dir, "v4.json");
            fs.writeFileSync(file, JSON.stringify({ version: 4, deployment: { resources: [] } }));
            const { stderr, code } = await runCliCaptured([file]);
            assert.strictEqual(code, 2);
            assert.match(stderr, /has stack export version 4; known versions: 3/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("without a path, judges the bundled examples and exits non-zero", async () => {
        const { stdout, code } = await runCliCaptured([]);
        assert.strictEqual(code, 1);
        assert.match(stdout, /Policies:\n {4}❌ azure-app-service-client-certificates@v\d+\.\d+\.\d+ \(local: /);
        assert.match(stdout, /- \[mandatory\] {2}azure-app-service-require-client-certificates {2}\(azure-native:web:WebApp: app-disabled\)/);
        assert.match(stdout, /Summary: compliant-apps\/dev: .* 0 violating/);
        assert.match(stdout, /Summary: noncompliant-apps\/dev: 12 resources, 9 judged: 8 violating/);
        assert.match(stdout, /Summary: migration-apps\/dev: .* 3 exempt/);
        assert.match(stdout, /exemptions: examples\/migration\/exemptions\.yaml \(in a temporary copy of the pack\)/);
    });

    it("--format json lists compliant, violating and exempt resources per stack", async () => {
        const { stdout, code } = await runCliCaptured(["--format", "json", path.join(EXPORTS, "prod.json"), path.join(EXAMPLES, "migration")]);
        assert.strictEqual(code, 1);
        const report = JSON.parse(stdout);
        assert.strictEqual(report.exitCode, 1);
        const prod = report.stacks.find((s: { stack: string }) => s.stack === "prod");
        const names = (list: { name: string }[]) => list.map(r => r.name).sort();
        // orders-func, a function app by its kind, is judged by default (kind is a label).
        assert.deepStrictEqual(names(prod.violating), ["admin", "legacy-api", "orders-func", "storefront-staging"]);
        assert.deepStrictEqual(names(prod.compliant), ["storefront"]);
        assert.deepStrictEqual(names(prod.outOfScope), []);
        assert.strictEqual(prod.violating[0].diagnostics[0].enforcementLevel, "mandatory");
        assert.ok(parseUrn(prod.violating[0].urn));
        const migration = report.stacks.find((s: { project: string }) => s.project === "migration-apps");
        assert.deepStrictEqual(names(migration.exempt), ["legacy-partner-api", "legacy-reports", "legacy-reports-staging"]);
        assert.strictEqual(migration.exempt[0].exemptions[0].category, "mitigated");
    });

    it("--format markdown gives a per-stack table", async () => {
        const { stdout } = await runCliCaptured(["--format", "markdown", path.join(EXPORTS, "staging.json")]);
        assert.match(stdout, /^# Policy report: /);
        assert.match(stdout, /## webshop\/staging/);
        assert.match(stdout, /\| violating \| 1 \| `admin` \|/);
        assert.match(stdout, /\| compliant \| 1 \| `storefront` \|/);
        assert.match(stdout, /\| `admin` \(azure-native:web:WebApp\) \| azure-app-service-require-client-certificates \| mandatory \|/);
    });

    it("--policy-pack-config turning the client-certificate policy advisory makes the exit code 0", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-spec-"));
        try {
            const config = path.join(dir, "advisory.json");
            fs.writeFileSync(config, JSON.stringify({ "azure-app-service-require-client-certificates": "advisory" }));
            const { stdout, code } = await runCliCaptured(["--policy-pack-config", config, path.join(EXAMPLES, "noncompliant")]);
            assert.strictEqual(code, 0);
            assert.match(stdout, /- \[advisory\] {2}azure-app-service-require-client-certificates {2}\(azure-native:web:WebApp: app-disabled\)/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("usage errors exit 2", async () => {
        assert.strictEqual((await runCliCaptured(["--format", "xml"])).code, 2);
        assert.strictEqual((await runCliCaptured(["--policy-pack-config", "/nonexistent/config.json"])).code, 2);
    });
});

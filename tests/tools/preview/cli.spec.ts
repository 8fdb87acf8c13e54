// The preview command end to end, in-process (its programs and the pack still run as child processes).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseUrn } from "../../../lib/urn";
import { EXAMPLES, REPO_ROOT, runCliCaptured, TIMEOUT_MS } from "./helpers";

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
        // catalog was changed outside Pulumi: compliant inputs, outputs without client certificates.
        assert.match(stdout, /Summary: webshop\/staging: 5 resources, 3 judged: 1 violating .* 1 advisory only/);
        assert.match(stdout, /\[advisory\] {2}azure-app-service-deployed-state {2}\(azure-native:web:WebApp: catalog\)\n.*clientCertEnabled is false\. This is drift/);
        // The versioned token and the slot are judged like any other app; the encrypted secret is denied.
        assert.match(stdout, /\[mandatory\] {2}azure-app-service-require-client-certificates {2}\(azure-native:web\/v20220901:WebApp: legacy-api\)/);
        assert.match(stdout, /\(azure-native:web:WebAppSlot: storefront-staging\)/);
        assert.match(stdout, /clientCertMode is "\[encrypted secret/);
    });

    it("exits 1 when only violations, not input errors, were found", async () => {
        const { code } = await runCliCaptured([path.join(EXPORTS, "prod.json"), path.join(EXPORTS, "staging.json")]);
        assert.strictEqual(code, 1);
    });

    it("rejects an unknown export version and names the known ones (1 to 4, as the CLI reads: pkg/resource/stack/deployment.go)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-spec-"));
        try {
            const file = path.join(dir, "v5.json");
            fs.writeFileSync(file, JSON.stringify({ version: 5, deployment: { resources: [] } }));
            const { stderr, code } = await runCliCaptured([file]);
            assert.strictEqual(code, 2);
            assert.match(stderr, /has stack export version 5: this stack's deployment version is too new; known versions: 1, 2, 3, 4/);
            const features = path.join(dir, "v4-features.json");
            fs.writeFileSync(features, JSON.stringify({ version: 4, features: ["hooks", "teleport"], deployment: { resources: [] } }));
            const unsupported = await runCliCaptured([features]);
            assert.strictEqual(unsupported.code, 2);
            assert.match(unsupported.stderr, /needs support for the following features: teleport/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("stack exports with the fidelity of `pulumi policy analyze --file`", () => {
        const FIXTURES = path.join(REPO_ROOT, "tests", "fixtures", "stack-exports");
        const fixture = (name: string) => path.join(FIXTURES, name);

        it("reads a version-4 --show-secrets export with a pending delete: secrets decoded, the deleted app skipped", async () => {
            const { stdout, code } = await runCliCaptured([fixture("v4-show-secrets.json")]);
            // mode-left-out violates (clientCertMode not set in its inputs) though its outputs read back "Required".
            assert.strictEqual(code, 1);
            assert.match(stdout, /Summary: webshop\/prod: 2 resources, 2 judged: 1 violating \(1 mandatory findings\).* 1 compliant/);
            assert.match(stdout, /\[mandatory\] {2}azure-app-service-require-client-certificates {2}\(azure-native:web:WebApp: mode-left-out\)\n.*\n.*clientCertMode is not set/);
            assert.match(stdout, /note: 1 resource\(s\) pending deletion \(delete: true\) skipped, as `pulumi policy analyze` skips them/);
            assert.match(stdout, /note: 1 secret\(s\) decoded from the --show-secrets export/);
            assert.ok(!stdout.includes("retired-app"), "a resource pending deletion is not judged");
            assert.ok(!stdout.includes("encrypted secret"), "a --show-secrets secret is decoded, not treated as encrypted");
        });

        it("regression: the exemptions report calls the entry in force, not stale, when only the outputs comply (exit 0)", async () => {
            const { stdout, code } = await runCliCaptured(["--format", "json", "--exemptions", fixture("exemptions.yaml"), fixture("v4-show-secrets.json")]);
            assert.strictEqual(code, 0);
            const prod = JSON.parse(stdout).stacks[0];
            assert.deepStrictEqual(prod.exempt.map((r: { name: string }) => r.name), ["mode-left-out"]);
            const report = prod.advisory.concat(prod.exempt).flatMap((r: { diagnostics?: { message: string }[] }) => r.diagnostics ?? [])
                .concat(prod.stackDiagnostics).map((d: { message: string }) => d.message);
            // In force, by default an item of the stack's summary line (findings: "actionable").
            assert.ok(report.some((m: string) => /^exemptions summary .*\(1 in force\): mode-left-out .* with no expiry, mitigated .*entry #1, ticket SEC-2001/.test(m)), report.join("\n"));
            assert.ok(!report.some((m: string) => /stale exemption/.test(m)), report.join("\n"));
        });

        it("denies an app whose setting is an encrypted secret, saying how to export it", async () => {
            const { stdout, code } = await runCliCaptured([fixture("v3-encrypted.json")]);
            assert.strictEqual(code, 1);
            assert.match(stdout, /clientCertMode is "\[encrypted secret: export with --show-secrets to judge it\]"/);
            assert.match(stdout, /note: 1 encrypted secret\(s\) cannot be judged offline.*`pulumi stack export --show-secrets --file <file>`/);
        });

        it("reads a version-1 export", async () => {
            const { stdout, code } = await runCliCaptured([fixture("v1-legacy.json")]);
            assert.strictEqual(code, 1);
            assert.match(stdout, /Summary: webshop\/legacy: 1 resources, 1 judged: 1 violating/);
        });

        it("labels each stack of a file that holds several", async () => {
            const { stdout, code } = await runCliCaptured(["--format", "markdown", fixture("two-stacks.json")]);
            assert.strictEqual(code, 1);
            assert.match(stdout, /## webshop\/dev\n\n.*\n\n- stack 1 of 2 in .*two-stacks\.json/);
            assert.match(stdout, /## webshop\/test\n\n.*\n\n- stack 2 of 2 in .*two-stacks\.json/);
            assert.match(stdout, /\| violating \| 1 \| `dev-api` \|/);
            assert.match(stdout, /\| compliant \| 1 \| `test-api` \|/);
        });

        it("shows what remediation would change, in every format, without applying it (as `policy analyze` does)", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-spec-"));
            try {
                const config = path.join(dir, "remediate.json");
                fs.writeFileSync(config, JSON.stringify({ "azure-app-service-require-client-certificates": "remediate" }));
                const args = ["--policy-pack-config", config, fixture("v4-show-secrets.json")];
                const human = await runCliCaptured(args);
                // Not applied: Analyze still sees the inputs, and the violation stands (remediate is reported as mandatory).
                assert.strictEqual(human.code, 1);
                assert.match(human.stdout, /Remediations:\n {8}- azure-native:web:WebApp: mode-left-out\n {10}azure-app-service-require-client-certificates would remediate \(not applied.*\): clientCertMode: \(not set\) → "Required"/);
                const json = JSON.parse((await runCliCaptured(["--format", "json", ...args])).stdout);
                const app = json.stacks[0].violating.find((r: { name: string }) => r.name === "mode-left-out");
                assert.deepStrictEqual(app.remediations, [{
                    policyName: "azure-app-service-require-client-certificates", applied: false, changes: [{ path: "clientCertMode", after: "Required" }],
                }]);
                const markdown = (await runCliCaptured(["--format", "markdown", ...args])).stdout;
                assert.match(markdown, /\| `mode-left-out` \| azure-app-service-require-client-certificates would remediate .*clientCertMode: \(not set\) → "Required" \|/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("accepts a config file with all, environments and exceptions, and says what it cannot apply", async () => {
            const { stdout, stderr, code } = await runCliCaptured(["--policy-pack-config", fixture("all-environments-exceptions.json"), fixture("v4-show-secrets.json")]);
            // "all": "advisory" turns the violation advisory.
            assert.strictEqual(code, 0);
            assert.match(stdout, /- \[advisory\] {2}azure-app-service-require-client-certificates {2}\(azure-native:web:WebApp: mode-left-out\)/);
            assert.match(stderr, /names ESC environments \(platform\/policy-config\).*cannot resolve ESC/);
            assert.match(stderr, /holds Pulumi policy exceptions \("exceptions"\).*this tool does not/);
        });

        it("--output writes clean JSON to the file and nothing to stdout", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-spec-"));
            try {
                const out = path.join(dir, "out.json");
                const { stdout, stderr, code } = await runCliCaptured(["--format", "json", "--output", out,
                    ...["v4-show-secrets.json", "v3-encrypted.json", "v1-legacy.json", "two-stacks.json"].map(fixture)]);
                assert.strictEqual(code, 1);
                assert.strictEqual(stdout, "");
                assert.match(stderr, /Report written to /);
                const report = JSON.parse(fs.readFileSync(out, "utf8"));
                assert.strictEqual(report.exitCode, 1);
                assert.deepStrictEqual(report.stacks.map((s: { stack: string }) => s.stack).sort(), ["dev", "legacy", "prod", "test", "uat"]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
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
        // The drifted app, in every format: its deployed-state finding makes it advisory.
        assert.match(stdout, /\| advisory \| 1 \| `catalog` \|/);
        assert.match(stdout, /\| `catalog` \(azure-native:web:WebApp\) \| azure-app-service-deployed-state \| advisory \| Deployed state of catalog /);
        const json = JSON.parse((await runCliCaptured(["--format", "json", path.join(EXPORTS, "staging.json")])).stdout);
        const [catalog] = json.stacks[0].advisory;
        assert.strictEqual(catalog.name, "catalog");
        assert.match(catalog.diagnostics[0].message, /clientCertEnabled is false\. This is drift/);
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

// The publishable folder (scripts/make-publishable.ts) on its own: it starts with its own node_modules, far from
// the repository's; its PulumiPolicy.yaml asks the CLI for a production install; and a version carries one
// exemptions.yaml only.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY, RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap } from "../../tools/analyzer/policy-pack-config";
import { packFiles, packSources } from "../../tools/pack-files";
import {
    checkVersionRecord,
    makePublishable,
    publishedPolicyProject,
    readVersionRecord,
    sha256,
    VERSION_RECORD_FILE,
} from "../../scripts/make-publishable";

const REPO = path.resolve(__dirname, "..", "..");

describe("packaging: PulumiPolicy.yaml as published", () => {
    it("asks for a production install and keeps the rest of the file", () => {
        const published = yaml.load(publishedPolicyProject("runtime: nodejs\ndescription: Client certificates everywhere\n")) as Record<string, unknown>;
        assert.deepStrictEqual(published, {
            runtime: { name: "nodejs", options: { production: true } },
            description: "Client certificates everywhere",
        });
    });

    it("keeps runtime options already set", () => {
        const published = yaml.load(publishedPolicyProject("runtime:\n  name: nodejs\n  options:\n    packagemanager: npm\n")) as { runtime: unknown };
        assert.deepStrictEqual(published.runtime, { name: "nodejs", options: { packagemanager: "npm", production: true } });
    });

    it("refuses another runtime", () => {
        assert.throws(() => publishedPolicyProject("runtime: python\n"), /python/);
    });

    it("leaves the repository's own file without the option, so that `pulumi install` there still installs TypeScript", () => {
        const own = yaml.load(fs.readFileSync(path.join(REPO, "PulumiPolicy.yaml"), "utf8")) as { runtime: unknown };
        const options = typeof own.runtime === "object" ? (own.runtime as { options?: Record<string, unknown> }).options : undefined;
        assert.notStrictEqual(options?.production, true);
    });
});

describe("packaging: one exemptions.yaml per version", () => {
    const list = "exemptions:\n  - urn: \"urn:pulumi:prod::shop::azure-native:web:WebApp::a\"\n    reason: r\n    category: mitigated\n";

    it("records a version the first time it is made publishable", () => {
        assert.deepStrictEqual(checkVersionRecord({}, "1.0.0", list), { "1.0.0": { exemptionsSha256: sha256(list) } });
    });

    it("accepts the same list again under the same version", () => {
        const record = { "1.0.0": { exemptionsSha256: sha256(list) } };
        assert.strictEqual(checkVersionRecord(record, "1.0.0", list), record);
    });

    it("refuses a changed list under a recorded version, and says to bump the version", () => {
        const record = { "1.0.0": { exemptionsSha256: sha256(list) } };
        assert.throws(() => checkVersionRecord(record, "1.0.0", list + "  # one more\n"),
            (error: Error) => /changed since version 1\.0\.0/.test(error.message) && /npm version patch/.test(error.message));
        assert.deepStrictEqual(Object.keys(checkVersionRecord(record, "1.0.1", list + "  # one more\n")), ["1.0.0", "1.0.1"]);
    });

    it("the repository's version is recorded with the repository's exemptions.yaml (bump the version when the list changes)", () => {
        const version = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
        const record = readVersionRecord(REPO);
        assert.ok(record[version], `${VERSION_RECORD_FILE} has no entry for version ${version}: run npm run publishable and commit it`);
        assert.doesNotThrow(() => checkVersionRecord(record, version, fs.readFileSync(path.join(REPO, "exemptions.yaml"), "utf8")));
    });
});

describe("packaging: the publishable folder starts on its own", function () {
    // Installing reuses the default npm cache (--prefer-offline); a fresh CI machine downloads instead.
    this.timeout(180_000);
    let work: string;
    let dist: string;
    let pack: RunningPack | undefined;

    before(function () {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "publishable-"));
        dist = path.join(work, "dist");
        makePublishable(REPO, dist, { install: true, preferOffline: true });
    });

    after(async () => {
        await pack?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("is far from any other node_modules: none in the folders above it", () => {
        for (let dir = path.dirname(dist); ; dir = path.dirname(dir)) {
            assert.ok(!fs.existsSync(path.join(dir, "node_modules")), `${dir} has a node_modules the pack could borrow from`);
            if (path.dirname(dir) === dir) {
                break;
            }
        }
    });

    it("resolves every runtime dependency inside its own node_modules", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        for (const name of Object.keys(pkg.dependencies)) {
            const resolved = require.resolve(`${name}/package.json`, { paths: [path.join(dist, "bin")] });
            assert.ok(resolved.startsWith(path.join(dist, "node_modules") + path.sep), `${name} resolves to ${resolved}`);
        }
        assert.ok(!fs.existsSync(path.join(dist, "node_modules", "typescript")), "a development dependency was installed");
    });

    it("holds package.json's files, and in bin/ only the JavaScript compiled from the pack's sources", () => {
        const listed = fs.readdirSync(dist).filter(f => !["node_modules", "npm-shrinkwrap.json"].includes(f)).sort();
        assert.deepStrictEqual(listed, [...packFiles(REPO)].sort());
        const shipped: string[] = [];
        const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach(e =>
            e.isDirectory() ? walk(path.join(dir, e.name)) : shipped.push(path.relative(dist, path.join(dir, e.name))));
        walk(path.join(dist, "bin"));
        assert.deepStrictEqual(shipped.sort(), packSources(REPO).map(s => s.compiled).sort());
        // The pack's sources are index.ts, lib/ and policies/: the tools and tests are never compiled into it.
        assert.deepStrictEqual([...new Set(packSources(REPO).map(s => s.source.split(path.sep)[0]))].sort(), ["index.ts", "lib", "policies"]);
    });

    it("ships PulumiPolicy.yaml with production: true", () => {
        const project = yaml.load(fs.readFileSync(path.join(dist, "PulumiPolicy.yaml"), "utf8")) as { runtime: unknown };
        assert.deepStrictEqual(project.runtime, { name: "nodejs", options: { production: true } });
    });

    it("starts under run-policy-pack, lists its policies and denies a non-compliant app", async () => {
        pack = await startPolicyPack(dist, { timeoutMs: 60_000 });
        const info = await pack.client.getAnalyzerInfo();
        const names = info.policies.map(p => p.name);
        for (const name of [...RESOURCE_POLICY_NAMES, EXEMPTIONS_REPORT_POLICY]) {
            assert.ok(names.includes(name), `${name} is not listed (policies: ${names.join(", ")})`);
        }
        await pack.client.configure(buildConfigureMap(info));
        const result = await pack.client.analyze({
            type: "azure-native:web:WebApp",
            name: "shop-api",
            properties: { name: "shop-api", resourceGroupName: "rg-shop", httpsOnly: true, clientCertEnabled: false },
        });
        assert.strictEqual(result.diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY).length, 1,
            JSON.stringify(result.diagnostics, null, 2));
    });
});

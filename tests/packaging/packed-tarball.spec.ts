// The pack as it is published and installed: made publishable (scripts/make-publishable.ts), packed with
// `npm pack` as `pulumi policy publish` does, unpacked, given the full `npm install` Pulumi runs where the
// pack is enforced, and started by run-policy-pack exactly as the CLI starts it. Catches a runtime import of
// a devDependency, a file left out of the package, or a build step that only works in the repository.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY, RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap } from "../../tools/analyzer/policy-pack-config";
import { makePublishable } from "../../scripts/make-publishable";
import { npmInstall, npmPack, unpack } from "../../bench/lib/packing";

const REPO = path.resolve(__dirname, "..", "..");

describe("packaging: the published tarball installs and serves", function () {
    // Installing reuses the default npm cache (--prefer-offline); a fresh CI machine downloads instead.
    this.timeout(180_000);
    let work: string;
    let installed: string;
    let published: { dependencies?: Record<string, string> };
    let pack: RunningPack | undefined;

    before(function () {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "packed-tarball-"));
        published = makePublishable(REPO, path.join(work, "dist"));
        const tarball = npmPack(path.join(work, "dist"), work, { preferOffline: true });
        installed = unpack(tarball, path.join(work, "installed"));
        npmInstall(installed, { preferOffline: true });
    });

    after(async () => {
        await pack?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("ships the compiled pack and its files, and depends on runtime packages only", () => {
        for (const file of ["bin/index.js", "PulumiPolicy.yaml", "exemptions.yaml", "package.json", "npm-shrinkwrap.json"]) {
            assert.ok(fs.existsSync(path.join(installed, file)), `${file} is missing from the package`);
        }
        assert.ok(!fs.existsSync(path.join(installed, "bin", "tools")), "the test harness is shipped");
        const deps = Object.keys(published.dependencies ?? {});
        assert.ok(deps.includes("@pulumi/policy") && deps.includes("@pulumi/pulumi"), deps.join(", "));
        for (const devOnly of ["@pulumi/azure-native", "typescript", "mocha", "fast-check", "ts-node"]) {
            assert.ok(!deps.includes(devOnly), `${devOnly} is a runtime dependency of the published pack`);
            assert.ok(!fs.existsSync(path.join(installed, "node_modules", devOnly)), `${devOnly} was installed with the pack`);
        }
    });

    it("starts under run-policy-pack and lists its policies", async () => {
        pack = await startPolicyPack(installed, { timeoutMs: 60_000 });
        const info = await pack.client.getAnalyzerInfo();
        assert.strictEqual(info.name, "azure-app-service-client-certificates");
        const names = info.policies.map(p => p.name);
        for (const name of [...RESOURCE_POLICY_NAMES, EXEMPTIONS_REPORT_POLICY]) {
            assert.ok(names.includes(name), `${name} is not listed (policies: ${names.join(", ")})`);
        }
        await pack.client.configure(buildConfigureMap(info));
    });

    it("denies a web app that does not require client certificates", async () => {
        assert.ok(pack, "the pack did not start");
        const result = await pack.client.analyze({
            type: "azure-native:web:WebApp",
            name: "shop-api",
            properties: { name: "shop-api", resourceGroupName: "rg-shop", httpsOnly: true, clientCertEnabled: false },
        });
        const denied = result.diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY);
        assert.strictEqual(denied.length, 1, JSON.stringify(result.diagnostics, null, 2));
        assert.strictEqual(denied[0].enforcementLevel, "mandatory");
    });

    it("passes a web app that requires them", async () => {
        assert.ok(pack, "the pack did not start");
        const result = await pack.client.analyze({
            type: "azure-native:web:WebApp",
            name: "shop-web",
            properties: { name: "shop-web", resourceGroupName: "rg-shop", httpsOnly: true, clientCertEnabled: true, clientCertMode: "Required" },
        });
        assert.deepStrictEqual(result.diagnostics.filter(d => d.policyName === CLIENT_CERTIFICATES_POLICY), []);
    });
});

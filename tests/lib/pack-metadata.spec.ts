import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CIS_AZURE_FOUNDATIONS,
    CIS_AZURE_FOUNDATIONS_VERSION,
    cisAzureFoundations,
    COMMON_POLICY_TAGS,
    PACK_METADATA,
    policyTags,
    repositoryOf,
} from "../../lib/pack-metadata";

describe("pack-metadata", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-metadata-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const withPackage = (pkg: unknown) => {
        fs.writeFileSync(path.join(dir, "package.json"), typeof pkg === "string" ? pkg : JSON.stringify(pkg));
        return repositoryOf(dir);
    };

    it("names the repository package.json declares, as a string or { url }, without git+", () => {
        assert.strictEqual(withPackage({ repository: "https://github.com/acme/pack" }), "https://github.com/acme/pack");
        assert.strictEqual(withPackage({ repository: { type: "git", url: "git+https://github.com/acme/pack.git" } }), "https://github.com/acme/pack.git");
    });

    it("names no repository it was not told about, and never throws", () => {
        assert.strictEqual(withPackage({ name: "pack" }), undefined);
        assert.strictEqual(withPackage({ repository: "  " }), undefined);
        assert.strictEqual(withPackage({ repository: { url: 42 } }), undefined);
        assert.strictEqual(withPackage("{ not json"), undefined);
        assert.strictEqual(repositoryOf(path.join(dir, "missing")), undefined);
    });

    it("files each policy under the CIS Azure Foundations Benchmark, with the pack's common tags first", () => {
        assert.deepStrictEqual(cisAzureFoundations("9.4", "spec"),
            { name: CIS_AZURE_FOUNDATIONS, version: CIS_AZURE_FOUNDATIONS_VERSION, reference: "9.4", specification: "spec" });
        assert.deepStrictEqual(policyTags("tls"), [...COMMON_POLICY_TAGS, "tls"]);
    });

    it("describes the pack for Pulumi Cloud", () => {
        assert.strictEqual(PACK_METADATA.provider, "azure");
        assert.match(PACK_METADATA.readme, /^# Azure App Service client certificates\n/);
        assert.ok(PACK_METADATA.tags.includes("client-certificates"));
    });
});

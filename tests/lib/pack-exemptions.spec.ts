import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExemptionSet } from "../../lib/exemption-set";
import { EXEMPTIONS_FILE_NAME } from "../../lib/exemptions-file";
import { PackExemptionsCache, packExemptions, packRoot } from "../../lib/pack-exemptions";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { NOW, URN } from "../helpers/exemptions";

const HTTPS_ONLY = "azure-app-service-require-https-only";
const FILE = `exemptions:\n  - {urn: "${URN}", reason: r, category: mitigated, policies: [${HTTPS_ONLY}]}\n`;

describe("the pack's exemptions", () => {
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "pack-exemptions-"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("reads the file once: a later change is not seen", () => {
        fs.writeFileSync(path.join(root, EXEMPTIONS_FILE_NAME), FILE);
        const cache = new PackExemptionsCache(root);
        const first = cache.get(RESOURCE_POLICY_NAMES);
        assert.strictEqual(first.entries.length, 1);
        fs.writeFileSync(path.join(root, EXEMPTIONS_FILE_NAME), "exemptions: []\n");
        assert.strictEqual(cache.get(RESOURCE_POLICY_NAMES), first);
        assert.strictEqual(cache.get(["some-other-policy"]).entries.length, 1, "another list still sees the file as first read");
    });

    it("gives the same set for the same policies, in any order, and its own set for other policies", () => {
        fs.writeFileSync(path.join(root, EXEMPTIONS_FILE_NAME), FILE);
        const cache = new PackExemptionsCache(root);
        const all = cache.get(RESOURCE_POLICY_NAMES);
        assert.strictEqual(cache.get([...RESOURCE_POLICY_NAMES].reverse()), all);
        assert.strictEqual(cache.get([...RESOURCE_POLICY_NAMES, ...RESOURCE_POLICY_NAMES]), all);
        assert.deepStrictEqual(all.problems(NOW), []);
        // Before the cache was keyed by the list, a later call got the first call's set whatever it passed.
        const others = cache.get(["azure-app-service-require-client-certificates"]);
        assert.notStrictEqual(others, all);
        assert.match(others.problems(NOW)[0]?.message ?? "", /names "azure-app-service-require-https-only", which is not a resource policy of this pack/);
        assert.strictEqual(others.decide(URN, HTTPS_ONLY, NOW, undefined, undefined).outcome, "rejected");
        assert.strictEqual(all.decide(URN, HTTPS_ONLY, NOW, undefined, undefined).outcome, "exempt");
    });

    it("takes a missing file for no exemption", () => {
        const set = new PackExemptionsCache(root).get(RESOURCE_POLICY_NAMES);
        assert.deepStrictEqual([set.entries, set.problems(NOW)], [[], []]);
    });

    it("fails closed on a file it cannot read, and says so", () => {
        fs.mkdirSync(path.join(root, EXEMPTIONS_FILE_NAME));
        const set = new PackExemptionsCache(root).get(RESOURCE_POLICY_NAMES);
        assert.deepStrictEqual(set.problems(NOW).map(p => p.message), ["exemptions.yaml cannot be read (EISDIR); no exemption is honoured"]);
    });

    it("reads the pack's own file, the same set on every call", () => {
        const set = packExemptions(RESOURCE_POLICY_NAMES);
        assert.strictEqual(packExemptions([...RESOURCE_POLICY_NAMES]), set);
        const shipped = ExemptionSet.parse(fs.readFileSync(path.join(packRoot(), EXEMPTIONS_FILE_NAME), "utf8"), RESOURCE_POLICY_NAMES);
        assert.deepStrictEqual([set.entries, set.problems(NOW)], [shipped.entries, shipped.problems(NOW)]);
    });

    it("finds the pack root from the code, not the working directory", () => {
        assert.strictEqual(packRoot(path.join(__dirname, "..", "..", "lib")), path.resolve(__dirname, "..", ".."));
        assert.strictEqual(packRoot(path.join(__dirname, "..", "..", "bin", "lib")), path.resolve(__dirname, "..", ".."));
    });
});

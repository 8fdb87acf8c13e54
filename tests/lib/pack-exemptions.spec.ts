import * as assert from "assert";
import * as path from "path";
import { packRoot } from "../../lib/pack-exemptions";

describe("the pack's exemptions", () => {
    it("finds the pack root from the code, not the working directory", () => {
        assert.strictEqual(packRoot(path.join(__dirname, "..", "..", "lib")), path.resolve(__dirname, "..", ".."));
        assert.strictEqual(packRoot(path.join(__dirname, "..", "..", "bin", "lib")), path.resolve(__dirname, "..", ".."));
    });
});

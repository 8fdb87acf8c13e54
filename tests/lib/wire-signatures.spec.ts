// The engine's markers, pinned against the installed SDKs that speak the same wire: @pulumi/pulumi's runtime
// (sdk/nodejs/runtime/rpc.ts) for the special-value signatures, and @pulumi/policy's proxy for the unknown
// sentinels it recognises (proxy.js, the same values as sdk/go/common/resource/plugin/rpc.go). An SDK that
// changed one would fail here before a secret or an unknown went unrecognised.
import * as assert from "assert";
import {
    ARCHIVE_SIGNATURE,
    ASSET_SIGNATURE,
    RESOURCE_REFERENCE_SIGNATURE,
    SECRET_SIGNATURE,
    SIGNATURE_KEY,
    UNKNOWN_SENTINELS,
    UNKNOWN_STRING,
} from "../../lib/wire-signatures";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const rpc = require("@pulumi/pulumi/runtime/rpc") as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;

describe("wire-signatures", () => {
    it("match @pulumi/pulumi's special-value signatures and its unknown", () => {
        assert.strictEqual(SIGNATURE_KEY, rpc.specialSigKey);
        assert.strictEqual(SECRET_SIGNATURE, rpc.specialSecretSig);
        assert.strictEqual(ASSET_SIGNATURE, rpc.specialAssetSig);
        assert.strictEqual(ARCHIVE_SIGNATURE, rpc.specialArchiveSig);
        assert.strictEqual(RESOURCE_REFERENCE_SIGNATURE, rpc.specialResourceSig);
        assert.strictEqual(UNKNOWN_STRING, rpc.unknownValue);
    });

    it("list exactly the unknown sentinels @pulumi/policy recognises, each once", () => {
        const sdk = Object.entries(proxy).filter(([name, value]) => /^unknown[A-Z]\w*Value$/.test(name) && typeof value === "string")
            .map(([, value]) => value as string);
        assert.ok(sdk.length >= 7, sdk.join(", "));
        assert.deepStrictEqual([...UNKNOWN_SENTINELS].sort(), [...sdk].sort());
        assert.strictEqual(new Set(UNKNOWN_SENTINELS).size, UNKNOWN_SENTINELS.length);
    });
});

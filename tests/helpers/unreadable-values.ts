// Values the engine can send that @pulumi/policy 1.21's deserializer throws on (tests/lib/policy-sdk-guard.spec.ts
// pins that), shared by the unit, protocol and property tests.
import { ARCHIVE_SIG, ASSET_SIG, secret, SECRET_SIG, SPECIAL_SIG_KEY } from "../../tools/analyzer/wire";

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
export const hashOnlyAsset = { [SPECIAL_SIG_KEY]: ASSET_SIG, hash: EMPTY_SHA256 };

/** Each value makes the SDK's own deserializer throw (tests/lib/policy-sdk-guard.spec.ts pins that). */
export const UNREADABLE_VALUES: readonly [label: string, value: unknown][] = [
    ["a hash-only asset (an empty StringAsset)", hashOnlyAsset],
    ["an asset with empty text", { [SPECIAL_SIG_KEY]: ASSET_SIG, hash: EMPTY_SHA256, text: "" }],
    ["a hash-only archive", { [SPECIAL_SIG_KEY]: ARCHIVE_SIG, hash: EMPTY_SHA256 }],
    ["an archive holding a hash-only asset", { [SPECIAL_SIG_KEY]: ARCHIVE_SIG, assets: { "index.html": hashOnlyAsset } }],
    ["an archive holding a plain string", { [SPECIAL_SIG_KEY]: ARCHIVE_SIG, assets: { "index.html": "<html>" } }],
    ["a secret with ciphertext only", { [SPECIAL_SIG_KEY]: SECRET_SIG, ciphertext: "v1:abc" }],
    ["a secret around a hash-only asset", secret(hashOnlyAsset)],
    ["a resource reference", { [SPECIAL_SIG_KEY]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:dev::p::t::n" }],
    ["an output value", { [SPECIAL_SIG_KEY]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: "x" }],
    ["a signature that is a number", { [SPECIAL_SIG_KEY]: 7 }],
];

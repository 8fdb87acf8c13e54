// The engine's markers for special property values, in one place for the pack and its tools.
//
// A special value (secret, asset, archive, resource reference) is an object whose SIGNATURE_KEY holds its
// signature (sdk/go/common/resource/sig/sig.go; sdk/nodejs/runtime/rpc.ts specialSigKey). A value unknown
// during preview is one of the unknown sentinels (sdk/go/common/resource/plugin/rpc.go, UnknownBoolValue to
// UnknownObjectValue; the policy SDK's proxy recognises them on access).

export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIGNATURE = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIGNATURE = "0def7320c3a5731c473e5ecbe6d01bc7";
export const RESOURCE_REFERENCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e";

/** The string unknown (rpc.go UnknownStringValue): the one tools send, and the one an error names for any value. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Every unknown sentinel: bool, number, string, array, asset, archive, object (rpc.go). */
export const UNKNOWN_SENTINELS: readonly string[] = [
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN_STRING,
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

import * as assert from "assert";
import {
    isSecretEnvelope,
    nameFromUrn,
    resourceUrn,
    secret,
    toJsonValue,
    UNKNOWN,
} from "../../../tools/analyzer/wire";

describe("tools/analyzer wire", () => {
    it("encodes secrets as the engine's signature envelope", () => {
        assert.deepStrictEqual(secret({ a: 1 }), {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value: { a: 1 },
        });
        assert.ok(isSecretEnvelope(secret(1)));
        assert.ok(!isSecretEnvelope({ value: 1 }));
    });

    it("uses the engine's unknown sentinel", () => {
        assert.strictEqual(UNKNOWN, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    });

    it("derives URNs and names", () => {
        assert.strictEqual(resourceUrn("a:b:C", "n"), "urn:pulumi:dev::example::a:b:C::n");
        assert.strictEqual(resourceUrn("a:b:C", "n", { stack: "s", project: "p" }), "urn:pulumi:s::p::a:b:C::n");
        assert.strictEqual(nameFromUrn("urn:pulumi:s::p::a:b:C::my-name"), "my-name");
    });

    it("takes a name that holds :: whole, as the engine does (urn.go Name)", () => {
        assert.strictEqual(nameFromUrn("urn:pulumi:s::p::a:b:C::api::v2"), "api::v2");
        assert.strictEqual(nameFromUrn("urn:pulumi:s::p::my:c:P$a:b:C::child"), "child");
    });

    it("normalises values for protobuf Struct with JSON semantics", () => {
        assert.deepStrictEqual(toJsonValue({ a: undefined, b: [undefined, 1], c: { d: null } }), { b: [null, 1], c: { d: null } });
        assert.throws(() => toJsonValue({ f: () => 1 }), /\$\.f: function cannot be sent/);
        assert.throws(() => toJsonValue({ n: NaN }), /non-finite/);
    });
});

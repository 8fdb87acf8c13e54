import * as assert from "assert";
import { UnknownValueError } from "@pulumi/policy";
import { isObject, isOpaque, literalNode, member, ownValue, Unresolvable } from "../../lib/arm-nodes";
import { EncryptedSecret, Unknown } from "../../lib/observed-values";
import { UNKNOWN } from "../../tools/analyzer/wire";

describe("arm-nodes", () => {
    describe("member", () => {
        it("finds a property without regard to case, and names the path it took", () => {
            const found = member(member(literalNode({ Properties: { ClientCertEnabled: true } }, ""), "properties"), "clientCertEnabled");
            assert.strictEqual(found.value, true);
            assert.strictEqual(found.path, "properties.clientCertEnabled");
        });

        it("makes two spellings of one name unresolvable, rather than guessing which one Azure applies", () => {
            const found = member(literalNode({ httpsOnly: true, HttpsOnly: false }, "properties"), "httpsOnly");
            assert.ok(found.value instanceof Unresolvable);
            assert.strictEqual(found.value.what, "\"HttpsOnly\" and \"httpsOnly\"");
            assert.strictEqual(found.value.path, "properties.httpsOnly");
        });

        it("indexes arrays by number only, and quotes keys that are not identifiers in the path", () => {
            const list = literalNode(["a", "b"], "resources");
            assert.strictEqual(member(list, 1).value, "b");
            assert.strictEqual(member(list, 1).path, "resources[1]");
            assert.strictEqual(member(list, "1").value, undefined);
            assert.strictEqual(member(literalNode({ "a-b": 1 }, "x"), "a-b").path, "x[\"a-b\"]");
        });

        it("finds nothing inside a value that is not an object, and keeps the node's scope", () => {
            assert.strictEqual(member(literalNode("text", "x"), "length").value, undefined);
            assert.strictEqual(member(literalNode(null, "x"), "a").value, undefined);
            assert.strictEqual(member(literalNode({ a: 1 }, "x"), "a").scope, undefined);
        });
    });

    it("reads own values past a getter that throws, as the SDK's unknown-checking proxy does", () => {
        const guarded = new Proxy({ a: "raw" }, { get: () => { throw new UnknownValueError(UNKNOWN, []); } });
        assert.strictEqual(ownValue(guarded, "a"), "raw");
        assert.strictEqual(ownValue("not an object", "a"), undefined);
    });

    it("treats unknowns, what cannot be resolved and encrypted secrets as opaque, and none of them as objects", () => {
        const unknown = new Unknown(new UnknownValueError(UNKNOWN, []));
        const unresolvable = new Unresolvable("[concat()]", "x", "a reason", "a fix");
        for (const value of [unknown, unresolvable, EncryptedSecret.instance]) {
            assert.ok(isOpaque(value));
            assert.ok(!isObject(value));
        }
        assert.ok(isObject({}));
        assert.ok(!isObject([]) && !isObject(null));
    });

    it("an unresolvable value is an unknown that names its path for the SDK", () => {
        const value = new Unresolvable("templateLink", "properties.templateLink", "a reason", "a fix");
        assert.ok(value instanceof Unknown);
        assert.ok(value.error instanceof UnknownValueError);
    });
});

import * as assert from "assert";
import { Secret, unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { describeValue, EncryptedSecret, isUnknown, observe, Unknown, UnreadableValue } from "../../lib/observed-values";
import { ENCRYPTED_SECRET_DESCRIPTION, UNREADABLE_KEY } from "../../lib/policy-sdk-guard";
import { ENCRYPTED_SECRET } from "../helpers/odd-values";
import { secret, UNKNOWN } from "../helpers/policy-test-utils";

describe("observed-values", () => {
    describe("observe", () => {
        it("reads a path, and undefined where a step is missing or not an object", () => {
            const props = { siteConfig: { minTlsVersion: "1.2" }, list: [1] };
            assert.strictEqual(observe(props, ["siteConfig", "minTlsVersion"]), "1.2");
            assert.strictEqual(observe(props, ["siteConfig", "missing"]), undefined);
            assert.strictEqual(observe(props, ["list", "0"]), undefined);
            assert.strictEqual(observe("text", ["length"]), undefined);
            assert.strictEqual(observe({ toString: 1 }, ["constructor"]), undefined);
        });

        it("unwraps secrets at any depth: the SDK's Secret, the engine's envelope, one inside the other", () => {
            assert.strictEqual(observe({ a: new Secret({ b: secret(new Secret(true)) }) }, ["a", "b"]), true);
        });

        it("turns an engine sentinel into an Unknown, through the SDK's proxy, bare, or inside a secret", () => {
            const shapes = [unknownCheckingProxy({ a: { b: UNKNOWN } }), { a: { b: UNKNOWN } }, { a: secret({ b: secret(UNKNOWN) }) }];
            for (const [i, props] of shapes.entries()) {
                const value = observe(props, ["a", "b"]);
                assert.ok(isUnknown(value), `shape ${i}`);
                assert.ok(value.error instanceof UnknownValueError);
            }
            const above = observe(unknownCheckingProxy({ a: UNKNOWN }), ["a", "b", "c"]);
            assert.ok(above instanceof Unknown);
        });

        it("names what it cannot read: an encrypted secret, a value the SDK could not deserialize", () => {
            assert.strictEqual(observe({ a: ENCRYPTED_SECRET }, ["a"]), EncryptedSecret.instance);
            assert.strictEqual(observe({ a: { [UNREADABLE_KEY]: ENCRYPTED_SECRET_DESCRIPTION } }, ["a", "b"]), EncryptedSecret.instance);
            const unreadable = observe({ a: { [UNREADABLE_KEY]: "an asset with only a hash" } }, ["a"]);
            assert.ok(unreadable instanceof UnreadableValue);
            assert.strictEqual(unreadable.description, "an asset with only a hash");
        });
    });

    it("isUnknown tells an Unknown from every other value", () => {
        assert.ok(isUnknown(new Unknown(new UnknownValueError(UNKNOWN, []))));
        for (const value of [UNKNOWN, undefined, null, {}, EncryptedSecret.instance]) {
            assert.ok(!isUnknown(value));
        }
    });

    describe("describeValue", () => {
        it("quotes strings, shortened, and names other values by what they are", () => {
            assert.strictEqual(describeValue(undefined), "not set");
            assert.strictEqual(describeValue(null), "null");
            assert.strictEqual(describeValue("Optional"), "\"Optional\"");
            assert.strictEqual(describeValue("x".repeat(100)), `"${"x".repeat(80)}…" (100 characters)`);
            assert.strictEqual(describeValue(false), "false");
            assert.strictEqual(describeValue(1), "1");
            assert.strictEqual(describeValue([true]), "an array");
            assert.strictEqual(describeValue({ a: 1 }), "a value of type object");
            assert.strictEqual(describeValue(EncryptedSecret.instance), "an encrypted secret the pack cannot read");
            assert.strictEqual(describeValue(new UnreadableValue("an asset")), "an asset, which the pack cannot read");
        });
    });
});

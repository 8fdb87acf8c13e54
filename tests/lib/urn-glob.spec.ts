import * as assert from "assert";
import { CompiledUrnGlob, compileUrnGlob, isLiteralGlobPart } from "../../lib/urn-glob";

function compiled(glob: string): CompiledUrnGlob {
    const result = compileUrnGlob(glob);
    assert.ok("matches" in result, JSON.stringify(result));
    return result;
}

describe("URN globs", () => {
        it("crosses the / of versioned and classic type tokens", () => {
            const glob = compileUrnGlob("urn:pulumi:prod::webshop::*::api");
            assert.ok("matches" in glob);
            assert.ok(glob.matches("urn:pulumi:prod::webshop::azure-native:web/v20220901:WebApp::api"));
            assert.ok(glob.matches("urn:pulumi:prod::webshop::azure:appservice/linuxWebApp:LinuxWebApp::api"));
        });

    it("matches each part on its own: a * in the stack or project stays there", () => {
        const anyStack = compiled("urn:pulumi:*::webshop::*");
        assert.ok(anyStack.matches("urn:pulumi:prod::webshop::azure-native:web:WebApp::api"));
        assert.ok(!anyStack.matches("urn:pulumi:prod::evil::azure-native:web:WebApp::x::webshop::y"));
        // Matched whole, `prod*` would take in `prod::other` and the glob would match project "other".
        const stackPrefix = compiled("urn:pulumi:prod*::webshop::*");
        assert.ok(stackPrefix.matches("urn:pulumi:production::webshop::azure-native:web:WebApp::api"));
        assert.ok(!stackPrefix.matches("urn:pulumi:prod::other::webshop::azure-native:web:WebApp::api"));
        assert.ok(!compiled("urn:pulumi:prod::webshop::*").matches("urn:pulumi:prod::webshop"));
        assert.ok(!compiled("urn:pulumi:prod::webshop::*").matches("webshop::azure-native:web:WebApp::api"));
    });

    it("lets a * in the rest cross the :: between type and name, and every : and / in them", () => {
        const glob = compiled("urn:pulumi:prod::webshop::*");
        assert.ok(glob.matches("urn:pulumi:prod::webshop::azure-native:web/v20220901:WebApp::x::y"));
        assert.ok(compiled("urn:pulumi:prod::webshop::azure*api").matches("urn:pulumi:prod::webshop::azure-native:web:WebApp::api"));
        // `?` stands for one character, but not for `/`.
        assert.ok(!compiled("urn:pulumi:prod::webshop::azure-native:web?v1:WebApp::api").matches("urn:pulumi:prod::webshop::azure-native:web/v1:WebApp::api"));
    });

    it("matches a child's type only with its parents' types before it", () => {
        const child = "urn:pulumi:prod::webshop::my:app:Frontend$azure-native:web:WebApp::api";
        assert.ok(!compiled("urn:pulumi:prod::webshop::azure-native:web:WebApp::api").matches(child));
        assert.ok(compiled("urn:pulumi:prod::webshop::*azure-native:web:WebApp::api").matches(child));
        assert.ok(compiled("urn:pulumi:prod::webshop::my:app:Frontend$azure-native:web:WebApp::api").matches(child));
    });

    it("knows the project a glob names literally", () => {
        assert.strictEqual(compiled("urn:pulumi:*::webshop::*").literalProject, "webshop");
        assert.strictEqual(compiled("urn:pulumi:prod::web*::*").literalProject, undefined);
        assert.strictEqual(compiled("urn:pulumi:prod::{webshop,payments}::*").literalProject, undefined);
        assert.ok(isLiteralGlobPart("webshop") && isLiteralGlobPart("web-shop.v2") && isLiteralGlobPart(""));
        for (const part of ["web*", "web?", "[ab]", "{a,b}", "!(a)", "+(a)", "@(a)"]) {
            assert.ok(!isLiteralGlobPart(part), part);
        }
    });

    it("says why a glob cannot be read", () => {
        assert.deepStrictEqual(compileUrnGlob("urn:pulumi:prod"),
            { error: "\"urn:pulumi:prod\" is not a URN glob: it must read urn:pulumi:<stack>::<project>::<type>::<name>" });
        assert.deepStrictEqual(compileUrnGlob("urn:pulumi:prod::webshop::[ab"),
            { error: "\"urn:pulumi:prod::webshop::[ab\" is not a valid glob: unbalanced []" });
    });
});

import * as assert from "assert";
import { compileUrnGlob } from "../../lib/urn-glob";

describe("URN globs", () => {
        it("crosses the / of versioned and classic type tokens", () => {
            const glob = compileUrnGlob("urn:pulumi:prod::webshop::*::api");
            assert.ok("matches" in glob);
            assert.ok(glob.matches("urn:pulumi:prod::webshop::azure-native:web/v20220901:WebApp::api"));
            assert.ok(glob.matches("urn:pulumi:prod::webshop::azure:appservice/linuxWebApp:LinuxWebApp::api"));
        });
});

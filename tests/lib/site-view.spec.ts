import * as assert from "assert";
import { Secret, UnknownValueError } from "@pulumi/policy";
import { Unresolvable } from "../../lib/arm-nodes";
import { EncryptedSecret, Unknown } from "../../lib/observed-values";
import { nothing, opaque, ownerOf, rootReader, siteOrSlot, waitingFor, webProfile } from "../../lib/site-view";
import { UNKNOWN } from "../helpers/policy-test-utils";

describe("site-view", () => {
    it("reads a resource's own properties at their root, secrets unwrapped", () => {
        assert.strictEqual(rootReader({ tags: new Secret({ team: "a" }) })("tags", "team"), "a");
    });

    it("profiles an ARM-shaped site or slot with azure-native's property names and the name messages give it", () => {
        const slot = webProfile(true, "site, inside template.resources[0].properties");
        assert.strictEqual(slot.isSlot, true);
        assert.strictEqual(slot.resourceName, "site, inside template.resources[0].properties");
        assert.strictEqual(slot.properties.httpsOnly, "httpsOnly");
        assert.strictEqual(webProfile(false, "x").isSlot, false);
        assert.strictEqual(ownerOf({ tags: { a: "b" } }).read("tags", "a"), "b");
    });

    it("tells a site from a slot by ARM type, in any case, and anything else from both", () => {
        assert.strictEqual(siteOrSlot(" Microsoft.Web/Sites "), "site");
        assert.strictEqual(siteOrSlot("microsoft.web/sites/slots"), "slot");
        assert.strictEqual(siteOrSlot("Microsoft.Web/sites/config"), undefined);
    });

    it("deploys nothing, for a reason, and never lets remediation rewrite what deploys nothing", () => {
        const none = nothing({}, "no site here");
        assert.deepStrictEqual([none.sites, none.unreadable, none.unknowns, none.remediable, none.noSiteReason], [[], [], [], false, "no site here"]);
    });

    it("waits for an unknown that decides which sites there are, but reports what can never be resolved", () => {
        const unknown = new Unknown(new UnknownValueError(UNKNOWN, ["type"]));
        assert.deepStrictEqual([waitingFor({}, unknown).unknowns, waitingFor({}, unknown).unreadable], [[unknown], []]);
        const never = new Unresolvable("[concat()]", "type", "a reason", "a fix");
        assert.deepStrictEqual([waitingFor({}, never).unknowns, waitingFor({}, never).unreadable], [[], [never]]);
    });

    it("reports an encrypted secret where the type should be as something it cannot read", () => {
        const found = opaque({}, EncryptedSecret.instance, "type");
        assert.strictEqual(found.unreadable.length, 1);
        assert.match(found.unreadable[0].reason, /encrypted secret/);
        assert.strictEqual(opaque({}, new Unknown(new UnknownValueError(UNKNOWN, [])), "type").unknowns.length, 1);
    });
});

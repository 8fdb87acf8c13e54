import * as assert from "assert";
import { Unknown } from "../../lib/observed-values";
import { UnknownValueError } from "@pulumi/policy";
import { parseExemptionTag } from "../../lib/exemptions-file";
import { entryYaml, inDays, NOW, parse, POLICY, URN, WAIVER } from "../helpers/exemptions";

describe("exemption set", () => {
    describe("matching", () => {
        const globs: [string, string, boolean][] = [
            ["one resource", URN, true],
            ["one stack", "urn:pulumi:prod::webshop::*", true],
            ["one project", "urn:pulumi:*::webshop::*", true],
            ["all apps of a project", "urn:pulumi:*::webshop::azure-native:web*:WebApp::*", true],
            ["another stack", "urn:pulumi:dev::webshop::*", false],
            ["another project", "urn:pulumi:*::payments::*", false],
            ["a name prefix", "urn:pulumi:prod::webshop::*::legacy-*", true],
        ];
        for (const [label, glob, expected] of globs) {
            it(`${expected ? "matches" : "does not match"} ${label}`, () => {
                const set = parse(entryYaml({ ...WAIVER, urn: glob }));
                assert.deepStrictEqual(set.problems(NOW), []);
                assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, expected ? "exempt" : "none");
            });
        }

        it("never reaches into another project through a name that holds ::", () => {
            const set = parse(entryYaml({ urn: "urn:pulumi:*::storefront::*", reason: "Front Door", category: "mitigated" }));
            assert.deepStrictEqual(set.problems(NOW), []);
            assert.strictEqual(set.decide("urn:pulumi:dev::evil::azure-native:web:WebApp::x::storefront::y", POLICY, NOW).outcome, "none");
            assert.strictEqual(set.decide("urn:pulumi:dev::storefront::azure-native:web:WebApp::x::y", POLICY, NOW).outcome, "exempt");
        });

        it("limits an entry to the policies it names", () => {
            const set = parse(entryYaml({ ...WAIVER, policies: ["azure-app-service-require-https-only"] }));
            assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, "none");
            assert.strictEqual(set.decide(URN, "azure-app-service-require-https-only", NOW).outcome, "exempt");
        });
    });

    describe("file order through the per-project index", () => {
        const entry = (urn: string, reason: string, everyProject = false) =>
            `  - {urn: "${urn}", reason: ${reason}, category: mitigated${everyProject ? ", matchesEveryProject: true" : ""}}\n`;
        const ANY_PROJECT = "urn:pulumi:*::*::*::legacy-api";

        it("lists matching entries in file order, whether they name the project or span projects", () => {
            const set = parse("exemptions:\n" + entry(ANY_PROJECT, "one", true) + entry(URN, "two") +
                entry("urn:pulumi:*::*::*", "three", true) + entry("urn:pulumi:prod::webshop::*", "four") + entry("urn:pulumi:*::payments::*", "five"));
            assert.deepStrictEqual(set.problems(NOW), []);
            assert.deepStrictEqual(set.matching(URN, POLICY, undefined).map(e => e.reason), ["one", "two", "three", "four"]);
        });

        it("exempts by the first entry of the file, from either list", () => {
            const spanning = parse("exemptions:\n" + entry(ANY_PROJECT, "spanning", true) + entry(URN, "own"));
            const own = parse("exemptions:\n" + entry(URN, "own") + entry(ANY_PROJECT, "spanning", true));
            for (const [set, first] of [[spanning, "spanning"], [own, "own"]] as const) {
                const decision = set.decide(URN, POLICY, NOW, undefined, undefined);
                assert.strictEqual(decision.outcome === "exempt" && decision.entry.reason, first);
            }
        });

        it("matches nothing for a resource whose URN cannot be read", () => {
            const set = parse("exemptions:\n" + entry(ANY_PROJECT, "spanning", true) + entry(URN, "own"));
            assert.deepStrictEqual(set.matching("legacy-api", POLICY, undefined), []);
            assert.strictEqual(set.decide("urn:pulumi:prod::webshop", POLICY, NOW, undefined, undefined).outcome, "none");
        });
    });

    describe("expiry and the cap", () => {
        it("honours a waiver through its last day and reports the days left", () => {
            const decision = parse(entryYaml({ ...WAIVER, expires: inDays(0) })).decide(URN, POLICY, NOW);
            assert.deepStrictEqual(decision.outcome === "exempt" && decision.daysLeft, 0);
        });
        it("does not honour an expired entry, and names it", () => {
            const decision = parse(entryYaml({ ...WAIVER, expires: inDays(-1) })).decide(URN, POLICY, NOW);
            assert.strictEqual(decision.outcome, "expired");
            assert.strictEqual(decision.outcome === "expired" && decision.entry.expires, inDays(-1));
        });
        it("refuses a waiver beyond the default 180-day cap", () => {
            assert.strictEqual(parse(entryYaml({ ...WAIVER, expires: inDays(180) })).decide(URN, POLICY, NOW).outcome, "exempt");
            const set = parse(entryYaml({ ...WAIVER, expires: inDays(181) }));
            assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, "rejected");
            assert.match(set.problems(NOW)[0].message, /181 days away, beyond the 180-day cap/);
            assert.strictEqual(set.problems(NOW)[0].field, "expires");
        });
        it("applies the cap set in the file", () => {
            const set = parse(`settings:\n  maxWaiverDays: 10\n${entryYaml({ ...WAIVER, expires: inDays(11) })}`);
            assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, "rejected");
        });
        it("lets a mitigated entry go without an expiry, and caps only waivers", () => {
            const set = parse(entryYaml({ urn: URN, reason: "Front Door terminates mutual TLS", category: "mitigated" }));
            assert.deepStrictEqual(set.problems(NOW), []);
            assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, "exempt");
            assert.strictEqual(parse(entryYaml({ urn: URN, reason: "r", category: "mitigated", expires: inDays(400) })).decide(URN, POLICY, NOW).outcome, "exempt");
        });
        it("prefers an honoured entry over an expired one", () => {
            const yaml = `exemptions:\n` +
                `  - {urn: "${URN}", reason: old, category: waiver, expires: "${inDays(-3)}"}\n` +
                `  - {urn: "${URN}", reason: new, category: waiver, expires: "${inDays(3)}"}\n`;
            const decision = parse(yaml).decide(URN, POLICY, NOW);
            assert.strictEqual(decision.outcome === "exempt" && decision.entry.reason, "new");
        });
    });

    describe("self-declared exemptions by tag", () => {
        const ALLOWED = "settings:\n  tagExemptions: {allowed: true}\nexemptions: []\n";
        it("are off by default", () => {
            assert.strictEqual(parse("exemptions: []").decide(URN, POLICY, NOW, `reason=migrating; expires=${inDays(5)}`).outcome, "none");
        });
        it("are honoured when the file allows them, as self-declared waivers", () => {
            const decision = parse(ALLOWED).decide(URN, POLICY, NOW, `reason=migrating; expires=${inDays(5)}`);
            assert.strictEqual(decision.outcome, "exempt");
            assert.strictEqual(decision.outcome === "exempt" && decision.entry.source, "tag");
        });
        it("need a reason and a valid expiry within their own cap", () => {
            const set = parse(ALLOWED);
            for (const value of [`expires=${inDays(5)}`, "reason=migrating", "reason=x; expires=2030-02-30", `reason=x; expires=${inDays(31)}`, 42]) {
                assert.strictEqual(set.decide(URN, POLICY, NOW, value).outcome, "rejected", String(value));
            }
            assert.deepStrictEqual(parseExemptionTag("Reason = a=b ; EXPIRES = 2030-01-01", "t", URN),
                { entry: { number: 0, urn: URN, reason: "a=b", category: "waiver", expires: "2030-01-01", source: "tag" } });
        });
        it("wait for a tag that is unknown during preview", () => {
            const unknown = new Unknown(new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["tags"]));
            assert.strictEqual(parse(ALLOWED).decide(URN, POLICY, NOW, unknown).outcome, "unknown");
        });
    });

    describe("organization", () => {
        const acme = parse(entryYaml({ ...WAIVER, organization: "acme" }));
        it("honours an entry only in the organization the engine names, without regard to case", () => {
            assert.strictEqual(acme.decide(URN, POLICY, NOW, undefined, "acme").outcome, "exempt");
            assert.strictEqual(acme.decide(URN, POLICY, NOW, undefined, "Acme").outcome, "exempt");
            assert.strictEqual(acme.decide(URN, POLICY, NOW, undefined, "evil").outcome, "none");
            assert.deepStrictEqual(acme.matching(URN, POLICY, "evil"), []);
        });
        it("refuses an entry that names one while the engine has named none, saying why", () => {
            const decision = acme.decide(URN, POLICY, NOW, undefined, undefined);
            assert.strictEqual(decision.outcome, "rejected");
            assert.match(decision.outcome === "rejected" ? decision.problems[0].message : "", /has not said which organization/);
        });
        it("leaves entries without one as they were, in every organization", () => {
            const any = parse(entryYaml(WAIVER));
            for (const organization of [undefined, "acme", "evil"]) {
                assert.strictEqual(any.decide(URN, POLICY, NOW, undefined, organization).outcome, "exempt");
            }
        });
        it("refuses an empty or padded organization", () => {
            for (const organization of ["", " acme", "ac me"]) {
                assert.ok(parse(entryYaml({ ...WAIVER, organization })).problems(NOW).some(p => p.field === "organization"), organization);
            }
        });
    });
});

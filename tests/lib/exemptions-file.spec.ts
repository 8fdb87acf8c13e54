import * as assert from "assert";
import {
    daysLeft,
    DEFAULT_MAX_WAIVER_DAYS,
    DEFAULT_TAG_MAX_DAYS,
    DEFAULT_TAG_NAME,
    EXEMPTIONS_FILE_NAME,
    parseIsoDate,
    readEntry,
    readExemptionsFile,
} from "../../lib/exemptions-file";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { entryYaml, inDays, NOW, parse, POLICY, URN, WAIVER } from "../helpers/exemptions";

describe("exemptions file", () => {
    describe("dates", () => {
        it("parses calendar dates only", () => {
            assert.ok(parseIsoDate("2030-02-28") !== undefined);
            for (const bad of ["2030-02-30", "2030-13-01", "30-01-01", "2030-1-1", "tomorrow", 20300101, "", "2030-01-01T00:00:00Z"]) {
                assert.strictEqual(parseIsoDate(bad), undefined, String(bad));
            }
        });
        it("counts days left from the start of today, 0 on the last day", () => {
            assert.strictEqual(daysLeft(inDays(0), NOW), 0);
            assert.strictEqual(daysLeft(inDays(1), NOW), 1);
            assert.strictEqual(daysLeft(inDays(-1), NOW), -1);
        });
    });

    describe("a bad file fails closed", () => {
        const malformed: [string, string, RegExp, string | undefined][] = [
            ["invalid YAML", "exemptions: [\n  - urn: {", /not valid YAML/, undefined],
            ["a missing reason", entryYaml({ urn: URN, category: "waiver", expires: inDays(3) }), /"reason" is required/, "reason"],
            ["a blank reason", entryYaml({ ...WAIVER, reason: "  " }), /reason/, "reason"],
            ["a bad date", entryYaml({ ...WAIVER, expires: "2030-02-30" }), /not a calendar date/, "expires"],
            ["a waiver without expiry", entryYaml({ urn: URN, reason: "r", category: "waiver" }), /required for a waiver/, "expires"],
            ["an unknown field", entryYaml({ ...WAIVER, expiry: inDays(3) }), /unknown field "expiry"/, "expiry"],
            ["an unknown category", entryYaml({ ...WAIVER, category: "forever" }), /category/, "category"],
            ["an invalid glob", entryYaml({ ...WAIVER, urn: "urn:pulumi:prod::webshop::{a,b" }), /not a valid glob/, "urn"],
            ["a glob that is not a URN", entryYaml({ ...WAIVER, urn: "*legacy*" }), /must read urn:pulumi:<stack>::<project>::<type>::<name>/, "urn"],
            ["a glob over every stack", entryYaml({ ...WAIVER, urn: "urn:pulumi:*" }), /must read urn:pulumi:<stack>::<project>/, "urn"],
            ["a glob over every project", entryYaml({ ...WAIVER, urn: "urn:pulumi:*::*::*::*" }), /does not name one project/, "urn"],
            ["a glob over every project's azure-native apps", entryYaml({ ...WAIVER, urn: "urn:pulumi:*::*::azure-native*" }), /does not name one project/, "urn"],
            ["a glob over some projects", entryYaml({ ...WAIVER, urn: "urn:pulumi:prod::web*::*" }), /does not name one project/, "urn"],
            ["an unknown policy", entryYaml({ ...WAIVER, policies: ["no-such-policy"] }), /not a resource policy of this pack/, "policies"],
        ];
        for (const [label, yaml, message, field] of malformed) {
            it(`honours nothing of ${label} and names the problem`, () => {
                const set = parse(yaml);
                const problems = set.problems(NOW);
                assert.ok(problems.length > 0, "a problem is reported");
                assert.ok(problems.some(p => message.test(p.message)), JSON.stringify(problems));
                if (field) {
                    assert.ok(problems.some(p => p.field === field && p.entry === 1), `names entry #1 and ${field}: ${JSON.stringify(problems)}`);
                }
                assert.notStrictEqual(set.decide(URN, POLICY, NOW).outcome, "exempt");
            });
        }

        it("accepts a glob over every project with the explicit flag", () => {
            const set = parse(entryYaml({ ...WAIVER, urn: "urn:pulumi:*::*::*::legacy-api", matchesEveryProject: true }));
            assert.deepStrictEqual(set.problems(NOW), []);
            assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, "exempt");
        });

        it("keeps honouring the valid entries next to an invalid one", () => {
            const yaml = `exemptions:\n  - {urn: "${URN}", category: waiver}\n  - {urn: "${URN}", reason: ok, category: mitigated}\n`;
            const set = parse(yaml);
            assert.ok(set.problems(NOW).every(p => p.entry === 1));
            assert.strictEqual(set.decide(URN, POLICY, NOW).outcome, "exempt");
        });

        it("rejects a file whose top level is wrong", () => {
            for (const yaml of ["- just a list", "exemptions: 3", "settings: {maxWaiverDays: -1}", "surprise: true"]) {
                const set = parse(yaml);
                assert.ok(set.problems(NOW).length > 0, yaml);
                assert.deepStrictEqual(set.entries, []);
            }
        });

        it("treats an empty file as no exemption", () => {
            assert.deepStrictEqual(parse("").problems(NOW), []);
            assert.deepStrictEqual(parse("exemptions:\n").problems(NOW), []);
        });
    });

    describe("reading", () => {
        it("is named exemptions.yaml, and says so in its problems", () => {
            assert.strictEqual(EXEMPTIONS_FILE_NAME, "exemptions.yaml");
            const read = readExemptionsFile("surprise: true");
            assert.ok("problems" in read && read.problems.every(p => p.message.startsWith("exemptions.yaml: ")), JSON.stringify(read));
        });

        it("reads the settings, defaulting each one", () => {
            const defaults = { maxWaiverDays: DEFAULT_MAX_WAIVER_DAYS, tagExemptions: { allowed: false, tag: DEFAULT_TAG_NAME, maxDays: DEFAULT_TAG_MAX_DAYS } };
            assert.deepStrictEqual(readExemptionsFile(""), { settings: defaults, entries: [] });
            assert.deepStrictEqual(readExemptionsFile("exemptions:\n"), { settings: defaults, entries: [] });
            assert.deepStrictEqual(readExemptionsFile("settings: {tagExemptions: {allowed: true, maxDays: 7}}\nexemptions: [{urn: x}]"), {
                settings: { maxWaiverDays: 180, tagExemptions: { allowed: true, tag: "policy-exemption", maxDays: 7 } },
                entries: [{ urn: "x" }],
            });
        });

        it("keeps dates and yes/no as the strings people wrote", () => {
            const read = readExemptionsFile("exemptions: [{expires: 2030-01-31, ticket: yes}]");
            assert.deepStrictEqual("entries" in read && read.entries, [{ expires: "2030-01-31", ticket: "yes" }]);
        });

        it("fills a wrong field in blank, keeping the entry nameable, and reports it", () => {
            const { entry, rawUrn, problems } = readEntry({ urn: 42, reason: ["x"], category: "forever" }, 3, RESOURCE_POLICY_NAMES);
            assert.deepStrictEqual([entry.number, entry.urn, entry.reason, entry.category, entry.source, rawUrn], [3, "", "", "waiver", "file", undefined]);
            assert.deepStrictEqual(problems.map(p => p.field).sort(), ["category", "reason", "urn"]);
            assert.ok(problems.every(p => p.entry === 3));
        });

        it("reports a missing or unknown category once, not also as a waiver without expiry", () => {
            for (const fields of [{ urn: URN, reason: "r" }, { urn: URN, reason: "r", category: "forever" }]) {
                const { problems } = readEntry(fields, 1, RESOURCE_POLICY_NAMES);
                assert.deepStrictEqual(problems.map(p => p.field), ["category"], JSON.stringify(problems));
            }
            const { problems } = readEntry({ urn: URN, reason: "r", category: "waiver" }, 1, RESOURCE_POLICY_NAMES);
            assert.deepStrictEqual(problems.map(p => p.message), ['"expires" is required for a waiver']);
        });
    });
});

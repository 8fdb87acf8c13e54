// `npm run exceptions`: exemptions.yaml entries in force, as Pulumi policy exceptions over real stack exports.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExemptionSet } from "../../../lib/exemption-set";
import { CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY, RESOURCE_POLICY_NAMES } from "../../../lib/policy-names";
import { runExceptionsCli } from "../../../tools/exceptions/cli";
import {
    askPackAboutExemptions,
    ConvertedException,
    exceptionReason,
    exceptionsFromRecords,
    expiresInSeconds,
    MAX_EXPIRES_IN_SECONDS,
    MAX_REASON_LENGTH,
    PolicyException,
    SkippedEntry,
} from "../../../tools/exceptions/exceptions";
import { loadStackExport, Subject } from "../../../tools/preview/inputs";
import { isoDaysFrom } from "../../helpers/dates";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PROD_EXPORT = path.join(REPO, "examples", "stack-exports", "prod.json");
const NOW = new Date("2026-11-23T10:00:00Z");
const URN = (rest: string) => `urn:pulumi:prod::webshop::${rest}`;
const ADMIN = URN("azure-native:web:WebApp::admin");
const STOREFRONT = URN("azure-native:web:WebApp::storefront");
const STOREFRONT_SLOT = URN("azure-native:web:WebApp$azure-native:web:WebAppSlot::storefront-staging");

function exemptionsText(now: Date): string {
    return `
exemptions:
  - urn: "${ADMIN}"
    policies: [${CLIENT_CERTIFICATES_POLICY}]
    reason: "Partner client cannot present certificates yet"
    category: waiver
    expires: "${isoDaysFrom(now, 10)}"
    ticket: SEC-1
    approvedBy: jane.doe@contoso.com
  - urn: "urn:pulumi:*::webshop::*storefront*"
    reason: "Front Door terminates mutual TLS for the storefront"
    category: mitigated
  - urn: "${URN("azure-native:web/v20220901:WebApp::legacy-api")}"
    reason: "Lapsed"
    category: waiver
    expires: "${isoDaysFrom(now, -1)}"
  - urn: "${URN("azure-native:web:WebApp::orders-func")}"
    reason: "Waiver without an expiry is refused"
    category: waiver
  - urn: "urn:pulumi:prod::other-project::azure-native:web:WebApp::admin"
    reason: "Another project's app"
    category: mitigated
  - urn: "${ADMIN}"
    policies: [${CLIENT_CERTIFICATES_POLICY}]
    reason: "Second entry for admin: the first one wins"
    category: mitigated
`;
}

/** The exceptions from `text`, with the pack (a copy of it holding `text`) answering over the stacks. */
async function exceptionsByPack(text: string, subjects: readonly Subject[], now: Date, policyPack: string,
    entries = ExemptionSet.parse(text, RESOURCE_POLICY_NAMES).entries): Promise<{ exceptions: ConvertedException[]; skipped: SkippedEntry[] }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exceptions-"));
    try {
        fs.writeFileSync(path.join(dir, "exemptions.yaml"), text);
        const records = await askPackAboutExemptions(REPO, path.join(dir, "exemptions.yaml"), subjects, now);
        return exceptionsFromRecords(entries, records, now, policyPack);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function targetsOf(exception: PolicyException): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const match of exception.match) {
        for (const target of match.targets) {
            out.set(target, [...(out.get(target) ?? []), ...match.policies].sort());
        }
    }
    return out;
}

describe("tools/exceptions: exemptions.yaml as Pulumi policy exceptions", () => {
    const stacks = loadStackExport("prod.json", PROD_EXPORT);
    const exemptions = ExemptionSet.parse(exemptionsText(NOW), RESOURCE_POLICY_NAMES);
    let exceptions: ConvertedException[];
    let byEntry: Map<number, PolicyException>;
    let skippedBy: Map<number, string>;

    before(async () => {
        let skipped: SkippedEntry[];
        ({ exceptions, skipped } = await exceptionsByPack(exemptionsText(NOW), stacks, NOW, "azure-app-service-client-certificates", exemptions.entries));
        byEntry = new Map(exceptions.map(e => [e.entry.number, e.exception]));
        skippedBy = new Map(skipped.map(s => [s.entry.number, s.why]));
    });

    it("gives one exception per entry in force, and none for the others", () => {
        assert.deepStrictEqual([...byEntry.keys()], [1, 2]);
        assert.deepStrictEqual([...skippedBy.keys()], [3, 4, 5, 6]);
        assert.match(skippedBy.get(3)!, /expired/);
        assert.match(skippedBy.get(4)!, /refuses/);
        assert.match(skippedBy.get(5)!, /covers no resource/);
        assert.match(skippedBy.get(6)!, /earlier entry/);
    });

    it("names the pack, and keeps the entry's reason with its number, category, expiry, ticket and approver", () => {
        const exception = byEntry.get(1)!;
        assert.strictEqual(exception.policyPack, "azure-app-service-client-certificates");
        assert.strictEqual(exception.reason, `Partner client cannot present certificates yet (exemptions.yaml entry #1, waiver, ` +
            `expires ${isoDaysFrom(NOW, 10)}, ticket SEC-1, approved by jane.doe@contoso.com)`);
    });

    it("targets exact URNs, only for the policies the entry names", () => {
        assert.deepStrictEqual(byEntry.get(1)!.match, [{ policies: [CLIENT_CERTIFICATES_POLICY], targets: [ADMIN] }]);
    });

    it("expands a glob to the apps and slots it covers, for every resource rule, and to nothing else", () => {
        const targets = targetsOf(byEntry.get(2)!);
        const everyRule = [CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY].sort();
        assert.deepStrictEqual([...targets.keys()].sort(), [STOREFRONT, STOREFRONT_SLOT].sort());
        assert.deepStrictEqual(targets.get(STOREFRONT), everyRule);
        assert.deepStrictEqual(targets.get(STOREFRONT_SLOT), everyRule);
    });

    it("agrees with the pack's own decision for every target and policy", () => {
        for (const { entry, exception } of exceptions) {
            for (const [urn, policies] of targetsOf(exception)) {
                for (const policy of policies) {
                    const decision = exemptions.decide(urn, policy, NOW);
                    assert.ok(decision.outcome === "exempt" && decision.entry === entry, `${urn} ${policy}: ${decision.outcome}`);
                }
            }
        }
    });

    it("carries the waiver's expiry to the end of its last day, in whole hours; a mitigation never expires", () => {
        // Ten days and fourteen hours from 10:00 to the end of the last day.
        assert.strictEqual(byEntry.get(1)!.expiresInSeconds, (10 * 24 + 14) * 3600);
        assert.strictEqual(byEntry.get(2)!.expiresInSeconds, undefined);
        assert.ok(!("expiresInSeconds" in byEntry.get(2)!));
    });

    it("rounds the expiry down, gives no exception on the last hour, and caps it at 3650 days", async () => {
        assert.strictEqual(expiresInSeconds("2026-11-23", new Date("2026-11-23T22:59:59Z")), 3600);
        assert.strictEqual(expiresInSeconds("2026-11-23", new Date("2026-11-23T23:00:01Z")), 0);
        assert.strictEqual(expiresInSeconds("2099-12-31", NOW), MAX_EXPIRES_IN_SECONDS);
        const lastHour = new Date(`${isoDaysFrom(NOW, 10)}T23:30:00Z`);
        const late = await exceptionsByPack(exemptionsText(NOW), stacks, lastHour, "p");
        assert.match(late.skipped.find(s => s.entry.number === 1)!.why, /less than an hour/);
    });

    it("keeps the reason within Pulumi's 2048 characters, with the entry's number", () => {
        const long = exceptionReason({ ...exemptions.entries[0], reason: "x".repeat(5000) });
        assert.strictEqual(long.length, MAX_REASON_LENGTH);
        assert.match(long, /entry #1/);
    });

    it("splits more than 100 targets into match entries of 100", async () => {
        const many = Array.from({ length: 250 }, (_, i) => ({
            urn: URN(`azure-native:web:WebApp::app-${i}`), type: "azure-native:web:WebApp", name: `app-${i}`, inputs: {}, outputs: {},
        }));
        const stack: Subject = { form: "stack export", source: "many.json", project: "webshop", stack: "prod", resources: many };
        const set = `exemptions:\n  - urn: "urn:pulumi:prod::webshop::*"\n    policies: [${HTTPS_ONLY_POLICY}]\n    reason: r\n    category: mitigated\n`;
        const [only] = (await exceptionsByPack(set, [stack], NOW, "p")).exceptions;
        assert.deepStrictEqual(only.exception.match.map(m => m.targets.length), [100, 100, 50]);
    });
});

describe("tools/exceptions: npm run exceptions", () => {
    let work: string;
    const captured = () => {
        let out = "";
        let err = "";
        return { io: { out: (t: string) => (out += t), err: (t: string) => (err += t) }, out: () => out, err: () => err };
    };

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "exceptions-cli-"));
        fs.writeFileSync(path.join(work, "exemptions.yaml"), exemptionsText(NOW));
    });

    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("prints the exceptions as a JSON list, and says on stderr why the other entries give none", async () => {
        const c = captured();
        const code = await runExceptionsCli(["--exemptions", path.join(work, "exemptions.yaml"), "--now", NOW.toISOString(), PROD_EXPORT], c.io);
        assert.strictEqual(code, 0, c.err());
        const list = JSON.parse(c.out()) as PolicyException[];
        assert.strictEqual(list.length, 2);
        assert.deepStrictEqual(list[0].match, [{ policies: [CLIENT_CERTIFICATES_POLICY], targets: [ADMIN] }]);
        assert.match(c.err(), /entry #3 .* expired/);
        assert.match(c.err(), /2 exception\(s\) from 6 entries/);
    });

    it("writes one file per exception with --out-dir", async () => {
        const c = captured();
        const out = path.join(work, "out");
        assert.strictEqual(await runExceptionsCli(["--exemptions", path.join(work, "exemptions.yaml"), "--now", NOW.toISOString(), "--out-dir", out, PROD_EXPORT], c.io), 0);
        assert.deepStrictEqual(fs.readdirSync(out).sort(), ["exemption-1.json", "exemption-2.json"]);
        const written = JSON.parse(fs.readFileSync(path.join(out, "exemption-2.json"), "utf8")) as PolicyException;
        assert.strictEqual(written.policyPack, "azure-app-service-client-certificates");
        assert.match(c.out(), /exemption-1\.json: 1 target\(s\), 1 match entry, expires in 254 h/);
    });

    it("reads the pack's own exemptions.yaml by default", async () => {
        const c = captured();
        assert.strictEqual(await runExceptionsCli([PROD_EXPORT], c.io), 0, c.err());
        const expected = ExemptionSet.parse(fs.readFileSync(path.join(REPO, "exemptions.yaml"), "utf8"), RESOURCE_POLICY_NAMES).entries.length;
        assert.match(c.err(), new RegExp(`from ${expected} entr(y|ies) of ${path.join(REPO, "exemptions.yaml").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
    });

    it("refuses usage errors with 2 and unreadable inputs with 1", async () => {
        assert.strictEqual(await runExceptionsCli([], captured().io), 2);
        assert.strictEqual(await runExceptionsCli(["--now", "yesterday", PROD_EXPORT], captured().io), 2);
        assert.strictEqual(await runExceptionsCli(["--bogus", PROD_EXPORT], captured().io), 2);
        const c = captured();
        assert.strictEqual(await runExceptionsCli([path.join(work, "missing.json")], c.io), 1);
        assert.match(c.err(), /no such file/);
    });

    it("--help says where Pulumi's file format is not documented", async () => {
        const c = captured();
        assert.strictEqual(await runExceptionsCli(["--help"], c.io), 0);
        assert.match(c.out(), /documentation does not describe the file `pulumi policy exception new --file` reads/);
    });
});

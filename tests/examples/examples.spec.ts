// Every example program, run under mocks and judged by the pack over the Analyzer protocol: the exact
// verdict of every resource, so that an example that stops showing what it is meant to show fails here.
import * as assert from "assert";
import * as path from "path";
import { loadPolicyPackConfigFile } from "../../tools/analyzer/policy-pack-config";
import { buildConfigureMap } from "../../tools/analyzer/policy-pack-config";
import { judgeSubject, SubjectReport } from "../../tools/preview/judge";
import { PackPool } from "../../tools/preview/pack";
import { exampleProgram, PACK_DIR, TIMEOUT_MS } from "../tools/preview/helpers";

const CLIENT_CERTS = "azure-app-service-require-client-certificates";

/** name → [status, "policy:level" of each resource-policy finding]; absent status = not judged. */
type Expected = Record<string, [string | undefined, string[]]>;

const NOT_JUDGED: [undefined, string[]] = [undefined, []];
const DENIED: [string, string[]] = ["violating", [`${CLIENT_CERTS}:mandatory`]];

const EXPECTED: Record<string, Expected> = {
    compliant: {
        "rg": NOT_JUDGED,
        "plan": NOT_JUDGED,
        "logs": NOT_JUDGED,
        "api": ["compliant", []],
        "api-staging": ["compliant", []],
        "portal": ["compliant", []],
        "orders-func": ["compliant", []],
        "workflows": ["compliant", []],
        "orders-aca": ["out of scope", []],
    },
    noncompliant: {
        "rg": NOT_JUDGED,
        "plan": NOT_JUDGED,
        "logs": NOT_JUDGED,
        "app-disabled": DENIED,
        "app-defaults": DENIED,
        "app-optional": DENIED,
        "app-mode-omitted": DENIED,
        "app-root-excluded": DENIED,
        "app-path-excluded": DENIED,
        "shop": ["compliant", []],
        "shop-staging": DENIED,
        "func-labelled": DENIED,
    },
    migration: {
        "rg": NOT_JUDGED,
        "plan": NOT_JUDGED,
        "legacy-partner-api": ["exempt", []],
        "legacy-reports": ["exempt", []],
        "legacy-reports-staging": ["exempt", []],
        "legacy-batch": DENIED,
        "orders-api": ["compliant", []],
    },
};

describe("examples/ judged by the pack", function () {
    this.timeout(TIMEOUT_MS);
    const pool = new PackPool(PACK_DIR);
    const reports = new Map<string, SubjectReport>();

    before(async () => {
        for (const name of Object.keys(EXPECTED)) {
            const subject = await exampleProgram(name);
            const started = await pool.get(subject.exemptionsFile);
            const configFiles = subject.policyConfigFile
                ? [{ file: subject.policyConfigFile, config: loadPolicyPackConfigFile(subject.policyConfigFile) }] : [];
            reports.set(name, await judgeSubject(started, subject, {
                configureMap: buildConfigureMap(started.info, ...configFiles.map(f => f.config)),
                policyConfig: "test",
            }));
        }
    });
    after(() => pool.stopAll());

    for (const [example, expected] of Object.entries(EXPECTED)) {
        it(`${example}: every resource gets exactly its expected verdict`, async () => {
            const report = reports.get(example)!;
            const resourcePolicies = (await pool.get((await exampleProgram(example)).exemptionsFile)).info.policies
                .filter(p => p.policyType === "resource").map(p => p.name);
            const actual: Expected = {};
            for (const r of report.resources) {
                actual[r.name] = [r.status, r.findings.filter(f => resourcePolicies.includes(f.policyName))
                    .map(f => `${f.policyName}:${f.enforcementLevel}`)];
            }
            assert.deepStrictEqual(actual, expected);
            // Stack policies may report (an exemption in use, for instance), but never block an example
            // beyond the resources expected to be denied, and never say anything about unrelated resources.
            assert.deepStrictEqual(report.stackFindings.filter(f => f.enforcementLevel === "mandatory"), []);
            for (const r of report.resources.filter(r => r.status === undefined)) {
                assert.deepStrictEqual(r.findings, [], `${r.name} is unrelated and must get nothing`);
            }
        });
    }

    it("slot URNs are qualified with the parent's type, as the engine builds them", async () => {
        const subject = await exampleProgram("noncompliant");
        const slot = subject.resources.find(r => r.name === "shop-staging")!;
        assert.strictEqual(slot.urn, "urn:pulumi:dev::noncompliant-apps::azure-native:web:WebApp$azure-native:web:WebAppSlot::shop-staging");
        assert.strictEqual(slot.parent, "urn:pulumi:dev::noncompliant-apps::azure-native:web:WebApp::shop");
        const app = subject.resources.find(r => r.name === "app-disabled")!;
        assert.strictEqual(app.parent, "urn:pulumi:dev::noncompliant-apps::pulumi:pulumi:Stack::noncompliant-apps-dev");
    });

    it("the migration example's exemptions come from its own file, in a copy of the pack", () => {
        const report = reports.get("migration")!;
        assert.strictEqual(report.exemptionsInCopy, true);
        assert.strictEqual(report.exemptionsFile && path.basename(path.dirname(report.exemptionsFile)), "migration");
        const partner = report.resources.find(r => r.name === "legacy-partner-api")!;
        assert.deepStrictEqual(partner.exemptions.map(e => [e.policyName, e.entry, e.category]), [[CLIENT_CERTS, 1, "mitigated"]]);
        const batch = report.resources.find(r => r.name === "legacy-batch")!;
        assert.match(batch.findings.find(f => f.policyName === CLIENT_CERTS)!.message, /expired on 2024-06-30/);
    });
});

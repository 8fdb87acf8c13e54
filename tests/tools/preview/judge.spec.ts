// How the preview sorts resources, from the pack's answers alone: which exemption excuses an app (the
// exemptions report's records), which resources are judged, and the pack's clock for another moment.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CLIENT_CERTIFICATES_POLICY, EXEMPTIONS_REPORT_POLICY } from "../../../lib/policy-names";
import { buildConfigureMap } from "../../../tools/analyzer/policy-pack-config";
import { SubjectResource, Subject } from "../../../tools/preview/inputs";
import { judgeSubject, SubjectReport } from "../../../tools/preview/judge";
import { PackPool } from "../../../tools/preview/pack";
import { isoDaysFrom } from "../../helpers/dates";

const PACK_DIR = path.resolve(__dirname, "..", "..", "..");
const COMPLIANT = { clientCertEnabled: true, clientCertMode: "Required", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } };
const urnOf = (type: string, name: string) => `urn:pulumi:prod::webshop::${type}::${name}`;

function resource(type: string, name: string, inputs: Record<string, unknown>): SubjectResource {
    return { urn: urnOf(type, name), type, name, inputs, outputs: inputs };
}

const DISABLED_APP = resource("azure-native:web:WebApp", "partner-api", { ...COMPLIANT, clientCertEnabled: false });
const ARM_DEPLOYMENT = resource("azure-native:resources:Deployment", "arm-site", {
    resourceGroupName: "rg",
    properties: {
        mode: "Incremental",
        template: { resources: [{ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "shop-web", kind: "app", properties: COMPLIANT }] },
    },
});
const STORAGE = resource("azure-native:storage:StorageAccount", "logs", {});
const SUBJECT: Subject = { form: "stack export", source: "prod.json", project: "webshop", stack: "prod", resources: [DISABLED_APP, ARM_DEPLOYMENT, STORAGE] };

describe("tools/preview: judging from the pack's answers", function () {
    this.timeout(120_000);
    let dir: string;
    let exemptionsFile: string;
    const now = new Date();
    const expires = isoDaysFrom(now, 5);

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "judge-"));
        exemptionsFile = path.join(dir, "exemptions.yaml");
        fs.writeFileSync(exemptionsFile, `exemptions:
  - urn: "${DISABLED_APP.urn}"
    policies: [${CLIENT_CERTIFICATES_POLICY}]
    reason: "Partner client cannot present certificates yet"
    category: waiver
    expires: "${expires}"
    ticket: SEC-7
`);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function judge(opts: { clockAt?: Date; reportDisabled?: boolean } = {}): Promise<SubjectReport> {
        const pool = new PackPool(PACK_DIR, { clockAt: opts.clockAt });
        try {
            const started = await pool.get(exemptionsFile);
            const configureMap = buildConfigureMap(started.info, opts.reportDisabled ? { [EXEMPTIONS_REPORT_POLICY]: "disabled" } : {});
            return await judgeSubject(started, SUBJECT, { configureMap, policyConfig: "test" });
        } finally {
            await pool.stopAll();
        }
    }
    const byName = (report: SubjectReport, name: string) => report.resources.find(r => r.name === name)!;

    it("shows the entry the pack's report says excuses the app, with its facts", async () => {
        const report = await judge();
        const app = byName(report, "partner-api");
        assert.strictEqual(app.status, "exempt");
        assert.deepStrictEqual(app.exemptions, [{
            policyName: CLIENT_CERTIFICATES_POLICY, entry: 1, category: "waiver", reason: "Partner client cannot present certificates yet",
            expires, ticket: "SEC-7",
        }]);
    });

    it("judges a site deployed through an ARM template even when the pack has nothing to say of it", async () => {
        const report = await judge();
        assert.strictEqual(byName(report, "arm-site").status, "compliant");
        assert.strictEqual(byName(report, "logs").status, undefined);
        assert.strictEqual(report.counts.judged, 2);
    });

    it("keeps a disabled exemptions report out of the findings, and still knows the exemption", async () => {
        const report = await judge({ reportDisabled: true });
        assert.strictEqual(byName(report, "partner-api").status, "exempt");
        const all = [...report.stackFindings, ...report.resources.flatMap(r => r.findings)];
        assert.deepStrictEqual(all.filter(f => f.policyName === EXEMPTIONS_REPORT_POLICY), []);
        assert.ok(report.notes.some(n => n.includes(`${EXEMPTIONS_REPORT_POLICY} is disabled`)), report.notes.join("\n"));
    });

    it("judges as of another moment when the pack's clock is moved: after the expiry the app is denied again", async () => {
        const report = await judge({ clockAt: new Date(now.getTime() + 10 * 24 * 3600 * 1000) });
        const app = byName(report, "partner-api");
        assert.strictEqual(app.status, "violating");
        assert.deepStrictEqual(app.exemptions, []);
        assert.ok(app.findings.some(f => f.policyName === CLIENT_CERTIFICATES_POLICY && new RegExp(`expired on ${expires}`).test(f.message)),
            app.findings.map(f => f.message).join("\n"));
    });
});

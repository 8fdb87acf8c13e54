import * as assert from "assert";
import { describeWithExemptionRecords, ExemptionRecord, exemptionRecordsIn } from "../../lib/exemption-records";
import { isoDaysFrom } from "../helpers/dates";

const NOW = new Date(Date.UTC(2030, 5, 1, 8));
const inDays = (days: number) => isoDaysFrom(NOW, days);
const POLICY = "azure-app-service-require-client-certificates";
const urnOf = (name: string) => `urn:pulumi:prod::webshop::azure-native:web:WebApp::${name}`;

describe("exemption-records", () => {
    it("reads back what it writes, after the policy's own description", () => {
        const records: ExemptionRecord[] = [
            { status: "in force", urn: urnOf("exempt-app"), exemptFrom: [POLICY], entry: 1, source: "file", category: "waiver", reason: "a \"quoted\"\nreason", expires: inDays(60) },
            { status: "refused", exemptFrom: [], entry: 7 },
        ];
        const description = describeWithExemptionRecords("The report.", records);
        assert.ok(description.startsWith("The report.\n"), description);
        assert.deepStrictEqual(exemptionRecordsIn(description), records);
        assert.strictEqual(describeWithExemptionRecords("The report.", []), "The report.");
        assert.deepStrictEqual(exemptionRecordsIn("The report."), []);
        assert.deepStrictEqual(exemptionRecordsIn(undefined), []);
        assert.deepStrictEqual(exemptionRecordsIn("The report.\nexemption-records: {not json"), []);
    });


    it("drops what is not a record: a wrong shape, policy names that are not strings", () => {
        const description = `The report.\nexemption-records: ${JSON.stringify([
            { status: "in force", exemptFrom: [POLICY] },
            { status: 3, exemptFrom: [] },
            { status: "stale", exemptFrom: [1] },
            null,
            "in force",
        ])}`;
        assert.deepStrictEqual(exemptionRecordsIn(description), [{ status: "in force", exemptFrom: [POLICY] }]);
        assert.deepStrictEqual(exemptionRecordsIn(`The report.\nexemption-records: {"status": "in force"}`), []);
    });
});

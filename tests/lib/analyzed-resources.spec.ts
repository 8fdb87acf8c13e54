import * as assert from "assert";
import {
    analysedInputs,
    forgetAnalyses,
    inputsPassWithoutExemptions,
    recordAnalysis,
} from "../../lib/analyzed-resources";

const URN = "urn:pulumi:prod::webshop::azure-native:web:WebApp::api";
const WEB_APP = "azure-native:web:WebApp";
const CERTS = "azure-app-service-require-client-certificates";
const HTTPS = "azure-app-service-require-https-only";

describe("analysed resources (what Analyze concluded from inputs in this process)", () => {
    beforeEach(forgetAnalyses);
    after(forgetAnalyses);

    it("knows nothing of a resource Analyze never saw, so no claim can be made about it", () => {
        assert.strictEqual(analysedInputs(URN), undefined);
        assert.strictEqual(inputsPassWithoutExemptions(URN, CERTS), undefined);
    });

    it("answers per rule: only 'no violations' is evidence that the inputs pass without exemptions", () => {
        recordAnalysis(URN, WEB_APP, CERTS, { conclusion: "violation", violations: ["clientCertMode is not set"] });
        recordAnalysis(URN, WEB_APP, HTTPS, { conclusion: "no violations", violations: [] });
        assert.strictEqual(inputsPassWithoutExemptions(URN, CERTS), false);
        assert.strictEqual(inputsPassWithoutExemptions(URN, HTTPS), true);
        // A rule that did not run on the resource here (disabled) is not evidence either way.
        assert.strictEqual(inputsPassWithoutExemptions(URN, "azure-app-service-minimum-tls-version"), undefined);
        const seen = analysedInputs(URN)!;
        assert.strictEqual(seen.type, WEB_APP);
        assert.deepStrictEqual([...seen.rules.keys()].sort(), [CERTS, HTTPS]);
        assert.deepStrictEqual(seen.rules.get(CERTS)!.violations, ["clientCertMode is not set"]);
    });

    for (const conclusion of ["unknown", "could not judge"] as const) {
        it(`treats '${conclusion}' as not passing`, () => {
            recordAnalysis(URN, WEB_APP, CERTS, { conclusion, violations: [] });
            assert.strictEqual(inputsPassWithoutExemptions(URN, CERTS), false);
        });
    }

    it("makes no claim for a resource beyond the rule's scope", () => {
        recordAnalysis(URN, WEB_APP, CERTS, { conclusion: "not applicable", violations: [] });
        assert.strictEqual(inputsPassWithoutExemptions(URN, CERTS), undefined);
    });

    it("keeps the latest analysis of a URN, and starts afresh when the URN names another type", () => {
        recordAnalysis(URN, WEB_APP, CERTS, { conclusion: "violation", violations: ["x"] });
        recordAnalysis(URN, WEB_APP, CERTS, { conclusion: "no violations", violations: [] });
        assert.strictEqual(inputsPassWithoutExemptions(URN, CERTS), true);
        recordAnalysis(URN, WEB_APP, HTTPS, { conclusion: "no violations", violations: [] });
        recordAnalysis(URN, "azure-native:web:WebAppSlot", CERTS, { conclusion: "violation", violations: ["y"] });
        assert.strictEqual(inputsPassWithoutExemptions(URN, HTTPS), undefined);
        assert.strictEqual(analysedInputs(URN)!.type, "azure-native:web:WebAppSlot");
    });

    it("hands out copies: a caller cannot change the record", () => {
        const violations = ["x"];
        recordAnalysis(URN, WEB_APP, CERTS, { conclusion: "violation", violations, exemptionTag: "waiver" });
        violations.push("y");
        const seen = analysedInputs(URN)!;
        (seen.rules as Map<string, unknown>).delete(CERTS);
        assert.deepStrictEqual(analysedInputs(URN)!.rules.get(CERTS), { conclusion: "violation", violations: ["x"], exemptionTag: "waiver" });
    });
});

import * as assert from "assert";
import {
    CLIENT_CERTIFICATES_POLICY,
    DEPLOYED_STATE_POLICY,
    EXEMPTIONS_REPORT_POLICY,
    HTTPS_ONLY_POLICY,
    MINIMUM_TLS_POLICY,
    isResourcePolicyName,
    RESOURCE_POLICY_NAMES,
} from "../../lib/policy-names";
import { deployedState } from "../../policies/app-service-deployed-state";
import { exemptionsReport, REPORTED_RULES } from "../../policies/app-service-exemptions-report";
import { requireClientCertificates } from "../../policies/app-service-require-client-certificates";
import { requireHttpsOnly } from "../../policies/app-service-require-https-only";
import { minimumTlsVersion } from "../../policies/app-service-minimum-tls-version";

describe("policy-names", () => {
    it("names each policy as the policy itself is named", () => {
        assert.strictEqual(requireClientCertificates.name, CLIENT_CERTIFICATES_POLICY);
        assert.strictEqual(requireHttpsOnly.name, HTTPS_ONLY_POLICY);
        assert.strictEqual(minimumTlsVersion.name, MINIMUM_TLS_POLICY);
        assert.strictEqual(exemptionsReport.name, EXEMPTIONS_REPORT_POLICY);
        assert.strictEqual(deployedState.name, DEPLOYED_STATE_POLICY);
    });

    it("lists every resource policy, each once, and no stack policy, as the exemptions file may name them", () => {
        assert.deepStrictEqual([...RESOURCE_POLICY_NAMES].sort(), REPORTED_RULES.map(rule => rule.name).sort());
        assert.strictEqual(new Set(RESOURCE_POLICY_NAMES).size, RESOURCE_POLICY_NAMES.length);
        assert.ok(!RESOURCE_POLICY_NAMES.includes(EXEMPTIONS_REPORT_POLICY));
        assert.ok(!RESOURCE_POLICY_NAMES.includes(DEPLOYED_STATE_POLICY));
    });

    it("tells the pack's resource rules from any other name", () => {
        assert.deepStrictEqual(RESOURCE_POLICY_NAMES.filter(isResourcePolicyName), [...RESOURCE_POLICY_NAMES]);
        for (const other of [EXEMPTIONS_REPORT_POLICY, DEPLOYED_STATE_POLICY, "", "azure-app-service-require-client-certificate"]) {
            assert.strictEqual(isResourcePolicyName(other), false, other);
        }
    });
});

// Every policy of the pack by name. RESOURCE_POLICY_NAMES is the one list of the pack's resource rules: the
// exemptions file is checked against it without importing the policies, the exemptions report takes its
// rules from it (policies/app-service-exemptions-report.ts RULES_BY_NAME, whose type makes
// a name without a rule, or a rule without a name, a compile error), and tests/protocol/metadata.protocol.spec.ts
// checks that the pack the CLI starts has exactly these resource policies.
export const CLIENT_CERTIFICATES_POLICY = "azure-app-service-require-client-certificates";
export const HTTPS_ONLY_POLICY = "azure-app-service-require-https-only";
export const MINIMUM_TLS_POLICY = "azure-app-service-minimum-tls-version";
export const DEPLOYED_STATE_POLICY = "azure-app-service-deployed-state";
export const EXEMPTIONS_REPORT_POLICY = "azure-app-service-exemptions-report";

const RESOURCE_POLICIES = [CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY] as const;

export type ResourcePolicyName = typeof RESOURCE_POLICIES[number];

export const RESOURCE_POLICY_NAMES: readonly string[] = RESOURCE_POLICIES;

export function isResourcePolicyName(name: string): name is ResourcePolicyName {
    return RESOURCE_POLICY_NAMES.includes(name);
}

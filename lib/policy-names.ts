// Every resource policy of the pack by name, so that the exemptions file can be checked against them
// without importing the policies themselves.
export const CLIENT_CERTIFICATES_POLICY = "azure-app-service-require-client-certificates";
export const HTTPS_ONLY_POLICY = "azure-app-service-require-https-only";
export const MINIMUM_TLS_POLICY = "azure-app-service-minimum-tls-version";
export const DEPLOYED_STATE_POLICY = "azure-app-service-deployed-state";
export const EXEMPTIONS_REPORT_POLICY = "azure-app-service-exemptions-report";

export const RESOURCE_POLICY_NAMES: readonly string[] = [CLIENT_CERTIFICATES_POLICY, HTTPS_ONLY_POLICY, MINIMUM_TLS_POLICY];

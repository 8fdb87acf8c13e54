// Assembles the pack; every rule lives in policies/.
import { PolicyPack } from "@pulumi/policy";
import { exemptionsReport } from "./policies/app-service-exemptions-report";
import { minimumTlsVersion } from "./policies/app-service-minimum-tls-version";
import { requireClientCertificates } from "./policies/app-service-require-client-certificates";
import { requireHttpsOnly } from "./policies/app-service-require-https-only";

new PolicyPack("azure-app-service-client-certificates", {
    policies: [requireClientCertificates, requireHttpsOnly, minimumTlsVersion, exemptionsReport],
});

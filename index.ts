// Assembles the pack; every rule lives in policies/.
import { PolicyPack } from "@pulumi/policy";
import { exemptionsReport } from "./policies/app-service-exemptions-report";
import { requireClientCertificates } from "./policies/app-service-require-client-certificates";

new PolicyPack("azure-app-service-client-certificates", {
    policies: [requireClientCertificates, exemptionsReport],
});

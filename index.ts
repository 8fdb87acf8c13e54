// Assembles the pack; every rule lives in policies/.
import { PolicyPack } from "@pulumi/policy";
import { packRoot } from "./lib/pack-exemptions";
import { PACK_METADATA, PACK_NAME, repositoryOf } from "./lib/pack-metadata";
import { deployedState } from "./policies/app-service-deployed-state";
import { exemptionsReport } from "./policies/app-service-exemptions-report";
import { minimumTlsVersion } from "./policies/app-service-minimum-tls-version";
import { requireClientCertificates } from "./policies/app-service-require-client-certificates";
import { requireHttpsOnly } from "./policies/app-service-require-https-only";

new PolicyPack(PACK_NAME, {
    ...PACK_METADATA,
    tags: [...PACK_METADATA.tags],
    repository: repositoryOf(packRoot()),
    policies: [requireClientCertificates, requireHttpsOnly, minimumTlsVersion, deployedState, exemptionsReport],
});

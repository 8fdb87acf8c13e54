// A team moving to client certificates: two legacy apps cannot require them yet and are covered by
// examples/migration/exemptions.yaml; a third had a waiver that has run out; the new app complies.
import * as resources from "@pulumi/azure-native/resources";
import * as web from "@pulumi/azure-native/web";

const group = new resources.ResourceGroup("rg");

const plan = new web.AppServicePlan("plan", {
    resourceGroupName: group.name,
    kind: "linux",
    reserved: true,
    sku: { name: "P1v3", tier: "PremiumV3" },
});

const hardened = {
    resourceGroupName: group.name,
    serverFarmId: plan.id,
    httpsOnly: true,
    siteConfig: { minTlsVersion: "1.2" },
};

// Exempt (mitigated): Application Gateway in front of it verifies the client certificates.
new web.WebApp("legacy-partner-api", { ...hardened, clientCertEnabled: false });

// Exempt (mitigated), slot included: only reachable through a private endpoint from the batch network.
const reports = new web.WebApp("legacy-reports", { ...hardened, clientCertEnabled: true, clientCertMode: "Optional" });
new web.WebAppSlot("legacy-reports-staging", {
    ...hardened,
    name: reports.name,
    slot: "staging",
    clientCertEnabled: true,
    clientCertMode: "Optional",
}, { parent: reports });

// Its waiver expired, so the pack denies it again, and says so.
new web.WebApp("legacy-batch", { ...hardened, clientCertEnabled: false });

// Already migrated.
new web.WebApp("orders-api", { ...hardened, clientCertEnabled: true, clientCertMode: "Required" });

// Everything here passes the pack: each web app and slot requires client certificates, the one
// exclusion path is allow-listed by this example's policy-pack-config.json, and the function and
// workflow apps are out of the policy's scope.
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";

const group = new resources.ResourceGroup("rg");

const plan = new web.AppServicePlan("plan", {
    resourceGroupName: group.name,
    kind: "linux",
    reserved: true,
    sku: { name: "P1v3", tier: "PremiumV3" },
});

// Unrelated to App Service: the pack must leave it alone.
new storage.StorageAccount("logs", {
    resourceGroupName: group.name,
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
});

// The settings every app here shares, so that later rules (HTTPS only, minimum TLS) pass too.
const hardened = {
    resourceGroupName: group.name,
    serverFarmId: plan.id,
    httpsOnly: true,
    siteConfig: { minTlsVersion: "1.2", ftpsState: "Disabled" },
};

const api = new web.WebApp("api", {
    ...hardened,
    clientCertEnabled: true,
    clientCertMode: "Required",
});

new web.WebAppSlot("api-staging", {
    ...hardened,
    name: api.name,
    slot: "staging",
    clientCertEnabled: true,
    clientCertMode: "Required",
}, { parent: api });

// /health is allow-listed in policy-pack-config.json, so the load balancer's probe may skip the certificate.
new web.WebApp("portal", {
    ...hardened,
    clientCertEnabled: true,
    clientCertMode: "Required",
    clientCertExclusionPaths: "/health",
});

// Function apps are judged only when the policy's includeFunctionApps option is true (off here).
new web.WebApp("orders-func", {
    ...hardened,
    kind: "functionapp,linux",
});

// Logic Apps Standard cannot require client certificates, so the policy never judges it.
new web.WebApp("workflows", {
    ...hardened,
    kind: "functionapp,workflowapp",
});

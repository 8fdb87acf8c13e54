// Everything here passes the pack: each web app, slot, function app and workflow app requires client
// certificates, the one exclusion path is allow-listed by this example's policy-pack-config.json, and the
// function app hosted on Azure Container Apps is not applicable (its ingress carries the requirement).
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

// /health is allow-listed in policy-pack-config.json, so the load balancer's probe of /health/ may skip the
// certificate. Azure matches exclusion paths as prefixes: "/health/" opens only what lies below /health/, where
// "/health" would also open /healthz and /health-admin, beyond what the allow-list covers.
new web.WebApp("portal", {
    ...hardened,
    clientCertEnabled: true,
    clientCertMode: "Required",
    clientCertExclusionPaths: "/health/",
});

// Function apps are judged like web apps: kind is a label, so it takes nothing out of scope.
new web.WebApp("orders-func", {
    ...hardened,
    kind: "functionapp,linux",
    clientCertEnabled: true,
    clientCertMode: "Required",
});

// Logic Apps Standard can require client certificates too, and is judged.
new web.WebApp("workflows", {
    ...hardened,
    kind: "functionapp,workflowapp",
    clientCertEnabled: true,
    clientCertMode: "Required",
});

// A function app hosted on Azure Container Apps: its kind and its managed environment place it there, where
// App Service's client-certificate and HTTPS settings do not apply. The container app's ingress carries
// them (configuration.ingress.clientCertificateMode: "require"), so those two rules report it not applicable.
new web.WebApp("orders-aca", {
    resourceGroupName: group.name,
    kind: "functionapp,linux,container,azurecontainerapps",
    managedEnvironmentId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/orders",
    siteConfig: { minTlsVersion: "1.2" },
});

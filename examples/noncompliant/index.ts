// One app per typical client-certificate mistake. Each is otherwise hardened (HTTPS only, TLS 1.2),
// so that the only finding on it is the one its name describes.
//
// Not shown: a resource from an explicit API version module (`@pulumi/azure-native/web/v20220901`),
// because azure-native v3 no longer ships those modules. The pack judges such type tokens all the
// same; examples/stack-exports/prod.json holds one (`azure-native:web/v20220901:WebApp`).
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

new storage.StorageAccount("logs", {
    resourceGroupName: group.name,
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
});

const hardened = {
    resourceGroupName: group.name,
    serverFarmId: plan.id,
    httpsOnly: true,
    siteConfig: { minTlsVersion: "1.2" },
};

// Client certificates switched off.
new web.WebApp("app-disabled", { ...hardened, clientCertEnabled: false, clientCertMode: "Required" });

// Nothing set at all: Azure's default is no client certificates.
new web.WebApp("app-defaults", { ...hardened });

// Enabled, but Optional lets clients in without a certificate.
new web.WebApp("app-optional", { ...hardened, clientCertEnabled: true, clientCertMode: "Optional" });

// Enabled with the mode left out: an existing app's stored mode can stay Optional.
new web.WebApp("app-mode-omitted", { ...hardened, clientCertEnabled: true });

// The root path excludes the whole site.
new web.WebApp("app-root-excluded", {
    ...hardened,
    clientCertEnabled: true,
    clientCertMode: "Required",
    clientCertExclusionPaths: "/",
});

// An exclusion needs the policy pack config's allow-list (it holds none here). Azure matches it as a prefix, so
// "/health" also opens /healthz: with "/health" allow-listed, write "/health/"; "/health" itself needs "/health*".
new web.WebApp("app-path-excluded", {
    ...hardened,
    clientCertEnabled: true,
    clientCertMode: "Required",
    clientCertExclusionPaths: "/health",
});

// A compliant app whose staging slot is not: slots have their own settings and are judged on their own.
const shop = new web.WebApp("shop", { ...hardened, clientCertEnabled: true, clientCertMode: "Required" });
new web.WebAppSlot("shop-staging", {
    ...hardened,
    name: shop.name,
    slot: "staging",
    clientCertEnabled: true,
    clientCertMode: "OptionalInteractiveUser",
}, { parent: shop });

// A function app, by its kind: kind is a label the program declares, so it is judged like any app.
new web.WebApp("func-labelled", { ...hardened, kind: "functionapp", clientCertEnabled: false });

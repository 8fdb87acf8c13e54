// Synthetic but realistic stacks: one resource in ten an azure-native web app with the properties a real
// program sends, the rest storage accounts, virtual networks and key vaults as azure-native sends them.
import { WireResource } from "../../tools/analyzer/analyzer-client";
import { resourceUrn } from "../../tools/analyzer/wire";

export const STACK = "dev";
export const PROJECT = "bench-shop";
export const URN_CONTEXT = { stack: STACK, project: PROJECT };

const SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
const rg = (i: number) => `rg-shop-${i % 7}`;

function webApp(i: number): WireResource {
    // Three in four comply; the rest leave client certificates off, so every rule's deny path runs too.
    const compliant = i % 4 !== 3;
    const name = `app-${i}`;
    return {
        type: "azure-native:web:WebApp",
        name,
        properties: {
            name,
            resourceGroupName: rg(i),
            location: "westeurope",
            kind: "app,linux",
            serverFarmId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg(i)}/providers/Microsoft.Web/serverfarms/plan-${i % 5}`,
            httpsOnly: true,
            clientCertEnabled: compliant,
            ...(compliant ? { clientCertMode: "Required", clientCertExclusionPaths: "/health" } : {}),
            publicNetworkAccess: "Enabled",
            identity: { type: "SystemAssigned" },
            siteConfig: {
                linuxFxVersion: "NODE|20-lts",
                alwaysOn: true,
                http20Enabled: true,
                minTlsVersion: "1.2",
                scmMinTlsVersion: "1.2",
                ftpsState: "Disabled",
                healthCheckPath: "/health",
                appSettings: [
                    { name: "WEBSITE_RUN_FROM_PACKAGE", value: "1" },
                    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: `InstrumentationKey=${SUBSCRIPTION};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/` },
                    { name: "NODE_ENV", value: "production" },
                    { name: "DB_HOST", value: `db-${i % 3}.postgres.database.azure.com` },
                ],
                ipSecurityRestrictions: [
                    { name: "office", ipAddress: "203.0.113.0/24", action: "Allow", priority: 100 },
                    { name: "frontdoor", tag: "ServiceTag", ipAddress: "AzureFrontDoor.Backend", action: "Allow", priority: 200 },
                ],
            },
            tags: { environment: "dev", owner: "team-shop", costCenter: "CC-1042" },
        },
    };
}

function storageAccount(i: number): WireResource {
    const name = `stshop${i}`;
    return {
        type: "azure-native:storage:StorageAccount",
        name,
        properties: {
            accountName: name,
            resourceGroupName: rg(i),
            location: "westeurope",
            kind: "StorageV2",
            sku: { name: "Standard_ZRS" },
            accessTier: "Hot",
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            encryption: {
                keySource: "Microsoft.Storage",
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
                requireInfrastructureEncryption: true,
            },
            networkRuleSet: {
                defaultAction: "Deny",
                bypass: "AzureServices",
                ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }],
                virtualNetworkRules: [{ virtualNetworkResourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg(i)}/providers/Microsoft.Network/virtualNetworks/vnet-shop/subnets/apps` }],
            },
            tags: { environment: "dev", owner: "team-shop", costCenter: "CC-1042" },
        },
    };
}

function virtualNetwork(i: number): WireResource {
    const name = `vnet-${i}`;
    return {
        type: "azure-native:network:VirtualNetwork",
        name,
        properties: {
            virtualNetworkName: name,
            resourceGroupName: rg(i),
            location: "westeurope",
            addressSpace: { addressPrefixes: [`10.${i % 250}.0.0/16`] },
            subnets: [
                { name: "apps", addressPrefix: `10.${i % 250}.1.0/24`, privateEndpointNetworkPolicies: "Disabled" },
                { name: "data", addressPrefix: `10.${i % 250}.2.0/24`, serviceEndpoints: [{ service: "Microsoft.Storage" }] },
            ],
            tags: { environment: "dev", owner: "team-shop" },
        },
    };
}

function keyVault(i: number): WireResource {
    const name = `kv-shop-${i}`;
    return {
        type: "azure-native:keyvault:Vault",
        name,
        properties: {
            vaultName: name,
            resourceGroupName: rg(i),
            location: "westeurope",
            properties: {
                tenantId: SUBSCRIPTION,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 90,
                enablePurgeProtection: true,
                publicNetworkAccess: "Disabled",
            },
            tags: { environment: "dev", owner: "team-shop" },
        },
    };
}

/** Resource `i` of the mixed stack: 1 in 10 a web app, otherwise mostly storage accounts. */
export function mixedResource(i: number): WireResource {
    if (i % 10 === 0) {
        return webApp(i);
    }
    switch (i % 10) {
        case 3:
            return virtualNetwork(i);
        case 7:
            return keyVault(i);
        default:
            return storageAccount(i);
    }
}

/** A stack of `count` resources with their URNs filled in, as AnalyzeStack receives them. */
export function mixedStack(count: number): WireResource[] {
    const resources: WireResource[] = [];
    for (let i = 0; i < count; i++) {
        const r = mixedResource(i);
        resources.push({ ...r, urn: resourceUrn(r.type, r.name!, URN_CONTEXT) });
    }
    return resources;
}

function isoDaysFrom(now: Date, days: number): string {
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

/**
 * An exemptions file of `count` valid entries, each scoped to one project (never matchesEveryProject),
 * spread over 200 projects the way a central pack serving a whole organisation would hold them. 1 in 200
 * names the benched project (half of those match one of its web apps), so the report stays short.
 */
export function exemptionsYaml(count: number, now = new Date()): string {
    const lines = ["settings:", "  maxWaiverDays: 180", "exemptions:"];
    for (let n = 0; n < count; n++) {
        const project = n % 200 === 0 ? PROJECT : `project-${n % 200}`;
        const stack = n % 3 === 0 ? "*" : ["dev", "staging", "prod"][n % 3];
        const app = project === PROJECT && n % 400 === 0 ? `app-${((n / 400) * 10) % 1000}` : `app-${n}`;
        const name = n % 5 === 0 ? `${app}*` : app;
        const urn = `urn:pulumi:${stack}::${project}::azure-native:web:WebApp::${name}`;
        const policies = n % 4 === 0 ? "\n    policies: [azure-app-service-require-client-certificates]" : "";
        if (n % 6 === 5) {
            lines.push(`  - urn: "${urn}"${policies}\n    reason: "Client certificates terminated at Front Door (ticket SEC-${n})"\n    category: mitigated`);
        } else {
            lines.push(`  - urn: "${urn}"${policies}\n    reason: "Partner client migrating to mTLS"\n    category: waiver\n` +
                `    expires: "${isoDaysFrom(now, 1 + (n % 170))}"\n    ticket: SEC-${n}\n    approvedBy: sec-team@contoso.com`);
        }
    }
    return lines.join("\n") + "\n";
}

// Which App Service sites a Pulumi resource deploys. A WebApp deploys itself; azure-native's generic
// `resources:Resource`, an azapi resource, and an ARM template deployment deploy whatever their ARM-shaped
// properties say, which may be no site, one, or many. Each site comes with a profile, a reader of its
// settings under the profile's property names, and where it sits, for the violation message.
//
// This module recognises the resource and reads a generic resource; template deployments are read in
// lib/template-deployments.ts, azapi resources in lib/azapi-sites.ts.
//
// Types are only imported as types (see app-service-resources.ts): the `satisfies` clauses check every
// token and property name against the installed azure-native SDK at build time, at no cost at run time.
import type * as azureNative from "@pulumi/azure-native";
import { appServiceProfileFor } from "./app-service-resources";
import { isOpaque, literalNode, member } from "./arm-nodes";
import { armSiteReader, resolve } from "./arm-expressions";
import { AZAPI_RESOURCE, AZAPI_RESOURCE_ACTION, AZAPI_UPDATE_RESOURCE, azapiActionSites, azapiSites } from "./azapi-sites";
import { DEPLOYMENT_TYPES, DeployedSites, opaque, ownerOf, rootReader, siteOrSlot, webProfile } from "./site-view";
import {
    CLASSIC_LEGACY_TEMPLATE_DEPLOYMENT,
    CLASSIC_TEMPLATE_DEPLOYMENTS,
    classicDeploymentParts,
    classicLegacyDeploymentParts,
    deploymentParts,
    templateSites,
} from "./template-deployments";

type NativeResources = typeof azureNative.resources;
type ResourceArgs = azureNative.resources.ResourceArgs;

const GENERIC_RESOURCE = "Resource" satisfies keyof NativeResources;
const NATIVE_DEPLOYMENTS: ReadonlySet<string> = new Set([
    "Deployment",
    "DeploymentAtScope",
    "DeploymentAtSubscriptionScope",
    "DeploymentAtManagementGroupScope",
    "DeploymentAtTenantScope",
] satisfies (keyof NativeResources)[]);
const NATIVE_STACKS: ReadonlySet<string> = new Set([
    "DeploymentStackAtResourceGroup",
    "DeploymentStackAtSubscription",
    "DeploymentStackAtManagementGroup",
] satisfies (keyof NativeResources)[]);

// azure-native's resources module, at its default or an explicit API version (`resources/v20240301`).
const NATIVE_RESOURCES_TOKEN = /^azure-native:resources(?:\/v\d{8}[a-z]*)?:([A-Za-z]+)$/;

const generic = {
    namespace: "resourceProviderNamespace",
    parentPath: "parentResourcePath",
    type: "resourceType",
    properties: "properties",
    kind: "kind",
    tags: "tags",
} as const satisfies Record<string, keyof ResourceArgs>;
const DEPLOYMENT_PROPERTIES = "properties" satisfies keyof azureNative.resources.DeploymentArgs;

/** Every token the pack looks inside for sites, besides the App Service types themselves. */
export const ARM_SHAPED_TYPES: readonly string[] = [
    `azure-native:resources:${GENERIC_RESOURCE}`,
    ...[...NATIVE_DEPLOYMENTS, ...NATIVE_STACKS].map(name => `azure-native:resources:${name}`),
    ...CLASSIC_TEMPLATE_DEPLOYMENTS,
    CLASSIC_LEGACY_TEMPLATE_DEPLOYMENT,
    AZAPI_RESOURCE,
    AZAPI_UPDATE_RESOURCE,
    AZAPI_RESOURCE_ACTION,
];

/** The sites `type` deploys with these properties, or undefined for a type that deploys none. */
export function sitesOf(type: string, props: unknown): DeployedSites | undefined {
    const profile = appServiceProfileFor(type);
    if (profile) {
        const resource = { profile, read: rootReader(props) };
        return { sites: [{ resource }], unreadable: [], unknowns: [], owner: resource, remediable: true, noSiteReason: "" };
    }
    if (typeof type !== "string") {
        return undefined;
    }
    const native = NATIVE_RESOURCES_TOKEN.exec(type);
    if (native && native[1] === GENERIC_RESOURCE) {
        return genericResourceSites(type, props);
    }
    if (native && NATIVE_DEPLOYMENTS.has(native[1])) {
        return templateSites(type, props, deploymentParts(member(literalNode(props, ""), DEPLOYMENT_PROPERTIES)));
    }
    if (native && NATIVE_STACKS.has(native[1])) {
        return templateSites(type, props, deploymentParts(literalNode(props, "")));
    }
    if (CLASSIC_TEMPLATE_DEPLOYMENTS.has(type)) {
        return templateSites(type, props, classicDeploymentParts(props));
    }
    if (type === CLASSIC_LEGACY_TEMPLATE_DEPLOYMENT) {
        return templateSites(type, props, classicLegacyDeploymentParts(props));
    }
    if (type === AZAPI_RESOURCE || type === AZAPI_UPDATE_RESOURCE) {
        return azapiSites(type, props);
    }
    if (type === AZAPI_RESOURCE_ACTION) {
        return azapiActionSites(props);
    }
    return undefined;
}

// ---- azure-native:resources:Resource ------------------------------------------------------------------

function genericResourceSites(type: string, props: unknown): DeployedSites | undefined {
    const root = literalNode(props, "");
    const namespace = resolve(member(root, generic.namespace)).value;
    const parentPath = resolve(member(root, generic.parentPath)).value;
    const resourceType = resolve(member(root, generic.type)).value;
    for (const value of [namespace, parentPath, resourceType]) {
        if (isOpaque(value)) {
            return opaque(props, value, "the resource type");
        }
    }
    if (typeof namespace !== "string" || typeof resourceType !== "string") {
        return undefined;
    }
    // parentResourcePath alternates types and names (`sites/my-app`); resourceType may itself hold several types.
    const parentTypes = (typeof parentPath === "string" ? parentPath : "").split("/").filter(s => s !== "").filter((_, i) => i % 2 === 0);
    const armType = [namespace.trim(), ...parentTypes, ...resourceType.split("/").filter(s => s !== "")].join("/");
    const which = siteOrSlot(armType);
    if (which === undefined) {
        if (DEPLOYMENT_TYPES.has(armType.toLowerCase())) {
            return templateSites(type, props, deploymentParts(member(root, generic.properties)));
        }
        return undefined;
    }
    const shown = which === "site" ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots";
    const resource = { profile: webProfile(which === "slot", `generic Resource (${shown}), inside its properties`), read: armSiteReader(root) };
    return { sites: [{ resource }], unreadable: [], unknowns: [], owner: ownerOf(props), remediable: false, noSiteReason: "" };
}

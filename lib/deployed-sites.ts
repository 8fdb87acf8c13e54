// Which App Service sites a Pulumi resource deploys. A WebApp deploys itself; azure-native's generic
// `resources:Resource`, an azapi resource, and an ARM template deployment deploy whatever their ARM-shaped
// properties say, which may be no site, one, or many. Each site comes with a profile, a reader of its
// settings under the profile's property names, and where it sits, for the violation message.
//
// Types are only imported as types (see app-service-resources.ts): the `satisfies` clauses check every
// token and property name against the installed azure-native SDK at build time, at no cost at run time.
// The classic provider and azapi are not dependencies: their names are taken from their published SDK
// (@pulumi/azure v6, `core/*TemplateDeployment` and `management/groupTemplateDeployment`) and schema
// (Azure/terraform-provider-azapi, bridged by `pulumi package add terraform-provider azure/azapi`).
import type * as azureNative from "@pulumi/azure-native";
import { AppServiceResourceProfile, appServiceProfileFor, CLIENT_CERT_MODE_REQUIRED } from "./app-service-resources";
import {
    ArmNode,
    armSiteReader,
    DeploymentParts,
    emptyScan,
    isObject,
    isOpaque,
    literalNode,
    member,
    ownValue,
    parseJsonNode,
    readPath,
    resolve,
    scanDeployment,
    TemplateScan,
    Unresolvable,
} from "./arm-template";
import { observe, Unknown } from "./observed-values";

/** A site as a rule sees it: its profile and a reader of its settings by the profile's property names. */
export interface SiteView {
    readonly profile: AppServiceResourceProfile;
    read(...path: string[]): unknown;
}

export interface DeployedSite {
    readonly resource: SiteView;
    /**
     * Where the site sits inside the Pulumi resource, leading every message about it; undefined when the
     * Pulumi resource is the site itself.
     */
    readonly location?: string;
}

export interface DeployedSites {
    readonly sites: readonly DeployedSite[];
    /** What the pack cannot read, so cannot judge: each becomes a violation. */
    readonly unreadable: readonly Unresolvable[];
    /** Unknown during preview, and deciding which sites there are: judged again at `up`. */
    readonly unknowns: readonly Unknown[];
    /** The Pulumi resource's own properties, for its exemption tag. */
    readonly owner: SiteView;
    /** Whether remediation may rewrite the properties: only where the resource is the site at its root. */
    readonly remediable: boolean;
    /** Why a resource that can deploy sites deploys none here. */
    readonly noSiteReason: string;
}

type NativeResources = typeof azureNative.resources;
type ResourceArgs = azureNative.resources.ResourceArgs;
type DeploymentProperties = azureNative.types.input.resources.DeploymentPropertiesArgs;
type DeploymentParameter = azureNative.types.input.resources.DeploymentParameterArgs;
type StackArgs = azureNative.resources.DeploymentStackAtResourceGroupArgs;

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

const deployment = {
    template: "template",
    templateLink: "templateLink",
    parameters: "parameters",
    parametersLink: "parametersLink",
} as const satisfies Record<string, keyof DeploymentProperties & keyof StackArgs>;
// lib/arm-template.ts reads a parameter's `value` and `reference` by these names.
export const PARAMETER_FIELDS = ["value", "reference"] as const satisfies readonly (keyof DeploymentParameter)[];
const DEPLOYMENT_PROPERTIES = "properties" satisfies keyof azureNative.resources.DeploymentArgs;

/** The classic provider's template deployments: the template and its parameters as JSON strings. */
const CLASSIC_TEMPLATE_DEPLOYMENTS: ReadonlySet<string> = new Set([
    "azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment",
    "azure:core/subscriptionTemplateDeployment:SubscriptionTemplateDeployment",
    "azure:core/tenantTemplateDeployment:TenantTemplateDeployment",
    "azure:management/groupTemplateDeployment:GroupTemplateDeployment",
]);
const classic = {
    templateContent: "templateContent",
    parametersContent: "parametersContent",
    templateSpecVersionId: "templateSpecVersionId",
} as const;
/**
 * The classic provider's deprecated template deployment (@pulumi/azure v5; gone in v6): the template and a
 * parameters file as JSON strings, and a map of parameter values as strings.
 */
const CLASSIC_LEGACY_TEMPLATE_DEPLOYMENT = "azure:core/templateDeployment:TemplateDeployment";
const classicLegacy = { templateBody: "templateBody", parametersBody: "parametersBody", parameters: "parameters" } as const;

export const AZAPI_RESOURCE = "azapi:index/resource:Resource";
export const AZAPI_UPDATE_RESOURCE = "azapi:index/updateResource:UpdateResource";
/** azapi's resource action: with method PATCH or PUT and no action, a plain update of the resource. */
export const AZAPI_RESOURCE_ACTION = "azapi:index/resourceAction:ResourceAction";

/** Every token this module looks inside, besides the App Service types themselves. */
export const ARM_SHAPED_TYPES: readonly string[] = [
    `azure-native:resources:${GENERIC_RESOURCE}`,
    ...[...NATIVE_DEPLOYMENTS, ...NATIVE_STACKS].map(name => `azure-native:resources:${name}`),
    ...CLASSIC_TEMPLATE_DEPLOYMENTS,
    CLASSIC_LEGACY_TEMPLATE_DEPLOYMENT,
    AZAPI_RESOURCE,
    AZAPI_UPDATE_RESOURCE,
    AZAPI_RESOURCE_ACTION,
];

function rootReader(props: unknown): (...path: string[]) => unknown {
    return (...path: string[]) => observe(props, path);
}

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

function webProfile(isSlot: boolean, resourceName: string): AppServiceResourceProfile {
    // The ARM shape uses azure-native's property names (both follow the Microsoft.Web REST API).
    const base = appServiceProfileFor(isSlot ? "azure-native:web:WebAppSlot" : "azure-native:web:WebApp")!;
    return { ...base, resourceName };
}

function ownerOf(props: unknown): SiteView {
    return { profile: webProfile(false, "resource"), read: rootReader(props) };
}

function nothing(props: unknown, reason: string): DeployedSites {
    return { sites: [], unreadable: [], unknowns: [], owner: ownerOf(props), remediable: false, noSiteReason: reason };
}

function waitingFor(props: unknown, value: Unknown): DeployedSites {
    return { ...nothing(props, ""), ...(value instanceof Unresolvable ? { unreadable: [value] } : { unknowns: [value] }) };
}

/** A type the pack cannot read yet (unknown during preview) or at all (an encrypted secret): not let through. */
function opaque(props: unknown, value: unknown, what: string): DeployedSites {
    return value instanceof Unknown
        ? waitingFor(props, value)
        : { ...nothing(props, ""), unreadable: [new Unresolvable(what, what, "it is an encrypted secret the pack cannot read", "pass it in plain text")] };
}

/** `Microsoft.Web/sites` → site, `Microsoft.Web/sites/slots` → slot, anything else → undefined. */
function siteKind(armType: string): "site" | "slot" | undefined {
    const lower = armType.trim().toLowerCase();
    return lower === "microsoft.web/sites" ? "site" : lower === "microsoft.web/sites/slots" ? "slot" : undefined;
}

const DEPLOYMENT_TYPES = new Set(["microsoft.resources/deployments", "microsoft.resources/deploymentstacks"]);

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
    const kind = siteKind(armType);
    if (kind === undefined) {
        if (DEPLOYMENT_TYPES.has(armType.toLowerCase())) {
            return templateSites(type, props, deploymentParts(member(root, generic.properties)));
        }
        return undefined;
    }
    const shown = kind === "site" ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots";
    const resource = { profile: webProfile(kind === "slot", `generic Resource (${shown}), inside its properties`), read: armSiteReader(root) };
    return { sites: [{ resource }], unreadable: [], unknowns: [], owner: ownerOf(props), remediable: false, noSiteReason: "" };
}

// ---- ARM template deployments -------------------------------------------------------------------------

function deploymentParts(properties: ArmNode): DeploymentParts {
    return {
        // An object as the SDK declares it; a JSON string is read too rather than let through.
        template: parseJsonNode(member(properties, deployment.template), deployment.template),
        links: [member(properties, deployment.templateLink)],
        parameters: member(properties, deployment.parameters),
        parametersLink: member(properties, deployment.parametersLink),
    };
}

function classicDeploymentParts(props: unknown): DeploymentParts {
    const root = literalNode(props, "");
    const parameters = parseJsonNode(member(root, classic.parametersContent), classic.parametersContent);
    return {
        template: parseJsonNode(member(root, classic.templateContent), classic.templateContent),
        links: [member(root, classic.templateSpecVersionId)],
        parameters: parametersFileBody(parameters),
    };
}

function classicLegacyDeploymentParts(props: unknown): DeploymentParts {
    const root = literalNode(props, "");
    const body = parseJsonNode(member(root, classicLegacy.parametersBody), classicLegacy.parametersBody);
    const map = resolve(member(root, classicLegacy.parameters));
    const hasBody = body.value !== undefined && body.value !== null && body.value !== "";
    const hasMap = map.value !== undefined && map.value !== null && !(isObject(map.value) && Object.keys(map.value).length === 0);
    // Which of the two the provider sends when both are set is not documented: the pack does not guess.
    const parametersUnreadable = hasBody && hasMap
        ? "the resource sets both parameters and parametersBody, and which one applies is not documented"
        : undefined;
    let parameters = parametersFileBody(body);
    if (!hasBody && isObject(map.value)) {
        // A map of strings: each is a parameter's value.
        const entries = map.value;
        parameters = literalNode(Object.fromEntries(Object.keys(entries).map(key => [key, { value: ownValue(entries, key) }])), map.path);
    } else if (!hasBody) {
        parameters = map;
    }
    return {
        template: parseJsonNode(member(root, classicLegacy.templateBody), classicLegacy.templateBody),
        links: [],
        parameters,
        parametersUnreadable,
    };
}

/**
 * `parametersContent` holds `{ "x": { "value": … } }`, or a whole parameters file whose `parameters` holds
 * that map; both are read.
 */
function parametersFileBody(parameters: ArmNode): ArmNode {
    if (!isObject(parameters.value)) {
        return parameters;
    }
    const schema = resolve(member(parameters, "$schema")).value;
    const inner = member(parameters, "parameters");
    return typeof schema === "string" && isObject(resolve(inner).value) ? inner : parameters;
}

function templateSites(type: string, props: unknown, parts: DeploymentParts): DeployedSites {
    const scan: TemplateScan = emptyScan();
    scanDeployment(parts, scan);
    const shortType = type.slice(type.lastIndexOf(":") + 1);
    const sites = scan.sites.map(site => {
        const at = site.resource.path;
        return {
            resource: { profile: webProfile(site.armType.endsWith("slots"), `site, inside ${at}.properties`), read: armSiteReader(site.resource) },
            location: `In the template of this ${shortType}, site ${site.name} (${site.armType} at ${at})`,
        };
    });
    return {
        sites,
        unreadable: scan.unreadable,
        unknowns: scan.unknowns,
        owner: ownerOf(props),
        remediable: false,
        noSiteReason: `the template of this ${shortType} deploys no App Service site (Microsoft.Web/sites or sites/slots)`,
    };
}

// ---- azapi --------------------------------------------------------------------------------------------

const azapi = { type: "type", body: "body", sensitiveBody: "sensitiveBody", tags: "tags", method: "method", action: "action" } as const;

/**
 * An azapi body: `body`, with `sensitiveBody` merge-patched over it (as the provider builds the request).
 * Each may be an object (azapi v2's dynamic attribute) or a JSON string (azapi v1's `jsonencode`).
 */
function azapiBodyReader(props: unknown): (keys: readonly string[]) => ArmNode {
    const root = literalNode(props, "");
    const body = parseJsonNode(member(root, azapi.body), azapi.body);
    const sensitive = parseJsonNode(member(root, azapi.sensitiveBody), azapi.sensitiveBody);
    return keys => {
        const patched = readPath(sensitive, keys);
        return patched.value !== undefined ? patched : readPath(body, keys);
    };
}

/**
 * A resource action sends its body to the resource's URL plus `action`. With method PATCH or PUT and no
 * action, that is an update of the resource itself, judged like an UpdateResource. Other actions (POST,
 * DELETE, or a named action such as `config/web`) are not judged: see the README's list of what the pack
 * cannot see.
 */
function azapiActionSites(props: unknown): DeployedSites | undefined {
    const root = literalNode(props, "");
    const method = resolve(member(root, azapi.method)).value;
    const action = resolve(member(root, azapi.action)).value;
    for (const value of [method, action]) {
        if (value instanceof Unknown) {
            return waitingFor(props, value);
        }
    }
    const writes = typeof method === "string" && ["patch", "put"].includes(method.trim().toLowerCase());
    const onTheResource = action === undefined || action === null || (typeof action === "string" && action.trim() === "");
    return writes && onTheResource ? azapiSites(AZAPI_UPDATE_RESOURCE, props, "azapi ResourceAction") : undefined;
}

function azapiSites(type: string, props: unknown, label?: string): DeployedSites | undefined {
    const typeValue = resolve(member(literalNode(props, ""), azapi.type)).value;
    if (isOpaque(typeValue)) {
        return opaque(props, typeValue, "type");
    }
    if (typeof typeValue !== "string") {
        return undefined;
    }
    const armType = typeValue.split("@")[0];
    const body = azapiBodyReader(props);
    const update = type === AZAPI_UPDATE_RESOURCE;
    const kind = siteKind(armType);
    if (kind === undefined) {
        if (!update && DEPLOYMENT_TYPES.has(armType.trim().toLowerCase())) {
            const properties = body(["properties"]);
            return templateSites(type, props, deploymentParts(properties));
        }
        return undefined;
    }
    const shown = kind === "site" ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots";
    const profile = webProfile(kind === "slot", update
        ? `${label ?? "azapi UpdateResource"} (${shown}), inside body.properties, or leave the setting out of the update`
        : `azapi Resource (${shown}), inside body.properties`);
    const bodyRead = (...path: string[]) => body(path[0] === "kind" ? path : ["properties", ...path]).value;
    const read = (...path: string[]) => path[0] === azapi.tags ? observe(props, path) : bodyRead(...path);
    return {
        sites: [{ resource: { profile, read: update ? patchReader(profile, read) : read } }],
        unreadable: [],
        unknowns: [],
        owner: ownerOf(props),
        remediable: false,
        noSiteReason: "",
    };
}

/**
 * An update (azapi UpdateResource) changes only what its body sets; what it leaves out stays as the site
 * has it. The site itself is judged where it is declared, so the pack judges the update against a site
 * that complies with every rule: a setting the update leaves out passes, a setting it writes is judged as
 * written. Turning client certificates off or the mode away from Required is a violation; an update that
 * touches none of the settings the rules read passes.
 */
function patchReader(profile: AppServiceResourceProfile, read: (...path: string[]) => unknown): (...path: string[]) => unknown {
    const compliant = compliantSettings(profile);
    return (...path: string[]) => {
        const written = read(...path);
        return written !== undefined ? written : observe(compliant, path);
    };
}

function compliantSettings(profile: AppServiceResourceProfile): Record<string, unknown> {
    const settings: Record<string, unknown> = { [profile.properties.httpsOnly]: true };
    const names = profile.clientCertificates;
    if (names.form === "enabled-and-mode") {
        settings[names.enabled] = true;
        settings[names.mode] = CLIENT_CERT_MODE_REQUIRED;
    }
    const [block, property] = profile.properties.minTlsVersion;
    settings[block] = { [property]: profile.highestMinTlsVersion };
    return settings;
}

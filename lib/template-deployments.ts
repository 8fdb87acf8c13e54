// The sites an ARM template deployment deploys, whichever resource carries it: azure-native's deployments and
// deployment stacks (the template an object), the classic provider's template deployments (the template and
// its parameters as JSON strings), and its deprecated TemplateDeployment. Each gives lib/arm-template.ts the
// template, its links and its parameter values.
//
// Types are only imported as types (see app-service-resources.ts): the `satisfies` clauses check every
// property name against the installed azure-native SDK at build time, at no cost at run time. The classic
// provider is not a dependency: its names are taken from its published SDK (@pulumi/azure v6,
// `core/*TemplateDeployment` and `management/groupTemplateDeployment`).
import type * as azureNative from "@pulumi/azure-native";
import { ArmNode, isObject, literalNode, member, ownValue } from "./arm-nodes";
import { armSiteReader, parseJsonNode, resolve } from "./arm-expressions";
import { DeploymentParts, emptyScan, scanDeployment, TemplateScan } from "./arm-template";
import { DeployedSites, ownerOf, webProfile } from "./site-view";

type DeploymentProperties = azureNative.types.input.resources.DeploymentPropertiesArgs;
type DeploymentParameter = azureNative.types.input.resources.DeploymentParameterArgs;
type StackArgs = azureNative.resources.DeploymentStackAtResourceGroupArgs;

const deployment = {
    template: "template",
    templateLink: "templateLink",
    parameters: "parameters",
    parametersLink: "parametersLink",
} as const satisfies Record<string, keyof DeploymentProperties & keyof StackArgs>;
// lib/arm-expressions.ts reads a parameter's `value` and `reference` by these names.
export const PARAMETER_FIELDS = ["value", "reference"] as const satisfies readonly (keyof DeploymentParameter)[];

/** The classic provider's template deployments: the template and its parameters as JSON strings. */
export const CLASSIC_TEMPLATE_DEPLOYMENTS: ReadonlySet<string> = new Set([
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
export const CLASSIC_LEGACY_TEMPLATE_DEPLOYMENT = "azure:core/templateDeployment:TemplateDeployment";
const classicLegacy = { templateBody: "templateBody", parametersBody: "parametersBody", parameters: "parameters" } as const;

export function deploymentParts(properties: ArmNode): DeploymentParts {
    return {
        // An object as the SDK declares it; a JSON string is read too rather than let through.
        template: parseJsonNode(member(properties, deployment.template), deployment.template),
        links: [member(properties, deployment.templateLink)],
        parameters: member(properties, deployment.parameters),
        parametersLink: member(properties, deployment.parametersLink),
    };
}

export function classicDeploymentParts(props: unknown): DeploymentParts {
    const root = literalNode(props, "");
    const parameters = parseJsonNode(member(root, classic.parametersContent), classic.parametersContent);
    return {
        template: parseJsonNode(member(root, classic.templateContent), classic.templateContent),
        links: [member(root, classic.templateSpecVersionId)],
        parameters: parametersFileBody(parameters),
    };
}

export function classicLegacyDeploymentParts(props: unknown): DeploymentParts {
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

export function templateSites(type: string, props: unknown, parts: DeploymentParts): DeployedSites {
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

// The sites an azapi resource deploys: an azapi Resource or UpdateResource whose type is Microsoft.Web/sites
// or sites/slots (its body an ARM-shaped site), one whose type is a deployment (its body a template), and a
// ResourceAction that is a plain update of the resource. azapi is not a dependency: its names are taken from
// its schema (Azure/terraform-provider-azapi, bridged by `pulumi package add terraform-provider azure/azapi`).
import { AppServiceResourceProfile, CLIENT_CERT_MODE_REQUIRED } from "./app-service-resources";
import { ArmNode, isOpaque, literalNode, member } from "./arm-nodes";
import { parseJsonNode, readPath, resolve } from "./arm-expressions";
import { observe, Unknown } from "./observed-values";
import { DEPLOYMENT_TYPES, DeployedSites, opaque, ownerOf, siteOrSlot, waitingFor, webProfile } from "./site-view";
import { deploymentParts, templateSites } from "./template-deployments";

export const AZAPI_RESOURCE = "azapi:index/resource:Resource";
export const AZAPI_UPDATE_RESOURCE = "azapi:index/updateResource:UpdateResource";
/** azapi's resource action: with method PATCH or PUT and no action, a plain update of the resource. */
export const AZAPI_RESOURCE_ACTION = "azapi:index/resourceAction:ResourceAction";

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
export function azapiActionSites(props: unknown): DeployedSites | undefined {
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

export function azapiSites(type: string, props: unknown, label?: string): DeployedSites | undefined {
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
    const which = siteOrSlot(armType);
    if (which === undefined) {
        if (!update && DEPLOYMENT_TYPES.has(armType.trim().toLowerCase())) {
            const properties = body(["properties"]);
            return templateSites(type, props, deploymentParts(properties));
        }
        return undefined;
    }
    const shown = which === "site" ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots";
    const profile = webProfile(which === "slot", update
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

// What a Pulumi resource deploys, as the rules see it: its App Service sites, each with a profile, a reader of
// its settings under the profile's property names, and where it sits; what the pack cannot read; what the
// engine does not know yet. Shared by the readers of each kind of resource (lib/deployed-sites.ts,
// lib/template-deployments.ts, lib/azapi-sites.ts).
import { AppServiceResourceProfile, appServiceProfileFor } from "./app-service-resources";
import { Unresolvable } from "./arm-nodes";
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

/** A reader of the Pulumi resource's own properties, at their root. */
export function rootReader(props: unknown): (...path: string[]) => unknown {
    return (...path: string[]) => observe(props, path);
}

/** A site or slot in ARM shape, named in messages as `resourceName`. */
export function webProfile(isSlot: boolean, resourceName: string): AppServiceResourceProfile {
    // The ARM shape uses azure-native's property names (both follow the Microsoft.Web REST API).
    const base = appServiceProfileFor(isSlot ? "azure-native:web:WebAppSlot" : "azure-native:web:WebApp")!;
    return { ...base, resourceName };
}

/** The Pulumi resource that carries ARM-shaped sites: read for its exemption tag. */
export function ownerOf(props: unknown): SiteView {
    return { profile: webProfile(false, "resource"), read: rootReader(props) };
}

/** No site, for `reason`. */
export function nothing(props: unknown, reason: string): DeployedSites {
    return { sites: [], unreadable: [], unknowns: [], owner: ownerOf(props), remediable: false, noSiteReason: reason };
}

/** No site known yet: which sites there are depends on `value`, unknown (or, if unresolvable, never readable). */
export function waitingFor(props: unknown, value: Unknown): DeployedSites {
    return { ...nothing(props, ""), ...(value instanceof Unresolvable ? { unreadable: [value] } : { unknowns: [value] }) };
}

/** A type the pack cannot read yet (unknown during preview) or at all (an encrypted secret): not let through. */
export function opaque(props: unknown, value: unknown, what: string): DeployedSites {
    return value instanceof Unknown
        ? waitingFor(props, value)
        : { ...nothing(props, ""), unreadable: [new Unresolvable(what, what, "it is an encrypted secret the pack cannot read", "pass it in plain text")] };
}

/** `Microsoft.Web/sites` → site, `Microsoft.Web/sites/slots` → slot, anything else → undefined. */
export function siteOrSlot(armType: string): "site" | "slot" | undefined {
    const lower = armType.trim().toLowerCase();
    return lower === "microsoft.web/sites" ? "site" : lower === "microsoft.web/sites/slots" ? "slot" : undefined;
}

/** The ARM types whose body is a template deployment. */
export const DEPLOYMENT_TYPES = new Set(["microsoft.resources/deployments", "microsoft.resources/deploymentstacks"]);

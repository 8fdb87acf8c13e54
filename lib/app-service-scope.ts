// Which apps a policy judges. `kind` is a label the program declares, and App Service's management plane does
// not act on it, so under the default options no value of `kind` on its own takes a site out of a rule: function
// apps and workflow apps are judged like web apps. Leaving them out is an explicit option that trusts the label.
// Where a site really is hosted elsewhere (a function app on Azure Container Apps), the decision rests on a
// structural property the platform acts on (`managedEnvironmentId`), not on `kind` alone.
import { AppServiceResourceProfile } from "./app-service-resources";
import { describeValue, Unknown } from "./observed-values";

export type AppKind = "web app" | "function app" | "workflow app";

export type AppScope =
    | {
        readonly inScope: true;
        readonly appKind: AppKind;
        /** Said with every violation: why a site whose kind names another host is judged anyway. */
        readonly note?: string;
    }
    | { readonly inScope: false; readonly reason: string };

export interface ScopeOptions {
    readonly includeFunctionApps: boolean;
    readonly includeWorkflowApps: boolean;
    /**
     * Why sites hosted on Azure Container Apps are beyond the rule, where Azure's own built-ins leave them
     * out; undefined where the rule judges them.
     */
    readonly containerAppsReason?: string;
}

/** What an app's placement reads from its properties. */
export interface PlacementProperties {
    readonly kind: unknown;
    /** `managedEnvironmentId`, where the resource type has it. */
    readonly managedEnvironmentId?: unknown;
}

/** The `kind` tokens, lower-cased and trimmed: `"FunctionApp, Linux"` → `["functionapp", "linux"]`. */
export function kindTokens(kind: unknown): string[] {
    if (typeof kind !== "string") {
        return [];
    }
    return kind.split(",").map(token => token.trim().toLowerCase()).filter(token => token !== "");
}

/** The ARM ID of a Container Apps managed environment, as azure-native's WebAppArgs documents it. */
const MANAGED_ENVIRONMENT_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.App\/managedEnvironments\/[^/]+$/i;

export function isManagedEnvironmentId(value: unknown): value is string {
    return typeof value === "string" && MANAGED_ENVIRONMENT_ID.test(value);
}

/**
 * A missing kind, an unrecognised kind, a kind that is not even a string and a kind unknown during preview
 * all count as a web app: the pack judges what it cannot place rather than letting it through.
 */
export function appScope(profile: AppServiceResourceProfile, placement: PlacementProperties, scope: ScopeOptions): AppScope {
    let appKind: AppKind;
    let note: string | undefined;
    if (profile.functionApp === "by-kind") {
        const kind = placement.kind;
        const tokens = kind instanceof Unknown ? [] : kindTokens(kind);
        if (tokens.includes("azurecontainerapps") && scope.containerAppsReason !== undefined) {
            // Azure Policy's built-ins leave this kind out; the pack also wants the site to be placed on a
            // managed environment, which the platform acts on, so that the label alone decides nothing.
            const environment = placement.managedEnvironmentId;
            if (isManagedEnvironmentId(environment)) {
                return { inScope: false, reason: `kind ${JSON.stringify(kind)} and managedEnvironmentId place this app on Azure Container Apps: ${scope.containerAppsReason}` };
            }
            note = `Its kind ${JSON.stringify(kind)} names Azure Container Apps, but managedEnvironmentId is ` +
                `${environment instanceof Unknown ? "unknown during preview" : describeValue(environment)}, ` +
                "not the ID of a managed environment, so the pack judges it as an App Service app.";
        }
        const isFunctionApp = tokens.includes("functionapp");
        // Logic Apps Standard is kind functionapp,workflowapp. Both tokens are needed: `workflowapp` alone on
        // a web app must not make it anything but a web app.
        appKind = isFunctionApp ? (tokens.includes("workflowapp") ? "workflow app" : "function app") : "web app";
    } else {
        appKind = profile.workflowApp ? "workflow app" : profile.functionApp ? "function app" : "web app";
    }
    if (appKind === "workflow app" && !scope.includeWorkflowApps) {
        return {
            inScope: false,
            reason: "workflow apps (Logic Apps Standard) are left out because the policy's includeWorkflowApps option is false" +
                (profile.functionApp === "by-kind" ? "; this trusts kind, a label the program declares" : ""),
        };
    }
    if (appKind === "function app" && !scope.includeFunctionApps) {
        return {
            inScope: false,
            reason: "function apps are left out because the policy's includeFunctionApps option is false" +
                (profile.functionApp === "by-kind" ? "; this trusts kind, a label the program declares" : ""),
        };
    }
    return note === undefined ? { inScope: true, appKind } : { inScope: true, appKind, note };
}

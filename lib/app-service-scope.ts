// Which apps a policy judges, decided by the resource type and, on azure-native, the `kind` comma list.
import { AppServiceResourceProfile } from "./app-service-resources";
import { UnknownDuringPreview } from "./observed-values";

export type AppScope =
    | { readonly inScope: true; readonly appKind: "web app" | "function app" }
    | { readonly inScope: false; readonly reason: string };

/** The `kind` tokens, lower-cased and trimmed: `"FunctionApp, Linux"` → `["functionapp", "linux"]`. */
export function kindTokens(kind: unknown): string[] {
    if (typeof kind !== "string") {
        return [];
    }
    return kind.split(",").map(token => token.trim().toLowerCase()).filter(token => token !== "");
}

/**
 * A missing kind, an unrecognised kind, a kind that is not even a string and a kind unknown during preview
 * all count as a web app: the pack judges what it cannot place rather than letting it through.
 */
export function appScope(
    profile: AppServiceResourceProfile,
    kind: unknown,
    scope: { readonly includeFunctionApps: boolean; readonly excludesWorkflowApps: boolean },
): AppScope {
    let isFunctionApp: boolean;
    if (profile.functionApp === "by-kind") {
        const tokens = kind instanceof UnknownDuringPreview ? [] : kindTokens(kind);
        isFunctionApp = tokens.includes("functionapp");
        // Logic Apps Standard (kind functionapp,workflowapp) runs on the Functions host and has no
        // client-certificate setting to require. Both tokens are needed: `workflowapp` alone on a web app
        // must not take it out of scope.
        if (scope.excludesWorkflowApps && isFunctionApp && tokens.includes("workflowapp")) {
            return { inScope: false, reason: `kind ${JSON.stringify(kind)} is a workflow app (Logic Apps Standard), which cannot require client certificates` };
        }
    } else {
        isFunctionApp = profile.functionApp;
    }
    if (isFunctionApp && !scope.includeFunctionApps) {
        return { inScope: false, reason: "function apps are out of scope unless the policy's includeFunctionApps option is true" };
    }
    return { inScope: true, appKind: isFunctionApp ? "function app" : "web app" };
}

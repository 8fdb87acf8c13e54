// The oracle of the property tests: a small model of the client-certificate requirement, written from the
// rule's documented intent and NOT from its code. It reads the resource as the engine sends it (secret
// envelopes and unknown sentinels in place) and only the profile's declared data (property names, how the
// type expresses the requirement, what an omitted mode means, whether the type is a function app).
//
// Intent mirrored deliberately:
//   - in scope: azure-native reads `kind` (a comma list, case-insensitive, trimmed), a label: "functionapp"
//     and "workflowapp" together → a workflow app, judged unless includeWorkflowApps is false;
//     "functionapp" → a function app, judged unless includeFunctionApps is false; anything else is a web app.
//     That includes a kind that is not a string and a kind unknown during preview (a sentinel, bare or inside
//     a secret): it has no tokens, so the app is a web app and judged now; an unknown kind never makes the
//     verdict wait for `up`. Both options default to true. "azurecontainerapps" in kind together with a
//     managedEnvironmentId that is the ARM ID of a Microsoft.App managed environment → hosted on Container
//     Apps, never judged; either one alone, or an unknown managedEnvironmentId, decides nothing. Classic types
//     are function (or, for Logic Apps Standard, workflow) apps by type.
//   - enabled must be the boolean true (secrets unwrapped); mode exactly "Required"; an omitted mode is
//     accepted only where it defaults to Required and either the provider sends that default or the
//     acceptServiceDefaultMode option says to rely on the service's.
//   - exclusion list: absent, null or "" → fine; not a string → wrong; any whitespace, control or invisible
//     format character anywhere → wrong (how Azure splits such a list is not documented); entries split on
//     "," and ";"; an empty entry, a root ("/", "//", "\" … slashes only) or any entry that opens more than
//     the allow-list covers is wrong. Azure matches entries as case-insensitive prefixes: an allow-listed
//     "/health" covers "/health/" and below, so only entries starting with "/health/" fit; an allow-listed
//     "/health*" is the prefix itself, so every entry starting with "/health" fits. Never an entry with a "."
//     or ".." segment or any of \ % * ?.
//   - a known wrong value always yields a mandatory violation ("violation"). An unknown enabled flag, mode or
//     exclusion list yields the SDK's advisory "can't run … during preview" ("unknown") only when nothing
//     known is wrong; kind and managedEnvironmentId, unknown, are placed as above instead.
import type { AppServiceResourceProfile } from "../../lib/app-service-resources";
import { UNKNOWN_SENTINELS } from "../../lib/wire-signatures";
import { isSecretEnvelope } from "../../tools/analyzer/wire";
import { ClientCertOptions } from "./support";

export type Expected =
    | { readonly outcome: "out of scope"; readonly why: string }
    | { readonly outcome: "compliant" }
    | { readonly outcome: "violation"; readonly why: string[] }
    | { readonly outcome: "unknown"; readonly why: string[] };

const ABSENT = Symbol("absent");
const UNKNOWN_VALUE = Symbol("unknown");
type Read = unknown | typeof ABSENT | typeof UNKNOWN_VALUE;

/** A top-level property as the rule sees it: absent, unknown, or the plain value inside any secrets. */
function read(props: Record<string, unknown>, name: string | undefined): Read {
    if (name === undefined || !Object.prototype.hasOwnProperty.call(props, name) || props[name] === undefined) {
        return ABSENT;
    }
    let value: unknown = props[name];
    while (isSecretEnvelope(value)) {
        value = value.value;
    }
    return typeof value === "string" && UNKNOWN_SENTINELS.includes(value) ? UNKNOWN_VALUE : value;
}

function isBlank(text: string): boolean {
    return text.trim().length === 0;
}

/** Only slashes (either way round): the root, however many times written. */
function isRoot(entry: string): boolean {
    return entry.length > 0 && [...entry].every(c => c === "/" || c === "\\");
}

function withoutTrailingSlashes(text: string): string {
    let end = text.length;
    while (end > 0 && text[end - 1] === "/") {
        end--;
    }
    return text.slice(0, end);
}

const INVISIBLE = /[\s\p{Cc}\p{Cf}]/u;

function allowListed(entry: string, allowed: readonly string[]): boolean {
    const candidate = entry.toLowerCase();
    if (withoutTrailingSlashes(candidate) === "" || ["\\", "%", "*", "?"].some(c => candidate.includes(c))) {
        return false;
    }
    if (candidate.split("/").some(segment => segment === "." || segment === "..")) {
        return false;
    }
    return allowed.some(path => {
        const item = path.trim().toLowerCase();
        if (item.endsWith("*")) {
            const prefix = item.slice(0, -1);
            return withoutTrailingSlashes(prefix) !== "" && !prefix.includes("*") && candidate.startsWith(prefix);
        }
        const root = withoutTrailingSlashes(item);
        return root !== "" && candidate.startsWith(root + "/");
    });
}

export function exclusionProblems(list: unknown, allowed: readonly string[]): string[] {
    if (list === null) {
        return [];
    }
    if (typeof list !== "string") {
        return ["exclusion list is not a string"];
    }
    if (list === "") {
        return [];
    }
    const problems: string[] = [];
    if (INVISIBLE.test(list)) {
        problems.push("whitespace or an invisible character in the list");
        if (isBlank(list)) {
            return problems;
        }
    }
    for (const raw of list.split(/[;,]/)) {
        const entry = raw.trim();
        if (entry === "") {
            problems.push("empty exclusion entry");
        } else if (isRoot(entry)) {
            problems.push(`root exclusion ${JSON.stringify(entry)}`);
        } else if (!allowListed(entry, allowed)) {
            problems.push(`exclusion ${JSON.stringify(entry)} not allow-listed`);
        }
    }
    return problems;
}

export function expectedVerdict(profile: AppServiceResourceProfile, props: Record<string, unknown>, options: ClientCertOptions): Expected {
    // Scope.
    let functionApp: boolean;
    let workflowApp: boolean;
    if (profile.functionApp === "by-kind") {
        // An unknown kind counts as a web app: judged, not waited for.
        const kind = read(props, "kind");
        const tokens = typeof kind === "string" ? kind.split(",").map(t => t.trim().toLowerCase()) : [];
        const environment = read(props, "managedEnvironmentId");
        if (tokens.includes("azurecontainerapps") && typeof environment === "string"
            && /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.app\/managedenvironments\/[^/]+$/.test(environment.toLowerCase())) {
            return { outcome: "out of scope", why: "hosted on Azure Container Apps" };
        }
        functionApp = tokens.includes("functionapp");
        // Logic Apps Standard: kind holds both functionapp and workflowapp.
        workflowApp = functionApp && tokens.includes("workflowapp");
    } else {
        functionApp = profile.functionApp;
        workflowApp = profile.workflowApp === true;
    }
    if (workflowApp) {
        if (!options.includeWorkflowApps) {
            return { outcome: "out of scope", why: "workflow app without includeWorkflowApps" };
        }
    } else if (functionApp && !options.includeFunctionApps) {
        return { outcome: "out of scope", why: "function app without includeFunctionApps" };
    }

    const wrong: string[] = [];
    const unknown: string[] = [];
    const names = profile.clientCertificates;
    const judgeMode = (modeName: string, omittedIsFine: boolean) => {
        const mode = read(props, modeName);
        if (mode === UNKNOWN_VALUE) {
            unknown.push("mode unknown");
        } else if (mode === ABSENT) {
            if (!omittedIsFine) {
                wrong.push("mode omitted");
            }
        } else if (mode !== "Required") {
            wrong.push(`mode ${JSON.stringify(mode)}`);
        }
    };
    switch (names.form) {
        case "unsupported":
            wrong.push("type cannot require client certificates");
            break;
        case "mode-implies-enabled":
            judgeMode(names.mode, false);
            break;
        case "enabled-and-mode": {
            const enabled = read(props, names.enabled);
            if (enabled === UNKNOWN_VALUE) {
                unknown.push("enabled unknown");
            } else if (enabled !== true) {
                wrong.push(`enabled ${enabled === ABSENT ? "omitted" : JSON.stringify(enabled)}`);
            }
            const omitted = profile.omittedMode;
            judgeMode(names.mode, omitted.value === "Required" && (omitted.appliedBy === "provider" || options.acceptServiceDefaultMode));
            const list = read(props, names.exclusionPaths);
            if (list === UNKNOWN_VALUE) {
                unknown.push("exclusion list unknown");
            } else if (list !== ABSENT) {
                wrong.push(...exclusionProblems(list, options.allowedExclusionPaths));
            }
            break;
        }
    }
    // Anything known to be wrong fails, whatever the unknowns turn out to be.
    if (wrong.length > 0) {
        return { outcome: "violation", why: wrong };
    }
    if (unknown.length > 0) {
        return { outcome: "unknown", why: unknown };
    }
    return { outcome: "compliant" };
}

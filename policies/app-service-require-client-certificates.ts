// CIS Microsoft Azure Foundations 9.4 / Defender for Cloud: "App Service web apps should have
// 'Incoming client certificates' enabled". Enabled alone is not enough: the mode must be Required, and
// no exclusion path may open the site, or parts of it, to clients without a certificate.
import { Secret } from "@pulumi/policy";
import {
    AppServiceResourceProfile,
    CLIENT_CERT_MODE_REQUIRED,
} from "../lib/app-service-resources";
import {
    appServiceResourcePolicy,
    AppServiceRule,
    combineVerdicts,
    findingOf,
    NO_FINDINGS,
    ObservedResource,
    RuleVerdict,
    undeterminedBy,
    UnresolvableLevel,
    unresolvableValuesOption,
} from "../lib/app-service-policy";
import { describeValue, isUndetermined } from "../lib/observed-values";
import { defineOptions } from "../lib/policy-options";
import { CLIENT_CERTIFICATES_POLICY } from "../lib/policy-names";


const WHY = "Why: without a required client certificate, anyone who reaches the app can impersonate a legitimate " +
    "client, and a man in the middle can relay its traffic unnoticed (CIS Azure 9.4).";

export const clientCertificateOptions = defineOptions({
    acceptServiceDefaultMode: {
        type: "boolean",
        default: false,
        strictest: false,
        description: "Accept clientCertEnabled: true with clientCertMode left out, relying on Azure's service default " +
            "(Required). Off by default, because an existing app's stored mode can stay Optional.",
    },
    allowedExclusionPaths: {
        type: "string-list",
        default: [],
        itemPattern: "^/[^,;]*[^,;/\\s][^,;]*$",
        itemDescription: "a path such as /health (not the root, no , or ;)",
        description: "Paths (and the paths below them) that clientCertExclusionPaths may exempt from client " +
            "certificates, for example /health. The root / can never be exempted.",
    },
    includeFunctionApps: {
        type: "boolean",
        default: false,
        strictest: true,
        description: "Also require client certificates on function apps (kind functionapp). Workflow apps " +
            "(Logic Apps Standard) are never judged: they cannot require client certificates.",
    },
    ...unresolvableValuesOption,
});

export type ClientCertificateOptions = typeof clientCertificateOptions.defaults;

/**
 * The three settings this rule reads, as plain values (`UnknownDuringPreview` where not yet known);
 * `undefined` where the resource type has no such property.
 */
export interface ClientCertificateSettings {
    readonly enabled: unknown;
    readonly mode: unknown;
    readonly exclusionPaths: unknown;
}

export function observeClientCertificateSettings(resource: ObservedResource): ClientCertificateSettings {
    const names = resource.profile.clientCertificates;
    switch (names.kind) {
        case "enabled-and-mode":
            return {
                enabled: resource.read(names.enabled),
                mode: resource.read(names.mode),
                exclusionPaths: names.exclusionPaths === undefined ? undefined : resource.read(names.exclusionPaths),
            };
        case "mode-implies-enabled":
            return { enabled: undefined, mode: resource.read(names.mode), exclusionPaths: undefined };
        case "unsupported":
            return { enabled: undefined, mode: undefined, exclusionPaths: undefined };
    }
}

/** The properties to set, as the user's SDK names them. */
export function fixText(profile: AppServiceResourceProfile): string {
    const names = profile.clientCertificates;
    switch (names.kind) {
        case "enabled-and-mode":
            return `${names.enabled}: true, ${names.mode}: "${CLIENT_CERT_MODE_REQUIRED}"`;
        case "mode-implies-enabled":
            return `${names.mode}: "${CLIENT_CERT_MODE_REQUIRED}"`;
        case "unsupported":
            return `clientCertificateEnabled: true, clientCertificateMode: "${CLIENT_CERT_MODE_REQUIRED}" on its replacement`;
    }
}

function replacements(profile: AppServiceResourceProfile): string {
    return (profile.replacedBy ?? []).join(" or ");
}

/** Why a set mode is wrong, or undefined when it is exactly `Required`. */
function modeProblem(property: string, mode: unknown): string | undefined {
    if (mode === CLIENT_CERT_MODE_REQUIRED) {
        return undefined;
    }
    const caseOnly = typeof mode === "string" && mode.toLowerCase() === CLIENT_CERT_MODE_REQUIRED.toLowerCase();
    return `${property} is ${describeValue(mode)}` + (caseOnly
        ? `; only the exact value "${CLIENT_CERT_MODE_REQUIRED}" is accepted`
        : ", which lets clients in without a certificate");
}

function requirementFinding(problems: string[], profile: AppServiceResourceProfile): RuleVerdict {
    if (problems.length === 0) {
        return NO_FINDINGS;
    }
    return findingOf(`Client certificates are not required: ${problems.join("; ")}. ` +
        `Fix: set ${fixText(profile)} on this ${profile.resourceName}. ${WHY}`);
}

/** Enabled must be exactly `true` and the mode exactly `Required`; anything else, however odd, is denied. */
export function checkCertificateRequirement(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    options: ClientCertificateOptions,
): RuleVerdict {
    const names = profile.clientCertificates;
    const { enabled, mode } = settings;
    if (names.kind === "unsupported") {
        // Fail closed: the type cannot express the requirement, so no value of it can ever comply.
        return findingOf(`Client certificates cannot be required: the classic provider's legacy ${profile.resourceName} ` +
            `has no client certificate property. Fix: migrate this ${profile.resourceName} to ${replacements(profile)} ` +
            `and set ${fixText(profile)}, or have it exempted in the policy pack's exemptions file. ${WHY}`);
    }
    if (names.kind === "mode-implies-enabled") {
        // The legacy FunctionApp turns certificates on exactly when clientCertMode is set.
        if (isUndetermined(mode)) {
            return undeterminedBy(mode);
        }
        return requirementFinding([mode === undefined
            ? `${names.mode} is not set, so client certificates are off (this legacy ${profile.resourceName} ` +
                `turns them on only through ${names.mode})`
            : modeProblem(names.mode, mode)].filter((p): p is string => p !== undefined), profile);
    }
    const problems: string[] = [];
    if (isUndetermined(enabled)) {
        // Whatever enabled turns out to be, a known mode that is not Required already fails.
    } else if (enabled !== true) {
        problems.push(enabled === undefined
            ? `${names.enabled} is not set (the default is false)`
            : `${names.enabled} is ${describeValue(enabled)}${typeof enabled === "boolean" ? "" : ", not the boolean true"}`);
    }
    const omitted = profile.omittedMode;
    if (isUndetermined(mode)) {
        if (problems.length === 0) {
            return undeterminedBy(mode);
        }
    } else if (mode === undefined) {
        // A provider default is sent on every create and update, so it holds; a service default may not
        // touch an existing app's stored mode, so it holds only when the option says to rely on it.
        const defaultAccepted = omitted.value === CLIENT_CERT_MODE_REQUIRED
            && (omitted.appliedBy === "provider" || options.acceptServiceDefaultMode);
        if (!defaultAccepted) {
            problems.push(omitted.value === CLIENT_CERT_MODE_REQUIRED
                ? `${names.mode} is not set, and an app's stored mode can stay "Optional"`
                : `${names.mode} is not set, and this resource's default is "${omitted.value}"`);
        }
    } else {
        const problem = modeProblem(names.mode, mode);
        if (problem !== undefined) {
            problems.push(problem);
        }
    }
    if (problems.length === 0 && isUndetermined(enabled)) {
        return undeterminedBy(enabled);
    }
    return requirementFinding(problems, profile);
}

/** The entries of a `,`- or `;`-separated exclusion list, trimmed, in their original case. */
export function splitExclusionPaths(list: string): string[] {
    return list.split(/[,;]/).map(path => path.trim());
}

/**
 * Azure matches exclusion paths as case-insensitive prefixes, so `/` exempts the whole site. Slashes
 * alone, or a backslash, are read as the root too: the pack does not bet on how the front end
 * normalises them.
 */
export function isRootPath(path: string): boolean {
    return /^[/\\]+$/.test(path.trim());
}

function normalisePath(path: string): string {
    const lower = path.trim().toLowerCase();
    // A loop, not /\/+$/: that regular expression backtracks quadratically on a long run of slashes.
    let end = lower.length;
    while (end > 0 && lower[end - 1] === "/") {
        end--;
    }
    return lower.slice(0, end);
}

/** An allow-listed path admits itself and what lies below it: `/health` admits `/health/live`, not `/healthz`. */
export function isAllowedExclusion(path: string, allowedPaths: readonly string[]): boolean {
    const candidate = normalisePath(path);
    if (candidate === "" || /(^|\/)\.\.?(\/|$)|[\\%*?]/.test(candidate)) {
        return false;
    }
    return allowedPaths.some(allowed => {
        const prefix = normalisePath(allowed);
        return prefix !== "" && (candidate === prefix || candidate.startsWith(`${prefix}/`));
    });
}

export function checkExclusionPaths(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    options: ClientCertificateOptions,
): RuleVerdict {
    const names = profile.clientCertificates;
    const property = names.kind === "enabled-and-mode" ? names.exclusionPaths : undefined;
    const list = settings.exclusionPaths;
    if (property === undefined || list === undefined || list === null) {
        return NO_FINDINGS;
    }
    if (isUndetermined(list)) {
        return undeterminedBy(list);
    }
    if (typeof list !== "string") {
        return findingOf(`${property} is ${describeValue(list)}, not a ","-separated list of paths, so the pack cannot ` +
            `tell what it exempts from client certificates. Fix: remove ${property}, or set it to a string of ` +
            `allow-listed paths such as "/health". ${WHY}`);
    }
    if (list.trim() === "") {
        return NO_FINDINGS;
    }
    const paths = splitExclusionPaths(list);
    const verdicts: RuleVerdict[] = [];
    const rootPaths = paths.filter(isRootPath);
    if (rootPaths.length > 0) {
        verdicts.push(findingOf(`${property} is ${describeValue(list)}, which excludes the root path "/" and so exempts ` +
            `the whole site from client certificates. Fix: remove "/" from ${property}. ${WHY}`));
    }
    if (paths.some(path => path === "")) {
        verdicts.push(findingOf(`${property} is ${describeValue(list)}, which holds an empty entry; an empty prefix ` +
            `can match every path. Fix: remove the stray separator from ${property}. ${WHY}`));
    }
    const notAllowed = paths.filter(path => path !== "" && !isRootPath(path) && !isAllowedExclusion(path, options.allowedExclusionPaths));
    if (notAllowed.length > 0) {
        const shown = notAllowed.slice(0, 5).map(path => describeValue(path)).join(", ") +
            (notAllowed.length > 5 ? ` and ${notAllowed.length - 5} more` : "");
        verdicts.push(findingOf(`${property} exempts ${shown} from client certificates, which the policy's ` +
            `allowedExclusionPaths option does not allow. Fix: remove ${notAllowed.length === 1 ? "it" : "them"} from ` +
            `${property}, or have the path allow-listed in the policy pack config. ${WHY}`));
    }
    return combineVerdicts(...verdicts);
}

export function findClientCertificateViolations(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    options: ClientCertificateOptions,
): RuleVerdict {
    return combineVerdicts(
        checkCertificateRequirement(settings, profile, options),
        checkExclusionPaths(settings, profile, options),
    );
}

/**
 * Sets the certificate requirement and drops the root and empty exclusions; other paths need a person.
 * Undefined where no property can fix the resource (the legacy Slot and FunctionAppSlot).
 */
export function remediateClientCertificates(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    props: Record<string, unknown>,
): Record<string, unknown> | undefined {
    const names = profile.clientCertificates;
    if (names.kind === "unsupported") {
        return undefined;
    }
    if (names.kind === "mode-implies-enabled") {
        return { ...props, [names.mode]: CLIENT_CERT_MODE_REQUIRED };
    }
    const remediated: Record<string, unknown> = {
        ...props,
        [names.enabled]: true,
        [names.mode]: CLIENT_CERT_MODE_REQUIRED,
    };
    const list = settings.exclusionPaths;
    if (names.exclusionPaths !== undefined && typeof list === "string") {
        const separator = list.includes(";") && !list.includes(",") ? ";" : ",";
        const kept = splitExclusionPaths(list).filter(path => path !== "" && !isRootPath(path));
        if (kept.length > 0) {
            // A secret list stays secret when it goes back to the engine.
            const joined = kept.join(separator);
            remediated[names.exclusionPaths] = props[names.exclusionPaths] instanceof Secret ? new Secret(joined) : joined;
        } else {
            delete remediated[names.exclusionPaths];
        }
    }
    return remediated;
}

export const clientCertificateRule: AppServiceRule<ClientCertificateOptions> = {
    name: CLIENT_CERTIFICATES_POLICY,
    description: "Azure App Service apps and their deployment slots, in the azure-native and classic azure providers, " +
        "must require incoming client certificates (mutual TLS): client certificates enabled, mode Required, and no " +
        "exclusion path beyond the allow-list.",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: {
        name: "cis",
        version: "2.0.0",
        reference: "9.4",
        specification: "Ensure the web app has 'Client Certificates (Incoming client certificates)' set to 'On'",
    },
    remediationSteps: 'Set clientCertEnabled: true and clientCertMode: "Required" on an azure-native WebApp or WebAppSlot ' +
        "or a classic AppService; clientCertificateEnabled: true and clientCertificateMode: \"Required\" on a classic " +
        'LinuxWebApp, WindowsWebApp, LinuxFunctionApp, WindowsFunctionApp or one of their slots; clientCertMode: "Required" ' +
        "on a classic FunctionApp. A classic Slot or FunctionAppSlot cannot require client certificates: migrate it to " +
        "the Linux or Windows slot resource. Remove \"/\" and any path that is not allow-listed from the exclusion paths.",
    url: "https://learn.microsoft.com/en-us/azure/app-service/app-service-web-configure-tls-mutual-auth",
    options: clientCertificateOptions,
    includeFunctionApps: options => options.includeFunctionApps,
    unresolvableLevel: options => options.unresolvableValues as UnresolvableLevel,
    excludesWorkflowApps: true,
    evaluate: (resource, options) =>
        findClientCertificateViolations(observeClientCertificateSettings(resource), resource.profile, options),
    remediate: (resource, props) =>
        remediateClientCertificates(observeClientCertificateSettings(resource), resource.profile, props),
};

export const requireClientCertificates = appServiceResourcePolicy(clientCertificateRule);

// CIS Microsoft Azure Foundations 9.4 / Defender for Cloud: "App Service web apps should have
// 'Incoming client certificates' enabled". Enabled alone is not enough: the mode must be Required, and
// no exclusion path may open the site, or parts of it, to clients without a certificate.
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
});

export type ClientCertificateOptions = typeof clientCertificateOptions.defaults;

/** The three settings this rule reads, as plain values (`UnknownDuringPreview` where not yet known). */
export interface ClientCertificateSettings {
    readonly enabled: unknown;
    readonly mode: unknown;
    readonly exclusionPaths: unknown;
}

export function observeClientCertificateSettings(resource: ObservedResource): ClientCertificateSettings {
    const names = resource.profile.properties;
    return {
        enabled: resource.read(names.clientCertEnabled),
        mode: resource.read(names.clientCertMode),
        exclusionPaths: names.clientCertExclusionPaths === undefined ? undefined : resource.read(names.clientCertExclusionPaths),
    };
}

export function fixText(profile: AppServiceResourceProfile): string {
    const names = profile.properties;
    return `${names.clientCertEnabled}: true, ${names.clientCertMode}: "${CLIENT_CERT_MODE_REQUIRED}"`;
}

/** Enabled must be exactly `true` and the mode exactly `Required`; anything else, however odd, is denied. */
export function checkCertificateRequirement(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    options: ClientCertificateOptions,
): RuleVerdict {
    const names = profile.properties;
    const { enabled, mode } = settings;
    if (isUndetermined(enabled)) {
        return undeterminedBy(enabled);
    }
    const problems: string[] = [];
    if (enabled !== true) {
        problems.push(enabled === undefined
            ? `${names.clientCertEnabled} is not set (Azure's default is false)`
            : `${names.clientCertEnabled} is ${describeValue(enabled)}${typeof enabled === "boolean" ? "" : ", not the boolean true"}`);
    }
    if (isUndetermined(mode)) {
        if (problems.length === 0) {
            return undeterminedBy(mode);
        }
    } else if (mode === undefined) {
        const defaultAccepted = options.acceptServiceDefaultMode && profile.omittedModeDefault === CLIENT_CERT_MODE_REQUIRED;
        if (!defaultAccepted) {
            problems.push(profile.omittedModeDefault === CLIENT_CERT_MODE_REQUIRED
                ? `${names.clientCertMode} is not set, and an app's stored mode can stay "Optional"`
                : `${names.clientCertMode} is not set, and this resource's default is "${profile.omittedModeDefault}"`);
        }
    } else if (mode !== CLIENT_CERT_MODE_REQUIRED) {
        const caseOnly = typeof mode === "string" && mode.toLowerCase() === CLIENT_CERT_MODE_REQUIRED.toLowerCase();
        problems.push(`${names.clientCertMode} is ${describeValue(mode)}` + (caseOnly
            ? `; only the exact value "${CLIENT_CERT_MODE_REQUIRED}" is accepted`
            : ", which lets clients in without a certificate"));
    }
    if (problems.length === 0) {
        return NO_FINDINGS;
    }
    return findingOf(`Client certificates are not required: ${problems.join("; ")}. ` +
        `Fix: set ${fixText(profile)} on this ${profile.resourceName}. ${WHY}`);
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
    return path.trim().toLowerCase().replace(/\/+$/, "");
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
    const property = profile.properties.clientCertExclusionPaths;
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

/** Sets the certificate requirement and drops the root and empty exclusions; other paths need a person. */
export function remediateClientCertificates(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    props: Record<string, unknown>,
): Record<string, unknown> {
    const names = profile.properties;
    const remediated: Record<string, unknown> = {
        ...props,
        [names.clientCertEnabled]: true,
        [names.clientCertMode]: CLIENT_CERT_MODE_REQUIRED,
    };
    const list = settings.exclusionPaths;
    if (names.clientCertExclusionPaths !== undefined && typeof list === "string") {
        const separator = list.includes(";") && !list.includes(",") ? ";" : ",";
        const kept = splitExclusionPaths(list).filter(path => path !== "" && !isRootPath(path));
        if (kept.length > 0) {
            remediated[names.clientCertExclusionPaths] = kept.join(separator);
        } else {
            delete remediated[names.clientCertExclusionPaths];
        }
    }
    return remediated;
}

export const clientCertificateRule: AppServiceRule<ClientCertificateOptions> = {
    name: CLIENT_CERTIFICATES_POLICY,
    description: "Azure App Service apps and their deployment slots must require incoming client certificates " +
        "(mutual TLS): client certificates enabled, mode Required, and no exclusion path beyond the allow-list.",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: {
        name: "cis",
        version: "2.0.0",
        reference: "9.4",
        specification: "Ensure the web app has 'Client Certificates (Incoming client certificates)' set to 'On'",
    },
    remediationSteps: 'Set clientCertEnabled: true and clientCertMode: "Required" on the WebApp or WebAppSlot, and ' +
        'remove "/" and any path that is not allow-listed from clientCertExclusionPaths.',
    url: "https://learn.microsoft.com/en-us/azure/app-service/app-service-web-configure-tls-mutual-auth",
    options: clientCertificateOptions,
    includeFunctionApps: options => options.includeFunctionApps,
    evaluate: (resource, options) =>
        findClientCertificateViolations(observeClientCertificateSettings(resource), resource.profile, options),
    remediate: (resource, props) =>
        remediateClientCertificates(observeClientCertificateSettings(resource), resource.profile, props),
};

export const requireClientCertificates = appServiceResourcePolicy(clientCertificateRule);

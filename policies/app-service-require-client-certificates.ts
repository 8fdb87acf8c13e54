// CIS Microsoft Azure Foundations 9.4 / Defender for Cloud: "App Service web apps should have
// 'Incoming client certificates' enabled". Enabled alone is not enough: the mode must be Required, and
// no exclusion path may open the site, or parts of it, to clients without a certificate.
import { Secret } from "@pulumi/policy";
import {
    AppServiceResourceProfile,
    CLIENT_CERT_MODE_REQUIRED,
} from "../lib/app-service-resources";
import { appServiceResourcePolicy } from "../lib/app-service-policy";
import {
    appScopeOptions,
    AppServiceRule,
    combineVerdicts,
    NO_VIOLATIONS,
    ObservedResource,
    RuleVerdict,
    unknownBy,
    unresolvableValuesOption,
    violationOf,
} from "../lib/app-service-rule";
import { describeValue, isUnknown } from "../lib/observed-values";
import { cisAzureFoundations, policyTags } from "../lib/pack-metadata";
import { defineOptions } from "../lib/policy-options";
import { CLIENT_CERTIFICATES_POLICY } from "../lib/policy-names";


const WHY = "Why: without a required client certificate, anyone who reaches the app can impersonate a legitimate " +
    "client, and a man in the middle can relay its traffic unnoticed (CIS Azure 9.4). With Required, App Service " +
    "demands a certificate and forwards it to the app (X-ARR-ClientCert) without validating it: the app must still " +
    "check that it trusts the certificate.";

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
        itemPattern: "^/[^,;]*[^,;/\\s*][^,;]*$",
        itemDescription: "a path such as /health or /health* (not the root, no , or ;)",
        description: "What clientCertExclusionPaths may exempt from client certificates. Azure matches each exclusion " +
            "as a prefix, so /health admits the exclusions /health/ and /health/live (which open only what lies below " +
            "/health), never /health itself, which would also open /healthz; /health* admits /health and every path " +
            "that starts with it, exactly as Azure reads it. The root / can never be exempted.",
    },
    ...appScopeOptions({
        functionApps: "Judge function apps (kind functionapp, and the classic provider's function app resources). " +
            "Setting it to false trusts kind, a label the program declares: any app could claim to be a function app.",
        workflowApps: "Judge workflow apps (Logic Apps Standard: kind functionapp,workflowapp, and the classic " +
            "logicapps.Standard), which can require client certificates. Setting it to false trusts kind, a label " +
            "the program declares.",
    }),
    ...unresolvableValuesOption,
});

export type ClientCertificateOptions = typeof clientCertificateOptions.defaults;

/**
 * The three settings this rule reads, as plain values (`Unknown` where not yet known);
 * `undefined` where the resource type has no such property.
 */
export interface ClientCertificateSettings {
    readonly enabled: unknown;
    readonly mode: unknown;
    readonly exclusionPaths: unknown;
}

export function observeClientCertificateSettings(resource: ObservedResource): ClientCertificateSettings {
    const names = resource.profile.clientCertificates;
    switch (names.form) {
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
    switch (names.form) {
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

function requirementVerdict(problems: string[], profile: AppServiceResourceProfile): RuleVerdict {
    if (problems.length === 0) {
        return NO_VIOLATIONS;
    }
    return violationOf(`Client certificates are not required: ${problems.join("; ")}. ` +
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
    if (names.form === "unsupported") {
        // Fail closed: the type cannot express the requirement, so no value of it can ever comply.
        return violationOf(`Client certificates cannot be required: the classic provider's legacy ${profile.resourceName} ` +
            `has no client certificate property. Fix: migrate this ${profile.resourceName} to ${replacements(profile)} ` +
            `and set ${fixText(profile)}, or have it exempted in the policy pack's exemptions file. ${WHY}`);
    }
    if (names.form === "mode-implies-enabled") {
        // The legacy FunctionApp turns certificates on exactly when clientCertMode is set.
        if (isUnknown(mode)) {
            return unknownBy(mode);
        }
        return requirementVerdict([mode === undefined
            ? `${names.mode} is not set, so client certificates are off (this ${profile.replacedBy ? "legacy " : ""}${profile.resourceName} ` +
                `turns them on only through ${names.mode})`
            : modeProblem(names.mode, mode)].filter((p): p is string => p !== undefined), profile);
    }
    const problems: string[] = [];
    if (isUnknown(enabled)) {
        // Whatever enabled turns out to be, a known mode that is not Required already fails.
    } else if (enabled !== true) {
        problems.push(enabled === undefined
            ? `${names.enabled} is not set (the default is false)`
            : `${names.enabled} is ${describeValue(enabled)}${typeof enabled === "boolean" ? "" : ", not the boolean true"}`);
    }
    const omitted = profile.omittedMode;
    if (isUnknown(mode)) {
        if (problems.length === 0) {
            return unknownBy(mode);
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
    if (problems.length === 0 && isUnknown(enabled)) {
        return unknownBy(enabled);
    }
    return requirementVerdict(problems, profile);
}

/** The entries of a `,`- or `;`-separated exclusion list, trimmed, in their original case. */
export function splitExclusionPaths(list: string): string[] {
    return list.split(/[,;]/).map(path => path.trim());
}

/**
 * Whitespace, line breaks, control and invisible format characters anywhere in a list: App Service does not
 * document how it splits or trims such a list, so the pack cannot tell what it exempts.
 */
const UNREADABLE_IN_LIST = /[\s\p{Cc}\p{Cf}]/u;

export function hasUnreadableCharacters(list: string): boolean {
    return UNREADABLE_IN_LIST.test(list);
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

/**
 * Whether an exclusion entry opens only what the allow-list covers. Azure matches an entry as a
 * case-insensitive prefix of the request path: the entry `/health` opens `/healthz` and `/health-admin` too.
 * - An allow-listed `/health` covers `/health/` and below, so it admits entries that start with `/health/`
 *   (`/health/`, `/health/live`); the entry `/health` itself opens more, and is refused.
 * - An allow-listed `/health*` is the prefix itself, as Azure reads it: it admits `/health`, `/healthz`, and
 *   every entry that starts with `/health`.
 * Entries with `.` or `..` segments, or any of `\ % * ?`, are never admitted: the pack does not bet on how the
 * front end normalises them.
 */
export function isAllowedExclusion(path: string, allowedPaths: readonly string[]): boolean {
    const candidate = path.toLowerCase();
    if (normalisePath(candidate) === "" || hasUnreadableCharacters(candidate) || /(^|\/)\.\.?(\/|$)|[\\%*?]/.test(candidate)) {
        return false;
    }
    return allowedPaths.some(allowed => {
        const trimmed = allowed.trim();
        if (trimmed.endsWith("*")) {
            const prefix = trimmed.slice(0, -1).toLowerCase();
            return normalisePath(prefix) !== "" && !prefix.includes("*") && candidate.startsWith(prefix);
        }
        const root = normalisePath(trimmed);
        return root !== "" && candidate.startsWith(`${root}/`);
    });
}

/** The allow-listed path an entry names exactly (`/health` for `/health` or `/HEALTH`), when it is one. */
function allowListedAsIs(path: string, allowedPaths: readonly string[]): string | undefined {
    const candidate = normalisePath(path);
    return allowedPaths.find(allowed => !allowed.trim().endsWith("*") && normalisePath(allowed) === candidate && candidate !== "");
}

export function checkExclusionPaths(
    settings: ClientCertificateSettings,
    profile: AppServiceResourceProfile,
    options: ClientCertificateOptions,
): RuleVerdict {
    const names = profile.clientCertificates;
    const property = names.form === "enabled-and-mode" ? names.exclusionPaths : undefined;
    const list = settings.exclusionPaths;
    if (property === undefined || list === undefined || list === null) {
        return NO_VIOLATIONS;
    }
    if (isUnknown(list)) {
        return unknownBy(list);
    }
    if (typeof list !== "string") {
        return violationOf(`${property} is ${describeValue(list)}, not a ","-separated list of paths, so the pack cannot ` +
            `tell what it exempts from client certificates. Fix: remove ${property}, or set it to a string of ` +
            `allow-listed paths such as "/health". ${WHY}`);
    }
    if (list === "") {
        return NO_VIOLATIONS;
    }
    const verdicts: RuleVerdict[] = [];
    if (hasUnreadableCharacters(list)) {
        verdicts.push(violationOf(`${property} is ${describeValue(list)}, which holds spaces, line breaks or other invisible ` +
            "characters; App Service does not document how it splits such a list, so the pack cannot tell what it exempts " +
            `from client certificates. Fix: write ${property} as paths separated by "," or ";" with no whitespace, ` +
            `for example "/health/", or remove it. ${WHY}`));
        if (list.trim() === "") {
            return combineVerdicts(...verdicts);
        }
    }
    const paths = splitExclusionPaths(list);
    const rootPaths = paths.filter(isRootPath);
    if (rootPaths.length > 0) {
        verdicts.push(violationOf(`${property} is ${describeValue(list)}, which excludes the root path "/" and so exempts ` +
            `the whole site from client certificates. Fix: remove "/" from ${property}. ${WHY}`));
    }
    if (paths.some(path => path === "")) {
        verdicts.push(violationOf(`${property} is ${describeValue(list)}, which holds an empty entry; an empty prefix ` +
            `can match every path. Fix: remove the stray separator from ${property}. ${WHY}`));
    }
    const notAllowed = paths.filter(path => path !== "" && !isRootPath(path) && !isAllowedExclusion(path, options.allowedExclusionPaths));
    if (notAllowed.length > 0) {
        const shown = notAllowed.slice(0, 5).map(path => describeValue(path)).join(", ") +
            (notAllowed.length > 5 ? ` and ${notAllowed.length - 5} more` : "");
        // An entry that names an allow-listed path as is opens more than the allow-list covers: say how to fix it.
        const asIs = notAllowed.map(path => [path, allowListedAsIs(path, options.allowedExclusionPaths)] as const)
            .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
        const prefixNote = asIs.length === 0 ? "" :
            ` Azure matches exclusion paths as prefixes, so ${describeValue(asIs[0][0])} also exempts paths such as ` +
            `${describeValue(`${normalisePath(asIs[0][0])}z`)}, beyond the allow-listed ${describeValue(asIs[0][1])}, which covers ` +
            `what lies below it: write ${describeValue(`${asIs[0][0].replace(/\/+$/, "")}/`)} instead, or have ` +
            `${describeValue(`${asIs[0][1].replace(/\/+$/, "")}*`)} allow-listed to accept the prefix as Azure reads it.`;
        verdicts.push(violationOf(`${property} exempts ${shown} from client certificates, which the policy's ` +
            `allowedExclusionPaths option does not allow.${prefixNote} Fix: remove ${notAllowed.length === 1 ? "it" : "them"} from ` +
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
    if (names.form === "unsupported") {
        return undefined;
    }
    if (names.form === "mode-implies-enabled") {
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
    displayName: "App Service apps require client certificates (mutual TLS)",
    tags: policyTags("mutual-tls", "client-certificates"),
    description: "Azure App Service apps and their deployment slots, in the azure-native and classic azure providers, " +
        "must require incoming client certificates (mutual TLS): client certificates enabled, mode Required, and no " +
        "exclusion path beyond the allow-list.",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: cisAzureFoundations("9.4", "Ensure the web app has 'Client Certificates (Incoming client certificates)' set to 'On'"),
    remediationSteps: 'Set clientCertEnabled: true and clientCertMode: "Required" on an azure-native WebApp or WebAppSlot ' +
        "(any API version, local package or azure-nextgen token) or a classic AppService; clientCertificateEnabled: true " +
        "and clientCertificateMode: \"Required\" on a classic LinuxWebApp, WindowsWebApp, LinuxFunctionApp, " +
        'WindowsFunctionApp, one of their slots, or AppFlexConsumption; clientCertMode: "Required" on a classic FunctionApp; ' +
        'clientCertificateMode: "Required" on a classic logicapps.Standard. A classic Slot or FunctionAppSlot cannot ' +
        "require client certificates: migrate it to the Linux or Windows slot resource. Remove \"/\", whitespace and any " +
        "path the allow-list does not cover from the exclusion paths (Azure matches them as prefixes). Then have the app " +
        "validate the certificate it receives in X-ARR-ClientCert: App Service does not.",
    url: "https://learn.microsoft.com/en-us/azure/app-service/app-service-web-configure-tls-mutual-auth",
    options: clientCertificateOptions,
    containerAppsReason: "App Service's client-certificate settings do not apply there; require client certificates on " +
        "the container app's ingress instead (configuration.ingress.clientCertificateMode: \"require\").",
    evaluate: (resource, options) =>
        findClientCertificateViolations(observeClientCertificateSettings(resource), resource.profile, options),
    remediate: (resource, props) =>
        remediateClientCertificates(observeClientCertificateSettings(resource), resource.profile, props),
};

export const requireClientCertificates = appServiceResourcePolicy(clientCertificateRule);

// fast-check generators for App Service property bags as the engine sends them: any JSON at any known
// property, string booleans, mixed-case enums, exclusion lists with odd separators, deep nesting, and the
// engine's unknown sentinel and secret envelopes at any depth. Property names come from the profile.
import fc from "fast-check";
import type { AppServiceResourceProfile } from "../../lib/app-service-resources";
import { secret, UNKNOWN } from "../../tools/analyzer/wire";
import { ClientCertOptions } from "./support";
import { UNREADABLE_VALUES } from "../helpers/unreadable-values";

/** Marks a property the generated bag leaves out. */
export const ABSENT = Symbol("absent");
type Maybe = unknown | typeof ABSENT;

const hugeString = fc.tuple(fc.constantFrom("a", "/", "é", "🔐", " ", ",", "Required"), fc.integer({ min: 10_000, max: 20_000 }))
    .map(([unit, count]) => unit.repeat(Math.ceil(count / unit.length)));

const oddStrings = fc.constantFrom(
    "true", "True", "TRUE", "false", "1", "0", "yes", "on", "", " ", " true", "true ", "null", "undefined",
    "Required", "required", "REQUIRED", " Required", "Required ", "Required\u0000", "Requi\u200Bred", "Ｒequired",
    "Optional", "OptionalInteractiveUser", "Disabled", "/", "//", "\\", "..", "%2F",
    UNKNOWN.toUpperCase(), "04da6b54-80e4-46f7-96ec-b56ff0331ba8",
);

const primitive: fc.Arbitrary<unknown> = fc.oneof(
    fc.boolean(),
    oddStrings,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(null),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
);

/** Any value, nested, with secrets and unknowns at any depth. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>(tie => ({
    value: fc.oneof(
        { depthSize: "small", maxDepth: 6, withCrossShrink: true },
        { arbitrary: primitive, weight: 6 },
        { arbitrary: fc.constant(UNKNOWN), weight: 1 },
        { arbitrary: tie("value").map(v => secret(v)), weight: 1 },
        { arbitrary: fc.array(tie("value"), { maxLength: 4 }), weight: 1 },
        { arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), tie("value"), { maxKeys: 4 }), weight: 1 },
    ),
})).value;

/**
 * A 16–48-level nested object or array, with a secret or an unknown somewhere along the way. Deeper
 * values decode in tens of milliseconds in google-protobuf (the soak script goes deeper, less often).
 */
export const deepValue: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 16, max: 48 }), fc.integer({ min: 0, max: 47 }), primitive, fc.boolean())
    .map(([depth, at, leaf, unknownLeaf]) => {
        let value: unknown = unknownLeaf ? UNKNOWN : leaf;
        for (let level = depth; level > 0; level--) {
            value = level === at ? secret(value) : level % 2 === 0 ? { nested: value } : [value];
        }
        return value;
    });

/** Assets, archives, ciphertext-only secrets and signatures that @pulumi/policy's own deserializer throws on. */
export const unreadableValue: fc.Arbitrary<unknown> = fc.constantFrom(...UNREADABLE_VALUES.map(([, value]) => value));

const weird: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: anyValue, weight: 60 },
    { arbitrary: unreadableValue, weight: 3 },
    { arbitrary: deepValue, weight: 1 },
    { arbitrary: hugeString, weight: 1 },
);

/** Wraps a value as the engine may send it: plain, secret, doubly secret; or replaces it by an unknown. */
function enveloped(arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    return fc.oneof(
        { arbitrary, weight: 10 },
        { arbitrary: arbitrary.map(v => secret(v)), weight: 3 },
        { arbitrary: arbitrary.map(v => secret(secret(v))), weight: 1 },
        { arbitrary: fc.constant(UNKNOWN), weight: 1 },
        { arbitrary: fc.constant(secret(UNKNOWN)), weight: 1 },
    );
}

function maybeAbsent(arbitrary: fc.Arbitrary<unknown>, absentWeight = 1): fc.Arbitrary<Maybe> {
    return fc.oneof({ arbitrary: fc.constant(ABSENT), weight: absentWeight }, { arbitrary, weight: 6 });
}

export const enabledValue = maybeAbsent(enveloped(fc.oneof(
    { arbitrary: fc.constant(true), weight: 8 },
    { arbitrary: fc.constantFrom<unknown>(false, "true", "True", 1, 0, null, [true], { value: true }), weight: 3 },
    { arbitrary: weird, weight: 2 },
)));

export const modeValue = maybeAbsent(enveloped(fc.oneof(
    { arbitrary: fc.constant("Required"), weight: 8 },
    { arbitrary: fc.constantFrom<unknown>("required", "REQUIRED", "rEquired", " Required", "Required ", "Optional",
        "OptionalInteractiveUser", "optional", null, true, ["Required"]), weight: 3 },
    { arbitrary: weird, weight: 2 },
)));

// Entries an exclusion list is built from: allow-listed with /health, the root spelled many ways, path
// tricks, look-alikes, whitespace that trim() does and does not remove.
const exclusionEntry = fc.oneof(
    { arbitrary: fc.constantFrom("/health", "/HEALTH", "/health/", "/Health/live", "/health//live", " /health ", "\t/health\n", "\u00a0/health",
        "/HEALTH/", "/health/live", "/healthz", "/health-admin", "/health/\n/", "/health/ /"), weight: 6 },
    { arbitrary: fc.constantFrom("/", "//", "///", "\\", "/\\", " / ", "\u3000/"), weight: 2 },
    { arbitrary: fc.constantFrom("", " ", "/healthz", "/health-check", "/admin", "health", "/health/../admin", "/health/..",
        "/health/./x", "/health\\..\\admin", "/health%2F..%2Fadmin", "/health/*", "/health?x", "/he alth", "/health\u200b",
        "/health/live/../../admin", "*", "/.", "/.."), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }).map(s => `/${s}`), weight: 1 },
);
const separator = fc.constantFrom(",", ";", ",", ";", ", ", " ; ", ",,", ";;", " ,", "\t;");
const exclusionList = fc.tuple(fc.array(fc.tuple(exclusionEntry, separator), { minLength: 1, maxLength: 5 }),
    fc.constantFrom("", "", "", " ", ",", ";", "\n"), fc.constantFrom("", "", "", " ", ",", ";", "\n"))
    .map(([entries, before, after]) => before + entries.map(([entry, sep], i) => (i === 0 ? "" : sep) + entry).join("") + after);

export const exclusionValue = maybeAbsent(enveloped(fc.oneof(
    { arbitrary: exclusionList, weight: 6 },
    { arbitrary: fc.constantFrom<unknown>(null, "", "   ", "/health", ["/health"], { "/health": true }, 0, false), weight: 2 },
    { arbitrary: weird, weight: 1 },
)), 4);

export const kindValue = maybeAbsent(enveloped(fc.oneof(
    { arbitrary: fc.constantFrom("app", "web", "api", "app,linux", "app,linux,container", "WebApp", "mobileapp"), weight: 4 },
    { arbitrary: fc.constantFrom("functionapp", "FunctionApp, Linux", "functionapp,linux,container", " FUNCTIONAPP ",
        "functionapp,workflowapp", "workflowapp", "WorkflowApp, Linux", "app, workflowapp"), weight: 3 },
    { arbitrary: fc.constantFrom("functionapp,linux,container,azurecontainerapps", "AzureContainerApps", "app,azurecontainerapps"), weight: 2 },
    { arbitrary: fc.constantFrom<unknown>("functionappx", "function app", "functionapp;linux", ",,", "", ["functionapp"], null, 7), weight: 2 },
    { arbitrary: weird, weight: 1 },
)));

const extraKey = fc.oneof(
    fc.string({ maxLength: 16 }),
    fc.constantFrom("siteConfig", "tags", "httpsOnly", "constructor", "toString", "hasOwnProperty", "valueOf",
        "ClientCertEnabled", "clientcertmode", "clientCertEnabled ", "client_cert_enabled", "properties", "value"),
);

export interface GeneratedApp {
    readonly properties: Record<string, unknown>;
}

// A Container Apps managed environment, and values that are not one.
const ENVIRONMENT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
export const managedEnvironmentValue = maybeAbsent(enveloped(fc.oneof(
    { arbitrary: fc.constantFrom(ENVIRONMENT, ENVIRONMENT.toLowerCase()), weight: 4 },
    { arbitrary: fc.constantFrom<unknown>("", "env", `${ENVIRONMENT}/x`, ` ${ENVIRONMENT}`,
        "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan", null, 1), weight: 2 },
    { arbitrary: weird, weight: 1 },
)), 6);

/** A property bag for `profile`: its client-certificate properties (when it has any), kind, and extras. */
export function appProperties(profile: AppServiceResourceProfile): fc.Arbitrary<Record<string, unknown>> {
    const names = profile.clientCertificates;
    const known: Record<string, fc.Arbitrary<Maybe>> = { kind: kindValue };
    if (profile.properties.managedEnvironmentId !== undefined) {
        known[profile.properties.managedEnvironmentId] = managedEnvironmentValue;
    }
    if (names.form === "enabled-and-mode") {
        known[names.enabled] = enabledValue;
        known[names.mode] = modeValue;
        if (names.exclusionPaths !== undefined) {
            known[names.exclusionPaths] = exclusionValue;
        }
    } else if (names.form === "mode-implies-enabled") {
        known[names.mode] = modeValue;
    }
    const reserved = new Set(Object.keys(known));
    return fc.tuple(fc.record(known), fc.dictionary(extraKey, weird, { maxKeys: 5 })).map(([chosen, extras]) => {
        const properties: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(extras)) {
            if (!reserved.has(key)) {
                properties[key] = value;
            }
        }
        for (const [key, value] of Object.entries(chosen)) {
            if (value !== ABSENT) {
                properties[key] = value;
            }
        }
        return properties;
    });
}

export const clientCertOptions: fc.Arbitrary<ClientCertOptions> = fc.record({
    acceptServiceDefaultMode: fc.boolean(),
    allowedExclusionPaths: fc.constantFrom([] as string[], ["/health"], ["/health*"]),
    includeFunctionApps: fc.boolean(),
    includeWorkflowApps: fc.boolean(),
});

// Two places where @pulumi/policy (1.21) stands between the engine and the rules, and what the pack does
// about each. Both follow the SDK's server.js as installed; tests/lib/policy-sdk-guard.spec.ts pins every
// assumption made here and fails when an SDK upgrade breaks one.
//
// 1. The SDK turns the engine's property Struct into plain values before any rule runs (deserialize.js),
//    and throws on values the engine legitimately sends: an asset with only a hash (an empty StringAsset:
//    the engine leaves an empty text out; `command:local:Command` `assetPaths` after a refresh), an archive
//    with no contents, a secret that holds only its ciphertext, a signature it does not know. In Analyze it
//    deserializes the props of every resource for every policy whose validateResource has no attached type,
//    so a throw there answered the engine with a gRPC error for resources this pack never judges. AnalyzeStack
//    does the same for every resource of the stack. Remediate deserializes before its try block, so the
//    throw became an unhandled rejection and the call never answered. server.js reaches the deserializer
//    through the module's exports (`deserialize_1.deserializeProperties(...)`) on every call, so replacing
//    that export with one that never throws covers all three calls and the provider's properties too.
//    What the SDK cannot read becomes an *unreadable* marker: a rule that reads it denies the resource
//    (fail closed), and a resource of any other type passes untouched, as it would have without the value.
//
// 2. The engine tells the analyzer the stack's organization, project and stack in ConfigureStack
//    (proto/pulumi/analyzer.proto `AnalyzerStackConfigureRequest`, sent by pkg/resource/plugin/analyzer_plugin.go
//    with the values pkg/engine/update.go takes from the update's target). The SDK keeps only the tags
//    (`args.stackTags`) and drops the rest, so the pack reads them off the request as the SDK handles it.
import { createRequire } from "module";
import { Secret } from "@pulumi/policy";
import { ARCHIVE_SIGNATURE, ASSET_SIGNATURE, SECRET_SIGNATURE, SIGNATURE_KEY } from "./wire-signatures";

/** The key of an unreadable marker: `{ [UNREADABLE_KEY]: "what it was" }`. */
export const UNREADABLE_KEY = "__appServicePolicyPackUnreadableValue";
/** What an unreadable marker says of a secret that holds only its ciphertext. */
export const ENCRYPTED_SECRET_DESCRIPTION = "an encrypted secret";

interface StructLike {
    toJavaScript(): Record<string, unknown>;
}
type Deserialize = (struct: StructLike, proxySecrets: boolean) => Record<string, unknown>;

export interface EngineStack {
    readonly organization?: string;
    readonly project?: string;
    readonly stack?: string;
}

// The SDK's own copy of its modules, resolved from where the SDK is installed, as its server.js does.
const policyRequire = createRequire(require.resolve("@pulumi/policy"));

let original: Deserialize | undefined;
let installAttempted = false;
let engineStackSeen: EngineStack = {};

function marker(description: string): Record<string, string> {
    return { [UNREADABLE_KEY]: description };
}

export function isUnreadableMarker(value: unknown): value is Record<string, string> {
    try {
        return value !== null && typeof value === "object"
            && Object.prototype.hasOwnProperty.call(value, UNREADABLE_KEY)
            && typeof (value as Record<string, unknown>)[UNREADABLE_KEY] === "string";
    } catch {
        return false;
    }
}

/** Whether the props (as raw values, secrets opened) hold an unreadable marker anywhere. */
export function holdsUnreadable(value: unknown, depth = 0): boolean {
    if (value === null || typeof value !== "object" || depth > 256) {
        return false;
    }
    if (isUnreadableMarker(value)) {
        return true;
    }
    if (value instanceof Secret) {
        return holdsUnreadable(value.value, depth + 1);
    }
    for (const key of Object.keys(value)) {
        // The descriptor gives the raw value: reading through the SDK's proxy would throw on unknowns.
        if (holdsUnreadable(Object.getOwnPropertyDescriptor(value, key)?.value, depth + 1)) {
            return true;
        }
    }
    return false;
}

function short(value: unknown): string {
    const text = String(value);
    return text.length > 16 ? `${text.slice(0, 16)}…` : text;
}

/** deserialize.js: an asset needs a truthy path, text or uri. */
function readableAsset(value: Record<string, unknown>): boolean {
    return Boolean(value.path || value.text || value.uri);
}

/** deserialize.js: an archive needs assets that each read as an asset or archive, or a truthy path or uri. */
function readableArchive(value: Record<string, unknown>, proxySecrets: boolean, depth: number): boolean {
    const assets = value.assets;
    if (assets) {
        return Object.keys(assets).every(name => readableMember((assets as Record<string, unknown>)[name], proxySecrets, depth + 1));
    }
    return Boolean(value.path || value.uri);
}

function readableMember(value: unknown, proxySecrets: boolean, depth: number): boolean {
    if (value === null || typeof value !== "object" || Array.isArray(value) || depth > 64) {
        return false;
    }
    const record = value as Record<string, unknown>;
    switch (record[SIGNATURE_KEY]) {
        case ASSET_SIGNATURE:
            return readableAsset(record);
        case ARCHIVE_SIGNATURE:
            return readableArchive(record, proxySecrets, depth);
        case SECRET_SIGNATURE:
            // A secret member reads as its value only when the SDK does not wrap secrets.
            return !proxySecrets && record.value !== undefined && readableMember(record.value, proxySecrets, depth + 1);
        default:
            return false;
    }
}

/** The value with every part the SDK's deserializer would throw on replaced by an unreadable marker. */
function sanitize(value: unknown, proxySecrets: boolean, depth: number): unknown {
    if (value === undefined) {
        return marker("a value with no content");
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (depth > 512) {
        return marker("a value nested too deeply");
    }
    if (Array.isArray(value)) {
        return value.map(item => sanitize(item, proxySecrets, depth + 1));
    }
    const record = value as Record<string, unknown>;
    const signature = record[SIGNATURE_KEY];
    if (signature) {
        switch (signature) {
            case ASSET_SIGNATURE:
                return readableAsset(record) ? record
                    : marker(`an asset with no path, text or uri${record.hash ? ` (hash ${short(record.hash)})` : ""}`);
            case ARCHIVE_SIGNATURE:
                return readableArchive(record, proxySecrets, depth) ? record
                    : marker(`an archive whose contents the policy SDK cannot read${record.hash ? ` (hash ${short(record.hash)})` : ""}`);
            case SECRET_SIGNATURE:
                return record.value === undefined
                    ? marker(ENCRYPTED_SECRET_DESCRIPTION)
                    : { ...record, value: sanitize(record.value, proxySecrets, depth + 1) };
            default:
                return marker(`a value with a signature the policy SDK does not know (${short(signature)})`);
        }
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
        copy[key] = sanitize(record[key], proxySecrets, depth + 1);
    }
    return copy;
}

/**
 * The SDK's deserializer, unchanged for everything it reads; for the rest, the same call on a copy in which
 * each unreadable part is a marker, and, should that still fail, each unreadable property, then the whole.
 */
export function guardedDeserializer(sdk: Deserialize): Deserialize {
    return (struct, proxySecrets) => {
        try {
            return sdk(struct, proxySecrets);
        } catch {
            // Fall through: the SDK could not read something. Find what, and read the rest.
        }
        try {
            const raw = struct.toJavaScript();
            const sanitized: Record<string, unknown> = {};
            for (const key of Object.keys(raw)) {
                if (raw[key] !== undefined) {
                    sanitized[key] = sanitize(raw[key], proxySecrets, 0);
                }
            }
            for (const key of Object.keys(sanitized)) {
                try {
                    sdk({ toJavaScript: () => ({ [key]: sanitized[key] }) }, proxySecrets);
                } catch (error) {
                    sanitized[key] = marker(`a value the policy SDK cannot read (${short((error as Error)?.message)})`);
                }
            }
            return sdk({ toJavaScript: () => sanitized }, proxySecrets);
        } catch {
            return marker("properties the policy SDK cannot read");
        }
    };
}

/** The installed SDK's deserializer before the guard, for tests that pin its behaviour. */
export function sdkDeserializer(): Deserialize {
    return original ?? policyRequire("./deserialize").deserializeProperties;
}

/** What ConfigureStack told this process, or empty before it (and under engines that do not send it). */
export function engineStack(): EngineStack {
    return engineStackSeen;
}

/** For tests: forget what ConfigureStack said. */
export function resetEngineStack(): void {
    engineStackSeen = {};
}

/**
 * Installs both, once per process. Returns what could not be installed (empty when all is in place), so that
 * the pinning test can fail loudly; the pack itself keeps serving either way.
 */
export function installPolicySdkGuard(): string[] {
    const problems: string[] = [];
    if (installAttempted) {
        return problems;
    }
    installAttempted = true;
    const deserializeModule = policyRequire("./deserialize") as { deserializeProperties?: unknown };
    if (typeof deserializeModule.deserializeProperties !== "function") {
        problems.push("@pulumi/policy/deserialize no longer exports deserializeProperties");
    } else {
        original = deserializeModule.deserializeProperties as Deserialize;
        deserializeModule.deserializeProperties = guardedDeserializer(original);
    }
    const analyzerProto = policyRequire("@pulumi/pulumi/proto/analyzer_pb") as {
        AnalyzerStackConfigureRequest?: { prototype: Record<string, unknown> };
    };
    const prototype = analyzerProto.AnalyzerStackConfigureRequest?.prototype;
    const getTagsMap = prototype?.getTagsMap;
    if (!prototype || typeof getTagsMap !== "function") {
        problems.push("@pulumi/pulumi/proto/analyzer_pb has no AnalyzerStackConfigureRequest.getTagsMap");
    } else {
        // server.js's configureStack reads the tags first thing; the organization, project and stack
        // travel on the same request.
        prototype.getTagsMap = function (this: Record<string, () => unknown>, ...args: unknown[]) {
            try {
                const text = (name: string) => {
                    const value = typeof this[name] === "function" ? this[name]() : undefined;
                    return typeof value === "string" && value !== "" ? value : undefined;
                };
                engineStackSeen = { organization: text("getOrganization"), project: text("getProject"), stack: text("getStack") };
            } catch {
                engineStackSeen = {};
            }
            return (getTagsMap as (...a: unknown[]) => unknown).apply(this, args);
        };
    }
    return problems;
}

// Wire encodings of resource properties as the Pulumi engine sends them to an analyzer.
//
// Properties travel as a google.protobuf.Struct, i.e. plain JSON. The engine marks special values
// with reserved strings/keys that the policy SDK (deserialize.js / proxy.js) recognises, so tests
// can reproduce them simply by putting these values anywhere in a resource's properties.

import { urnName } from "../../lib/urn";

/** Sentinel the engine sends for a value not known until apply (e.g. during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Key that marks an object as a special (secret/asset/archive) value. */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature value of a secret envelope. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Signature value of an asset envelope. */
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
/** Signature value of an archive envelope. */
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

export interface SecretEnvelope<T = unknown> {
    [SPECIAL_SIG_KEY]: typeof SECRET_SIG;
    value: T;
}

/** Wraps a value the way the engine encodes a secret. */
export function secret<T>(value: T): SecretEnvelope<T> {
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}

export function isSecretEnvelope(v: unknown): v is SecretEnvelope {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

export function isUnknown(v: unknown): v is typeof UNKNOWN {
    return v === UNKNOWN;
}

/** Default stack/project used to derive URNs when a test does not give one. */
export const DEFAULT_STACK = "dev";
export const DEFAULT_PROJECT = "example";

export interface UrnContext {
    stack?: string;
    project?: string;
}

/** Builds `urn:pulumi:<stack>::<project>::<type>::<name>` (top-level resource form). */
export function resourceUrn(type: string, name: string, ctx: UrnContext = {}): string {
    return `urn:pulumi:${ctx.stack ?? DEFAULT_STACK}::${ctx.project ?? DEFAULT_PROJECT}::${type}::${name}`;
}

/** The name part of a URN: everything after its third `::`, as the engine reads it (lib/urn.ts). */
export function nameFromUrn(urn: string): string {
    return urnName(urn);
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/**
 * Normalises a JS value into JSON that `Struct.fromJavaScript` accepts, with JSON.stringify
 * semantics: `undefined` object members are dropped and `undefined` array items become null
 * (Struct.fromJavaScript would otherwise throw "Unexpected struct type").
 */
export function toJsonValue(v: unknown, path = "$"): JsonValue {
    if (v === null || typeof v === "boolean" || typeof v === "string") {
        return v;
    }
    if (typeof v === "number") {
        if (!Number.isFinite(v)) {
            throw new TypeError(`${path}: non-finite number ${v} cannot be sent in a protobuf Struct`);
        }
        return v;
    }
    if (Array.isArray(v)) {
        return v.map((e, i) => (e === undefined ? null : toJsonValue(e, `${path}[${i}]`)));
    }
    if (typeof v === "object") {
        const out: { [k: string]: JsonValue } = {};
        for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
            if (e !== undefined) {
                out[k] = toJsonValue(e, `${path}.${k}`);
            }
        }
        return out;
    }
    throw new TypeError(`${path}: ${typeof v} cannot be sent in a protobuf Struct`);
}

export function toJsonObject(v: Record<string, unknown>, path = "$"): { [k: string]: JsonValue } {
    return toJsonValue(v, path) as { [k: string]: JsonValue };
}

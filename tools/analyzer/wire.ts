// Wire encodings of resource properties as the Pulumi engine sends them to an analyzer.
//
// Properties travel as a google.protobuf.Struct, i.e. plain JSON. The engine marks special values
// with reserved strings/keys that the policy SDK (deserialize.js / proxy.js) recognises, so tests
// can reproduce them simply by putting these values anywhere in a resource's properties.

import { ARCHIVE_SIGNATURE, ASSET_SIGNATURE, SECRET_SIGNATURE, SIGNATURE_KEY, UNKNOWN_STRING } from "../../lib/wire-signatures";
import { urnName } from "../../lib/urn";

/** Sentinel the engine sends for a value not known until apply (e.g. during preview). */
export const UNKNOWN = UNKNOWN_STRING;

/** Key that marks an object as a special (secret/asset/archive) value. */
export const SPECIAL_SIG_KEY = SIGNATURE_KEY;
/** Signature value of a secret envelope. */
export const SECRET_SIG = SECRET_SIGNATURE;
/** Signature value of an asset envelope. */
export const ASSET_SIG = ASSET_SIGNATURE;
/** Signature value of an archive envelope. */
export const ARCHIVE_SIG = ARCHIVE_SIGNATURE;

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

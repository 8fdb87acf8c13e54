// Reading resource properties as they really arrive: wrapped in the SDK's unknown-checking proxy,
// sometimes secret, sometimes of a type nobody declared.
import { Secret, UnknownValueError } from "@pulumi/policy";
import { ENCRYPTED_SECRET_DESCRIPTION, isUnreadableMarker, UNREADABLE_KEY } from "./policy-sdk-guard";
import { SECRET_SIGNATURE, SIGNATURE_KEY, UNKNOWN_SENTINELS as SENTINELS } from "./wire-signatures";

/** A property whose value the engine cannot know until the update runs (`pulumi preview`). */
export class Unknown {
    constructor(readonly error: UnknownValueError) {}
}

// The engine's unknown sentinels. The SDK's proxy recognises them on access; they are checked here for
// values that reach the pack without that proxy, such as the inside of a secret envelope read by hand.
const UNKNOWN_SENTINELS = new Set(SENTINELS);

/** A secret the pack was given only in encrypted form (a stack export without `--show-secrets`). */
export class EncryptedSecret {
    static readonly instance = new EncryptedSecret();
    private constructor() {}
}

/**
 * A value the policy SDK could not read (an asset with only a hash, a signature it does not know), as the
 * pack's guarded deserializer marks it: a rule that reads one denies, because it cannot judge it.
 */
export class UnreadableValue {
    constructor(readonly description: string) {}
}

/**
 * Reads `path` from `props`. Returns the plain value (secrets unwrapped), `undefined` when absent,
 * an `Unknown` when the engine does not know it yet, or `EncryptedSecret`.
 * Never throws: every odd shape becomes a value the rules can judge.
 */
export function observe(props: unknown, path: readonly string[]): unknown {
    let current: unknown = props;
    const walked: string[] = [];
    for (const key of path) {
        current = unwrapSecret(current);
        if (current instanceof Unknown || current instanceof EncryptedSecret || current instanceof UnreadableValue) {
            return current;
        }
        if (current === null || typeof current !== "object" || Array.isArray(current)) {
            return undefined;
        }
        walked.push(key);
        try {
            current = Object.prototype.hasOwnProperty.call(current, key)
                ? (current as Record<string, unknown>)[key]
                : undefined;
        } catch (error) {
            if (error instanceof UnknownValueError) {
                return new Unknown(error);
            }
            throw error;
        }
    }
    const value = unwrapSecret(current);
    if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) {
        return new Unknown(new UnknownValueError(value, walked));
    }
    return value;
}

function unwrapSecret(value: unknown): unknown {
    // Secrets can nest (a secret inside a secret), so unwrap until a plain value remains.
    for (let depth = 0; depth < 16; depth++) {
        if (value instanceof Secret) {
            value = value.value;
        } else if (isSecretEnvelope(value)) {
            if (!("value" in value)) {
                return EncryptedSecret.instance;
            }
            value = value.value;
        } else if (isUnreadableMarker(value)) {
            const description = value[UNREADABLE_KEY];
            return description === ENCRYPTED_SECRET_DESCRIPTION ? EncryptedSecret.instance : new UnreadableValue(description);
        } else {
            break;
        }
    }
    if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) {
        return new Unknown(new UnknownValueError(value, []));
    }
    return value;
}

function isSecretEnvelope(value: unknown): value is { value?: unknown } {
    try {
        return value !== null && typeof value === "object"
            && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
    } catch (error) {
        // An unknown signature field means the proxy guards an unknown value: not a secret envelope.
        if (error instanceof UnknownValueError) {
            return false;
        }
        throw error;
    }
}

export function isUnknown(value: unknown): value is Unknown {
    return value instanceof Unknown;
}

const MAX_SHOWN = 80;

/** How a found value is quoted in a violation message: short, typed, never the whole of a huge string. */
export function describeValue(value: unknown): string {
    if (value === undefined) {
        return "not set";
    }
    if (value === null) {
        return "null";
    }
    if (value instanceof EncryptedSecret) {
        return "an encrypted secret the pack cannot read";
    }
    if (value instanceof UnreadableValue) {
        return `${value.description}, which the pack cannot read`;
    }
    if (typeof value === "string") {
        const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
        return JSON.stringify(shown) + (value.length > MAX_SHOWN ? ` (${value.length} characters)` : "");
    }
    if (typeof value === "boolean" || typeof value === "number") {
        return String(value);
    }
    if (Array.isArray(value)) {
        return "an array";
    }
    return `a value of type ${typeof value === "object" ? "object" : typeof value}`;
}

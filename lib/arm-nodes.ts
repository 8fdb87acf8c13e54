// ARM-shaped values as Azure Resource Manager reads them: a value, where it was found, and the template
// scope its expressions resolve in (lib/arm-expressions.ts); property names compared without regard to case.
// Whatever the pack cannot read comes back as an `Unresolvable` naming it, which the policies report as a
// violation (failing closed) instead of guessing.
import { UnknownValueError } from "@pulumi/policy";
import { EncryptedSecret, observe, Unknown } from "./observed-values";
import { UNKNOWN_STRING } from "./wire-signatures";

/**
 * A value the pack cannot work out from what the program declares: an ARM expression it does not resolve,
 * a template behind a link, a template that is not JSON. It extends `Unknown` so that every
 * rule treats it as a value it cannot judge yet; the policy glue then turns it into a violation, because
 * unlike an unknown it will not be known at `up` either.
 */
export class Unresolvable extends Unknown {
    constructor(
        /** What the pack could not read, as written: `[parameters('x')]`, `templateLink`. */
        readonly what: string,
        /** Where, as a property path from the Pulumi resource's inputs. */
        readonly path: string,
        /** Why, as a clause: "parameter 'x' has no value and no default". */
        readonly reason: string,
        /** What to write instead. */
        readonly fix: string,
    ) {
        // The SDK's error names a value by its engine sentinel: the string one stands for any value here.
        super(new UnknownValueError(UNKNOWN_STRING, [path]));
    }
}

export function isUnresolvable(value: unknown): value is Unresolvable {
    return value instanceof Unresolvable;
}

/** Where a template's expressions are resolved. */
export interface ArmScope {
    /** The template's `parameters` (definitions with `defaultValue`). */
    readonly definitions: ArmNode;
    /** The template's `variables`. */
    readonly variables: ArmNode;
    /** The deployment's parameter values (`{ x: { value } }`), or why they cannot be read. */
    readonly values: ArmNode | { readonly unreadable: string };
    /**
     * Where expressions inside the given parameter values are resolved: a nested deployment with inner
     * scope passes values written in its parent's template; a Pulumi resource passes literal values.
     */
    readonly valuesScope: ArmScope | undefined;
}

/**
 * A value inside an ARM-shaped document, where it was found, and the scope its expressions resolve in
 * (undefined where strings are literal: a generic resource's or an azapi body's properties go to Azure as
 * they are, and only a deployment evaluates template expressions).
 */
export interface ArmNode {
    readonly value: unknown;
    readonly scope: ArmScope | undefined;
    readonly path: string;
}

export function literalNode(value: unknown, path: string): ArmNode {
    return { value, scope: undefined, path };
}

/** The value as the rules see it: secrets unwrapped, unknowns as `Unknown`. */
export function plain(value: unknown): unknown {
    return observe(value, []);
}

/**
 * An unknown, an unresolvable value or a secret the pack cannot read: nothing to descend into. (Not a type
 * guard: EncryptedSecret has no instance members, so narrowing on it would exclude every object.)
 */
export function isOpaque(value: unknown): boolean {
    return value instanceof Unknown || value instanceof EncryptedSecret;
}

/** The raw value of an own property, past the SDK's proxy; for building nodes from a resource's inputs. */
export function ownValue(container: unknown, key: string): unknown {
    return container !== null && typeof container === "object" ? own(container, key) : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !isOpaque(value);
}

export function childPath(path: string, key: string | number): string {
    if (typeof key === "number") {
        return `${path}[${key}]`;
    }
    const shown = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return path === "" ? shown : /^[A-Za-z_$]/.test(shown) ? `${path}.${shown}` : `${path}[${shown}]`;
}

/** The raw value of an own property, read past the SDK's unknown-checking proxy (which throws on unknowns). */
function own(container: object, key: string): unknown {
    return Object.getOwnPropertyDescriptor(container, key)?.value;
}

/**
 * The member `key` of a resolved object (compared without regard to case, as Azure reads property names),
 * or the element at an index of a resolved array. Two keys that differ only in case are ambiguous: which
 * one Azure applies is not documented, so the member is unresolvable.
 */
export function member(node: ArmNode, key: string | number): ArmNode {
    const container = node.value;
    const path = childPath(node.path, key);
    if (Array.isArray(container)) {
        return { value: typeof key === "number" ? own(container, String(key)) : undefined, scope: node.scope, path };
    }
    if (!isObject(container) || typeof key === "number") {
        return { value: undefined, scope: node.scope, path };
    }
    const wanted = key.toLowerCase();
    const matches = Object.keys(container).filter(name => name.toLowerCase() === wanted).sort();
    if (matches.length > 1) {
        return {
            value: new Unresolvable(matches.map(m => JSON.stringify(m)).join(" and "), path,
                "these keys differ only in case, and Azure does not document which one it applies",
                `keep only ${JSON.stringify(key)}`),
            scope: undefined,
            path,
        };
    }
    return { value: matches.length === 1 ? own(container, matches[0]) : undefined, scope: node.scope, path };
}


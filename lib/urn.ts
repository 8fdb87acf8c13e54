// Pulumi URNs, read the way the engine reads them (sdk/go/common/resource/urn/urn.go in github:pulumi/pulumi,
// re-exported by sdk/go/common/resource/urn.go):
//
//     urn:pulumi:<stack>::<project>::<qualified type>::<name>
//
// The engine cuts a URN at its leftmost `::` delimiters (urn.go getComponent): the stack ends at the first,
// the project at the second, the qualified type at the third, and the name is everything after the third,
// `::` included (urn.go Name). The qualified type is the resource's own type after the types of its parents,
// each followed by `$` (urn.go New): `my:app:Frontend$azure-native:web:WebApp`; the type is what follows the
// last `$` (urn.go Type). This is the one place in the pack and its tools that takes URNs apart.

export const URN_PREFIX = "urn:pulumi:";
/** Between the stack, project, qualified type and name (urn.go NameDelimiter). */
export const URN_NAME_DELIMITER = "::";
/** Between a parent's type and its child's in a qualified type (urn.go TypeDelimiter). */
export const URN_TYPE_DELIMITER = "$";

export interface ParsedUrn {
    readonly stack: string;
    readonly project: string;
    /** The parents' types and the resource's own, `$`-separated (urn.go QualifiedType). */
    readonly qualifiedType: string;
    /** The resource's own type: the qualified type after its last `$` (urn.go Type). */
    readonly type: string;
    /** Everything after the third `::`, which may itself hold `::` (urn.go Name). */
    readonly name: string;
}

/** The body of `urn` cut at its first `count` delimiters, the last piece holding the rest; undefined if it has fewer. */
function cut(urn: string, count: number): string[] | undefined {
    if (!urn.startsWith(URN_PREFIX)) {
        return undefined;
    }
    const body = urn.slice(URN_PREFIX.length);
    const pieces: string[] = [];
    let start = 0;
    for (let i = 0; i < count; i++) {
        const at = body.indexOf(URN_NAME_DELIMITER, start);
        if (at < 0) {
            return undefined;
        }
        pieces.push(body.slice(start, at));
        start = at + URN_NAME_DELIMITER.length;
    }
    pieces.push(body.slice(start));
    return pieces;
}

/**
 * The parts of a URN, or undefined when it is not one. Like urn.go IsValid, a URN needs the prefix and three
 * delimiters, and no part is checked further: the engine accepts empty parts and any characters in them.
 * (IsValid counts delimiters over the whole string, prefix included; the two counts differ only for a stack
 * name that begins with `:`, which Pulumi's stack names cannot.)
 */
export function parseUrn(urn: string): ParsedUrn | undefined {
    const pieces = cut(urn, 3);
    if (!pieces) {
        return undefined;
    }
    const [stack, project, qualifiedType, name] = pieces;
    const type = qualifiedType.slice(qualifiedType.lastIndexOf(URN_TYPE_DELIMITER) + 1);
    return { stack, project, qualifiedType, type, name };
}

/**
 * A URN, or a URN glob, cut after its stack and project: `urn:pulumi:<stack>::<project>::<rest>`, the rest being
 * `<qualified type>::<name>` for a URN. Only two delimiters are needed, so that a glob can leave the type and
 * the name to one pattern (`urn:pulumi:prod::webshop::*`); the stack and project are the same as parseUrn's.
 */
export function splitUrn(urn: string): { stack: string; project: string; rest: string } | undefined {
    const pieces = cut(urn, 2);
    return pieces && { stack: pieces[0], project: pieces[1], rest: pieces[2] };
}

/** The name part of a URN (urn.go Name); a string that is not a URN is returned as it is. */
export function urnName(urn: string): string {
    return parseUrn(urn)?.name ?? urn;
}

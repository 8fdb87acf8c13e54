// URN globs, as exemption entries name the resources they cover: `urn:pulumi:<stack>::<project>::<rest>`,
// each part a glob matched against the same part of a URN (lib/urn.ts splitUrn).
import picomatch = require("picomatch");
import { splitUrn } from "./urn";

/** The characters that make a part of a URN glob a pattern rather than a literal name: picomatch's wildcards,
 * classes, braces and extglobs. */
export const GLOB_CHARACTERS = /[*?[\]{}()!+@]/;

/** Whether a part of a URN glob names exactly itself. */
export function isLiteralGlobPart(part: string): boolean {
    return !GLOB_CHARACTERS.test(part);
}

export interface CompiledUrnGlob {
    matches(urn: string): boolean;
    /** The project the glob names literally, or undefined when it spans projects. */
    readonly literalProject?: string;
}

/**
 * Compiles `urn:pulumi:<stack glob>::<project glob>::<rest glob>`, matching each part against the same part of
 * a URN. Matched whole, a `*` could cross `::` into a resource name that holds `::<project>::`; matched by
 * part, it cannot leave its stack, project or rest. In the rest, `*` also crosses the `/` of versioned and
 * classic type tokens.
 */
export function compileUrnGlob(glob: string): CompiledUrnGlob | { error: string } {
    const parts = splitUrn(glob);
    if (!parts) {
        return { error: `"${glob}" is not a URN glob: it must read urn:pulumi:<stack>::<project>::<type>::<name>` };
    }
    for (const [open, close] of [["[", "]"], ["{", "}"], ["(", ")"]]) {
        if (glob.split(open).length !== glob.split(close).length) {
            return { error: `"${glob}" is not a valid glob: unbalanced ${open}${close}` };
        }
    }
    try {
        const [stack, project, rest] = [parts.stack, parts.project, parts.rest].map(part => {
            // bash: a single `*` matches `/` too (type tokens hold it); dot: names may begin with `.`.
            const regex = picomatch.makeRe(part, { bash: true, dot: true });
            if (regex.source === "$^") {
                throw new Error(`cannot read ${JSON.stringify(part)}`);
            }
            return regex;
        });
        return {
            literalProject: isLiteralGlobPart(parts.project) ? parts.project : undefined,
            matches: (urn: string) => {
                const target = splitUrn(urn);
                return target !== undefined && project.test(target.project) && stack.test(target.stack) && rest.test(target.rest);
            },
        };
    } catch (error) {
        return { error: `"${glob}" is not a valid glob: ${(error as Error).message}` };
    }
}

// The few ARM template expressions the pack resolves: `[parameters('x')]` and `[variables('x')]` from the
// deployment's parameter values, the template's defaults and its variables, `true()`, `false()` and string
// literals. The pack does not evaluate ARM's expression language: anything else is `Unresolvable`.
import { describeValue } from "./observed-values";
import { ArmNode, ArmScope, childPath, isObject, isOpaque, member, plain, Unresolvable } from "./arm-nodes";

/** The expressions the pack resolves: `parameters('x')`, `variables('x')`, `true()`, `false()`, `'text'`. */
const REFERENCE = /^\[\s*(parameters|variables)\s*\(\s*'((?:[^']|'')*)'\s*\)\s*\]$/i;
const BOOLEAN = /^\[\s*(true|false)\s*\(\s*\)\s*\]$/i;
const STRING_LITERAL = /^\[\s*'((?:[^']|'')*)'\s*\]$/;

/** A string ARM evaluates: `[...]`, but not `[[...`, which is the literal text with the first `[` dropped. */
export function isExpression(text: string): boolean {
    return text.startsWith("[") && text.endsWith("]") && !text.startsWith("[[");
}

const MAX_STEPS = 32;

/**
 * The node with its value resolved: secrets unwrapped, unknowns as `Unknown`, and, in a
 * template, expressions replaced by what they refer to (repeatedly: a default may refer to a variable).
 */
export function resolve(node: ArmNode): ArmNode {
    let current = node;
    for (let step = 0; step < MAX_STEPS; step++) {
        const value = plain(current.value);
        if (typeof value !== "string" || current.scope === undefined) {
            return { ...current, value };
        }
        if (value.startsWith("[[")) {
            return { ...current, value: value.slice(1) };
        }
        if (!isExpression(value)) {
            return { ...current, value };
        }
        current = evaluate(value, current.scope, current.path);
    }
    return {
        value: new Unresolvable(describeValue(node.value), node.path, `resolving it takes more than ${MAX_STEPS} steps (a cycle?)`,
            "write a literal value"),
        scope: undefined,
        path: node.path,
    };
}

function evaluate(expression: string, scope: ArmScope, path: string): ArmNode {
    const reference = REFERENCE.exec(expression);
    if (reference) {
        const name = reference[2].replace(/''/g, "'");
        return reference[1].toLowerCase() === "parameters"
            ? parameterValue(name, expression, scope, path)
            : variableValue(name, expression, scope, path);
    }
    const boolean = BOOLEAN.exec(expression);
    if (boolean) {
        return { value: boolean[1].toLowerCase() === "true", scope: undefined, path };
    }
    const text = STRING_LITERAL.exec(expression);
    if (text) {
        return { value: text[1].replace(/''/g, "'"), scope: undefined, path };
    }
    return unresolvable(expression, path, "the pack resolves only parameters('…'), variables('…'), true() and false(), " +
        "not ARM's other functions", "write a literal value, or a plain parameters('…') or variables('…') reference");
}

function unresolvable(what: string, path: string, reason: string, fix: string): ArmNode {
    return { value: new Unresolvable(what, path, reason, fix), scope: undefined, path };
}

function parameterValue(name: string, expression: string, scope: ArmScope, path: string): ArmNode {
    if ("unreadable" in scope.values) {
        return unresolvable(expression, path, scope.values.unreadable, "pass the parameters inline, in one place");
    }
    const values = resolve(scope.values);
    if (isOpaque(values.value)) {
        return values;
    }
    const entry = resolve(member(values, name));
    if (isOpaque(entry.value)) {
        return entry;
    }
    if (isObject(entry.value)) {
        const given = member(entry, "value");
        if (given.value !== undefined) {
            return { value: given.value, scope: scope.valuesScope, path: given.path };
        }
        const reference = resolve(member(entry, "reference"));
        if (reference.value !== undefined && reference.value !== null) {
            return unresolvable(expression, path, `parameter '${name}' is a Key Vault reference, whose secret the pack cannot read`,
                "pass a literal value for this parameter");
        }
    }
    const definitions = resolve(scope.definitions);
    const definition = resolve(member(definitions, name));
    if (isOpaque(definition.value)) {
        return definition;
    }
    const fallback = member(definition, "defaultValue");
    if (fallback.value !== undefined) {
        return fallback;
    }
    return unresolvable(expression, path, `parameter '${name}' has no value and no default the pack can see`,
        "pass a literal value for this parameter, or give it a defaultValue");
}

function variableValue(name: string, expression: string, scope: ArmScope, path: string): ArmNode {
    const variables = resolve(scope.variables);
    if (isOpaque(variables.value)) {
        return variables;
    }
    const variable = member(variables, name);
    if (variable.value !== undefined) {
        return variable;
    }
    return unresolvable(expression, path, `variable '${name}' is not defined in the template`, "define the variable, or write a literal value");
}

/** The resolved value at `keys` below `node`; undefined where a step is missing or not an object. */
export function readPath(node: ArmNode, keys: readonly (string | number)[]): ArmNode {
    let current = resolve(node);
    for (const key of keys) {
        if (isOpaque(current.value)) {
            return current;
        }
        if (current.value === null || typeof current.value !== "object") {
            return { value: undefined, scope: undefined, path: childPath(current.path, key) };
        }
        current = resolve(member(current, key));
    }
    return current;
}

/** A JSON text (a classic template's `templateContent`, an azapi body written as a string) as a node. */
export function parseJsonNode(node: ArmNode, what: string): ArmNode {
    const text = resolve(node);
    if (typeof text.value !== "string") {
        return text;
    }
    try {
        return { value: JSON.parse(text.value), scope: undefined, path: text.path };
    } catch (error) {
        return unresolvable(what, text.path, `it is not valid JSON (${(error as Error).message.slice(0, 80)})`,
            "make it valid JSON");
    }
}

/**
 * A reader of an ARM-shaped site (`kind` and `tags` at the top, every other setting under `properties`),
 * with the profile's property names: `read("clientCertEnabled")` reads `properties.clientCertEnabled`.
 */
export function armSiteReader(resource: ArmNode): (...path: string[]) => unknown {
    return (...path: string[]) => {
        const keys = path[0] === "kind" || path[0] === "tags" ? path : ["properties", ...path];
        return readPath(resource, keys).value;
    };
}

// Reading ARM-shaped values the way Azure Resource Manager reads them: property names compared without
// regard to case, and, inside a template, the expressions `[parameters('x')]` and `[variables('x')]`
// resolved from the deployment's parameter values, the template's defaults and its variables.
//
// The pack does not evaluate ARM's expression language. It resolves the few forms above and nothing else:
// whatever it cannot resolve comes back as an `Unresolvable` naming the expression, which the policies
// report as a violation (failing closed) instead of guessing.
import { UnknownValueError } from "@pulumi/policy";
import { describeValue, EncryptedSecret, observe, Unknown } from "./observed-values";

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

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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
function plain(value: unknown): unknown {
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

function childPath(path: string, key: string | number): string {
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

/** A web app or slot found inside a template. */
export interface TemplateSite {
    readonly armType: "Microsoft.Web/sites" | "Microsoft.Web/sites/slots";
    /** The resource's `name` as written in the template, quoted for a message. */
    readonly name: string;
    /** The resource object, with its template's scope. */
    readonly resource: ArmNode;
}

export interface TemplateScan {
    readonly sites: TemplateSite[];
    /** What the pack cannot read and so cannot judge: links, unresolvable types, templates that are not JSON. */
    readonly unreadable: Unresolvable[];
    /** Values unknown during preview that decide which sites the template holds. */
    readonly unknowns: Unknown[];
}

export function emptyScan(): TemplateScan {
    return { sites: [], unreadable: [], unknowns: [] };
}

/** One deployment's template, as a Pulumi resource or a nested `Microsoft.Resources/deployments` gives it. */
export interface DeploymentParts {
    readonly template: ArmNode;
    /** `templateLink`, or a classic `templateSpecVersionId`: a template the pack cannot read. */
    readonly links: readonly ArmNode[];
    readonly parameters: ArmNode;
    /** `parametersLink`: parameter values the pack cannot read. */
    readonly parametersLink?: ArmNode;
    /** Why the parameter values cannot be read, where the resource itself makes them ambiguous. */
    readonly parametersUnreadable?: string;
    /** Set for a nested deployment with the default outer scope: its expressions resolve in the parent's scope. */
    readonly outerScope?: ArmScope;
    /** Where expressions inside the parameter values resolve (a nested deployment with inner scope). */
    readonly valuesScope?: ArmScope;
}

const MAX_NESTING = 8;
const SITE = "microsoft.web/sites";
const SLOT = "microsoft.web/sites/slots";
const NESTED_DEPLOYMENT = "microsoft.resources/deployments";

/** Adds to `scan` every site the deployment's template (and its nested deployments) would deploy. */
export function scanDeployment(parts: DeploymentParts, scan: TemplateScan, depth = 0): void {
    for (const link of parts.links) {
        const resolved = resolve(link);
        if (noteOpaque(resolved.value, resolved.path, "the template link", scan)) {
            continue;
        }
        if (resolved.value !== undefined && resolved.value !== null && resolved.value !== "") {
            const name = resolved.path.slice(resolved.path.lastIndexOf(".") + 1);
            scan.unreadable.push(new Unresolvable(name, resolved.path, "the template it deploys lives outside the program, " +
                "where the pack cannot read it", "inline the template in the program (template or templateContent)"));
        }
    }
    const template = resolve(parts.template);
    if (template.value === undefined || template.value === null) {
        return;
    }
    if (noteOpaque(template.value, template.path, "the template", scan)) {
        return;
    }
    if (!isObject(template.value)) {
        scan.unreadable.push(new Unresolvable("the template", template.path, `it is ${describeValue(template.value)}, not an object`,
            "pass the template as an object"));
        return;
    }
    let values: ArmScope["values"] = parts.parametersUnreadable === undefined ? parts.parameters : { unreadable: parts.parametersUnreadable };
    const link = parts.parametersLink === undefined ? undefined : resolve(parts.parametersLink);
    if (link !== undefined && link.value !== undefined && link.value !== null) {
        values = { unreadable: `parameter values come from ${link.path}, which the pack cannot read` };
    }
    const literal: ArmNode = { ...template, scope: undefined };
    const scope = parts.outerScope ?? bindScope({
        definitions: member(literal, "parameters"),
        variables: member(literal, "variables"),
        values,
        valuesScope: parts.valuesScope,
    });
    scanResources(member({ ...template, scope }, "resources"), undefined, scan, depth);
}

/** A scope whose definitions and variables resolve their own expressions in that same scope. */
function bindScope(scope: ArmScope): ArmScope {
    const bound: { -readonly [K in keyof ArmScope]: ArmScope[K] } = { ...scope };
    bound.definitions = { ...scope.definitions, scope: bound };
    bound.variables = { ...scope.variables, scope: bound };
    return bound;
}

function noteOpaque(value: unknown, path: string, what: string, scan: TemplateScan): boolean {
    if (value instanceof Unresolvable) {
        scan.unreadable.push(value);
        return true;
    }
    if (value instanceof Unknown) {
        scan.unknowns.push(value);
        return true;
    }
    if (value instanceof EncryptedSecret) {
        scan.unreadable.push(new Unresolvable(what, path, "it is an encrypted secret", "pass it in plain text or as a readable secret"));
        return true;
    }
    return false;
}

/** `slots` inside `Microsoft.Web/sites` is `Microsoft.Web/sites/slots`; a type with its namespace stands alone. */
function qualifiedType(type: string, parentType: string | undefined): string {
    const trimmed = type.trim();
    if (parentType === undefined || /^[^/]*\.[^/]*\//.test(trimmed)) {
        return trimmed;
    }
    return `${parentType}/${trimmed}`;
}

function scanResources(node: ArmNode, parentType: string | undefined, scan: TemplateScan, depth: number): void {
    const resources = resolve(node);
    if (resources.value === undefined || resources.value === null || noteOpaque(resources.value, resources.path, "resources", scan)) {
        return;
    }
    let entries: ArmNode[];
    if (Array.isArray(resources.value)) {
        entries = resources.value.map((_, index) => member(resources, index));
    } else if (isObject(resources.value)) {
        // languageVersion 2.0: resources keyed by symbolic name.
        entries = Object.keys(resources.value).map(key => member(resources, key));
    } else {
        scan.unreadable.push(new Unresolvable("resources", resources.path, `it is ${describeValue(resources.value)}, not a list`,
            "write resources as a list"));
        return;
    }
    for (const entry of entries) {
        const resource = resolve(entry);
        if (noteOpaque(resource.value, resource.path, "a resource", scan) || !isObject(resource.value)) {
            continue;
        }
        if (resolve(member(resource, "existing")).value === true) {
            // A reference to a resource deployed elsewhere: this template does not set its properties.
            continue;
        }
        const typeNode = resolve(member(resource, "type"));
        if (noteOpaque(typeNode.value, typeNode.path, "the resource type", scan) || typeof typeNode.value !== "string") {
            continue;
        }
        const type = qualifiedType(typeNode.value, parentType);
        const lower = type.toLowerCase();
        if (lower === SITE || lower === SLOT) {
            scan.sites.push({
                armType: lower === SITE ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots",
                name: nameAsWritten(resource),
                resource,
            });
        } else if (lower === NESTED_DEPLOYMENT) {
            scanNested(resource, scan, depth + 1);
        }
        scanResources(member(resource, "resources"), type, scan, depth);
    }
}

function nameAsWritten(resource: ArmNode): string {
    const name = plain(member(resource, "name").value);
    return typeof name === "string" ? JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name) : describeValue(name);
}

function scanNested(resource: ArmNode, scan: TemplateScan, depth: number): void {
    const properties = resolve(member(resource, "properties"));
    if (noteOpaque(properties.value, properties.path, "the nested deployment's properties", scan) || !isObject(properties.value)) {
        return;
    }
    if (depth > MAX_NESTING) {
        scan.unreadable.push(new Unresolvable("a nested deployment", properties.path,
            `deployments nest more than ${MAX_NESTING} levels deep`, "flatten the nested deployments"));
        return;
    }
    const scopeSetting = readPath(properties, ["expressionEvaluationOptions", "scope"]);
    if (noteOpaque(scopeSetting.value, scopeSetting.path, "expressionEvaluationOptions.scope", scan)) {
        return;
    }
    const inner = typeof scopeSetting.value === "string" && scopeSetting.value.toLowerCase() === "inner";
    const outer = resource.scope;
    scanDeployment({
        // The nested template is an object written in the parent template: its expressions resolve in the
        // scope chosen below, not the parent's (scanDeployment binds it).
        template: { ...member(properties, "template"), scope: undefined },
        links: [member(properties, "templateLink")],
        parameters: member(properties, "parameters"),
        parametersLink: member(properties, "parametersLink"),
        // Outer scope (ARM's default): the nested template sees its parent's parameters and variables.
        outerScope: inner ? undefined : outer,
        valuesScope: inner ? outer : undefined,
    }, scan, depth);
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

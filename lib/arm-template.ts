// The App Service sites an ARM template deploys: its resources, child resources and nested deployments
// walked as Azure Resource Manager would deploy them, with each expression resolved in the scope ARM
// would resolve it in (lib/arm-expressions.ts). What the pack cannot read is noted as unreadable, what the
// engine does not know yet as unknown.
import { describeValue, EncryptedSecret, Unknown } from "./observed-values";
import { ArmNode, ArmScope, isObject, member, plain, Unresolvable } from "./arm-nodes";
import { readPath, resolve } from "./arm-expressions";

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

import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { armSiteReader, isExpression, parseJsonNode, readPath, resolve } from "../../lib/arm-expressions";
import { ArmNode, ArmScope, literalNode, Unresolvable } from "../../lib/arm-nodes";
import { Unknown } from "../../lib/observed-values";
import { UNKNOWN } from "../../tools/analyzer/wire";

/** A template's scope: its parameter definitions, variables and the deployment's values, resolving in itself. */
function templateScope(definitions: unknown, variables: unknown, values: unknown): ArmScope {
    const scope: { -readonly [K in keyof ArmScope]: ArmScope[K] } = {
        definitions: literalNode(undefined, ""), variables: literalNode(undefined, ""), values: literalNode(values, "parameters"), valuesScope: undefined,
    };
    scope.definitions = { value: definitions, scope, path: "template.parameters" };
    scope.variables = { value: variables, scope, path: "template.variables" };
    return scope;
}

/** The value of `text` written in a template with this scope. */
function inTemplate(text: unknown, scope: ArmScope): unknown {
    return resolve({ value: text, scope, path: "template.resources[0].properties.x" }).value;
}

describe("arm-expressions", () => {
    describe("expressions", () => {
        it("tells expressions from literal text", () => {
            assert.ok(isExpression("[parameters('x')]"));
            assert.ok(!isExpression("[[parameters('x')]"));
            assert.ok(!isExpression("plain"));
            assert.ok(!isExpression(" [parameters('x')]"));
        });

        it("resolves parameters from the given values, then defaults, which may refer to variables", () => {
            const scope = templateScope({ given: { defaultValue: "unused" }, fallback: { defaultValue: "[variables('v')]" } }, { v: "from a variable" },
                { given: { value: "given" } });
            assert.strictEqual(inTemplate("[parameters('given')]", scope), "given");
            assert.strictEqual(inTemplate("[parameters('fallback')]", scope), "from a variable");
            assert.strictEqual(inTemplate("[ PARAMETERS ( 'given' ) ]", scope), "given");
        });

        it("resolves true(), false(), string literals with doubled quotes, and [[ escapes", () => {
            const scope = templateScope({}, {}, {});
            assert.strictEqual(inTemplate("[true()]", scope), true);
            assert.strictEqual(inTemplate("[FALSE()]", scope), false);
            assert.strictEqual(inTemplate("['it''s']", scope), "it's");
            assert.strictEqual(inTemplate("[[parameters('x')]", scope), "[parameters('x')]");
        });

        it("names what it cannot resolve: other functions, missing parameters and variables, Key Vault references, cycles", () => {
            const scope = templateScope({ loop: { defaultValue: "[variables('a')]" } }, { a: "[parameters('loop')]" },
                { vault: { reference: { keyVault: { id: "/x" }, secretName: "s" } } });
            for (const [text, reason] of [
                ["[concat('a', 'b')]", /resolves only parameters/],
                ["[parameters('missing')]", /has no value and no default/],
                ["[variables('missing')]", /not defined in the template/],
                ["[parameters('vault')]", /Key Vault reference/],
                ["[parameters('loop')]", /more than 32 steps/],
            ] as const) {
                const value = inTemplate(text, scope);
                assert.ok(value instanceof Unresolvable, `${text}: ${String(value)}`);
                assert.match(value.reason, reason);
            }
        });

        it("leaves strings as written where nothing evaluates them, and keeps unknowns and secrets as the rules read them", () => {
            assert.strictEqual(resolve(literalNode("[parameters('x')]", "body.properties.x")).value, "[parameters('x')]");
            const unknown = resolve(literalNode(UNKNOWN, "x")).value;
            assert.ok(unknown instanceof Unknown && !(unknown instanceof Unresolvable));
            assert.strictEqual(resolve(literalNode(new Secret(true), "x")).value, true);
        });
    });

    describe("property names", () => {
        it("are compared without regard to case, and two spellings of one name are ambiguous", () => {
            const node: ArmNode = literalNode({ properties: { ClientCertEnabled: false } }, "");
            assert.strictEqual(armSiteReader(node)("clientCertEnabled"), false);
            const ambiguous = armSiteReader(literalNode({ properties: { clientCertEnabled: true, ClientCertEnabled: false } }, ""))("clientCertEnabled");
            assert.ok(ambiguous instanceof Unresolvable);
        });

        it("reads kind and tags at the top and everything else under properties", () => {
            const read = armSiteReader(literalNode({ kind: "app", tags: { a: "b" }, properties: { kind: "functionapp", siteConfig: { minTlsVersion: "1.0" } } }, ""));
            assert.strictEqual(read("kind"), "app");
            assert.strictEqual(read("tags", "a"), "b");
            assert.strictEqual(read("siteConfig", "minTlsVersion"), "1.0");
        });
    });

    describe("JSON text", () => {
        it("parses a template given as a string, and names one that is not JSON", () => {
            assert.deepStrictEqual(parseJsonNode(literalNode("{\"a\":1}", "templateContent"), "templateContent").value, { a: 1 });
            const broken = parseJsonNode(literalNode("{", "templateContent"), "templateContent").value;
            assert.ok(broken instanceof Unresolvable && /not valid JSON/.test(broken.reason));
            assert.strictEqual(readPath(literalNode({ a: [1, { b: 2 }] }, ""), ["a", 1, "b"]).value, 2);
        });
    });
});

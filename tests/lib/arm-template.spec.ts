import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { armSiteReader } from "../../lib/arm-expressions";
import { literalNode, member, Unresolvable } from "../../lib/arm-nodes";
import { emptyScan, scanDeployment, TemplateScan } from "../../lib/arm-template";
import { Unknown } from "../../lib/observed-values";
import { UNKNOWN } from "../../tools/analyzer/wire";

/** Scans a deployment as azure-native's `properties` give it. */
function scan(properties: Record<string, unknown>): TemplateScan {
    const root = literalNode(properties, "properties");
    const result = emptyScan();
    scanDeployment({
        template: member(root, "template"),
        links: [member(root, "templateLink")],
        parameters: member(root, "parameters"),
        parametersLink: member(root, "parametersLink"),
    }, result);
    return result;
}

const site = (properties: unknown, extra: Record<string, unknown> = {}) =>
    ({ type: "Microsoft.Web/sites", apiVersion: "2023-12-01", name: "app", properties, ...extra });

function onlySite(result: TemplateScan): (...path: string[]) => unknown {
    assert.strictEqual(result.sites.length, 1,
        `sites ${result.sites.map(s => s.resource.path)}, unreadable ${result.unreadable.map(u => `${u.what}: ${u.reason}`)}, unknowns ${result.unknowns.length}`);
    return armSiteReader(result.sites[0].resource);
}

describe("arm-template", () => {
    describe("expressions", () => {
        it("resolves a parameter from the deployment's values before the template's default", () => {
            const read = onlySite(scan({
                template: { parameters: { cc: { type: "bool", defaultValue: true } }, resources: [site({ clientCertEnabled: "[parameters('cc')]" })] },
                parameters: { cc: { value: false } },
            }));
            assert.strictEqual(read("clientCertEnabled"), false);
        });

        it("falls back to the default, which may itself refer to a variable", () => {
            const read = onlySite(scan({
                template: {
                    parameters: { Mode: { type: "string", defaultValue: "[variables('mode')]" } },
                    variables: { mode: "Required" },
                    resources: [site({ clientCertMode: "[parameters('mode')]" })],
                },
            }));
            // Parameter names are compared without regard to case, as ARM does.
            assert.strictEqual(read("clientCertMode"), "Required");
        });

        it("resolves variables, true(), false(), string literals and [[ escapes", () => {
            const read = onlySite(scan({
                template: {
                    variables: { on: true },
                    resources: [site({ clientCertEnabled: "[variables('on')]", httpsOnly: "[false()]", clientCertMode: "['Required']", clientCertExclusionPaths: "[[x]" })],
                },
            }));
            assert.strictEqual(read("clientCertEnabled"), true);
            assert.strictEqual(read("httpsOnly"), false);
            assert.strictEqual(read("clientCertMode"), "Required");
            assert.strictEqual(read("clientCertExclusionPaths"), "[x]");
        });

        it("names an expression it cannot resolve, with its path", () => {
            const read = onlySite(scan({ template: { resources: [site({ clientCertEnabled: "[if(true(), true, false)]" })] } }));
            const value = read("clientCertEnabled");
            assert.ok(value instanceof Unresolvable);
            assert.strictEqual(value.what, "[if(true(), true, false)]");
            assert.strictEqual(value.path, "properties.template.resources[0].properties.clientCertEnabled");
        });

        it("cannot resolve a missing parameter, a Key Vault reference, or parameters behind a parametersLink", () => {
            const missing = onlySite(scan({ template: { resources: [site({ clientCertEnabled: "[parameters('nope')]" })] } }));
            assert.match((missing("clientCertEnabled") as Unresolvable).reason, /no value and no default/);
            const vault = onlySite(scan({
                template: { parameters: { cc: { type: "bool", defaultValue: true } }, resources: [site({ clientCertEnabled: "[parameters('cc')]" })] },
                parameters: { cc: { reference: { keyVault: { id: "/kv" }, secretName: "s" } } },
            }));
            assert.match((vault("clientCertEnabled") as Unresolvable).reason, /Key Vault reference/);
            const linked = onlySite(scan({
                template: { parameters: { cc: { type: "bool", defaultValue: true } }, resources: [site({ clientCertEnabled: "[parameters('cc')]" })] },
                parametersLink: { uri: "https://example.com/p.json" },
            }));
            assert.match((linked("clientCertEnabled") as Unresolvable).reason, /parametersLink/);
        });

        it("stops on a cycle", () => {
            const read = onlySite(scan({ template: { variables: { a: "[variables('a')]" }, resources: [site({ clientCertEnabled: "[variables('a')]" })] } }));
            assert.ok(read("clientCertEnabled") instanceof Unresolvable);
        });

        it("does not evaluate expressions inside a parameter's given value", () => {
            const read = onlySite(scan({
                template: { resources: [site({ clientCertMode: "[parameters('m')]" })] },
                parameters: { m: { value: "[variables('x')]" } },
            }));
            assert.strictEqual(read("clientCertMode"), "[variables('x')]");
        });

        it("keeps unknowns unknown and unwraps secrets in the deployment's inputs", () => {
            const unknown = onlySite(scan({ template: { resources: [site({ clientCertEnabled: "[parameters('cc')]" })] }, parameters: { cc: { value: UNKNOWN } } }));
            const value = unknown("clientCertEnabled");
            assert.ok(value instanceof Unknown && !(value instanceof Unresolvable));
            const secret = onlySite(scan({ template: { resources: [site({ clientCertEnabled: "[parameters('cc')]" })] }, parameters: new Secret({ cc: { value: new Secret(false) } }) }));
            assert.strictEqual(secret("clientCertEnabled"), false);
        });
    });

    describe("finding sites", () => {
        it("finds sites and slots, child slots, and leaves other resources alone", () => {
            const result = scan({
                template: {
                    resources: [
                        { type: "Microsoft.Storage/storageAccounts", name: "st", properties: { clientCertEnabled: false } },
                        site({}, { resources: [{ type: "slots", name: "staging", properties: {} }] }),
                        { type: "microsoft.web/SITES/slots", name: "app/blue", properties: {} },
                        { type: "Microsoft.Web/sites/config", name: "app/web", properties: {} },
                    ],
                },
            });
            assert.deepStrictEqual(result.sites.map(s => [s.armType, s.name, s.resource.path]), [
                ["Microsoft.Web/sites", "\"app\"", "properties.template.resources[1]"],
                ["Microsoft.Web/sites/slots", "\"staging\"", "properties.template.resources[1].resources[0]"],
                ["Microsoft.Web/sites/slots", "\"app/blue\"", "properties.template.resources[2]"],
            ]);
            assert.deepStrictEqual(result.unreadable, []);
        });

        it("reads symbolic-name resources (languageVersion 2.0) and skips existing ones", () => {
            const result = scan({ template: { languageVersion: "2.0", resources: { web: site({}), old: site({}, { existing: true }) } } });
            assert.deepStrictEqual(result.sites.map(s => s.resource.path), ["properties.template.resources.web"]);
        });

        it("walks nested deployments in outer scope (the default) and inner scope", () => {
            const nested = (properties: Record<string, unknown>) => ({ type: "Microsoft.Resources/deployments", apiVersion: "2022-09-01", name: "inner", properties });
            const outer = scan({
                template: {
                    parameters: { cc: { type: "bool", defaultValue: false } },
                    resources: [nested({ mode: "Incremental", template: { resources: [site({ clientCertEnabled: "[parameters('cc')]" })] } })],
                },
            });
            assert.strictEqual(onlySite(outer)("clientCertEnabled"), false);
            assert.strictEqual(outer.sites[0].resource.path, "properties.template.resources[0].properties.template.resources[0]");

            const inner = scan({
                template: {
                    variables: { fromParent: true },
                    resources: [nested({
                        expressionEvaluationOptions: { scope: "inner" },
                        parameters: { cc: { value: "[variables('fromParent')]" } },
                        template: { parameters: { cc: { type: "bool" } }, resources: [site({ clientCertEnabled: "[parameters('cc')]" })] },
                    })],
                },
            });
            assert.strictEqual(onlySite(inner)("clientCertEnabled"), true);
        });

        it("reports a templateLink, also in a nested deployment, as unreadable", () => {
            const top = scan({ templateLink: { uri: "https://example.com/t.json" } });
            assert.deepStrictEqual(top.unreadable.map(u => [u.what, u.path]), [["templateLink", "properties.templateLink"]]);
            const nested = scan({ template: { resources: [{ type: "Microsoft.Resources/deployments", name: "n", properties: { templateLink: { id: "/specs/x" } } }] } });
            assert.deepStrictEqual(nested.unreadable.map(u => u.path), ["properties.template.resources[0].properties.templateLink"]);
        });

        it("waits for an unknown template or resource type, and cannot read an unresolvable type", () => {
            assert.strictEqual(scan({ template: UNKNOWN }).unknowns.length, 1);
            assert.strictEqual(scan({ template: { resources: [{ type: UNKNOWN, name: "x" }] } }).unknowns.length, 1);
            const unresolved = scan({ template: { resources: [{ type: "[concat('Microsoft.Web/', 'sites')]", name: "x" }] } });
            assert.strictEqual(unresolved.unreadable.length, 1);
        });

        it("judges a copy loop's properties as written", () => {
            const read = onlySite(scan({ template: { resources: [site({ clientCertEnabled: false }, { copy: { name: "loop", count: 3 }, name: "[concat('app', copyIndex())]" })] } }));
            assert.strictEqual(read("clientCertEnabled"), false);
        });
    });
});

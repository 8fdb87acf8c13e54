import * as assert from "assert";
import { parseUrn, splitUrn, urnName } from "../../lib/urn";

// Expected values follow sdk/go/common/resource/urn/urn.go in github:pulumi/pulumi (Stack, Project,
// QualifiedType, Type, Name), and its tests (urn_test.go), which cut at the leftmost `::`.
describe("URNs", () => {
    it("reads the four parts of a URN", () => {
        assert.deepStrictEqual(parseUrn("urn:pulumi:prod::webshop::azure-native:web:WebApp::api"), {
            stack: "prod", project: "webshop", qualifiedType: "azure-native:web:WebApp", type: "azure-native:web:WebApp", name: "api",
        });
    });

    it("keeps every `::` after the third in the name", () => {
        const urn = "urn:pulumi:prod::webshop::azure-native:web:WebApp::x::storefront::y";
        assert.deepStrictEqual(parseUrn(urn), {
            stack: "prod", project: "webshop", qualifiedType: "azure-native:web:WebApp", type: "azure-native:web:WebApp", name: "x::storefront::y",
        });
        // Before lib/urn.ts, tools/analyzer/wire.ts nameFromUrn and the report's resource names took what
        // follows the LAST `::` ("y"); the engine's Name is everything after the third.
        assert.strictEqual(urnName(urn), "x::storefront::y");
    });

    it("reads a child's type after its parents' `$`-separated types", () => {
        const parsed = parseUrn("urn:pulumi:prod::webshop::my:app:Frontend$my:app:Tier$azure-native:web:WebApp::frontend-api");
        assert.strictEqual(parsed?.qualifiedType, "my:app:Frontend$my:app:Tier$azure-native:web:WebApp");
        assert.strictEqual(parsed?.type, "azure-native:web:WebApp");
        assert.strictEqual(parsed?.name, "frontend-api");
        // A `$` in the name is part of the name, not of the type.
        assert.deepStrictEqual(parseUrn("urn:pulumi:s::p::a:b:C::n$x"), { stack: "s", project: "p", qualifiedType: "a:b:C", type: "a:b:C", name: "n$x" });
    });

    it("cuts at the leftmost `::` where colons run together", () => {
        assert.deepStrictEqual(parseUrn("urn:pulumi:s::p::a:b:C:::n"), { stack: "s", project: "p", qualifiedType: "a:b:C", type: "a:b:C", name: ":n" });
        assert.deepStrictEqual(parseUrn("urn:pulumi:s::p:::a::n"), { stack: "s", project: "p", qualifiedType: ":a", type: ":a", name: "n" });
    });

    it("accepts empty parts and single colons in the stack and project, as the engine does", () => {
        // The regex tools/preview/inputs.ts used (`[^:]+` for stack and project, `.+?` for the type) refused
        // these; urn.go IsValid asks only for the prefix and three delimiters.
        assert.deepStrictEqual(parseUrn("urn:pulumi:a:b::c:d::t::n"), { stack: "a:b", project: "c:d", qualifiedType: "t", type: "t", name: "n" });
        assert.deepStrictEqual(parseUrn("urn:pulumi:::::::"), { stack: "", project: "", qualifiedType: "", type: "", name: "" });
        assert.deepStrictEqual(parseUrn("urn:pulumi:s::p::::n"), { stack: "s", project: "p", qualifiedType: "", type: "", name: "n" });
    });

    it("reads the cases of urn_test.go as the engine does", () => {
        const cases: [string, string, string, string, string][] = [
            ["urn:pulumi:stack::project::type::some really ::^&\n*():: crazy name", "stack", "project", "type", "some really ::^&\n*():: crazy name"],
            ["urn:pulumi:stack::project with whitespace::type::some name", "stack", "project with whitespace", "type", "some name"],
            ["urn:pulumi:stack::proj::qualified$type::", "stack", "proj", "qualified$type", ""],
            ["urn:pulumi:::::::name", "", "", "", "name"],
            ["urn:pulumi::stack::proj::type::a-name-with::many::name::separators", ":stack", "proj", "type", "a-name-with::many::name::separators"],
        ];
        for (const [urn, stack, project, qualifiedType, name] of cases) {
            const parsed = parseUrn(urn);
            assert.deepStrictEqual(parsed && [parsed.stack, parsed.project, parsed.qualifiedType, parsed.name], [stack, project, qualifiedType, name], urn);
        }
        assert.strictEqual(parseUrn("urn:pulumi:stack::proj::very$qualified$type::test-test")?.type, "type");
    });

    it("refuses what is not a URN", () => {
        for (const notUrn of ["", "api", "The quick brown fox", "urn:pulumi:stack::too-few-elements", "urn:pulumi:s::p::t",
            "URN:PULUMI:TEST::TEST::PULUMI:PULUMI:STACK::TEST-TEST", "urn:not-pulumi:s::p::t::n", " urn:pulumi:s::p::t::n"]) {
            assert.strictEqual(parseUrn(notUrn), undefined, notUrn);
            assert.strictEqual(urnName(notUrn), notUrn, notUrn);
        }
    });

    it("splits after the stack and the project, as parseUrn does, needing only two delimiters", () => {
        for (const urn of [
            "urn:pulumi:prod::webshop::azure-native:web:WebApp::api",
            "urn:pulumi:prod::webshop::azure-native:web:WebApp::x::storefront::y",
            "urn:pulumi:prod::webshop::my:app:Frontend$azure-native:web:WebApp::a$b",
            "urn:pulumi:a:b::c:d::t::n",
            "urn:pulumi:s::p:::a::n",
        ]) {
            const parsed = parseUrn(urn)!;
            assert.deepStrictEqual(splitUrn(urn), { stack: parsed.stack, project: parsed.project, rest: `${parsed.qualifiedType}::${parsed.name}` }, urn);
        }
        assert.deepStrictEqual(splitUrn("urn:pulumi:prod::webshop::*"), { stack: "prod", project: "webshop", rest: "*" });
        assert.deepStrictEqual(splitUrn("urn:pulumi:prod::webshop::"), { stack: "prod", project: "webshop", rest: "" });
        assert.strictEqual(splitUrn("urn:pulumi:prod::webshop"), undefined);
        assert.strictEqual(splitUrn("prod::webshop::t::n"), undefined);
    });
});

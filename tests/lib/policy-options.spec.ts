import * as assert from "assert";
import { defineOptions } from "../../lib/policy-options";

const options = defineOptions({
    strict: { type: "boolean", default: false, strictest: true, description: "A switch." },
    days: { type: "integer", default: 14, minimum: 0, maximum: 30, description: "A number of days." },
    paths: { type: "string-list", default: ["/a"], itemPattern: "^/[a-z]+$", itemDescription: "a path", description: "Paths." },
    level: { type: "choice", choices: ["low", "high"], default: "low", strictest: "high", description: "A level." },
});

describe("policy-options", () => {
    it("declares each option once, as the JSON schema the CLI validates and fills defaults from", () => {
        assert.deepStrictEqual(options.configSchema, {
            properties: {
                strict: { type: "boolean", default: false, description: "A switch." },
                days: { type: "integer", default: 14, minimum: 0, maximum: 30, description: "A number of days." },
                paths: { type: "array", default: ["/a"], description: "Paths.", items: { type: "string", pattern: "^/[a-z]+$", description: "a path" } },
                level: { type: "string", enum: ["low", "high"], default: "low", description: "A level." },
            },
        });
        assert.deepStrictEqual(options.defaults, { strict: false, days: 14, paths: ["/a"], level: "low" });
    });

    it("reads the defaults for what is not set, and what is set when it is usable", () => {
        assert.deepStrictEqual(options.read({}), { values: options.defaults, problems: [] });
        assert.deepStrictEqual(options.read({ strict: true, days: 0, paths: ["/b", "/c"], level: "high" }),
            { values: { strict: true, days: 0, paths: ["/b", "/c"], level: "high" }, problems: [] });
        assert.deepStrictEqual(options.read(undefined).values, options.defaults);
    });

    it("falls back to the strictest value for a switch or a choice it cannot use, naming the option and what it found", () => {
        const read = options.read({ strict: "yes", level: "HIGH" });
        assert.deepStrictEqual(read.values, { ...options.defaults, strict: true, level: "high" });
        assert.deepStrictEqual(read.problems, [
            "option strict must be true or false, found \"yes\"; the pack applies true",
            "option level must be one of \"low\", \"high\", found \"HIGH\"; the pack applies \"high\"",
        ]);
    });

    it("falls back to the default for a number out of range, and drops list items that do not fit", () => {
        const read = options.read({ days: 31, paths: ["/ok", "/NO", 7, "/fine"] });
        assert.deepStrictEqual(read.values, { ...options.defaults, days: 14, paths: ["/ok", "/fine"] });
        assert.deepStrictEqual(read.problems, [
            "option days must be a whole number from 0 to 30, found 31; the pack applies 14",
            "option paths holds \"/NO\", 7, which are not a path; the pack ignores them",
        ]);
        assert.deepStrictEqual(options.read({ paths: "/ok" }).values.paths, []);
    });

    it("names a key that is no option, so that a misspelt option is not silently ignored", () => {
        assert.deepStrictEqual(options.read({ strcit: true }).problems,
            ["\"strcit\" is not an option of this policy (known: strict, days, paths, level); it is ignored"]);
    });

    it("hands out copies of list defaults, so that no reader can change them for the next", () => {
        const first = options.read({}).values.paths;
        first.push("/changed");
        assert.deepStrictEqual(options.read({ other: 1 }).values.paths, ["/a"]);
        assert.deepStrictEqual(options.defaults.paths, ["/a"]);
    });

    it("keeps a choice's literal union, so that readers need no cast", () => {
        const level: "low" | "high" = options.read({}).values.level;
        // @ts-expect-error "medium" is not one of the choices
        const wrong: "medium" = options.read({}).values.level;
        assert.deepStrictEqual([level, wrong], ["low", "low"]);
    });
});

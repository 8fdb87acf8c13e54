// The README's Policies and Options tables stay in step with what the pack declares. The policies are found
// where the pack's layout puts them, every export of policies/*.ts that is a policy, so that a new policy
// file fails here until the README has its row (and, if it takes options, its options table). Each option
// is checked by name, type and default against the schema its `defineOptions` declaration builds; the
// descriptions live in the schema only.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PolicyConfigSchema } from "@pulumi/policy";

const REPO = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const POLICIES_DIR = path.join(REPO, "policies");

type PropertySchema = PolicyConfigSchema["properties"][string] & {
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    items?: { type?: string };
    default?: unknown;
};

interface DeclaredPolicy {
    name: string;
    enforcementLevel: string;
    configSchema?: PolicyConfigSchema;
    /** The export that holds it, and its file. */
    exportName: string;
    file: string;
}

function isPolicy(value: unknown): value is Omit<DeclaredPolicy, "exportName" | "file"> {
    if (value === null || typeof value !== "object") {
        return false;
    }
    const candidate = value as Record<string, unknown>;
    return typeof candidate.name === "string" && typeof candidate.enforcementLevel === "string" &&
        (typeof candidate.validateResource === "function" || typeof candidate.validateStack === "function" ||
            typeof candidate.remediateResource === "function");
}

function declaredPolicies(): DeclaredPolicy[] {
    const policies: DeclaredPolicy[] = [];
    for (const file of fs.readdirSync(POLICIES_DIR).filter(name => name.endsWith(".ts")).sort()) {
        const exports = require(path.join(POLICIES_DIR, file)) as Record<string, unknown>;
        for (const [exportName, value] of Object.entries(exports)) {
            if (isPolicy(value)) {
                policies.push({ ...value, exportName, file });
            }
        }
    }
    return policies;
}

/** How the README writes an option's type: generated from the schema, so both read the same. */
function typeText(schema: PropertySchema): string {
    if (Array.isArray(schema.enum)) {
        const values = schema.enum.map(value => `\`${JSON.stringify(value)}\``);
        return values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
    }
    if (schema.type === "array") {
        return `${schema.items?.type ?? "unknown"}[]`;
    }
    if (schema.type === "integer" && schema.minimum !== undefined && schema.maximum !== undefined) {
        return `integer, ${schema.minimum} to ${schema.maximum}`;
    }
    return String(schema.type);
}

function defaultText(schema: PropertySchema): string {
    return `\`${JSON.stringify(schema.default)}\``;
}

interface OptionRow {
    option: string;
    type: string;
    default: string;
}

/** The section under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
    const level = /^#+/.exec(heading)![0].length;
    const start = README.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, `the README has the section ${heading}`);
    const rest = README.slice(start + heading.length + 2);
    const end = rest.search(new RegExp(`^#{1,${level}} `, "m"));
    return end < 0 ? rest : rest.slice(0, end);
}

function cells(line: string): string[] {
    return line.split("|").slice(1, -1).map(cell => cell.trim());
}

/** The Options section's tables, by the policy named in the line "`<policy>`:" above each. */
function readmeOptionTables(): Map<string, OptionRow[]> {
    const tables = new Map<string, OptionRow[]>();
    let current: OptionRow[] | undefined;
    for (const line of section("### Options").split("\n")) {
        const title = /^`([a-z0-9-]+)`:$/.exec(line);
        if (title) {
            assert.ok(!tables.has(title[1]), `one options table for ${title[1]}`);
            current = [];
            tables.set(title[1], current);
        } else if (line.startsWith("| `") && current) {
            const [option, type, dflt] = cells(line);
            current.push({ option: option.replace(/^`|`$/g, ""), type, default: dflt });
        }
    }
    return tables;
}

/** The Policies table: policy name and default level. */
function readmePolicyRows(): Map<string, string> {
    const rows = new Map<string, string>();
    for (const line of section("## Policies").split("\n")) {
        const row = /^\| `(azure-[a-z0-9-]+)` \|/.exec(line);
        if (row) {
            rows.set(row[1], cells(line)[1]);
        }
    }
    return rows;
}

describe("README: policies and their options as the pack declares them", () => {
    const policies = declaredPolicies();
    const tables = readmeOptionTables();

    it("finds a policy in every file of policies/, and the pack assembles each", () => {
        const files = fs.readdirSync(POLICIES_DIR).filter(name => name.endsWith(".ts"));
        assert.deepStrictEqual(files.filter(file => !policies.some(p => p.file === file)), [], "files without a policy");
        // index.ts assembles the pack from an array literal of the policies it imports.
        const index = fs.readFileSync(path.join(REPO, "index.ts"), "utf8");
        const list = /policies:\s*\[([^\]]*)\]/.exec(index);
        assert.ok(list, "index.ts lists the pack's policies");
        const assembled = list[1].split(",").map(name => name.trim()).filter(name => name !== "");
        assert.deepStrictEqual(policies.map(p => p.exportName).filter(name => !assembled.includes(name)), [],
            "policies declared in policies/ but not in the pack");
    });

    it("the Policies table has a row for every policy, with its default level, and no other", () => {
        const rows = readmePolicyRows();
        const expected = new Map(policies.map(p => [p.name, p.enforcementLevel]));
        assert.deepStrictEqual([...rows].sort(), [...expected].sort());
    });

    it("has an options table for every policy that takes options, and only for those", () => {
        const withOptions = policies.filter(p => Object.keys(p.configSchema?.properties ?? {}).length > 0).map(p => p.name);
        assert.ok(withOptions.length >= 4, withOptions.join(", "));
        assert.deepStrictEqual([...tables.keys()].sort(), [...withOptions].sort());
    });

    for (const policy of declaredPolicies()) {
        const properties = (policy.configSchema?.properties ?? {}) as Record<string, PropertySchema>;
        if (Object.keys(properties).length === 0) {
            continue;
        }
        it(`${policy.name}: every option with its type and default, and no unknown one`, () => {
            const expected = Object.entries(properties).map(([option, schema]) => ({
                option, type: typeText(schema), default: defaultText(schema),
            }));
            const shown = tables.get(policy.name) ?? [];
            const sortByName = (rows: OptionRow[]) => [...rows].sort((a, b) => a.option.localeCompare(b.option));
            // On failure the expected rows print in the README's form, ready to paste.
            const asRows = (rows: OptionRow[]) => sortByName(rows).map(r => `| \`${r.option}\` | ${r.type} | ${r.default} |`);
            assert.deepStrictEqual(asRows(shown), asRows(expected));
        });
    }

    it("types and defaults are written as the schema has them", () => {
        assert.strictEqual(typeText({ type: "string", enum: ["actionable", "every-line", "refused-only"] }),
            "`\"actionable\"`, `\"every-line\"` or `\"refused-only\"`");
        assert.strictEqual(typeText({ type: "string", enum: ["1.2", "1.3"] }), "`\"1.2\"` or `\"1.3\"`");
        assert.strictEqual(typeText({ type: "array", items: { type: "string" } }), "string[]");
        assert.strictEqual(typeText({ type: "integer", minimum: 0, maximum: 3650 }), "integer, 0 to 3650");
        assert.strictEqual(typeText({ type: "boolean" }), "boolean");
        assert.strictEqual(defaultText({ type: "array", default: [] }), "`[]`");
    });
});

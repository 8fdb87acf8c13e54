// What makes up the policy pack, derived from the two places that declare it:
//   - tsconfig.json's `include`: the TypeScript of the pack (index.ts, lib/, policies/), compiled into bin/;
//   - package.json's `files`: what a published pack holds besides package.json (bin/ and the files the pack
//     reads at run time), as npm reads the field.
// The preview command checks the build against the first, copies of the pack for another exemptions file hold
// the second, and scripts/make-publishable.ts ships the second with only the first's compiled JavaScript in bin/.
import * as fs from "fs";
import * as path from "path";
import type * as TypeScript from "typescript";

export interface PackSource {
    /** The TypeScript file, relative to the pack. */
    readonly source: string;
    /** The JavaScript tsc writes for it, relative to the pack. */
    readonly compiled: string;
}

/** The pack's TypeScript files and the JavaScript each compiles to; none for a pack without tsconfig.json. */
export function packSources(packDir: string): PackSource[] {
    const configFile = path.join(packDir, "tsconfig.json");
    if (!fs.existsSync(configFile)) {
        return [];
    }
    // Loaded only here: the compiler is a devDependency, and only the tools ask.
    const ts: typeof TypeScript = require("typescript");
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) {
        throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, packDir);
    const rootDir = parsed.options.rootDir ?? packDir;
    const outDir = parsed.options.outDir ?? rootDir;
    return parsed.fileNames
        .filter(file => !file.endsWith(".d.ts"))
        .map(file => ({
            source: path.relative(packDir, file),
            compiled: path.relative(packDir, path.join(outDir, path.relative(rootDir, file)).replace(/\.tsx?$/, ".js")),
        }));
}

/**
 * What the pack is made of at run time, relative to it: package.json and its `files`. A pack whose
 * package.json names no `files` is its `main`'s folder, package.json and PulumiPolicy.yaml.
 */
export function packFiles(packDir: string): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { files?: string[]; main?: string };
    const files = pkg.files ?? [path.normalize(pkg.main ?? "index.js").split(path.sep)[0], "PulumiPolicy.yaml"];
    return ["package.json", ...files.filter(f => f !== "package.json")];
}

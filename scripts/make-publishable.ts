// Writes the pack as it should be published into a folder of its own (default: dist/), so that
// `pulumi policy publish` (which runs `npm pack` there) ships only what runs, and the `npm install` that
// Pulumi runs wherever the pack is enforced installs only runtime dependencies:
//   bin/ (compiled pack, without the test harness in bin/tools), PulumiPolicy.yaml, exemptions.yaml,
//   README.md, a package.json with the runtime dependencies only and no scripts (no `prepare`, so no tsc
//   at install), and an npm-shrinkwrap.json pinning exactly the versions the tests ran against.
// The runtime dependencies are found, not listed: every package the shipped JavaScript requires, plus
// @pulumi/pulumi (home of run-policy-pack) and @pulumi/policy. Requiring a devDependency is an error.
//
//   npm run build && ts-node --transpile-only scripts/make-publishable.ts [outDir] [--no-shrinkwrap]
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ALWAYS_RUNTIME = ["@pulumi/policy", "@pulumi/pulumi"];
const SHIPPED_FILES = ["PulumiPolicy.yaml", "exemptions.yaml", "README.md"];
/** Folders of bin/ that only tests and tools use. */
const UNSHIPPED_BIN = ["tools", "bench", "scripts", "tests", "examples"];

interface PackageJson {
    name: string;
    version: string;
    description?: string;
    main?: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    [key: string]: unknown;
}

export interface PublishableOptions {
    /** Write an npm-shrinkwrap.json pruned from the repository's package-lock.json (default true). */
    shrinkwrap?: boolean;
}

function jsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? jsFiles(full) : entry.name.endsWith(".js") ? [full] : [];
    });
}

/** Package names required by the given JavaScript files (bare specifiers; node: and built-ins left out). */
export function requiredPackages(files: readonly string[]): Set<string> {
    const builtins = new Set(require("module").builtinModules as string[]);
    const found = new Set<string>();
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        for (const match of text.matchAll(/\brequire\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
            const spec = match[1];
            if (spec.startsWith("node:") || builtins.has(spec.split("/")[0])) {
                continue;
            }
            const parts = spec.split("/");
            found.add(spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
        }
    }
    return found;
}

/** Builds the publishable folder from a built checkout; returns the package.json written. */
export function makePublishable(repoDir: string, outDir: string, options: PublishableOptions = {}): PackageJson {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, "package.json"), "utf8")) as PackageJson;
    const main = pkg.main ?? "index.js";
    const binDir = path.join(repoDir, path.dirname(main));
    if (!fs.existsSync(path.join(repoDir, main))) {
        throw new Error(`${main} does not exist: build the pack first (npm run build)`);
    }

    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const outBin = path.join(outDir, path.relative(repoDir, binDir));
    fs.cpSync(binDir, outBin, {
        recursive: true,
        filter: source => {
            const rel = path.relative(binDir, source);
            return !UNSHIPPED_BIN.includes(rel.split(path.sep)[0]) && !source.endsWith(".map");
        },
    });
    for (const file of SHIPPED_FILES) {
        if (fs.existsSync(path.join(repoDir, file))) {
            fs.copyFileSync(path.join(repoDir, file), path.join(outDir, file));
        }
    }

    const needed = new Set([...ALWAYS_RUNTIME, ...requiredPackages(jsFiles(outBin))]);
    const dependencies: Record<string, string> = {};
    const problems: string[] = [];
    for (const name of [...needed].sort()) {
        const range = pkg.dependencies?.[name];
        if (range !== undefined) {
            dependencies[name] = range;
        } else {
            problems.push(pkg.devDependencies?.[name] !== undefined
                ? `${name} is required at run time but is only a devDependency; move it to dependencies`
                : `${name} is required at run time but is not a dependency in package.json`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`Cannot make the pack publishable:\n  - ${problems.join("\n  - ")}`);
    }

    const published: PackageJson = {
        name: pkg.name,
        version: pkg.version,
        description: pkg.description,
        private: pkg.private,
        main,
        dependencies,
    };
    if (pkg.engines) {
        published.engines = pkg.engines;
    }
    fs.writeFileSync(path.join(outDir, "package.json"), JSON.stringify(published, null, 2) + "\n");

    const lock = path.join(repoDir, "package-lock.json");
    if (options.shrinkwrap !== false && fs.existsSync(lock)) {
        // npm prunes the repository's lock to the slimmed dependencies without resolving anything anew,
        // so the published pack installs exactly the versions the tests ran against.
        fs.copyFileSync(lock, path.join(outDir, "package-lock.json"));
        execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
            cwd: outDir,
            stdio: ["ignore", "ignore", "inherit"],
        });
        fs.renameSync(path.join(outDir, "package-lock.json"), path.join(outDir, "npm-shrinkwrap.json"));
    }
    return published;
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const repoDir = path.resolve(__dirname, "..");
    const outDir = path.resolve(repoDir, args.find(a => !a.startsWith("--")) ?? "dist");
    const published = makePublishable(repoDir, outDir, { shrinkwrap: !args.includes("--no-shrinkwrap") });
    console.log(`Publishable pack written to ${outDir}; runtime dependencies: ${Object.keys(published.dependencies ?? {}).join(", ")}.`);
    console.log(`Publish it with: cd ${path.relative(process.cwd(), outDir) || "."} && pulumi policy publish <org>`);
}

// Writes the pack as it should be published into a folder of its own (default: dist/), so that
// `pulumi policy publish` (which runs `npm pack` there: pkg/backend/httpstate/policypack.go Publish) ships only
// what runs, and the install the Pulumi CLI runs on the machine of each update (once per pack version, under
// ~/.pulumi/policies: policypack.go installRequiredPolicy) fetches only runtime dependencies:
//   the files package.json's `files` names (tools/pack-files.ts): bin/ with only the JavaScript compiled from the
//   pack's sources (tsconfig.json's `include`; nothing left there by an older build), PulumiPolicy.yaml (with the
//   nodejs runtime option `production: true`), exemptions.yaml and README.md; a package.json with the runtime
//   dependencies only and no scripts (no `prepare`, so no tsc at install), and an npm-shrinkwrap.json pinning
//   exactly the versions the tests ran against.
// The runtime dependencies are found, not listed: every package the shipped JavaScript requires, plus
// @pulumi/pulumi (home of run-policy-pack) and @pulumi/policy. Requiring a devDependency is an error.
// The folder is then given its own node_modules from the shrinkwrap (`npm ci --omit=dev`), so that
// `pulumi preview --policy-pack dist` runs what is published and never borrows the repository's node_modules;
// `npm pack` leaves node_modules out of the tarball.
// A version is made publishable with one exemptions.yaml only: published-versions.json records its digest, and
// a changed exemptions.yaml under a recorded version is refused (see checkVersionRecord).
//
//   npm run build && ts-node --transpile-only scripts/make-publishable.ts [outDir] [--no-shrinkwrap] [--no-install]
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import * as yaml from "js-yaml";
import { EXEMPTIONS_FILE_NAME } from "../lib/exemptions-file";
import { packFiles, packSources } from "../tools/pack-files";

export const ALWAYS_RUNTIME = ["@pulumi/policy", "@pulumi/pulumi"];
export const VERSION_RECORD_FILE = "published-versions.json";

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
    /** Install the runtime dependencies into the folder from the shrinkwrap (default false; the command does). */
    install?: boolean;
    /** Passed to npm as --prefer-offline when installing (tests reuse the npm cache). */
    preferOffline?: boolean;
}

/**
 * PulumiPolicy.yaml as published: the repository's file with `runtime: {name: nodejs, options: {production: true}}`.
 * CLI 3.252.0 and later pass `--production` to the install of a downloaded pack (sdk/nodejs/cmd/pulumi-language-
 * nodejs/main.go parseOptions, added in pulumi/pulumi#23849); older CLIs ignore the option, because their
 * parseOptions reads only typescript, tsconfig, nodeargs and packagemanager, and PolicyPackProject.Validate
 * (sdk/go/common/workspace/project.go) checks only that a runtime is named. The repository's own file stays
 * without it: `pulumi install` there must install TypeScript to build bin/.
 */
export function publishedPolicyProject(text: string): string {
    const project = (yaml.load(text) ?? {}) as { runtime?: string | { name?: string; options?: Record<string, unknown> }; [key: string]: unknown };
    const runtime = typeof project.runtime === "string" ? { name: project.runtime } : { ...(project.runtime ?? {}) };
    if (runtime.name !== "nodejs") {
        throw new Error(`PulumiPolicy.yaml names runtime ${JSON.stringify(runtime.name)}; this pack is published for nodejs`);
    }
    return yaml.dump({ ...project, runtime: { name: "nodejs", options: { ...(runtime.options ?? {}), production: true } } }, { lineWidth: -1 });
}

export function sha256(text: string | Buffer): string {
    return createHash("sha256").update(text).digest("hex");
}

export type VersionRecord = Record<string, { exemptionsSha256: string }>;

/**
 * The guard that a pack version carries one exemptions.yaml only. The Pulumi CLI installs a published pack once
 * per version and reuses it (pkg/backend/httpstate/policypack.go Installed(), which looks for
 * ~/.pulumi/policies/<org>/pulumi-analyzer-<pack>-v<version>: sdk/go/common/workspace/plugins.go GetPolicyPath),
 * and Pulumi Cloud does not take the same version twice, so a changed list under an old version never reaches the
 * machines that run updates. Returns the record to write, or throws naming the fix.
 */
export function checkVersionRecord(record: VersionRecord, version: string, exemptionsText: string): VersionRecord {
    const digest = sha256(exemptionsText);
    const recorded = record[version];
    if (recorded && recorded.exemptionsSha256 !== digest) {
        throw new Error(
            `exemptions.yaml has changed since version ${version} was made publishable (${VERSION_RECORD_FILE}). ` +
            "Pulumi installs a pack once per version and Pulumi Cloud refuses to publish a version twice, so the change " +
            "would never reach the stacks. Bump the version (npm version patch --no-git-tag-version), run npm run " +
            `publishable again, and commit package.json and ${VERSION_RECORD_FILE}.`);
    }
    return recorded ? record : { ...record, [version]: { exemptionsSha256: digest } };
}

export function readVersionRecord(repoDir: string): VersionRecord {
    const file = path.join(repoDir, VERSION_RECORD_FILE);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as VersionRecord : {};
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
    const binFolder = path.relative(repoDir, binDir);
    for (const { compiled } of packSources(repoDir)) {
        fs.mkdirSync(path.join(outDir, path.dirname(compiled)), { recursive: true });
        fs.copyFileSync(path.join(repoDir, compiled), path.join(outDir, compiled));
    }
    fs.writeFileSync(path.join(outDir, "PulumiPolicy.yaml"),
        publishedPolicyProject(fs.readFileSync(path.join(repoDir, "PulumiPolicy.yaml"), "utf8")));
    // package.json is written below, bin/ and PulumiPolicy.yaml above.
    for (const file of packFiles(repoDir).filter(f => !["package.json", "PulumiPolicy.yaml", binFolder].includes(f))) {
        if (fs.existsSync(path.join(repoDir, file))) {
            fs.cpSync(path.join(repoDir, file), path.join(outDir, file), { recursive: true });
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
    for (const key of ["engines", "repository", "license"]) {
        if (pkg[key] !== undefined) {
            published[key] = pkg[key];
        }
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
    if (options.install) {
        // Exactly the shrinkwrap's runtime packages, so that the folder starts with what it will install.
        execFileSync("npm", [options.shrinkwrap === false ? "install" : "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error",
            ...(options.preferOffline ? ["--prefer-offline"] : [])], {
            cwd: outDir,
            stdio: ["ignore", "ignore", "inherit"],
        });
    }
    return published;
}

if (require.main === module) {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: { "no-shrinkwrap": { type: "boolean" }, "no-install": { type: "boolean" } },
    });
    const repoDir = path.resolve(__dirname, "..");
    const outDir = path.resolve(repoDir, positionals[0] ?? "dist");
    const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, "package.json"), "utf8")) as PackageJson;
    const record = checkVersionRecord(readVersionRecord(repoDir), pkg.version,
        fs.readFileSync(path.join(repoDir, EXEMPTIONS_FILE_NAME), "utf8"));
    const published = makePublishable(repoDir, outDir, { shrinkwrap: !values["no-shrinkwrap"], install: !values["no-install"] });
    const recordFile = path.join(repoDir, VERSION_RECORD_FILE);
    if (JSON.stringify(record) !== JSON.stringify(readVersionRecord(repoDir))) {
        fs.writeFileSync(recordFile, JSON.stringify(record, null, 2) + "\n");
        console.log(`Recorded version ${pkg.version} with this exemptions.yaml in ${VERSION_RECORD_FILE}: commit it.`);
    }
    console.log(`Publishable pack ${pkg.name}@${pkg.version} written to ${outDir}; runtime dependencies: ${Object.keys(published.dependencies ?? {}).join(", ")}.`);
    console.log(`Publish it with: cd ${path.relative(process.cwd(), outDir) || "."} && pulumi policy publish <org>`);
    console.log("Every change to exemptions.yaml or the rules needs a new version: Pulumi installs a pack once per version.");
}

// Baseline packs the bench compares against, written into a temp folder whose node_modules is a symlink
// to the repository's, so that both sides load the very same @pulumi/policy and @pulumi/pulumi.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface BaselinePacks {
    /** One resource rule that checks one property: the smallest useful JavaScript pack. */
    readonly minimalDir: string;
    /** A resource rule and a stack rule that do nothing: the cost of the SDK alone. */
    readonly noopDir: string;
    remove(): void;
}

const MINIMAL_JS = `"use strict";
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("bench-minimal", {
    policies: [{
        name: "web-app-https-only",
        description: "Web apps must set httpsOnly.",
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            if (args.type === "azure-native:web:WebApp" && args.props.httpsOnly !== true) {
                reportViolation("httpsOnly must be true");
            }
        },
    }],
});
`;

const NOOP_JS = `"use strict";
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("bench-noop", {
    policies: [
        { name: "noop-resource", description: "Does nothing.", enforcementLevel: "advisory", validateResource: () => {} },
        { name: "noop-stack", description: "Does nothing.", enforcementLevel: "advisory", validateStack: () => {} },
    ],
});
`;

function writePack(dir: string, name: string, indexJs: string, repoNodeModules: string): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.js"), indexJs);
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), `runtime: nodejs\ndescription: ${name}\n`);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "0.0.1", private: true, main: "index.js" }, null, 2));
    fs.symlinkSync(repoNodeModules, path.join(dir, "node_modules"), "dir");
}

export function createBaselinePacks(repoDir: string): BaselinePacks {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-baselines-"));
    const nodeModules = path.join(repoDir, "node_modules");
    const minimalDir = path.join(root, "minimal");
    const noopDir = path.join(root, "noop");
    writePack(minimalDir, "bench-minimal", MINIMAL_JS, nodeModules);
    writePack(noopDir, "bench-noop", NOOP_JS, nodeModules);
    return { minimalDir, noopDir, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

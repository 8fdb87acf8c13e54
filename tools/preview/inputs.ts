// What the preview command judges: Pulumi programs (run under mocks) and `pulumi stack export` files,
// both turned into the same list of resources the engine would hand the pack.

import * as fs from "fs";
import * as path from "path";
import { isSecretEnvelope, secret } from "../analyzer/wire";
import { EXEMPTIONS_FILE } from "./pack";
import { CapturedResource, ProgramRunError, runProgramUnderMocks } from "./run-under-mocks";

/** A policy pack config file an example may carry next to its Pulumi.yaml. */
export const PROGRAM_POLICY_CONFIG_FILE = "policy-pack-config.json";
export const KNOWN_EXPORT_VERSIONS: readonly number[] = [3];
/** What an encrypted secret of an export is sent as; no policy can mistake it for a valid setting. */
export const ENCRYPTED_SECRET_PLACEHOLDER = "[encrypted secret: export with --show-secrets to judge it]";

/**
 * An export without --show-secrets holds secrets as `{sig, ciphertext}`. The engine never sends such a
 * value (it decrypts state first) and the policy SDK's deserializer rejects it, failing the whole call,
 * so each becomes a secret holding a placeholder: still a secret, still unreadable, judged as invalid.
 */
export function replaceEncryptedSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(replaceEncryptedSecrets);
    }
    if (value !== null && typeof value === "object") {
        if (isSecretEnvelope(value) && !("value" in value)) {
            return secret(ENCRYPTED_SECRET_PLACEHOLDER);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceEncryptedSecrets(v)]));
    }
    return value;
}

/** One resource as the pack will be asked about it. */
export interface SubjectResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly inputs: Record<string, unknown>;
    /** For a program's resource: what the mocks returned for it (its state), in wire form. */
    readonly outputs?: Record<string, unknown>;
    readonly dependencies?: string[];
    readonly propertyDependencies?: Record<string, string[]>;
}

/** One program run or one exported stack: judged together, reported together. */
export interface Subject {
    readonly kind: "program" | "stack export";
    /** The path the user gave (or the example's), as shown in reports. */
    readonly source: string;
    readonly project: string;
    readonly stack: string;
    readonly resources: SubjectResource[];
    /** A policy pack config file that comes with the program. */
    readonly policyConfigFile?: string;
    /** An exemptions file that comes with the program. */
    readonly exemptionsFile?: string;
}

/** A problem with one input; the other inputs are still judged. */
export class InputError extends Error {
    constructor(readonly source: string, message: string) {
        super(message);
        this.name = "InputError";
    }
}

/** A path the user gave, sorted into what it is. */
export type InputSpec =
    | { readonly kind: "program"; readonly source: string; readonly dir: string }
    | { readonly kind: "stack export"; readonly source: string; readonly file: string }
    | { readonly kind: "error"; readonly error: InputError };

export function isProgramDir(dir: string): boolean {
    return ["Pulumi.yaml", "Pulumi.yml"].some(f => fs.existsSync(path.join(dir, f)));
}

/** Expands the paths given on the command line: program dirs, export files, and dirs of export files. */
export function classifyInputs(paths: readonly string[]): InputSpec[] {
    const specs: InputSpec[] = [];
    for (const given of paths) {
        const full = path.resolve(given);
        if (!fs.existsSync(full)) {
            specs.push({ kind: "error", error: new InputError(given, "no such file or directory") });
        } else if (fs.statSync(full).isDirectory()) {
            if (isProgramDir(full)) {
                specs.push({ kind: "program", source: given, dir: full });
                continue;
            }
            const files = fs.readdirSync(full).filter(f => f.endsWith(".json")).sort();
            if (files.length === 0) {
                specs.push({ kind: "error", error: new InputError(given, "neither a Pulumi program (no Pulumi.yaml) nor a directory of stack export .json files") });
            }
            for (const file of files) {
                specs.push({ kind: "stack export", source: path.join(given, file), file: path.join(full, file) });
            }
        } else {
            specs.push({ kind: "stack export", source: given, file: full });
        }
    }
    return specs;
}

/** The bundled examples: every program under examples/, in name order. */
export function bundledExamples(examplesDir: string): InputSpec[] {
    return fs.readdirSync(examplesDir).sort()
        .map(name => path.join(examplesDir, name))
        .filter(dir => fs.statSync(dir).isDirectory() && isProgramDir(dir))
        .map(dir => ({ kind: "program" as const, source: path.relative(process.cwd(), dir) || ".", dir }));
}

function fileNextTo(dir: string, name: string): string | undefined {
    const file = path.join(dir, name);
    return fs.existsSync(file) ? file : undefined;
}

export interface ProgramOptions {
    /** Add stack traces and the program's own error output to a failure's one-paragraph message. */
    readonly verbose?: boolean;
    /** The policy pack that judges the program, named in the advice for programs that cannot run here. */
    readonly packDir?: string;
}

export async function loadProgram(spec: { source: string; dir: string }, stack: string | undefined, opts: ProgramOptions = {}): Promise<Subject> {
    let captured;
    try {
        captured = await runProgramUnderMocks(spec.dir, { stack, packDir: opts.packDir });
    } catch (error) {
        const detail = error instanceof ProgramRunError ? error.detail : (error as Error).stack;
        const more = opts.verbose && detail ? `\n${detail}` : "";
        throw new InputError(spec.source, `${(error as Error).message}${more}`);
    }
    return {
        kind: "program",
        source: spec.source,
        project: captured.project,
        stack: captured.stack,
        resources: captured.resources.map(fromCapture),
        policyConfigFile: fileNextTo(spec.dir, PROGRAM_POLICY_CONFIG_FILE),
        exemptionsFile: fileNextTo(spec.dir, EXEMPTIONS_FILE),
    };
}

function fromCapture(r: CapturedResource): SubjectResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
        outputs: r.outputs,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    };
}

interface ExportedResource {
    urn?: unknown;
    type?: unknown;
    inputs?: unknown;
    parent?: unknown;
    dependencies?: unknown;
    propertyDependencies?: unknown;
}

/** The stack and project a URN names: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
    const match = /^urn:pulumi:([^:]+)::([^:]+)::(.+?)::(.*)$/.exec(urn);
    return match ? { stack: match[1], project: match[2], type: match[3], name: match[4] } : undefined;
}

/** Reads a `pulumi stack export` file (deployment version 3). Throws InputError on anything else. */
export function loadStackExport(source: string, file: string): Subject {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new InputError(source, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch (error) {
        throw new InputError(source, `is not JSON (${(error as Error).message}); expected the output of \`pulumi stack export\``);
    }
    const root = document as { version?: unknown; deployment?: { resources?: unknown } } | null;
    if (root === null || typeof root !== "object" || Array.isArray(root) || !("deployment" in root) || !("version" in root)) {
        throw new InputError(source, "is not a stack export: expected {\"version\": 3, \"deployment\": {...}} as `pulumi stack export` writes");
    }
    if (!KNOWN_EXPORT_VERSIONS.includes(root.version as number)) {
        throw new InputError(source, `has stack export version ${JSON.stringify(root.version)}; known versions: ${KNOWN_EXPORT_VERSIONS.join(", ")}`);
    }
    const exported = root.deployment?.resources ?? [];
    if (!Array.isArray(exported)) {
        throw new InputError(source, "is not a stack export: deployment.resources is not a list");
    }
    const resources: SubjectResource[] = [];
    let names: { stack: string; project: string } | undefined;
    exported.forEach((raw: ExportedResource, index) => {
        const urn = typeof raw?.urn === "string" ? parseUrn(raw.urn) : undefined;
        if (!urn || typeof raw.type !== "string") {
            throw new InputError(source, `deployment.resources[${index}] has no valid urn and type`);
        }
        names ??= urn;
        // The stack itself and provider instances are not resources the pack judges.
        if (raw.type === "pulumi:pulumi:Stack" || raw.type.startsWith("pulumi:providers:")) {
            return;
        }
        resources.push({
            urn: raw.urn as string,
            type: raw.type,
            name: urn.name,
            parent: typeof raw.parent === "string" ? raw.parent : undefined,
            inputs: raw.inputs !== null && typeof raw.inputs === "object"
                ? replaceEncryptedSecrets(raw.inputs) as Record<string, unknown> : {},
            dependencies: Array.isArray(raw.dependencies) ? raw.dependencies.filter((d): d is string => typeof d === "string") : undefined,
            propertyDependencies: raw.propertyDependencies !== null && typeof raw.propertyDependencies === "object"
                ? raw.propertyDependencies as Record<string, string[]> : undefined,
        });
    });
    return {
        kind: "stack export",
        source,
        project: names?.project ?? "(empty stack)",
        stack: names?.stack ?? path.basename(file, ".json"),
        resources,
    };
}

// What the preview command judges: Pulumi programs (run under mocks) and `pulumi stack export` files,
// both turned into the same list of resources the engine would hand the pack.

import * as fs from "fs";
import * as path from "path";
import { EXEMPTIONS_FILE_NAME } from "../../lib/exemptions-file";
import { parseUrn } from "../../lib/urn";
import { isSecretEnvelope, secret } from "../analyzer/wire";
import { CapturedResource, ProgramRunError, projectFileOf, runProgramUnderMocks } from "./run-under-mocks";

/** A policy pack config file an example may carry next to its Pulumi.yaml. */
export const PROGRAM_POLICY_CONFIG_FILE = "policy-pack-config.json";
/**
 * The deployment versions `pulumi stack export` writes and the CLI reads (pkg/resource/stack/deployment.go:
 * DeploymentSchemaVersionOldestSupported 1 to DeploymentSchemaVersionLatest 4; stacks with hooks, taint
 * or views export version 4). Versions 1 and 2 name the fields the pack reads as version 3 does
 * (pkg/resource/stack/migrate/resource.go).
 */
export const KNOWN_EXPORT_VERSIONS: readonly number[] = [1, 2, 3, 4];
/** The features a version-4 export may declare that the CLI can read (deployment.go supportedFeatures). */
export const SUPPORTED_EXPORT_FEATURES: readonly string[] = [
    "refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets-prototype", "extensionParameterization", "byteString",
];
/** What an encrypted secret of an export is sent as; no policy can mistake it for a valid setting. */
export const ENCRYPTED_SECRET_PLACEHOLDER = "[encrypted secret: export with --show-secrets to judge it]";

/** How an export's secrets came out. */
export interface SecretCounts {
    /** `{sig, plaintext}` (exported with --show-secrets): decoded and judged. */
    decoded: number;
    /** `{sig, ciphertext}`: unjudgeable, so the resource is denied. */
    encrypted: number;
}

/**
 * An export holds secrets as `{sig, ciphertext}`, or, with `--show-secrets`, as `{sig, plaintext: "<JSON
 * of the value>"}` (pkg/resource/stack/deployment.go, SerializePropertyValue and
 * secretPropertyValueFromPlaintext). Neither is what the engine sends, which is `{sig, value}` of the
 * decrypted value, and the policy SDK's deserializer rejects both, failing the whole call. A plaintext
 * secret becomes the secret it holds; an encrypted one a secret holding a placeholder: still a secret,
 * still unreadable, judged as invalid.
 */
export function decodeExportSecrets(value: unknown, counts: SecretCounts = { decoded: 0, encrypted: 0 }): unknown {
    if (Array.isArray(value)) {
        return value.map(v => decodeExportSecrets(v, counts));
    }
    if (value !== null && typeof value === "object") {
        if (isSecretEnvelope(value) && !("value" in value)) {
            const plaintext = (value as { plaintext?: unknown }).plaintext;
            if (typeof plaintext === "string") {
                let decoded: unknown;
                try {
                    decoded = JSON.parse(plaintext);
                } catch {
                    counts.encrypted++;
                    return secret(ENCRYPTED_SECRET_PLACEHOLDER);
                }
                counts.decoded++;
                return secret(decodeExportSecrets(decoded, counts));
            }
            counts.encrypted++;
            return secret(ENCRYPTED_SECRET_PLACEHOLDER);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeExportSecrets(v, counts)]));
    }
    return value;
}

/** Kept for callers of the older name: every secret of an export decoded as far as it can be. */
export function replaceEncryptedSecrets(value: unknown): unknown {
    return decodeExportSecrets(value);
}

/** One resource as the pack will be asked about it. */
export interface SubjectResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    /** What Remediate and Analyze get. */
    readonly inputs: Record<string, unknown>;
    /** What AnalyzeStack gets: an export's `outputs`; under mocks, what the mocks return. */
    readonly outputs: Record<string, unknown>;
    readonly dependencies?: string[];
    readonly propertyDependencies?: Record<string, string[]>;
}

/** One program run or one exported stack: judged together, reported together. */
export interface Subject {
    readonly form: "program" | "stack export";
    /** The path the user gave (or the example's), as shown in reports. */
    readonly source: string;
    readonly project: string;
    readonly stack: string;
    readonly resources: SubjectResource[];
    /** A policy pack config file that comes with the program. */
    readonly policyConfigFile?: string;
    /** An exemptions file that comes with the program. */
    readonly exemptionsFile?: string;
    /** For an export: the stacks its file holds, when more than one, and which of them this is (1-based). */
    readonly stackOfFile?: { readonly index: number; readonly count: number };
    /** For an export: resources marked `delete: true`, skipped as `pulumi policy analyze` skips them. */
    readonly pendingDeletes?: number;
    /** For an export: its secrets, decoded (--show-secrets) or encrypted. */
    readonly secrets?: SecretCounts;
    /** For an export: its deployment version. */
    readonly exportVersion?: number;
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
    | { readonly form: "program"; readonly source: string; readonly dir: string }
    | { readonly form: "stack export"; readonly source: string; readonly file: string }
    | { readonly form: "error"; readonly error: InputError };

export function isProgramDir(dir: string): boolean {
    return projectFileOf(dir) !== undefined;
}

/** Expands the paths given on the command line: program dirs, export files, and dirs of export files. */
export function classifyInputs(paths: readonly string[]): InputSpec[] {
    const specs: InputSpec[] = [];
    for (const given of paths) {
        const full = path.resolve(given);
        if (!fs.existsSync(full)) {
            specs.push({ form: "error", error: new InputError(given, "no such file or directory") });
        } else if (fs.statSync(full).isDirectory()) {
            if (isProgramDir(full)) {
                specs.push({ form: "program", source: given, dir: full });
                continue;
            }
            const files = fs.readdirSync(full).filter(f => f.endsWith(".json")).sort();
            if (files.length === 0) {
                specs.push({ form: "error", error: new InputError(given, "neither a Pulumi program (no Pulumi.yaml) nor a directory of stack export .json files") });
            }
            for (const file of files) {
                specs.push({ form: "stack export", source: path.join(given, file), file: path.join(full, file) });
            }
        } else {
            specs.push({ form: "stack export", source: given, file: full });
        }
    }
    return specs;
}

/** The bundled examples: every program under examples/, in name order. */
export function bundledExamples(examplesDir: string): InputSpec[] {
    return fs.readdirSync(examplesDir).sort()
        .map(name => path.join(examplesDir, name))
        .filter(dir => fs.statSync(dir).isDirectory() && isProgramDir(dir))
        .map(dir => ({ form: "program" as const, source: path.relative(process.cwd(), dir) || ".", dir }));
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
        form: "program",
        source: spec.source,
        project: captured.project,
        stack: captured.stack,
        resources: captured.resources.map(fromCapture),
        policyConfigFile: fileNextTo(spec.dir, PROGRAM_POLICY_CONFIG_FILE),
        exemptionsFile: fileNextTo(spec.dir, EXEMPTIONS_FILE_NAME),
    };
}

function fromCapture(r: CapturedResource): SubjectResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
        // What the mocks answered the registration with (program-host.ts): the state the engine would
        // hand AnalyzeStack.
        outputs: r.outputs,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    };
}

interface ExportedResource {
    urn?: unknown;
    type?: unknown;
    inputs?: unknown;
    outputs?: unknown;
    parent?: unknown;
    delete?: unknown;
    dependencies?: unknown;
    propertyDependencies?: unknown;
}

function propertyMap(value: unknown, counts: SecretCounts): Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? decodeExportSecrets(value, counts) as Record<string, unknown> : {};
}

/**
 * Reads a `pulumi stack export` file (deployment versions 1 to 4) as `pulumi policy analyze --file` reads
 * it (pkg/cmd/pulumi/policy/policy_analyze.go, pkg/resource/deploy/analyze_snapshot.go): resources marked
 * `delete` are skipped; each resource's `inputs` go to Remediate and Analyze, its `outputs` to
 * AnalyzeStack. A file whose resources belong to several stacks gives one subject per stack, each
 * labelled. Throws InputError on anything else.
 */
export function loadStackExport(source: string, file: string): Subject[] {
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
    const root = document as { version?: unknown; features?: unknown; deployment?: { resources?: unknown } } | null;
    if (root === null || typeof root !== "object" || Array.isArray(root) || !("deployment" in root) || !("version" in root)) {
        throw new InputError(source, "is not a stack export: expected {\"version\": 3, \"deployment\": {...}} as `pulumi stack export` writes");
    }
    if (!KNOWN_EXPORT_VERSIONS.includes(root.version as number)) {
        // The CLI's words (deployment.go ErrDeploymentSchemaVersionTooNew / TooOld), and what this tool reads.
        const why = typeof root.version === "number" && root.version > 4 ? "this stack's deployment version is too new"
            : typeof root.version === "number" ? "this stack's deployment is too old" : "the version is not a number";
        throw new InputError(source, `has stack export version ${JSON.stringify(root.version)}: ${why}; known versions: ${KNOWN_EXPORT_VERSIONS.join(", ")}`);
    }
    if ((root.version as number) >= 4 && Array.isArray(root.features)) {
        const unsupported = root.features.filter(f => !SUPPORTED_EXPORT_FEATURES.includes(f as string));
        if (unsupported.length > 0) {
            throw new InputError(source, `this stack's deployment needs support for the following features: ${unsupported.join(", ")}; ` +
                "update this tool's pack dependencies, or export the stack with the Pulumi CLI version that reads it");
        }
    }
    const exported = root.deployment?.resources ?? [];
    if (!Array.isArray(exported)) {
        throw new InputError(source, "is not a stack export: deployment.resources is not a list");
    }
    const stacks = new Map<string, { project: string; stack: string; resources: SubjectResource[]; pendingDeletes: number; secrets: SecretCounts }>();
    const stackOf = (names: { stack: string; project: string }) => {
        const key = `${names.project}/${names.stack}`;
        let entry = stacks.get(key);
        if (!entry) {
            entry = { project: names.project, stack: names.stack, resources: [], pendingDeletes: 0, secrets: { decoded: 0, encrypted: 0 } };
            stacks.set(key, entry);
        }
        return entry;
    };
    exported.forEach((raw: ExportedResource, index) => {
        const urn = typeof raw?.urn === "string" ? parseUrn(raw.urn) : undefined;
        if (!urn || typeof raw.type !== "string") {
            throw new InputError(source, `deployment.resources[${index}] has no valid urn and type`);
        }
        const entry = stackOf(urn);
        // A resource pending deletion is not judged: `pulumi policy analyze` skips it (analyze_snapshot.go).
        if (raw.delete === true) {
            entry.pendingDeletes++;
            return;
        }
        // The stack itself and provider instances are not resources the pack judges.
        if (raw.type === "pulumi:pulumi:Stack" || raw.type.startsWith("pulumi:providers:")) {
            return;
        }
        entry.resources.push({
            urn: raw.urn as string,
            type: raw.type,
            name: urn.name,
            parent: typeof raw.parent === "string" ? raw.parent : undefined,
            inputs: propertyMap(raw.inputs, entry.secrets),
            // Secrets are counted once, in the inputs the resource rules judge.
            outputs: propertyMap(raw.outputs, { decoded: 0, encrypted: 0 }),
            dependencies: Array.isArray(raw.dependencies) ? raw.dependencies.filter((d): d is string => typeof d === "string") : undefined,
            propertyDependencies: raw.propertyDependencies !== null && typeof raw.propertyDependencies === "object"
                ? raw.propertyDependencies as Record<string, string[]> : undefined,
        });
    });
    const all = [...stacks.values()];
    if (all.length === 0) {
        return [{
            form: "stack export", source, project: "(empty stack)", stack: path.basename(file, ".json"), resources: [],
            pendingDeletes: 0, secrets: { decoded: 0, encrypted: 0 }, exportVersion: root.version as number,
        }];
    }
    return all.map((s, i) => ({
        form: "stack export" as const,
        source,
        project: s.project,
        stack: s.stack,
        resources: s.resources,
        pendingDeletes: s.pendingDeletes,
        secrets: s.secrets,
        exportVersion: root.version as number,
        ...(all.length > 1 ? { stackOfFile: { index: i + 1, count: all.length } } : {}),
    }));
}

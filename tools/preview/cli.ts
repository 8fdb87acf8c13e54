// `npm run preview -- [paths...]`: judges Pulumi programs (run under mocks, offline) and `pulumi stack
// export` files with the policy pack, over the same Analyzer protocol the Pulumi CLI uses.

import * as fs from "fs";
import * as path from "path";
import { packRoot } from "../../lib/pack-exemptions";
import { parseCommandLine } from "../command-line";
import { buildConfigureMap, PolicyPackConfigDocument, PolicyPackConfigError, PolicyPackConfigFile, readPolicyPackConfigFile } from "../analyzer/policy-pack-config";
import { bundledExamples, classifyInputs, InputError, InputSpec, loadProgram, loadStackExport, Subject } from "./inputs";
import { SubjectReport, judgeSubject } from "./judge";
import { ensureBuilt, PackError, PackPool } from "./pack";
import { Format, FORMATS, formatReport, RunReport } from "./report";

export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_USAGE = 2;
/** Programs run in child processes; a few at a time keeps a laptop responsive. */
const PROGRAM_CONCURRENCY = 3;

export const HELP = `Usage: npm run preview -- [options] [path ...]

Judges Pulumi programs and deployed stacks with the policy pack, offline: no Pulumi CLI, no cloud.

Each path is one of:
  - a Pulumi program directory (with Pulumi.yaml): run under the SDK's mocks, every resource it
    registers is judged as \`pulumi preview\` would judge it. Node.js programs only (runtime nodejs):
    JavaScript or TypeScript, run as Pulumi runs them (\`main\`, the runtime options typescript,
    tsconfig and nodeargs, the program's own node_modules; TypeScript is type-checked unless
    PULUMI_NODEJS_TRANSPILE_ONLY=true). Programs in other runtimes are refused with the ways to judge them;
  - a \`pulumi stack export\` JSON file (deployment versions 1 to 4), read as
    \`pulumi policy analyze --file\` reads it: each resource's inputs go to Remediate and Analyze, its
    outputs to AnalyzeStack, resources pending deletion are skipped, \`--show-secrets\` secrets are
    decoded (encrypted ones cannot be judged and deny their resource), and a file holding several
    stacks is reported stack by stack;
  - a directory of such .json files.
Without a path, the bundled examples under examples/ are judged. A program directory may carry its
own policy-pack-config.json and exemptions.yaml next to Pulumi.yaml; they are used automatically.

Options:
  --policy-pack-config <file>  Policy pack config, as for \`pulumi preview --policy-pack-config\`.
                               Layered over a program's own policy-pack-config.json.
  --format human|json|markdown Output format (default human). markdown suits a CI job summary.
  --output <file>              Write the report to this file instead of stdout (progress and errors
                               still go to stderr). With npm, also use \`npm run --silent preview\` or
                               this option: otherwise npm prints its banner on stdout.
  --pack <dir>                 The policy pack to run (default: this repository).
  --exemptions <file>          Judge with this exemptions file instead of the pack's (or a program's):
                               it is put into a temporary copy of the pack as exemptions.yaml.
  --stack <name>               Stack name for programs (default dev). Exports name their own stack.
  --build                      Run \`npm run build\` in the pack first when its bin/ is older than its sources
                               (without it, an out-of-date build is refused with exit code 2).
  --no-build-check             Judge with the pack's build even when it is out of date (with a warning).
  -v, --verbose                When a program fails, add its stack trace and error output to the message.
  -h, --help                   Show this help.

Exit code: 2 if any input could not be judged (bad path, not JSON, not a stack export, unknown export
version, program failure) or on a usage error, even when violations were also found; otherwise 1 if
any mandatory violation remains; otherwise 0. Every input is judged before the command exits.`;

export interface CliIo {
    stdout(text: string): void;
    stderr(text: string): void;
}

const processIo: CliIo = {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
};

/** Runs at most `limit` of the tasks at a time, each started on demand and awaited in order. */
function limited<T>(limit: number): (task: () => Promise<T>) => Promise<T> {
    let running = 0;
    const queue: (() => void)[] = [];
    return task => new Promise<T>((resolve, reject) => {
        const start = () => {
            running++;
            task().then(resolve, reject).finally(() => {
                running--;
                queue.shift()?.();
            });
        };
        if (running < limit) {
            start();
        } else {
            queue.push(start);
        }
    });
}

/** The notes a config file's non-policy keys deserve, once per file. */
function configNotes(file: string, document: PolicyPackConfigDocument): string[] {
    const notes: string[] = [];
    const shown = path.relative(process.cwd(), file) || file;
    if (document.environments.length > 0) {
        notes.push(`note: ${shown} names ESC environments (${document.environments.join(", ")}). The Pulumi CLI resolves them and ` +
            "layers their policy config under the file's; this offline tool cannot resolve ESC, so only the file's own entries are applied.");
    }
    if (document.exceptions !== undefined) {
        notes.push(`note: ${shown} holds Pulumi policy exceptions ("exceptions"). The Pulumi CLI applies them to the violations the pack ` +
            "reports; this tool does not, so violations they would except are shown as violations here.");
    }
    return notes;
}

const notedConfigFiles = new Set<string>();

function loadConfig(file: string, io?: CliIo): PolicyPackConfigFile {
    try {
        const document = readPolicyPackConfigFile(file);
        if (io && !notedConfigFiles.has(file)) {
            notedConfigFiles.add(file);
            configNotes(file, document).forEach(note => io.stderr(`${note}\n`));
        }
        return document.config;
    } catch (error) {
        if (error instanceof PolicyPackConfigError) {
            throw error;
        }
        throw new PolicyPackConfigError([`${file}: ${(error as Error).message}`]);
    }
}

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    const parsed = parseCommandLine(argv, {
        "policy-pack-config": { type: "string" },
        "format": { type: "string", default: "human" },
        "output": { type: "string" },
        "pack": { type: "string" },
        "exemptions": { type: "string" },
        "stack": { type: "string" },
        "build": { type: "boolean", default: false },
        "no-build-check": { type: "boolean", default: false },
        "verbose": { type: "boolean", short: "v", default: false },
        "help": { type: "boolean", short: "h", default: false },
    }, HELP, { out: io.stdout, err: io.stderr });
    if (typeof parsed === "number") {
        return parsed;
    }
    const { values, positionals } = parsed;
    const format = values.format as Format;
    if (!FORMATS.includes(format)) {
        io.stderr(`error: --format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(values.format)}\n`);
        return EXIT_USAGE;
    }
    const repoRoot = packRoot(__dirname);
    const packDir = path.resolve(values.pack ?? repoRoot);
    const userConfigFile = values["policy-pack-config"] ? path.resolve(values["policy-pack-config"]) : undefined;
    const exemptionsOverride = values.exemptions ? path.resolve(values.exemptions) : undefined;

    let userConfig: PolicyPackConfigFile | undefined;
    try {
        userConfig = userConfigFile ? loadConfig(userConfigFile, io) : undefined;
        const policy = values.build ? "build" : values["no-build-check"] ? "skip-check" : "check";
        ensureBuilt(packDir, { policy, log: line => io.stderr(`${line}\n`) });
    } catch (error) {
        if (error instanceof PolicyPackConfigError || error instanceof PackError || (error as NodeJS.ErrnoException).code) {
            io.stderr(`error: ${(error as Error).message}\n`);
            return EXIT_USAGE;
        }
        throw error;
    }
    if (exemptionsOverride) {
        io.stderr(`Judging with exemptions from ${path.relative(process.cwd(), exemptionsOverride)}, in a temporary copy of the pack.\n`);
    }

    const specs: InputSpec[] = positionals.length > 0 ? classifyInputs(positionals) : bundledExamples(path.join(repoRoot, "examples"));
    const runLimited = limited<Subject>(PROGRAM_CONCURRENCY);
    // Programs start running at once (each in its own process) while the pack starts.
    const loading = specs.map(spec => spec.form === "program"
        ? runLimited(() => loadProgram(spec, values.stack, { verbose: values.verbose, packDir })).catch((error: unknown) => error)
        : undefined);
    loading.forEach(p => p?.catch(() => undefined));

    const pool = new PackPool(packDir);
    const reports: SubjectReport[] = [];
    const errors: RunReport["errors"] = [];
    const exportCount = specs.filter(s => s.form === "stack export").length;
    let exportIndex = 0;
    try {
        for (const [i, spec] of specs.entries()) {
            try {
                let subjects: Subject[];
                if (spec.form === "error") {
                    throw spec.error;
                } else if (spec.form === "stack export") {
                    if (exportCount > 1) {
                        io.stderr(`[${++exportIndex}/${exportCount}] ${spec.source}\n`);
                    }
                    subjects = loadStackExport(spec.source, spec.file);
                } else {
                    const loaded = await loading[i];
                    if (loaded instanceof Error) {
                        throw loaded;
                    }
                    subjects = [loaded as Subject];
                }
                for (const subject of subjects) {
                    const started = await pool.get(exemptionsOverride ?? subject.exemptionsFile);
                    const configFiles = [
                        ...(subject.policyConfigFile ? [{ file: subject.policyConfigFile, config: loadConfig(subject.policyConfigFile, io) }] : []),
                        ...(userConfigFile && userConfig ? [{ file: userConfigFile, config: userConfig }] : []),
                    ];
                    const configureMap = buildConfigureMap(started.info, ...configFiles.map(f => f.config));
                    const policyConfig = configFiles.length > 0
                        ? configFiles.map(f => path.relative(process.cwd(), f.file)).join(" + ")
                        : "the policies' defaults";
                    reports.push(await judgeSubject(started, subject, { configureMap, policyConfig }));
                }
            } catch (error) {
                if (error instanceof PackError || (error as Error).name === "PackStartError") {
                    // The pack itself cannot run: nothing else can be judged either.
                    io.stderr(`error: ${(error as Error).message}\n`);
                    return EXIT_USAGE;
                }
                const source = error instanceof InputError ? error.source : spec.form === "error" ? spec.error.source : spec.source;
                const message = error instanceof PolicyPackConfigError ? error.problems.join("; ") : (error as Error).message;
                errors.push({ source, message });
                io.stderr(`error: ${source}: ${message}\n`);
            }
        }
    } finally {
        await pool.stopAll();
    }

    const violations = reports.some(r => r.counts.mandatoryFindings > 0);
    const exitCode = errors.length > 0 ? EXIT_USAGE : violations ? EXIT_VIOLATIONS : EXIT_OK;
    const text = formatReport({ packDir, subjects: reports, errors, exitCode }, format);
    if (values.output) {
        try {
            fs.writeFileSync(path.resolve(values.output), text);
        } catch (error) {
            io.stderr(`error: cannot write ${values.output}: ${(error as Error).message}\n`);
            return EXIT_USAGE;
        }
        io.stderr(`Report written to ${values.output}.\n`);
    } else {
        io.stdout(text);
    }
    return exitCode;
}

if (require.main === module) {
    // `npm run preview` runs this in the package's root; INIT_CWD is where the user ran npm, so that
    // relative paths (inputs, --output, config files) mean what they meant to the user.
    if (process.env.INIT_CWD && fs.existsSync(process.env.INIT_CWD)) {
        process.chdir(process.env.INIT_CWD);
    }
    runCli(process.argv.slice(2)).then(
        code => {
            process.exitCode = code;
        },
        error => {
            process.stderr.write(`error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
            process.exitCode = EXIT_USAGE;
        },
    );
}

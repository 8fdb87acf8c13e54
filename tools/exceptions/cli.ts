// `npm run exceptions -- <stack export or folder ...>`: the exemptions of exemptions.yaml in force today, as
// Pulumi policy exceptions for the stacks exported (see exceptions.ts for the shape and its limits).
import * as fs from "fs";
import * as path from "path";
import { EXEMPTIONS_FILE_NAME } from "../../lib/exemptions-file";
import { ExemptionSet } from "../../lib/exemption-set";
import { packRoot } from "../../lib/pack-exemptions";
import { PACK_NAME } from "../../lib/pack-metadata";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { parseCommandLine } from "../command-line";
import { classifyInputs, loadStackExport, Subject } from "../preview/inputs";
import { ensureBuilt, PackError } from "../preview/pack";
import { askPackAboutExemptions, ConvertedException, exceptionsFromRecords } from "./exceptions";

export const HELP = `Usage: npm run exceptions -- [options] <stack export | folder of exports> ...

Turns the entries of exemptions.yaml that are in force today into Pulumi policy exceptions: one exception per
entry, with the entry's reason (and number, category, expiry, ticket, approver), match entries naming this pack's
policies and the exact URNs of the resources the entry covers in the given \`pulumi stack export\` files, and the
entry's expiry as expiresInSeconds. The pack decides what each entry covers: the stacks are run through the built
pack (bin/; run \`npm run build\` after changing it), and its exemptions report says what each entry excuses.

Each exception is written in the shape of Pulumi Cloud's CreatePolicyExceptionRequest (REST API). Pulumi's
documentation does not describe the file \`pulumi policy exception new --file\` reads: check one with
\`pulumi policy exception new ${PACK_NAME} --file <file> --dry-run --output json\` before creating them.

Options:
  --exemptions <file>   the exemptions file (default: the pack's own ${EXEMPTIONS_FILE_NAME})
  --out-dir <dir>       write one <dir>/exemption-<entry>.json per exception instead of a JSON list on stdout
  --now <date-time>     judge expiry as of this ISO date-time (default: now)
  --help                this text

Exit codes: 0 written; 1 an input could not be read, or the pack's build is out of date; 2 usage error.`;

export interface CliIo {
    out(text: string): void;
    err(text: string): void;
}

const processIo: CliIo = { out: t => process.stdout.write(t), err: t => process.stderr.write(t) };

export async function runExceptionsCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    const parsed = parseCommandLine(argv, {
        exemptions: { type: "string" },
        "out-dir": { type: "string" },
        now: { type: "string" },
        help: { type: "boolean" },
    }, HELP, io);
    if (typeof parsed === "number") {
        return parsed;
    }
    const { values, positionals } = parsed;
    if (positionals.length === 0) {
        io.err(`Give at least one stack export (pulumi stack export --file <stack>.json).\n\n${HELP}\n`);
        return 2;
    }
    const now = values.now === undefined ? new Date() : new Date(values.now);
    if (Number.isNaN(now.getTime())) {
        io.err(`--now ${JSON.stringify(values.now)} is not an ISO date-time\n`);
        return 2;
    }
    const packDir = packRoot(__dirname);
    const exemptionsFile = path.resolve(values.exemptions ?? path.join(packDir, EXEMPTIONS_FILE_NAME));
    let text: string;
    try {
        text = fs.readFileSync(exemptionsFile, "utf8");
    } catch (error) {
        io.err(`${exemptionsFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`);
        return 1;
    }
    // Read for the entries' own words (reason, expiry) and to name those that give no exception.
    const exemptions = ExemptionSet.parse(text, RESOURCE_POLICY_NAMES);

    const subjects: Subject[] = [];
    let failed = false;
    for (const spec of classifyInputs(positionals)) {
        if (spec.form === "error") {
            io.err(`${spec.error.message}\n`);
            failed = true;
        } else if (spec.form === "program") {
            io.err(`${spec.source}: a Pulumi program; give its stack export (pulumi stack export --file <stack>.json), whose URNs are the real ones\n`);
            failed = true;
        } else {
            try {
                subjects.push(...loadStackExport(spec.source, spec.file));
            } catch (error) {
                io.err(`${(error as Error).message}\n`);
                failed = true;
            }
        }
    }
    if (failed) {
        return 1;
    }

    try {
        ensureBuilt(packDir, { policy: "check", log: line => io.err(`${line}\n`) });
    } catch (error) {
        if (error instanceof PackError) {
            io.err(`${error.message}\n`);
            return 1;
        }
        throw error;
    }
    // The pack's clock is moved only for --now: otherwise it keeps the real time, as under the CLI.
    const records = await askPackAboutExemptions(packDir, exemptionsFile, subjects, values.now === undefined ? undefined : now);
    const { exceptions, skipped } = exceptionsFromRecords(exemptions.entries, records, now, PACK_NAME);
    const resources = subjects.flatMap(subject => subject.resources);
    for (const { entry, why } of skipped) {
        io.err(`entry #${entry.number} (urn ${JSON.stringify(entry.urn)}) gives no exception: ${why}\n`);
    }
    if (values["out-dir"] !== undefined) {
        const dir = path.resolve(values["out-dir"]);
        fs.mkdirSync(dir, { recursive: true });
        for (const { entry, exception } of exceptions) {
            const file = path.join(dir, `exemption-${entry.number}.json`);
            fs.writeFileSync(file, JSON.stringify(exception, null, 2) + "\n");
            io.out(`${file}: ${describe({ entry, exception })}\n`);
        }
    } else {
        io.out(JSON.stringify(exceptions.map(e => e.exception), null, 2) + "\n");
    }
    io.err(`${exceptions.length} exception(s) from ${exemptions.entries.length} entr${exemptions.entries.length === 1 ? "y" : "ies"} of ${exemptionsFile}, over ${resources.length} resource(s)\n`);
    return 0;
}

function describe({ exception }: ConvertedException): string {
    const targets = exception.match.reduce((n, m) => n + m.targets.length, 0);
    const expiry = exception.expiresInSeconds === undefined ? "no expiry" : `expires in ${exception.expiresInSeconds / 3600} h`;
    return `${targets} target(s), ${exception.match.length} match entr${exception.match.length === 1 ? "y" : "ies"}, ${expiry}`;
}

if (require.main === module) {
    runExceptionsCli(process.argv.slice(2)).then(
        code => {
            process.exitCode = code;
        },
        error => {
            process.stderr.write(`error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}

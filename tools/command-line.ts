// What the tools' commands share on their command line: node:util parseArgs with positionals, --help, and
// a usage error that shows the help.
import { parseArgs, ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;

export interface CommandLineOutput {
    out(text: string): void;
    err(text: string): void;
}

export const EXIT_USAGE = 2;

/**
 * The parsed command line, or the exit code when there is nothing to run: 0 after printing `help` for
 * --help (an option named "help" must be among `options`), EXIT_USAGE after printing the error and `help`.
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, help: string, output: CommandLineOutput): Parsed<O> | number {
    let parsed: Parsed<O>;
    try {
        parsed = parseArgs({ args: [...argv], allowPositionals: true, options });
    } catch (error) {
        output.err(`error: ${(error as Error).message}\n\n${help}\n`);
        return EXIT_USAGE;
    }
    if ((parsed.values as Record<string, unknown>).help) {
        output.out(`${help}\n`);
        return 0;
    }
    return parsed;
}

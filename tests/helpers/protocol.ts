// Starting this repository's built pack (or a copy of it with another exemptions file) for protocol tests,
// configured as the CLI would with no config file.
import * as path from "path";
import { ConfigureMap } from "../../tools/analyzer/analyzer-client";
import { copyPackWithExemptions, PackCopy } from "../../tools/analyzer/pack-copy";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap } from "../../tools/analyzer/policy-pack-config";

export const PACK_DIR = path.resolve(__dirname, "..", "..");

export async function startPack(dir = PACK_DIR): Promise<{ pack: RunningPack; configMap: ConfigureMap }> {
    const pack = await startPolicyPack(dir);
    const configMap = buildConfigureMap(await pack.client.getAnalyzerInfo());
    await pack.client.configure(configMap);
    return { pack, configMap };
}

/** The pack started for a describe's tests, its default configuration, and the folder it runs from. */
export type StartedTestPack = { pack: RunningPack; configMap: ConfigureMap; dir: string };

/**
 * For the enclosing describe: before its tests, the built pack started, configured with the defaults and
 * handed to `use`; after them, stopped.
 */
export function startPackForTests(use: (started: StartedTestPack) => void): void {
    startPackInHooks(undefined, use);
}

/**
 * For the enclosing describe: before its tests, a copy of the built pack with `exemptionsYaml` as its
 * exemptions.yaml (the pack reads the file from its own folder), started, configured with the defaults and
 * handed to `use`; after them, stopped and the copy removed.
 */
export function startPackWithExemptions(exemptionsYaml: string, use: (started: StartedTestPack) => void): void {
    startPackInHooks(exemptionsYaml, use);
}

function startPackInHooks(exemptionsYaml: string | undefined, use: (started: StartedTestPack) => void): void {
    let copy: PackCopy | undefined;
    let pack: RunningPack | undefined;
    before(async () => {
        copy = exemptionsYaml === undefined ? undefined : copyPackWithExemptions(PACK_DIR, exemptionsYaml);
        const dir = copy?.dir ?? PACK_DIR;
        const started = await startPack(dir);
        pack = started.pack;
        use({ ...started, dir });
    });
    after(async () => {
        await pack?.stop();
        copy?.remove();
    });
}

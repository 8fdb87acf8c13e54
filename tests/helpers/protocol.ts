// Starting this repository's built pack for protocol tests, configured as the CLI would with no config file.
import * as path from "path";
import { ConfigureMap } from "../../tools/analyzer/analyzer-client";
import { RunningPack, startPolicyPack } from "../../tools/analyzer/pack-process";
import { buildConfigureMap } from "../../tools/analyzer/policy-pack-config";

export const PACK_DIR = path.resolve(__dirname, "..", "..");

export async function startPack(dir = PACK_DIR): Promise<{ pack: RunningPack; configMap: ConfigureMap }> {
    const pack = await startPolicyPack(dir);
    const configMap = buildConfigureMap(await pack.client.getAnalyzerInfo());
    await pack.client.configure(configMap);
    return { pack, configMap };
}

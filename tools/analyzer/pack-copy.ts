// A throw-away copy of a built pack with another exemptions file. The pack reads exemptions.yaml from its
// own folder, never from a path it is told, so trying a different file means running a copy.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXEMPTIONS_FILE_NAME } from "../../lib/exemptions-file";
import { packFiles } from "../pack-files";

export interface PackCopy {
    readonly dir: string;
    remove(): void;
}

export function copyPackWithExemptions(packDir: string, exemptionsYaml: string): PackCopy {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
    for (const entry of packFiles(packDir).filter(f => f !== EXEMPTIONS_FILE_NAME && fs.existsSync(path.join(packDir, f)))) {
        fs.cpSync(path.join(packDir, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(packDir, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, EXEMPTIONS_FILE_NAME), exemptionsYaml);
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

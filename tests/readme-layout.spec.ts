// The README's "How it fits together" names where the code of each part lives: every source file of the pack
// (policies/, lib/), of the tools and of the bench, and every folder of tests/. A file added, renamed or moved
// fails here until that section says where it is.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

function layoutSection(): string {
    const start = README.indexOf("\n## How it fits together\n");
    assert.ok(start >= 0, "the README has the section How it fits together");
    const rest = README.slice(start + 1);
    const end = rest.indexOf("\n## ", 1);
    return end < 0 ? rest : rest.slice(0, end);
}

/** The TypeScript files under a folder of the repository, as paths relative to it. */
function sources(folder: string): string[] {
    const found: string[] = [];
    const walk = (relative: string) => {
        for (const entry of fs.readdirSync(path.join(REPO, relative), { withFileTypes: true })) {
            const child = path.posix.join(relative, entry.name);
            if (entry.isDirectory()) {
                walk(child);
            } else if (entry.name.endsWith(".ts")) {
                found.push(child);
            }
        }
    };
    walk(folder);
    return found.sort();
}

/** Whether the section names the file in backticks, by its path or by its name within its folder's row. */
function names(section: string, file: string): boolean {
    const spans = [...section.matchAll(/`([^`]+)`/g)].map(m => m[1]);
    return spans.some(span => span === file || file.endsWith(`/${span}`));
}

describe("README: How it fits together names every part's files", () => {
    const section = layoutSection();

    for (const folder of ["policies", "lib", "tools", "bench"]) {
        it(`every file of ${folder}/`, () => {
            const files = sources(folder);
            assert.ok(files.length > 0, folder);
            assert.deepStrictEqual(files.filter(file => !names(section, file)), []);
        });
    }

    it("every folder of tests/", () => {
        const folders = fs.readdirSync(path.join(REPO, "tests"), { withFileTypes: true })
            .filter(entry => entry.isDirectory()).map(entry => `${entry.name}/`);
        assert.ok(folders.length > 0);
        assert.deepStrictEqual(folders.filter(folder => !names(section, `tests/${folder}`)), []);
    });
});

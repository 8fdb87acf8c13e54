// The README's links lead somewhere: every `#anchor` names a heading of the file it points into, and every
// relative link names a file of the repository. Headings are renamed and sections moved (figures went to
// bench/README.md); a link left behind would fail silently on GitHub.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
const DOCUMENTS = ["README.md", "bench/README.md"];

/** The text outside fenced code blocks and inline code spans, where Markdown reads links and headings. */
function prose(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`]+`/g, "code");
}

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, each space a `-`, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    for (const line of markdown.replace(/^```[\s\S]*?^```/gm, "").split("\n")) {
        const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!heading) {
            continue;
        }
        const slug = heading[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
        const count = seen.get(slug) ?? 0;
        seen.set(slug, count + 1);
        anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    return anchors;
}

function linksOf(markdown: string): string[] {
    return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]);
}

describe("README links", () => {
    for (const document of DOCUMENTS) {
        it(`${document}: every anchor and relative link resolves`, () => {
            const file = path.join(REPO, document);
            const markdown = fs.readFileSync(file, "utf8");
            const links = linksOf(markdown).filter(link => !/^[a-z]+:/i.test(link));
            assert.ok(links.length > 0, "the document has relative links");
            const broken = links.filter(link => {
                const [target, anchor] = link.split("#", 2);
                const targetFile = target === "" ? file : path.resolve(path.dirname(file), target);
                if (!fs.existsSync(targetFile)) {
                    return true;
                }
                return anchor !== undefined && !anchorsOf(fs.readFileSync(targetFile, "utf8")).has(anchor);
            });
            assert.deepStrictEqual(broken, []);
        });
    }

    it("anchors are made as GitHub makes them", () => {
        const anchors = anchorsOf("## Supported Node.js and CI\n### The offline audit and `pulumi policy analyze --stack/--file`\n## A\n## A\n");
        assert.deepStrictEqual([...anchors], [
            "supported-nodejs-and-ci", "the-offline-audit-and-pulumi-policy-analyze---stack--file", "a", "a-1",
        ]);
    });
});

import * as assert from "assert";
import { livePackCount, PackStartError, resolveRunPolicyPack, RunningPack, startPolicyPack } from "../../../tools/analyzer/pack-process";
import { CRASHING_PACK, MINIMAL_PACK, START_TIMEOUT_MS } from "./helpers";

describe("tools/analyzer pack-process", function () {
    this.timeout(START_TIMEOUT_MS + 5_000);

    let pack: RunningPack | undefined;
    afterEach(async () => {
        await pack?.stop();
        pack = undefined;
    });

    it("resolves run-policy-pack from the pack directory by walking up", () => {
        const script = resolveRunPolicyPack(MINIMAL_PACK);
        assert.match(script, /node_modules[/\\]@pulumi[/\\]pulumi[/\\]cmd[/\\]run-policy-pack$/);
    });

    it("starts a pack, reports its port and process state, and stops it", async () => {
        pack = await startPolicyPack(MINIMAL_PACK, { timeoutMs: START_TIMEOUT_MS });
        assert.ok(pack.port > 0 && pack.port < 65536, `port ${pack.port}`);
        assert.ok(pack.pid > 0);
        assert.strictEqual(pack.isAlive(), true);
        assert.strictEqual(pack.stderr(), "");
        assert.strictEqual(pack.stdout().trim(), String(pack.port));
        if (process.platform === "linux") {
            const rss = pack.peakRssKb();
            assert.ok(rss !== undefined && rss > 1000, `peak RSS ${rss} kB`);
        }
        const info = await pack.client.getPluginInfo();
        assert.match(info.version, /^\d+\.\d+\.\d+/);

        await pack.stop();
        assert.strictEqual(pack.isAlive(), false);
        await pack.stop(); // idempotent
        assert.strictEqual(livePackCount(), 0);
    });

    it("rejects with exit code and captured stderr when the pack crashes at load", async () => {
        await assert.rejects(startPolicyPack(CRASHING_PACK, { timeoutMs: START_TIMEOUT_MS }), (e: unknown) => {
            assert.ok(e instanceof PackStartError, String(e));
            assert.match(e.message, /crashing-pack failed to start/);
            assert.match(e.message, /exit code: \d+/);
            assert.match(e.message, /deliberate failure at load/);
            assert.notStrictEqual(e.exitCode, 0);
            assert.match(e.stderr, /deliberate failure at load/);
            return true;
        });
        assert.strictEqual(livePackCount(), 0);
    });

    it("rejects with a timeout error and kills the process when no port appears in time", async () => {
        await assert.rejects(startPolicyPack(MINIMAL_PACK, { timeoutMs: 1 }), /no port printed within 1 ms/);
        // The process is SIGKILLed on failure; give the exit event a moment to arrive.
        const deadline = Date.now() + 5_000;
        while (livePackCount() > 0 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 20));
        }
        assert.strictEqual(livePackCount(), 0);
    });
});

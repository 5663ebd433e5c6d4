import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { LocalEnvironment } from "../env/local.ts";
import { sharedCluster } from "../testing/cluster.ts";

Deno.test({
  name: "real cluster: `deno task demo` takes 4-1-1 at 20 MB/s to 2-2-2, inside ±10%, nothing lost",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { root } = sharedCluster();
    const env = {
      LAB_ENV: "local",
      LAB_KAFKA_PORT: "28092",
      LAB_PROMETHEUS_PORT: "28090",
      LAB_STATE_DIR: `${root}/demo-state`,
      LAB_RESULTS_DIR: `${root}/demo-results`,
      NO_COLOR: "1",
    };
    const started = performance.now();
    try {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["task", "-q", "demo"],
        cwd: new URL("../../", import.meta.url).pathname,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      console.log(`  demo took ${((performance.now() - started) / 1000).toFixed(0)} s`);
      assert.ok(output.success, text + new TextDecoder().decode(output.stderr));
      assert.match(text, /Done in \d+ s: balanced, nothing lost/);
      assert.match(text, /Zero loss: .*lost 0, duplicated 0, corrupt 0/);
      assert.match(text, /Started the balancer|The local balancer is on/);
      const time = /Reached ([\d.]+) s after the first detection that acted/.exec(text);
      assert.ok(time, "the demo reports the time to balance");
      console.log(
        `  time to balance: ${time[1]} s after the first detection that acted (target ≤ 30 s)`,
      );

      const after = await Deno.readTextFile(`${env.LAB_RESULTS_DIR}/after-balancing.md`);
      // Broker 0 leads 4 of 6 evenly loaded partitions: 4/6 of bytes in.
      assert.match(
        await Deno.readTextFile(`${env.LAB_RESULTS_DIR}/before-balancing.md`),
        /\| 0 \| [\d.]+ \| 6[4-9]\.\d% \| [\d.]+ \| \d+ \| 4: 0, 1, 2, 3 \|/,
      );
      assert.match(after, /Partitions led per broker \| 4-1-1 \| 2-2-2 \|/);
      assert.match(after, /\*\*Balanced: every broker's bytes in/);
      assert.match(after, /Reached \*\*[\d.]+ s\*\* after the first detection/);
      assert.match(after, /lost 0, duplicated 0, corrupt 0/);
      const rows = [...after.matchAll(/^\| ([012]) \| ([\d.]+) \| /gm)].slice(0, 3).map((m) =>
        Number(m[2])
      );
      assert.equal(rows.length, 3);
      const mean = rows.reduce((a, b) => a + b, 0) / 3;
      assert.ok(rows.every((r) => Math.abs(r - mean) <= 0.1 * mean), `inside ±10%: ${rows}`);
      for (const chart of ["bytesIn", "timeline", "placement", "spread"]) {
        const png = await Deno.readFile(`${env.LAB_RESULTS_DIR}/charts/${chart}.png`);
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], `${chart}.png is a PNG`);
        assert.match(after, new RegExp(`\\(charts/${chart}\\.png\\)`));
      }
    } finally {
      // The demo cleans up; this is the safety net when it did not get there.
      await new LocalEnvironment(loadConfig({ ...Deno.env.toObject(), ...env })).down({
        removeData: true,
      });
    }
  },
});

Deno.test({
  name:
    "real cluster: a skewed demo (80% at broker 0, even placement) ends at the best spread, exit 0",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { root } = sharedCluster();
    const env = {
      LAB_ENV: "local",
      LAB_KAFKA_PORT: "24092",
      LAB_PROMETHEUS_PORT: "24090",
      LAB_STATE_DIR: `${root}/skew-demo-state`,
      LAB_RESULTS_DIR: `${root}/skew-demo-results`,
      LAB_PLACEMENT: "even",
      LAB_SKEW: "b0=0.8,b1=0.1,b2=0.1",
      LAB_RATE_WINDOW_S: "15",
      LAB_DETECT_INTERVAL_S: "15",
      NO_COLOR: "1",
    };
    try {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["task", "-q", "demo"],
        cwd: new URL("../../", import.meta.url).pathname,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      assert.ok(output.success, text + new TextDecoder().decode(output.stderr));
      assert.match(text, /Done in \d+ s: as balanced as these loads allow, nothing lost/);
      assert.match(text, /As balanced as these loads allow: the busiest broker carries 1\.[12]\d×/);
      assert.match(text, /Zero loss: .*lost 0, duplicated 0, corrupt 0/);
      const after = await Deno.readTextFile(`${env.LAB_RESULTS_DIR}/after-balancing.md`);
      assert.match(after, /\*\*As balanced as these loads allow/);
    } finally {
      await new LocalEnvironment(loadConfig({ ...Deno.env.toObject(), ...env })).down({
        removeData: true,
      });
    }
  },
});

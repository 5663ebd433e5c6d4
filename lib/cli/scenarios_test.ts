import assert from "node:assert/strict";
import { runDemo } from "../../testing/demo.ts";

// Each scenario end to end on its own local cluster, at reduced windows (15 s rate
// window, a detection every 15 s) so the suite stays within CI's time.
const FAST = { LAB_RATE_WINDOW_S: "15", LAB_DETECT_INTERVAL_S: "15" };

function assertZeroLoss(text: string, stderr: string, ok: boolean): void {
  assert.ok(ok, text + stderr);
  assert.match(text, /Zero loss: .*lost 0, duplicated 0, corrupt 0/);
}

Deno.test({
  name: "real cluster: traffic-skew (80% at broker 0) ends as balanced as the loads allow, exit 0",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const run = await runDemo("traffic-skew", 24092, { LAB_SCENARIO: "traffic-skew", ...FAST });
    assertZeroLoss(run.stdout, run.stderr, run.success);
    assert.match(run.stdout, /Done in \d+ s: as balanced as these loads allow, nothing lost/);
    assert.match(
      run.stdout,
      /As balanced as these loads allow: the busiest broker carries 1\.[12]\d×/,
    );
    const after = await Deno.readTextFile(`${run.resultsDir}/after-balancing.md`);
    assert.match(after, /\*\*As balanced as these loads allow/);
  },
});

Deno.test({
  name: "real cluster: hot-partitions is judged against the best achievable spread",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const run = await runDemo("hot-partitions", 24492, { LAB_SCENARIO: "hot-partitions", ...FAST });
    assertZeroLoss(run.stdout, run.stderr, run.success);
    assert.match(run.stdout, /as balanced as these loads allow, nothing lost/);
    assert.match(run.stdout, /traffic-test-0 alone carries/);
  },
});

Deno.test({
  name: "real cluster: scale-out, a fourth broker joins empty and the balancer fills it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const run = await runDemo("scale-out", 26092, { LAB_SCENARIO: "scale-out", ...FAST });
    assertZeroLoss(run.stdout, run.stderr, run.success);
    assert.match(run.stdout, /Broker 3 joined, empty/);
    assert.match(run.stdout, /Done in \d+ s: balanced, nothing lost/);
    const after = await Deno.readTextFile(`${run.resultsDir}/after-balancing.md`);
    assert.match(after, /\| Brokers \| 0, 1, 2, 3 \| 0, 1, 2, 3 \|/);
    assert.match(after, /Partitions led per broker \| 4-4-4-0 \| 3-3-3-3 \|/);
    assert.match(after, /## Brokers joining or leaving/);
  },
});

Deno.test({
  name: "real cluster: scale-in, broker 3 leaves without losing a record; three end balanced",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const run = await runDemo("scale-in", 26492, { LAB_SCENARIO: "scale-in", ...FAST });
    assertZeroLoss(run.stdout, run.stderr, run.success);
    assert.match(run.stdout, /Stopped broker 3; the cluster has brokers 0, 1, 2/);
    assert.match(run.stdout, /Done in \d+ s: balanced, nothing lost/);
    const after = await Deno.readTextFile(`${run.resultsDir}/after-balancing.md`);
    assert.match(after, /\| Brokers \| 0, 1, 2, 3 \| 0, 1, 2 \|/);
    assert.match(after, /Partitions led per broker \| 3-3-3-3 \| 4-4-4 \|/);
    assert.match(after, /the lab \(broker leaving\)/);
  },
});

import assert from "node:assert/strict";
import { type DemoRun, runDemo } from "../../testing/demo.ts";
import { realTest } from "../../testing/cluster.ts";

// Each scenario end to end on its own local cluster, at reduced windows (15 s rate
// window, a detection every 15 s) so the suite stays within CI's time.
const FAST = { LAB_RATE_WINDOW_S: "15", LAB_DETECT_INTERVAL_S: "15" };

/**
 * A scenario's demo end to end on its own cluster (Kafka on `port`): it must exit 0 and
 * read back every acknowledged record; `check` asserts the scenario's own story.
 */
function scenarioTest(
  name: string,
  scenario: string,
  port: number,
  check: (run: DemoRun) => Promise<void> | void,
): void {
  realTest(`real cluster: ${name}`, async () => {
    const run = await runDemo(scenario, port, { LAB_SCENARIO: scenario, ...FAST });
    assert.ok(run.success, run.stdout + run.stderr);
    assert.match(run.stdout, /Zero loss: .*lost 0, duplicated 0, corrupt 0/);
    await check(run);
  });
}

const afterReport = (run: DemoRun) => Deno.readTextFile(`${run.resultsDir}/after-balancing.md`);

scenarioTest(
  "traffic-skew (80% at broker 0) ends as balanced as the loads allow, exit 0",
  "traffic-skew",
  24092,
  async (run) => {
    assert.match(run.stdout, /Done in \d+ s: as balanced as these loads allow, nothing lost/);
    assert.match(
      run.stdout,
      /As balanced as these loads allow: the busiest broker carries 1\.[12]\d×/,
    );
    assert.match(await afterReport(run), /\*\*As balanced as these loads allow/);
  },
);

scenarioTest(
  "hot-partitions is judged against the best achievable spread",
  "hot-partitions",
  24492,
  (run) => {
    // Measured over a 10 s window the loads can also land inside the band: either true verdict.
    assert.match(
      run.stdout,
      /Done in \d+ s: (balanced|as balanced as these loads allow), nothing lost/,
    );
  },
);

scenarioTest(
  "scale-out, a fourth broker joins empty and the balancer fills it",
  "scale-out",
  26092,
  async (run) => {
    assert.match(run.stdout, /Broker 3 joined, empty/);
    assert.match(run.stdout, /Done in \d+ s: balanced, nothing lost/);
    const after = await afterReport(run);
    assert.match(after, /\| Brokers \| 0, 1, 2, 3 \| 0, 1, 2, 3 \|/);
    assert.match(after, /Partitions led per broker \| 4-4-4-0 \| 3-3-3-3 \|/);
    assert.match(after, /## Brokers joining or leaving/);
  },
);

scenarioTest(
  "scale-in, broker 3 leaves without losing a record; three end balanced",
  "scale-in",
  26492,
  async (run) => {
    assert.match(run.stdout, /Stopped broker 3; the cluster has brokers 0, 1, 2/);
    assert.match(run.stdout, /Done in \d+ s: balanced, nothing lost/);
    const after = await afterReport(run);
    assert.match(after, /\| Brokers \| 0, 1, 2, 3 \| 0, 1, 2 \|/);
    assert.match(after, /Partitions led per broker \| 3-3-3-3 \| 4-4-4 \|/);
    assert.match(after, /the lab \(broker leaving\)/);
  },
);

import assert from "node:assert/strict";
import { capturedLog } from "../../testing/captured.ts";
import { detectionsOf } from "../balancer/detections.ts";
import { parseBalancerLog } from "../balancer/log.ts";
import { formatLogDate } from "../balancer/log_format.ts";
import { loadConfig } from "../config/config.ts";
import { balancerLogFiles, readBalancerLogs } from "./balancer_log_files.ts";
import { ExternalEnvironment } from "./external.ts";

const node0 = await capturedLog(0);
const starts = (text: string) =>
  detectionsOf(parseBalancerLog(text)).map((d) => d.start.toISOString());
const utcStarts = starts(node0);

/** The captured log as a node in `zone` would have written it. */
function writtenIn(text: string, zone: string): string {
  return text.replace(
    /^\[(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3})\]/gm,
    (_, d, t, ms) => `[${formatLogDate(new Date(`${d}T${t}.${ms}Z`), zone)}]`,
  );
}

async function withDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "lab-balancer-log-" });
  try {
    return await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a log written in another zone reads right with LAB_BALANCER_LOG_ZONE", async () => {
  // The captured stamps are UTC: the metrics reporter's epoch milliseconds agree.
  const m = /^\[([\d-]+) ([\d:]+),(\d+)\] DEBUG Reporting metrics for time (\d+)\./m.exec(node0)!;
  assert.ok(Math.abs(Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) - Number(m[4])) < 1000);
  for (const zone of ["America/New_York", "+05:30", "Europe/Paris"]) {
    const shifted = writtenIn(node0, zone);
    assert.notEqual(shifted, node0);
    // Read in its zone: the same instants as the UTC original.
    assert.deepEqual(
      detectionsOf(parseBalancerLog(shifted, { timeZone: zone })).map((d) => d.start.toISOString()),
      utcStarts,
      zone,
    );
    await withDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/auto-balancer.log`, shifted);
      assert.deepEqual(starts(await readBalancerLogs(`${dir}/auto-balancer.log`, zone)), utcStarts);
      // Read as UTC it would be hours off: the setting matters.
      const wrong = starts(await readBalancerLogs(`${dir}/auto-balancer.log`, "UTC"));
      assert.notDeepEqual(wrong, utcStarts);
    });
  }
  // New York in December is UTC-5: 23:58:19 UTC was 18:58:19 there.
  assert.match(
    writtenIn(node0, "America/New_York"),
    /^\[2026-12-06 18:58:19,525\] INFO \[AnomalyDetector id=0\] Start detect/m,
  );
});

Deno.test("LAB_BALANCER_LOG takes a glob of every node's rotated files", async () => {
  const [node1, node2] = [await capturedLog(1), await capturedLog(2)];
  await withDir(async (dir) => {
    // Node 0's log rotated into three pieces; nodes 1 and 2 whole, in their own directories.
    const lines = node0.split("\n");
    const third = Math.floor(lines.length / 3);
    await Deno.mkdir(`${dir}/node0`);
    await Deno.writeTextFile(
      `${dir}/node0/auto-balancer.log.2`,
      lines.slice(0, third).join("\n") + "\n",
    );
    await Deno.writeTextFile(
      `${dir}/node0/auto-balancer.log.1`,
      lines.slice(third, 2 * third).join("\n") + "\n",
    );
    await Deno.writeTextFile(`${dir}/node0/auto-balancer.log`, lines.slice(2 * third).join("\n"));
    for (const [n, text] of [[1, node1], [2, node2]] as const) {
      await Deno.mkdir(`${dir}/node${n}`);
      await Deno.writeTextFile(`${dir}/node${n}/auto-balancer.log`, text);
    }
    const files = await balancerLogFiles(`${dir}/node*/auto-balancer.log*`);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), [
      "node0/auto-balancer.log.2",
      "node0/auto-balancer.log.1",
      "node0/auto-balancer.log",
      "node1/auto-balancer.log",
      "node2/auto-balancer.log",
    ]);
    const merged = await readBalancerLogs(`${dir}/node*/auto-balancer.log*`, "UTC");
    assert.deepEqual(starts(merged), utcStarts);
    // A comma-separated list reads the same; the environment reads it through the settings.
    const list = files.join(", ");
    assert.deepEqual(starts(await readBalancerLogs(list, "UTC")), utcStarts);
    const config = loadConfig({
      LAB_BOOTSTRAP: "127.0.0.1:1",
      LAB_PROMETHEUS_URL: "http://127.0.0.1:1",
      LAB_BALANCER_LOG: `${dir}/node*/auto-balancer.log*`,
    });
    const environment = new ExternalEnvironment(config, config.balancerLogFile);
    assert.deepEqual(starts(await environment.balancerLog()), utcStarts);
    // A pattern that matches nothing is one sentence naming it.
    await assert.rejects(
      () => readBalancerLogs(`${dir}/nowhere/*.log`, "UTC"),
      /^Error: LAB_BALANCER_LOG: no file matches ".*nowhere\/\*\.log"; name each node's/,
    );
    await assert.rejects(
      () => readBalancerLogs(`${dir}/missing.log`, "UTC"),
      /^Error: Cannot read the balancer log .*missing\.log \(LAB_BALANCER_LOG\): /,
    );
  });
});

Deno.test("LAB_BALANCER_LOG_ZONE refuses what is not a zone, in one sentence", () => {
  assert.equal(loadConfig({}).balancerLogZone, "UTC");
  assert.equal(loadConfig({ LAB_BALANCER_LOG_ZONE: "-03:00" }).balancerLogZone, "-03:00");
  assert.throws(
    () => loadConfig({ LAB_BALANCER_LOG_ZONE: "Mars/Olympus" }),
    /^LabConfigError: LAB_BALANCER_LOG_ZONE: "Mars\/Olympus" is not a time zone; use UTC, local/,
  );
});

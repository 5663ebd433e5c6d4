// The lab's PromQL on what AutoMQ 1.7.3's exporters really served at a before-measurement
// (testdata/automq-1.7.3-before, see its README), scraped by a real Prometheus.

import assert from "node:assert/strict";
import { takeSnapshot } from "./metrics.ts";
import { PromClient } from "./prom.ts";
import { describeCoverage } from "./moved_series.ts";
import { startPrometheus } from "../../testing/prometheus.ts";
import { planBalance } from "../balancer/plan.ts";
import { balancerSettingsFrom } from "../config/config.ts";

const DIR = new URL("./testdata/automq-1.7.3-before/", import.meta.url);
const TOPIC = "traffic-test";
/** Bytes in per second Prometheus measured in that run (30 s window): per broker, and p0. */
const BROKER_IN = [6_693_048, 1_668_228, 1_666_293];
const PARTITION0_IN = 1_672_988;

/** The leaders `kafka-topics --describe` printed. */
async function leaders(): Promise<Map<number, number>> {
  const text = await Deno.readTextFile(new URL("topics-before.txt", DIR));
  return new Map(
    [...text.matchAll(/Partition: (\d+)\s+Leader: (\d+)/g)].map((m) => [+m[1], +m[2]]),
  );
}

/**
 * Serves node `n`'s exposition with its bytes-in counters growing at the rates of that run
 * (every other value as captured), so that Prometheus's `rate()` has something to measure.
 */
function serve(expositions: string[]): Deno.HttpServer<Deno.NetAddr> {
  const started = performance.now();
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const node = Number(new URL(request.url).pathname.replace("/node", ""));
    const elapsed = (performance.now() - started) / 1000;
    const lines = expositions[node].split("\n").map((line) => {
      const m = /^(kafka_(?:broker_)?network_io_bytes_total\{([^}]*)\}) (\S+)$/.exec(line);
      if (!m || !m[2].includes('direction="in"')) return line;
      const rate = m[1].startsWith("kafka_broker_")
        ? BROKER_IN[node]
        : m[2].includes(`topic="${TOPIC}"`) && m[2].includes('partition="0"')
        ? PARTITION0_IN
        : 0;
      return `${m[1]} ${Number(m[3]) + rate * elapsed}`;
    });
    return new Response(lines.join("\n"), { headers: { "content-type": "text/plain" } });
  });
}

Deno.test({
  name:
    "captured AutoMQ expositions: the snapshot names the 5 missing partitions and keeps broker totals",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const expositions = await Promise.all(
      [0, 1, 2].map((n) => Deno.readTextFile(new URL(`metrics-before-node${n}.prom`, DIR))),
    );
    const server = serve(expositions);
    try {
      const prometheus = await startPrometheus({
        scrapeTargets: [0, 1, 2].map((n) => ({
          address: `127.0.0.1:${server.addr.port}`,
          metricsPath: `/node${n}`,
          labels: { broker: String(n) },
        })),
        scrapeIntervalSeconds: 1,
      });
      try {
        const prom = new PromClient(prometheus.url);
        const window = 6;
        // A whole window of samples from every node (bounded generously for a loaded machine).
        const deadline = Date.now() + 60_000;
        while (true) {
          const counts = await prom.queryVector(
            `count_over_time(kafka_broker_network_io_bytes_total{direction="in"}[${window + 2}s])`,
          );
          if (counts.length === 3 && counts.every((s) => s.value >= window + 1)) break;
          assert.ok(Date.now() < deadline, "Prometheus did not scrape the three expositions");
          await new Promise((r) => setTimeout(r, 250));
        }
        const placement = await leaders();
        const snapshot = await takeSnapshot(prom, {
          topic: TOPIC,
          windowSeconds: window,
          brokers: [0, 1, 2],
          partitions: [0, 1, 2, 3, 4, 5],
          leaders: placement,
          scrapeSeconds: 1,
        });
        // What AutoMQ's exporter lacked: partitions 1-5 had no series at all.
        assert.deepEqual(snapshot.coverage?.absent, [1, 2, 3, 4, 5]);
        assert.deepEqual(snapshot.coverage?.partial, []);
        // The brokers' figures are their own totals (6.69 / 1.67 / 1.67 MB/s), not sums of the
        // partitions that happened to be visible (1.67 / 0 / 0).
        snapshot.brokers.forEach((b, i) => {
          assert.ok(
            Math.abs(b.bytesInPerSec - BROKER_IN[i]) / BROKER_IN[i] < 0.05,
            `broker ${i}: ${b.bytesInPerSec} B/s`,
          );
        });
        // Partition 0 measured; 1-5 estimated from their brokers' totals, flagged.
        assert.deepEqual(
          snapshot.partitions.map((p) => [p.partition, p.broker, p.estimated ?? false]),
          [[0, 0, false], [1, 0, true], [2, 0, true], [3, 0, true], [4, 1, true], [5, 2, true]],
        );
        for (const p of snapshot.partitions) {
          assert.ok(
            Math.abs(p.bytesInPerSec - 1.67e6) / 1.67e6 < 0.06,
            `partition ${p.partition}: ${p.bytesInPerSec} B/s`,
          );
        }
        assert.deepEqual(snapshot.brokers.map((b) => b.topicLeaders), [4, 1, 1]);
        const note = describeCoverage(snapshot.coverage, window, 94_000)!;
        assert.match(note, /^traffic-test-1, traffic-test-2, traffic-test-3, traffic-test-4, /);
        assert.match(note, /The brokers' figures are their own totals/);
        // The before-model plans from all six partitions (it planned from 1 of 6 before):
        // broker 0 sheds two partitions, as AutoMQ did (traffic-test-3 → 1, traffic-test-2 → 2).
        const plan = planBalance({
          brokers: [0, 1, 2],
          partitions: snapshot.partitions,
          settings: balancerSettingsFrom({}),
        });
        assert.equal(plan.actions.length, 2);
        assert.deepEqual(plan.actions.map((a) => a.from), [0, 0]);
        assert.deepEqual(plan.actions.map((a) => a.to).sort(), [1, 2]);
      } finally {
        await prometheus.stop();
      }
    } finally {
      await server.shutdown();
    }
  },
});

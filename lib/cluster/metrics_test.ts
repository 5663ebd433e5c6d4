import assert from "node:assert/strict";
import {
  checkSeriesPresent,
  chooseHost,
  METRICS,
  queries,
  rangeSeries,
  reassigningPartitions,
  takeSnapshot,
} from "./metrics.ts";
import type { ClusterSnapshot, Direction } from "../core/metrics_types.ts";
import { PromClient } from "./prom.ts";
import { startPrometheus } from "../../testing/prometheus.ts";

const TOPIC = "traffic-test";
const WINDOW = 4;

/** A counter that grows at a rate the test sets, computed from the clock at scrape time. */
class Counter {
  #base = 0;
  #rate = 0;
  #since = performance.now();
  constructor(rate = 0) {
    this.#rate = rate;
  }
  value(now = performance.now()): number {
    return this.#base + this.#rate * (now - this.#since) / 1000;
  }
  setRate(rate: number, now = performance.now()): void {
    this.#base = this.value(now);
    this.#rate = rate;
    this.#since = now;
  }
}

interface PartitionSeries {
  topic: string;
  partition: number;
  in: Counter;
  out: Counter;
  /** Still served by the exporter. */
  exposed: boolean;
  /** Moved away: the counters no longer grow. */
  left: boolean;
}

/** A stand-in for one broker's exporter, serving the metric names AutoMQ exports. */
class BrokerExporter {
  readonly series: PartitionSeries[] = [];
  reassigning = 0;
  readonly server: Deno.HttpServer<Deno.NetAddr>;
  constructor(readonly id: number) {
    this.server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response(this.render()),
    );
  }
  host(topic: string, partition: number, inRate: number, outRate: number): void {
    this.series.push({
      topic,
      partition,
      in: new Counter(inRate),
      out: new Counter(outRate),
      exposed: true,
      left: false,
    });
  }
  find(topic: string, partition: number): PartitionSeries {
    const found = this.series.find((s) =>
      s.topic === topic && s.partition === partition && !s.left
    );
    assert.ok(found, `broker ${this.id} does not host ${topic}-${partition}`);
    return found;
  }
  render(): string {
    const now = performance.now();
    // Like AutoMQ's exporter, set job and instance; Prometheus renames them exported_*.
    const own = `job="cluster-x",instance="${this.id}"`;
    const sum = (d: Direction) => this.series.reduce((total, s) => total + s[d].value(now), 0);
    const hosted = this.series.filter((s) => s.exposed && !s.left).length;
    const lines = [
      `# TYPE ${METRICS.brokerBytes} counter`,
      `${METRICS.brokerBytes}{${own},direction="in"} ${sum("in")}`,
      `${METRICS.brokerBytes}{${own},direction="out"} ${sum("out")}`,
      `# TYPE ${METRICS.partitionBytes} counter`,
      ...this.series.filter((s) => s.exposed).flatMap((s) =>
        (["in", "out"] as const).map((d) =>
          `${METRICS.partitionBytes}{${own},topic="${s.topic}",partition="${s.partition}",` +
          `direction="${d}"} ${s[d].value(now)}`
        )
      ),
      `# TYPE ${METRICS.partitionCount} gauge`,
      // One internal partition besides the ones the test places.
      `${METRICS.partitionCount}{${own}} ${hosted + 1}`,
      `# TYPE ${METRICS.reassignCount} gauge`,
      `${METRICS.reassignCount}{${own}} ${this.reassigning}`,
      "",
    ];
    return lines.join("\n");
  }
}

/** Moves a partition: the old series stops growing and is kept (`keepOld`) or dropped. */
function move(
  from: BrokerExporter,
  to: BrokerExporter,
  partition: number,
  keepOld: boolean,
  inRate: number,
  outRate: number,
): void {
  const old = from.find(TOPIC, partition);
  old.in.setRate(0);
  old.out.setRate(0);
  old.left = true;
  old.exposed = keepOld;
  to.host(TOPIC, partition, inRate, outRate);
}

function within(actual: number, expected: number, tolerance: number, what: string): void {
  const ok = expected === 0
    ? Math.abs(actual) < 1e-9
    : Math.abs(actual - expected) / expected <= tolerance;
  assert.ok(ok, `${what}: ${actual}, expected ${expected} ± ${tolerance * 100}%`);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
}

function describe(snapshot: ClusterSnapshot): string {
  return JSON.stringify({
    brokers: snapshot.brokers,
    partitions: snapshot.partitions.map((p) =>
      `${p.topic}-${p.partition}@${p.broker} in=${p.bytesInPerSec.toFixed(0)} out=${
        p.bytesOutPerSec.toFixed(0)
      }`
    ),
  });
}

Deno.test("chooseHost prefers exposed series, then the current rate, then freshness", () => {
  const base = { bytesInPerSec: 100, bytesOutPerSec: 0 };
  const cases: Array<[string, Parameters<typeof chooseHost>[0], number]> = [
    [
      "the old broker dropped the series (stale): the exposed one wins despite a lower rate",
      [
        { ...base, broker: 0, bytesInPerSec: 900, currentRate: 900 },
        { ...base, broker: 1, currentRate: 100, lastSeen: 10 },
      ],
      1,
    ],
    [
      "both still exposed, the old one flat: the current rate decides",
      [
        { ...base, broker: 0, bytesInPerSec: 700, currentRate: 0, lastSeen: 10 },
        { ...base, broker: 2, bytesInPerSec: 300, currentRate: 1000, lastSeen: 10 },
      ],
      2,
    ],
    [
      "same current rate: the newer sample",
      [
        { ...base, broker: 0, currentRate: 0, lastSeen: 9 },
        { ...base, broker: 1, currentRate: 0, lastSeen: 10 },
      ],
      1,
    ],
    [
      "same current rate and sample: the window rate",
      [
        { ...base, broker: 0, currentRate: 0, lastSeen: 10 },
        { ...base, broker: 1, bytesInPerSec: 200, currentRate: 0, lastSeen: 10 },
      ],
      1,
    ],
    [
      "all else equal: the lower id",
      [{ ...base, broker: 2, lastSeen: 5 }, { ...base, broker: 1, lastSeen: 5 }],
      1,
    ],
  ];
  for (const [why, candidates, broker] of cases) {
    assert.equal(chooseHost(candidates).broker, broker, why);
  }
  assert.throws(() => chooseHost([]), /at least one candidate/);
});

Deno.test("query builders use only the known metric names", () => {
  const names = new Set<string>(Object.values(METRICS));
  const built = [
    queries.brokerBytesRate("in", 30),
    queries.brokerBytesRate("out", 1.5),
    queries.partitionCount(),
    queries.reassignCount(),
    queries.partitionBytesRate("in", 30, TOPIC),
    queries.partitionBytesRate("out", 30),
    queries.partitionBytesIrate(30, TOPIC),
    queries.partitionLastSeen(TOPIC),
    queries.partitionSeriesCount(TOPIC),
    queries.brokerSeriesCount(),
    queries.logEndOffset(TOPIC),
    queries.logSize(),
    queries.produceLatencyP99(),
    queries.partitionSamples(30, TOPIC),
    queries.brokerSamples(30),
    queries.brokerRequestRate("Produce", 30),
  ];
  assert.equal(built.length, Object.keys(queries).length + 2);
  for (const query of built) {
    const used = query.match(/kafka_[a-z0-9_]+/g) ?? [];
    assert.ok(used.length > 0, query);
    for (const name of used) assert.ok(names.has(name), `${name} in ${query}`);
  }
  assert.equal(
    queries.brokerBytesRate("in", 30),
    'sum by (broker) (rate(kafka_broker_network_io_bytes_total{direction="in"}[30s]))',
  );
  assert.equal(
    queries.partitionBytesRate("in", 30, TOPIC),
    "sum by (broker, topic, partition) (rate(kafka_network_io_bytes_total" +
      '{direction="in",topic="traffic-test"}[30s]))',
  );
});

Deno.test("snapshot from a real Prometheus scraping stand-in broker exporters", async (t) => {
  const exporters = [0, 1, 2].map((id) => new BrokerExporter(id));
  // 4-1-1: partitions 0-3 on broker 0; partition p takes 1000*(p+1) B/s in, half that out.
  for (let p = 0; p < 6; p++) {
    exporters[p < 4 ? 0 : p - 3].host(TOPIC, p, 1000 * (p + 1), 500 * (p + 1));
  }
  exporters[1].host("other-topic", 0, 500, 0);
  try {
    const prometheus = await startPrometheus({
      scrapeTargets: exporters.map((e) => ({
        address: `127.0.0.1:${e.server.addr.port}`,
        labels: { broker: String(e.id) },
      })),
      scrapeIntervalSeconds: 1,
    });
    try {
      const prom = new PromClient(prometheus.url);
      await waitFor("6 s of samples from every broker", async () => {
        const counts = await prom.queryVector(
          `count_over_time(${METRICS.brokerBytes}{direction="in"}[6s])`,
        );
        return counts.length === 3 && counts.every((s) => s.value >= 6);
      });

      await t.step("every query builder is valid PromQL", async () => {
        for (
          const query of [
            queries.brokerBytesRate("out", 1.5),
            queries.partitionSeriesCount(TOPIC),
            queries.brokerSeriesCount(),
            queries.logEndOffset(TOPIC),
            queries.logSize(TOPIC),
            queries.produceLatencyP99(),
          ]
        ) {
          await prom.query(query);
        }
      });

      await t.step("series present; a missing topic is a clear error", async () => {
        await checkSeriesPresent(prom, TOPIC);
        await assert.rejects(
          checkSeriesPresent(prom, "no-such-topic"),
          {
            message: "Prometheus has no kafka_network_io_bytes_total series for topic " +
              "no-such-topic: is load running and the exporter scraped?",
          },
        );
      });

      await t.step("4-1-1 snapshot for the topic", async () => {
        const snapshot = await takeSnapshot(prom, {
          topic: TOPIC,
          windowSeconds: WINDOW,
          brokers: [0, 1, 2, 3],
        });
        console.log("4-1-1:", describe(snapshot));
        assert.equal(snapshot.windowSeconds, WINDOW);
        assert.deepEqual(snapshot.brokers.map((b) => b.broker), [0, 1, 2, 3]);
        const [b0, b1, b2, b3] = snapshot.brokers;
        within(b0.bytesInPerSec, 10_000, 0.05, "broker 0 in");
        within(b0.bytesOutPerSec, 5_000, 0.05, "broker 0 out");
        within(b1.bytesInPerSec, 5_500, 0.05, "broker 1 in (with other-topic)");
        within(b2.bytesInPerSec, 6_000, 0.05, "broker 2 in");
        within(b2.bytesOutPerSec, 3_000, 0.05, "broker 2 out");
        assert.deepEqual(
          snapshot.brokers.map((b) => [b.partitions, b.topicLeaders]),
          [[5, 4], [3, 1], [2, 1], [0, 0]],
        );
        assert.deepEqual(b3, {
          broker: 3,
          bytesInPerSec: 0,
          bytesOutPerSec: 0,
          partitions: 0,
          topicLeaders: 0,
        });
        assert.deepEqual(
          snapshot.partitions.map((p) => [p.topic, p.partition, p.broker]),
          [0, 1, 2, 3, 4, 5].map((p) => [TOPIC, p, p < 4 ? 0 : p - 3]),
        );
        for (const p of snapshot.partitions) {
          within(p.bytesInPerSec, 1000 * (p.partition + 1), 0.05, `partition ${p.partition} in`);
          within(p.bytesOutPerSec, 500 * (p.partition + 1), 0.05, `partition ${p.partition} out`);
        }
      });

      await t.step("without a topic, every topic's partitions and no topicLeaders", async () => {
        const snapshot = await takeSnapshot(prom, { windowSeconds: WINDOW, brokers: [0, 1, 2] });
        assert.deepEqual(
          snapshot.partitions.map((p) => `${p.topic}-${p.partition}@${p.broker}`),
          [
            "other-topic-0@1",
            ...[0, 1, 2, 3, 4, 5].map((p) => `${TOPIC}-${p}@${p < 4 ? 0 : p - 3}`),
          ],
        );
        assert.ok(snapshot.brokers.every((b) => b.topicLeaders === undefined));
      });

      await t.step("rangeSeries gives each broker's rate per step", async () => {
        const end = new Date(Date.now() - 1000);
        const points = await rangeSeries(prom, {
          start: new Date(end.getTime() - 1000),
          end,
          stepSeconds: 1,
          windowSeconds: WINDOW,
        });
        assert.deepEqual(points.map((p) => p.broker), [0, 1, 2, 0, 1, 2]);
        assert.equal(points[3].time.getTime() - points[0].time.getTime(), 1000);
        for (const p of points) {
          within(p.bytesInPerSec, [10_000, 5_500, 6_000][p.broker], 0.05, `broker ${p.broker}`);
        }
      });

      await t.step("a partition seen on two brokers goes to its current host", async () => {
        assert.deepEqual(await reassigningPartitions(prom), {
          total: 0,
          byBroker: [0, 1, 2].map((broker) => ({ broker, partitions: 0 })),
        });
        // Partition 3 moves to broker 1 and broker 0 keeps exposing it, flat; partition 2
        // moves to broker 2 and broker 0 drops it (its series goes stale).
        exporters[0].reassigning = 2;
        move(exporters[0], exporters[1], 3, true, 4000, 2000);
        move(exporters[0], exporters[2], 2, false, 3000, 1500);
        const movedAt = Date.now();
        await waitFor("two samples of each moved partition on its new broker", async () => {
          const counts = await prom.queryVector(
            `count_over_time(${METRICS.partitionBytes}{direction="in",topic="${TOPIC}",` +
              `partition=~"2|3",broker=~"1|2"}[${WINDOW}s])`,
          );
          return counts.length === 2 && counts.every((s) => s.value >= 2);
        });
        const snapshot = await takeSnapshot(prom, {
          topic: TOPIC,
          windowSeconds: WINDOW,
          brokers: [0, 1, 2],
        });
        console.log(`${Date.now() - movedAt} ms after the move:`, describe(snapshot));
        // The condition under test really held: both partitions had series on two brokers.
        const hosts = await prom.queryVector(
          `count by (partition) (count_over_time(${METRICS.partitionBytes}` +
            `{direction="in",topic="${TOPIC}"}[${WINDOW}s]))`,
          { time: snapshot.takenAt },
        );
        const twoHosts = hosts.filter((s) => s.value === 2).map((s) => s.labels.partition).sort();
        assert.deepEqual(twoHosts, ["2", "3"]);
        assert.deepEqual(
          snapshot.partitions.map((p) => p.broker),
          [0, 0, 2, 1, 1, 2],
        );
        assert.deepEqual(snapshot.brokers.map((b) => b.topicLeaders), [2, 2, 2]);
        for (const p of snapshot.partitions.filter((p) => p.partition === 2 || p.partition === 3)) {
          // Summed over both brokers, the window's bytes are roughly the partition's rate.
          within(p.bytesInPerSec, 1000 * (p.partition + 1), 0.3, `moved partition ${p.partition}`);
        }
        const reassigning = await reassigningPartitions(prom);
        assert.equal(reassigning.total, 2);
        assert.deepEqual(reassigning.byBroker[0], { broker: 0, partitions: 2 });
      });

      await t.step("once the window has passed, the moved rates settle", async () => {
        await new Promise((resolve) => setTimeout(resolve, (WINDOW + 1.5) * 1000));
        const snapshot = await takeSnapshot(prom, {
          topic: TOPIC,
          windowSeconds: WINDOW,
          brokers: [0, 1, 2],
        });
        console.log("settled:", describe(snapshot));
        // Asked for the topic's partitions: every one had a series over the window, none is
        // an estimate.
        const covered = await takeSnapshot(prom, {
          topic: TOPIC,
          windowSeconds: WINDOW,
          brokers: [0, 1, 2],
          partitions: [0, 1, 2, 3, 4, 5],
          leaders: new Map([[0, 0], [1, 0], [2, 2], [3, 1], [4, 1], [5, 2]]),
          scrapeSeconds: 1,
        });
        assert.deepEqual([covered.coverage?.absent, covered.coverage?.partial], [[], []]);
        const seen = covered.coverage!.scrapeSeconds;
        assert.ok(seen > 0.8 && seen < 1.5, `the 1 s scrape interval, read as ${seen} s`);
        assert.ok(covered.partitions.every((p) => !p.estimated));
        assert.deepEqual(snapshot.partitions.map((p) => p.broker), [0, 0, 2, 1, 1, 2]);
        within(snapshot.partitions[3].bytesInPerSec, 4000, 0.05, "partition 3 in");
        within(snapshot.partitions[2].bytesInPerSec, 3000, 0.05, "partition 2 in");
        within(snapshot.brokers[0].bytesInPerSec, 3000, 0.05, "broker 0 in");
        within(snapshot.brokers[1].bytesInPerSec, 9500, 0.05, "broker 1 in");
        within(snapshot.brokers[2].bytesInPerSec, 9000, 0.05, "broker 2 in");
      });
    } finally {
      await prometheus.stop();
    }
  } finally {
    for (const e of exporters) await e.server.shutdown();
  }
});

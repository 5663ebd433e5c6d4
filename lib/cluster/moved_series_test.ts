// Judging and waiting for per-partition series after a move, on samples written here.

import assert from "node:assert/strict";
import type { InstantSample } from "./prom.ts";
import {
  describeSeriesWait,
  partitionSeriesQuery,
  partitionsNotReady,
  SERIES_LAG_NOTE,
  waitForPartitionSeries,
} from "./moved_series.ts";

function sample(broker: number, partition: number, count: number): InstantSample {
  return {
    labels: { broker: String(broker), partition: String(partition) },
    timestamp: 0,
    value: count,
  };
}

Deno.test("the query counts samples of each partition's bytes-in series of the topic", () => {
  assert.equal(
    partitionSeriesQuery("traffic-test", 30),
    'count_over_time(kafka_network_io_bytes_total{topic="traffic-test",direction="in"}[30s])',
  );
  assert.match(partitionSeriesQuery('a"b', 30), /topic="a\\"b"/);
  assert.throws(() => partitionSeriesQuery("t", 0), /windowSeconds must be positive/);
});

Deno.test("a moved partition counts only once its series is on the new broker with two samples", () => {
  const placement = new Map([[0, 1], [1, 0], [2, 2]]); // partition 0 moved from broker 0 to 1
  const samples = [
    sample(0, 0, 6), // the old broker's series, still in the window
    sample(1, 0, 1), // the new broker's: one sample, no rate yet
    sample(0, 1, 6),
    sample(2, 2, 6),
  ];
  assert.deepEqual(partitionsNotReady(samples, placement), [0]);
  assert.deepEqual(partitionsNotReady([...samples, sample(1, 0, 2)], placement), []);
  assert.deepEqual(partitionsNotReady([], placement), [0, 1, 2]);
  assert.deepEqual(partitionsNotReady(samples, placement, 1), []);
});

Deno.test("waitForPartitionSeries waits until the series appear, within its bound", async () => {
  const answers = [[sample(0, 0, 5)], [sample(0, 0, 5)], [sample(1, 0, 2)]];
  const queries: string[] = [];
  const prom = {
    queryVector: (q: string) => {
      queries.push(q);
      return Promise.resolve(answers[Math.min(queries.length - 1, answers.length - 1)]);
    },
  };
  const done = await waitForPartitionSeries(prom, "t", new Map([[0, 1]]), { pollMs: 1 });
  assert.equal(done.ready, true);
  assert.deepEqual(done.missing, []);
  assert.equal(queries.length, 3);
  assert.match(
    describeSeriesWait(done),
    /every partition's series is on its current broker \(waited \d+\.\d s\)/,
  );

  const never = { queryVector: () => Promise.resolve([sample(0, 0, 5)]) };
  const late = await waitForPartitionSeries(never, "t", new Map([[0, 1]]), {
    timeoutMs: 30,
    pollMs: 5,
  });
  assert.equal(late.ready, false);
  assert.deepEqual(late.missing, [0]);
  assert.ok(late.waitedMs >= 30);
  assert.ok(describeSeriesWait(late).includes(SERIES_LAG_NOTE));
  assert.match(SERIES_LAG_NOTE, /1 s after a node starts, 31 s after that, then every 60 s/);
});

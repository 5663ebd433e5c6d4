import assert from "node:assert/strict";
import { withAdmin } from "../lib/cluster/kafka.ts";
import type { LoadStats } from "../lib/cluster/load.ts";
import { readbackSentence } from "../lib/cluster/readback.ts";
import { describePlacement } from "../lib/cluster/topic.ts";
import { loadSummary, verdictLine } from "../lib/present/sentences.ts";
import { clusterTest, placedTopic } from "./cluster.ts";
import { type ProduceFault, startFaultProxy } from "./fault_proxy.ts";
import { endOffsets, readBackOf, sharedEnvironment, startLoad, watch } from "./faults.ts";

// End to end on the shared cluster, with the lab's own load, watch and read-back, through
// the two faults a run on AutoMQ meets: partitions without a leader for seconds, and
// produce answers lost or changed after the broker stored the batch.

clusterTest(
  "fault injection: a broker holding partitions stops and starts again under load and watch, during the read-back too; nothing lost",
  async (cluster) => {
    const topic = await placedTopic(cluster, "fault-broker", [2, 2, 2]);
    const env = sharedEnvironment(cluster);
    const stopWatching = new AbortController();
    const load = startLoad(cluster, topic, { rateMBps: 4 });
    let stats: LoadStats | undefined;
    let afterRestart: number[] = [];
    try {
      await load.flowing;
      // Broker 2 goes down with partitions 4 and 5 (replication factor 1): no leader for
      // them until it is back, as a partition has none while AutoMQ moves it. The watch
      // starts meanwhile: its first reads meet the partitions without a leader.
      const stoppedAt = performance.now();
      await env.stopBroker(2);
      const stopSeconds = (performance.now() - stoppedAt) / 1000;
      const watching = watch(cluster, topic, stopWatching.signal);
      // A client's view of the leaderless period: it ends when the placement reads again.
      const ledAgain = withAdmin(
        cluster.bootstrapServers,
        (admin) => describePlacement(admin, topic),
      )
        .then(() => performance.now());
      // Marks the rejection handled until it is awaited (asserted) below.
      ledAgain.catch(() => {});
      await env.startStoppedBroker(2);
      const leaderless = (await ledAgain - stoppedAt) / 1000;
      afterRestart = await endOffsets(cluster, topic);
      const result = await watching;
      console.log(
        `  broker 2 stopped in ${stopSeconds.toFixed(1)} s; partitions 4 and 5 without a leader ` +
          `for ${leaderless.toFixed(1)} s; ${verdictLine(result)}`,
      );
      assert.equal(result.outcome?.kind, "balanced", verdictLine(result));
      // A few more seconds of records on every partition.
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      stopWatching.abort();
      stats = await load.stop();
      await env.startStoppedBroker(2);
    }
    console.log(`  Load: ${loadSummary(stats)}`);
    const atEnd = await endOffsets(cluster, topic);
    atEnd.forEach((end, p) =>
      assert.ok(end > afterRestart[p], `partition ${p} took records after the restart`)
    );
    const onBroker2 = stats.perPartition.filter((p) => p.leaderAtStart === 2);
    assert.deepEqual(onBroker2.map((p) => p.partition), [4, 5]);
    assert.ok(
      onBroker2.every((p) => p.retries > 0),
      "the partitions without a leader were retried",
    );
    assert.ok(stats.acked > 1000, `acked ${stats.acked}`);

    // Broker 2 down again as the read-back starts: it waits for partitions 4 and 5.
    await env.stopBroker(2);
    const reading = readBackOf(cluster, topic, stats);
    // Marks the rejection handled until it is awaited (asserted) below.
    reading.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 1000)).finally(() =>
      env.startStoppedBroker(2)
    );
    const r = await reading;
    assert.deepEqual([r.lost, r.duplicated, r.corrupt], [0, 0, 0]);
    assert.equal(r.found, stats.acked);
    assert.ok(
      r.unacknowledgedButStored <= stats.unknown,
      `only records whose ack was lost are stored unacked (${r.unacknowledgedButStored} of ${stats.unknown})`,
    );
    // Every record stored once: what the topic holds is what was acked, plus those.
    assert.equal(r.endOffsetSum, stats.acked + r.unacknowledgedButStored);
  },
);

clusterTest(
  "fault injection: produce answers lost or changed after the broker stored the batch; each record counted once",
  async (cluster) => {
    const topic = await placedTopic(cluster, "fault-acks", [2, 2, 2]);
    // The 150th, 300th, ... stored batch's answer gets a fault, the three kinds in turn,
    // twelve in all, over several seconds of load.
    const kinds: ProduceFault[] = [
      "drop-connection",
      "duplicate-sequence",
      "out-of-order-sequence",
    ];
    const every = 150;
    const last = 12 * every;
    const proxy = startFaultProxy((n) =>
      n > 0 && n % every === 0 && n <= last ? kinds[(n / every - 1) % 3] : undefined
    );
    const load = startLoad(cluster, topic, { rateMBps: 4, socketFactory: proxy.socketFactory });
    const stopWatching = new AbortController();
    let stats: LoadStats;
    let afterFaults: number[] = [];
    try {
      await load.flowing;
      const watching = watch(cluster, topic, stopWatching.signal);
      const deadline = Date.now() + 120_000;
      while (proxy.counts.storedAnswers <= last && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      afterFaults = await endOffsets(cluster, topic);
      const result = await watching;
      console.log(`  ${verdictLine(result)}`);
      assert.equal(result.outcome?.kind, "balanced", verdictLine(result));
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      stopWatching.abort();
      stats = await load.stop();
      await proxy.close();
    }
    const faults = proxy.counts.faults;
    console.log(`  Load: ${loadSummary(stats)}`);
    console.log(`  Faults: ${JSON.stringify(faults)}`);
    for (const kind of kinds) assert.equal(faults[kind].batches, 4, `${kind}: 4 batches`);
    const atEnd = await endOffsets(cluster, topic);
    atEnd.forEach((end, p) =>
      assert.ok(end > afterFaults[p], `partition ${p} took records after the faults`)
    );

    // Lost answers are retried under the same producer id and sequence numbers: Kafka
    // answers with the stored batch, and its records count acked once. DUPLICATE_SEQUENCE
    // counts acked. OUT_OF_ORDER_SEQUENCE leaves its (stored) records neither acked nor
    // lost, never sent again, and renews the producer.
    assert.ok(stats.retries >= faults["drop-connection"].batches);
    assert.equal(stats.renewals, faults["out-of-order-sequence"].batches);
    assert.equal(stats.unknown, faults["out-of-order-sequence"].records);
    assert.equal(stats.failed, stats.unknown);

    const r = await readBackOf(cluster, topic, stats);
    assert.deepEqual([r.lost, r.duplicated, r.corrupt], [0, 0, 0]);
    assert.equal(r.found, stats.acked);
    assert.equal(r.unacknowledgedButStored, faults["out-of-order-sequence"].records);
    assert.match(
      readbackSentence(r),
      new RegExp(`stored although its ack was lost: ${r.unacknowledgedButStored} `),
    );
    assert.equal(r.endOffsetSum, stats.acked + r.unacknowledgedButStored, "nothing stored twice");
  },
);

import assert from "node:assert/strict";
import { Lab } from "./lab.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { PromClient } from "../cluster/prom.ts";
import { beforeReport } from "../present/report.ts";
import { sharedCluster, testTopic } from "../../testing/cluster.ts";

/** The shared cluster's Kafka and Prometheus are kept open between tests. */
const KEEPS_CLUSTER_OPEN = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "real cluster, bring-your-own path: 4-1-1 at 20 MB/s gives broker 0 4/6 of bytes in, nothing lost",
  KEEPS_CLUSTER_OPEN,
  async () => {
    const cluster = sharedCluster();
    const topic = testTopic("four-one-one");
    const lab = await Lab.open({
      LAB_BOOTSTRAP: cluster.bootstrapServers.join(","),
      LAB_PROMETHEUS_URL: cluster.prometheusUrl,
      LAB_STATE_DIR: `${cluster.root}/lab-test-state`,
      LAB_TOPIC: topic,
      LAB_PLACEMENT: "4-1-1",
      LAB_RATE_MBPS: "20",
      LAB_RATE_WINDOW_S: "20",
      LAB_DURATION_S: "26",
    });
    assert.equal(lab.environment.kind, "external");
    const placement = await lab.setup();
    assert.deepEqual(placement.map((p) => p.leader), [0, 0, 0, 0, 1, 2]);

    const load = lab.startLoad();
    // Measure while the load runs, once the 20 s rate window holds only load.
    await lab.waitForFullWindow(load.startedAt);
    const m = await lab.measure("before");
    const stats = await load.done;
    assert.equal(stats.failed, 0);
    await new Promise((r) => setTimeout(r, 2500)); // two scrapes after the last record
    const shareOfBroker0 = m.spreadIn.shares[0];
    console.log(
      `  broker 0 share ${(shareOfBroker0 * 100).toFixed(1)}%, cv ${m.spreadIn.cv.toFixed(3)}, ` +
        `achieved ${stats.achievedMBps.toFixed(2)} MB/s`,
    );
    assert.ok(
      Math.abs(shareOfBroker0 - 4 / 6) <= 0.1 * (4 / 6),
      `broker 0 carries 4/6 ±10% (got ${shareOfBroker0})`,
    );
    assert.ok(m.spreadIn.cv > 0.4, `coefficient of variation above 0.4 (got ${m.spreadIn.cv})`);

    const report = beforeReport(m);
    assert.match(report, /^# Before balancing/);
    assert.match(report, /\| 0 \| 1[2-4]\.\d\d \| 6\d\.\d% \|/, "broker 0's row shows ~13.3 MB/s");
    assert.match(report, /Coefficient of variation \| 0\.[4-9]/);
    assert.match(report, /4-1-1/);
    assert.match(report, /\*\*external\*\* environment/);

    // Broker-side bytes (what Prometheus counted) match the producer's acked bytes.
    const prom = new PromClient(cluster.prometheusUrl);
    const counted = (await prom.queryVector(
      `sum(kafka_network_io_bytes_total{topic="${topic}",direction="in"})`,
    ))[0]?.value ?? 0;
    const ratio = counted / stats.ackedBytes;
    console.log(
      `  Prometheus counted ${counted} B for ${stats.ackedBytes} B acked (ratio ${
        ratio.toFixed(4)
      })`,
    );
    assert.ok(Math.abs(ratio - 1) <= 0.05, `within 5% (ratio ${ratio})`);

    // Zero loss: the end offsets add up to the acked count, and every acked record reads back.
    const endOffsets = await withAdmin(
      cluster.bootstrapServers,
      (admin) => admin.fetchTopicOffsets(topic),
    );
    const sum = endOffsets.reduce((s, o) => s + Number(o.high), 0);
    assert.equal(sum, stats.acked);
    const readback = await lab.checkZeroLoss(stats);
    console.log(
      `  read back: lost ${readback.lost}, duplicated ${readback.duplicated}, corrupt ${readback.corrupt}`,
    );
    assert.equal(readback.found, stats.acked);
    assert.equal(readback.lost + readback.duplicated + readback.corrupt, 0);
  },
);

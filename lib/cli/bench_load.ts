/**
 * `deno task bench:load`: the lab's kafkajs producer at its best throughput
 * against Kafka's own `kafka-producer-perf-test` (ProducerPerformance, from the
 * same jars), on the same cluster, same record size, acks=all and idempotence,
 * run one after the other in one task and printed as a ratio. No target: the
 * figure is reported, not asserted.
 *
 * @module
 */

import { ensureKafkaDistribution } from "../env/kafka_dist.ts";
import { withAdmin } from "../kafka.ts";
import type { Lab } from "../lab.ts";
import { runLoad } from "../load.ts";
import { assignmentFromCounts, deleteTopic, ensureTopic, placePartitions } from "../topic.ts";

/** Reads ProducerPerformance's summary line into MB/s (10^6 bytes) and records/s. */
export function parsePerfSummary(
  output: string,
  recordBytes: number,
): { recordsPerSec: number; mbPerSec: number } {
  const match = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(output);
  if (!match) {
    throw new Error(`kafka-producer-perf-test printed no summary:\n${output.slice(-800)}`);
  }
  const recordsPerSec = Number(match[2]);
  return { recordsPerSec, mbPerSec: (recordsPerSec * recordBytes) / 1e6 };
}

/** Runs both producers on a fresh evenly placed topic and prints the figures. */
export async function benchLoad(lab: Lab, say: (line: string) => void): Promise<void> {
  const recordBytes = lab.config.recordBytes;
  const records = Math.max(5000, Math.round(300e6 / recordBytes));
  const topic = `bench-load-${crypto.randomUUID().slice(0, 6)}`;
  const brokers = lab.environment.bootstrapServers();
  say(
    `Environment: ${lab.environment.kind}. Both producers send ${records} records of ${recordBytes} B, acks=all, idempotent.`,
  );
  const wasUp = (await lab.environment.status()).healthy;
  await lab.environment.up({ onProgress: say });
  await withAdmin(brokers, async (admin) => {
    await ensureTopic(admin, { topic, partitions: 6 });
    await placePartitions(admin, topic, assignmentFromCounts([2, 2, 2], lab.brokers()), {
      bootstrapServers: brokers,
    });
  });
  try {
    const kafkajsRun = (concurrency: number) =>
      runLoad({
        bootstrapServers: brokers,
        topic,
        recordBytes,
        records,
        skew: { kind: "uniform" },
        brokers: lab.brokers(),
        concurrency,
      });
    // The lab's own setting (one batch in flight, loss-free) and kafkajs at its best.
    const kafkajs = await kafkajsRun(1);
    const kafkajsBest = await kafkajsRun(8);
    const dist = await ensureKafkaDistribution(lab.config.local, say);
    const output = await new Deno.Command(lab.config.local.javaBin, {
      args: [
        "-Xmx512m",
        "-cp",
        `${dist.libsDir}/*`,
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        topic,
        "--num-records",
        String(records),
        "--record-size",
        String(recordBytes),
        "--throughput",
        "-1",
        "--producer-props",
        `bootstrap.servers=${brokers.join(",")}`,
        "acks=all",
        "enable.idempotence=true",
        // Requests as large as the lab's (up to 512 KiB): the default 16 KiB batch
        // would hold one 10 KB record per request.
        "batch.size=524288",
        "linger.ms=5",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const java = parsePerfSummary(text, recordBytes);
    const row = (name: string, mbps: number, extra = "") =>
      say(`${name.padEnd(52)} ${mbps.toFixed(1).padStart(6)} MB/s${extra}`);
    row(
      "kafkajs, 1 batch in flight (the lab's setting)",
      kafkajs.achievedMBps,
      `, p99 ${kafkajs.latencyMs.p99.toFixed(0)} ms`,
    );
    row(
      "kafkajs, 8 batches in flight (not loss-safe)",
      kafkajsBest.achievedMBps,
      `, p99 ${kafkajsBest.latencyMs.p99.toFixed(0)} ms`,
    );
    row("kafka-producer-perf-test (Java, batch.size 512 KiB)", java.mbPerSec);
    say(
      `ratio to Java: lab setting ${(kafkajs.achievedMBps / java.mbPerSec).toFixed(2)}, ` +
        `kafkajs at its best ${(kafkajsBest.achievedMBps / java.mbPerSec).toFixed(2)}`,
    );
  } finally {
    await withAdmin(brokers, (admin) => deleteTopic(admin, topic)).catch(() => {});
    if (!wasUp) await lab.environment.down({ removeData: true });
  }
}

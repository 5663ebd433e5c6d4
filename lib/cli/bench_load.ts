/**
 * `deno task bench:load`: the lab's loss-safe kafkajs producer against Kafka's
 * own `kafka-producer-perf-test` (ProducerPerformance, from the same jars), on
 * the same cluster, same record size, acks=all and idempotence, run one after
 * the other in one task: MB/s, records/s, latency, CPU per GB, their ratio, and
 * the lab's memory footprint meanwhile. The lab's producer runs with its kafkajs
 * patches (`lib/cluster/kafkajs_patches.ts`, which only the benchmark turns on) and,
 * right after, without them: unthrottled, and at the walkthrough's 20 MB/s for 60 s
 * each way, so the patches' worth can be measured again. The figures are reported,
 * not asserted.
 *
 * @module
 */

import { ensureKafkaDistribution } from "../env/local/kafka_dist.ts";
import { withAdmin } from "../cluster/kafka.ts";
import type { Lab } from "../lab/lab.ts";
import { defaultWorkers, runLoad } from "../cluster/load.ts";
import { kafkajsPatchesInUse } from "../cluster/kafkajs_patches.ts";
import { readPidFile } from "../core/process.ts";
import {
  FootprintSampler,
  ownCpuSeconds,
  parseChildCpuSeconds,
  parsePerfSummary,
} from "./bench_measure.ts";
import {
  assignmentFromCounts,
  deleteTopic,
  ensureTopic,
  placePartitions,
} from "../cluster/topic.ts";

/** One producer's figures in the comparison. */
export interface BenchFigures {
  /** MB/s (10^6 bytes) of record values acked. */
  mbPerSec: number;
  /** Records acked per second. */
  recordsPerSec: number;
  /** Median produce latency, milliseconds. */
  p50Ms: number;
  /** 99th percentile produce latency, milliseconds. */
  p99Ms: number;
  /** CPU seconds the producer process used per GB (10^9 bytes) sent. */
  cpuSecondsPerGB: number;
}

/** One row of the table: name, MB/s, records/s, latencies and CPU per GB, with units. */
export function benchRow(name: string, f: BenchFigures): string {
  return `${name.padEnd(44)} ${f.mbPerSec.toFixed(1).padStart(6)} MB/s ` +
    `${Math.round(f.recordsPerSec).toString().padStart(6)} records/s  ` +
    `p50 ${f.p50Ms.toFixed(0).padStart(4)} ms  p99 ${f.p99Ms.toFixed(0).padStart(4)} ms  ` +
    `${f.cpuSecondsPerGB.toFixed(1).padStart(5)} CPU s/GB`;
}

/** The line with the ratio, as the issue asks for it. */
export function ratioLine(lab: number, java: number): string {
  return `ratio (lab loss-safe / Java): ${(lab / java).toFixed(2)}`;
}

/** The walkthrough's load, for the patches' comparison: its rate, record size and placement. */
const WALKTHROUGH = { rateMBps: 20, recordBytes: 10_240, leadersPerBroker: [4, 1, 1] };
/** Seconds each arm of the patches' comparison runs at the walkthrough's rate. */
const COMPARISON_SECONDS = 60;

/**
 * The share of one core a producer used at a rate: CPU s/GB × GB/s, as a percentage.
 *
 * @example
 * ```ts
 * import { coreShareLine } from "./bench_load.ts";
 * const line = coreShareLine("stock", {
 *   mbPerSec: 20, recordsPerSec: 1953, p50Ms: 3, p99Ms: 24, cpuSecondsPerGB: 25,
 * });
 * if (line !== "stock: 50.0% of one core at 20.00 MB/s") throw new Error(line);
 * ```
 */
export function coreShareLine(name: string, f: BenchFigures): string {
  return `${name}: ${(f.cpuSecondsPerGB * f.mbPerSec / 10).toFixed(1)}% of one core ` +
    `at ${f.mbPerSec.toFixed(2)} MB/s`;
}

/** PIDs of the local environment's processes (brokers, Prometheus, agent), by name. */
async function localPids(lab: Lab): Promise<Map<string, number>> {
  const pids = new Map<string, number>();
  if (lab.environment.kind !== "local") return pids;
  const dir = `${lab.config.local.stateDir}/pids`;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".pid")) continue;
    const pid = await readPidFile(`${dir}/${entry.name}`);
    if (pid !== undefined) pids.set(entry.name.replace(/\.pid$/, ""), pid);
  }
  return pids;
}

/** Runs both producers on a fresh evenly placed topic and prints the figures. */
export async function benchLoad(lab: Lab, say: (line: string) => void): Promise<void> {
  const recordBytes = lab.config.recordBytes;
  const records = Math.max(5000, Math.round(300e6 / recordBytes));
  const topic = `bench-load-${crypto.randomUUID().slice(0, 6)}`;
  const brokers = lab.environment.bootstrapServers();
  say(
    `Environment: ${lab.environment.kind}. Each producer sends ${records} records of ${recordBytes} B ` +
      "to 6 partitions (2 per broker), acks=all, idempotent.",
  );
  const wasUp = (await lab.environment.status()).healthy;
  await lab.environment.up({ onProgress: say });
  await withAdmin(brokers, async (admin) => {
    await ensureTopic(admin, { topic, partitions: 6 });
    await placePartitions(admin, topic, assignmentFromCounts([2, 2, 2], lab.brokers()), {
      bootstrapServers: brokers,
    });
  });
  const walkthroughTopic = `${topic}-walkthrough`;
  try {
    const labRun = async (
      options: {
        workers?: number;
        records?: number;
        kafkajsPatches?: boolean;
        topic?: string;
        recordBytes?: number;
        durationSeconds?: number;
        rateMBps?: number;
      } = {},
    ) => {
      const cpuBefore = ownCpuSeconds();
      // The benchmark measures the patched client unless told (kafkajs_patches.ts).
      const patches = options.kafkajsPatches ?? true;
      const stats = await runLoad({
        bootstrapServers: brokers,
        topic: options.topic ?? topic,
        recordBytes: options.recordBytes ?? recordBytes,
        records: options.durationSeconds === undefined ? options.records ?? records : undefined,
        durationSeconds: options.durationSeconds,
        rateMBps: options.rateMBps,
        skew: { kind: "uniform" },
        brokers: lab.brokers(),
        workers: options.workers,
        kafkajsPatches: patches,
      });
      if (stats.failed > 0) {
        throw new Error(`The lab's producer failed: ${stats.errors.join("; ")}`);
      }
      if ((options.workers ?? defaultWorkers(6)) === 0 && kafkajsPatchesInUse() !== patches) {
        throw new Error(
          `kafkajs ran ${patches ? "without" : "with"} the patches it was asked for.`,
        );
      }
      const figures: BenchFigures = {
        mbPerSec: stats.achievedMBps,
        recordsPerSec: stats.acked / stats.durationSeconds,
        p50Ms: stats.latencyMs.p50,
        p99Ms: stats.latencyMs.p99,
        cpuSecondsPerGB: (ownCpuSeconds() - cpuBefore) / (stats.ackedBytes / 1e9),
      };
      return figures;
    };
    /**
     * The walkthrough's load with and without the kafkajs patches, one after the other on a
     * topic placed as the walkthrough places it, each after a short warm-up.
     */
    const comparePatches = async () => {
      await withAdmin(brokers, async (admin) => {
        await ensureTopic(admin, { topic: walkthroughTopic, partitions: 6 });
        await placePartitions(
          admin,
          walkthroughTopic,
          assignmentFromCounts(WALKTHROUGH.leadersPerBroker, lab.brokers()),
          { bootstrapServers: brokers },
        );
      });
      const paced = (kafkajsPatches: boolean, durationSeconds: number) =>
        labRun({
          kafkajsPatches,
          topic: walkthroughTopic,
          recordBytes: WALKTHROUGH.recordBytes,
          rateMBps: WALKTHROUGH.rateMBps,
          durationSeconds,
        });
      await paced(true, 5);
      await paced(false, 5);
      const patched = await paced(true, COMPARISON_SECONDS);
      const unpatched = await paced(false, COMPARISON_SECONDS);
      say(
        `The walkthrough's load: ${WALKTHROUGH.rateMBps} MB/s of ${WALKTHROUGH.recordBytes} B ` +
          `records on 6 partitions led ${WALKTHROUGH.leadersPerBroker.join("-")}, ` +
          `${COMPARISON_SECONDS} s each, patched then stock kafkajs:`,
      );
      say(benchRow(`lab, kafkajs patched, ${WALKTHROUGH.rateMBps} MB/s target`, patched));
      say(benchRow(`lab, stock kafkajs, ${WALKTHROUGH.rateMBps} MB/s target`, unpatched));
      say(coreShareLine("patched", patched));
      say(coreShareLine("stock kafkajs (the demo's default)", unpatched));
    };
    // A short warm-up (not counted): the JIT compiles kafkajs and the brokers create the
    // topic's files, which perf-test, running after, would otherwise get for free. The
    // patched one comes first: the checksum patch must be in before kafkajs's first request.
    await labRun({ records: Math.ceil(records / 10) });
    await labRun({ records: Math.ceil(records / 10), kafkajsPatches: false });
    // The lab's own loss-safe producer, with the footprint of everything the lab runs.
    const footprint = new FootprintSampler(
      new Map([...await localPids(lab), ["producer (this process)", Deno.pid]]),
    );
    footprint.start();
    const labFigures = await labRun();
    const workers = defaultWorkers(6);
    const labWorkers = workers === 0 ? "one thread" : `${workers} Web Workers`;
    const peaks = await footprint.stop();
    // The same without the patches, right after.
    const stock = await labRun({ kafkajsPatches: false });
    // The same sending from two Web Workers (the default from 4 cores up).
    const inWorkers = await labRun({ workers: 2 });
    const dist = await ensureKafkaDistribution(lab.config.local, say);
    const output = await new Deno.Command("/bin/bash", {
      // `times` reports the CPU time of the shell's finished children: the JVM's.
      args: [
        "-c",
        '"$@"; status=$?; echo "cpu-times:"; times; exit $status',
        "bash",
        lab.config.local.javaBin,
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
    const perf = parsePerfSummary(text, recordBytes);
    const javaCpu = parseChildCpuSeconds(text.slice(text.lastIndexOf("cpu-times:")));
    const java: BenchFigures = {
      ...perf,
      cpuSecondsPerGB: javaCpu / ((records * recordBytes) / 1e9),
    };
    say(benchRow(`lab, loss-safe (kafkajs patched, ${labWorkers})`, labFigures));
    say(benchRow(`lab, loss-safe (stock kafkajs, ${labWorkers})`, stock));
    say(benchRow("lab, loss-safe, patched, 2 Web Workers", inWorkers));
    say(benchRow("kafka-producer-perf-test (Java, batch.size 512 KiB)", java));
    say(ratioLine(labFigures.mbPerSec, java.mbPerSec));
    say(
      "CPU s/GB: the producer process's CPU time (all threads, user + system) per 10^9 bytes; " +
        "Java's includes JVM start-up.",
    );
    if (peaks.size > 1) {
      const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
      const total = [...peaks.values()].reduce((a, b) => a + b, 0);
      say(
        `Lab footprint during its run (peak RSS): ${
          [...peaks].map(([name, rss]) => `${name} ${mib(rss)}`).join(", ")
        }; total ${mib(total)}.`,
      );
    }
    await comparePatches();
  } finally {
    await withAdmin(brokers, async (admin) => {
      await deleteTopic(admin, topic);
      await deleteTopic(admin, walkthroughTopic);
      // Best-effort tidy-up of the bench's topics; the environment goes down next if ours.
    }).catch(() => {});
    if (!wasUp) await lab.environment.down({ removeData: true });
  }
}

/**
 * The skewed producer: records of a fixed size, a count or a duration, a target
 * rate or unthrottled, and a skew of bytes per broker or per partition. Every
 * record carries a sequence number and checksum (`lib/core/records.ts`); each partition's
 * producer is idempotent with acks=all (`lib/cluster/load_producer.ts`: it keeps sending
 * through leader changes and moves, on Apache Kafka and AutoMQ), and the load remembers
 * exactly which records were acked, and which failed with an unknown outcome (their
 * answer was lost: Kafka may hold them; the read-back says).
 *
 * @module
 */

import { ConfigResourceTypes, type ISocketFactory } from "kafkajs";
import type { Skew } from "../config/config.ts";
import { createKafka, retryTransient, unreachableError } from "./kafka.ts";
import { HEADER_BYTES, newRunId } from "../core/records.ts";
import { describePlacement, type PartitionPlacement, topicExists } from "./topic.ts";
import { LatencyHistogram } from "./load_latency.ts";
import type { ClientTimeline } from "./client_timeline.ts";
import { epochMs, openSenders, type SenderHandlers, type Senders } from "./load_senders.ts";
import { openWorkerSenders } from "./load_workers.ts";
import { SlidingCount } from "./load_window.ts";
import { SequenceSet } from "./load_sequences.ts";
import { PartitionPicker, partitionShares } from "./load_shares.ts";

export { SequenceSet } from "./load_sequences.ts";
export { PartitionPicker, partitionShares } from "./load_shares.ts";

/** What to produce. */
export interface LoadOptions {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** Topic (must exist). */
  topic: string;
  /** Bytes per record value. */
  recordBytes: number;
  /** Records to send when no duration is given. */
  records?: number;
  /** Send for this long instead of a count, seconds. */
  durationSeconds?: number;
  /** Target rate in MB/s (10^6 bytes/s); `undefined` sends as fast as acks allow. */
  rateMBps?: number;
  /** Where bytes go. */
  skew: Skew;
  /** The cluster's broker ids (to check per-broker skews). */
  brokers: number[];
  /** Called about twice a second and once at the end. */
  onProgress?: (progress: LoadProgress) => void;
  /** Stops the load early (records in flight are still awaited). */
  signal?: AbortSignal;
  /**
   * kafkajs connections sharing the partitions (default: one per partition that
   * receives records, at most 12). A broker answers one request per connection at
   * a time, so partitions led by the same broker overlap only on different
   * connections. (Each partition has its own idempotent producer either way.)
   */
  producers?: number;
  /**
   * Web Workers that send, each owning a share of the partitions; 0 sends from the
   * load's own thread. Default: see {@linkcode defaultWorkers}.
   */
  workers?: number;
  /**
   * Whether kafkajs runs with the lab's two patches (`kafkajs_patches.ts`: a faster
   * checksum and request encoder, same bytes on the wire). Default: `KAFKAJS_PATCHES` there.
   */
  kafkajsPatches?: boolean;
  /**
   * How the producers open their sockets (a fault-injection layer in tests); only
   * without workers (`workers: 0`), as a function cannot reach a Web Worker.
   */
  socketFactory?: ISocketFactory;
  /** Collects what the producer felt every few seconds (`client_timeline.ts`). */
  timeline?: ClientTimeline;
}

/** A progress report. */
export interface LoadProgress {
  /** Seconds since the first record. */
  elapsedSeconds: number;
  /** Records handed to Kafka. */
  sent: number;
  /** Records acknowledged. */
  acked: number;
  /** Records that failed. */
  failed: number;
  /** MB/s acked over the last second or so. */
  recentMBps: number;
  /** Progress from 0 to 100. */
  percent: number;
}

/** Per-partition totals of a load. */
export interface PartitionTotals {
  /** Partition. */
  partition: number;
  /** Leader when the load started. */
  leaderAtStart: number;
  /** Records acked. */
  records: number;
  /** Bytes acked (record values). */
  bytes: number;
  /** Records whose batch failed (after the producer's retries). */
  failed: number;
  /** Of those, records whose answer was lost: Kafka may hold them (neither acked nor lost). */
  unknown: number;
  /** Batches sent again (no leader, not the leader, a dropped connection, a timeout). */
  retries: number;
  /** Times the partition's producer id was renewed (after a sequence error or a give-up). */
  renewals: number;
}

/** The end result of a load. */
export interface LoadStats {
  /** The run id carried in every record. */
  runId: number;
  /** Topic. */
  topic: string;
  /** Bytes per record. */
  recordBytes: number;
  /** Records handed to Kafka. */
  sent: number;
  /** Records acknowledged. */
  acked: number;
  /** Records whose send failed (never acked; `unknown` of them may still be stored). */
  failed: number;
  /** Failed records whose answer was lost: Kafka may hold them (the read-back counts them). */
  unknown: number;
  /** Exactly which sequence numbers failed with an unknown outcome, ascending. */
  unknownSequences: number[];
  /** Batches sent again, over all partitions (per partition in `perPartition`). */
  retries: number;
  /** Producer ids renewed, over all partitions (per partition in `perPartition`). */
  renewals: number;
  /** Value bytes acknowledged. */
  ackedBytes: number;
  /** Wall time from first send to last ack, seconds. */
  durationSeconds: number;
  /** Acked MB/s over the whole run. */
  achievedMBps: number;
  /** The target, if throttled. */
  targetMBps?: number;
  /** Share of bytes the skew aimed at each partition. */
  targetShares: Map<number, number>;
  /** Totals per partition. */
  perPartition: PartitionTotals[];
  /** Produce latency (record released by the pacer to its request acked), milliseconds. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Exactly which sequence numbers were acked. */
  ackedSequences: SequenceSet;
  /** Distinct error messages of failed sends. */
  errors: string[];
  /** When the load started. */
  startedAt: Date;
  /** Records released to the producer in each whole second since the start (for burst checks). */
  releasedPerSecond: number[];
}

/**
 * Checks load options without touching the cluster; throws naming the bad one.
 *
 * @example
 * ```ts
 * import { validateLoadOptions } from "./load.ts";
 * const options = { bootstrapServers: ["localhost:9092"], topic: "t", recordBytes: 10_240,
 *   durationSeconds: 30, skew: { kind: "uniform" as const }, brokers: [0, 1, 2] };
 * validateLoadOptions(options);
 * try {
 *   validateLoadOptions({ ...options, recordBytes: 8 });
 *   throw new Error("accepted 8-byte records");
 * } catch (error) {
 *   if (!(error as Error).message.includes("below 24 bytes")) throw error;
 * }
 * ```
 */
export function validateLoadOptions(options: LoadOptions): void {
  if (
    options.rateMBps !== undefined && !(options.rateMBps > 0 && Number.isFinite(options.rateMBps))
  ) {
    throw new Error(
      `The target rate must be a positive number of MB/s, not ${options.rateMBps} (LAB_RATE_MBPS); ` +
        "use unthrottled for no limit.",
    );
  }
  if (!Number.isInteger(options.recordBytes) || options.recordBytes <= 0) {
    throw new Error(
      `Record size must be a positive whole number of bytes, not ${options.recordBytes} (LAB_RECORD_BYTES).`,
    );
  }
  if (options.recordBytes < HEADER_BYTES) {
    throw new Error(
      `Record size ${options.recordBytes} is below ${HEADER_BYTES} bytes, the room each record needs ` +
        "for its sequence number and checksum (LAB_RECORD_BYTES).",
    );
  }
  if (options.durationSeconds === undefined) {
    if (!(Number.isInteger(options.records) && options.records! > 0)) {
      throw new Error(`Give a positive record count (LAB_RECORDS) or a duration (LAB_DURATION_S).`);
    }
  } else if (!(options.durationSeconds > 0)) {
    throw new Error(
      `The duration must be positive, not ${options.durationSeconds} s (LAB_DURATION_S).`,
    );
  }
}

/** How far a throttled load may fall behind its schedule before the backlog is dropped. */
const MAX_BACKLOG_MS = 1000;
/**
 * No second of a throttled load carries more than the target times this: after a
 * stall the pacer catches up at most 2% above the target.
 */
const CATCH_UP_FACTOR = 1.02;
/** A throttled pacer wakes this often; records due meanwhile share requests (like linger.ms). */
const PACE_TICK_MS = 4;
/** The most Web Workers one load starts. */
const MAX_WORKERS = 4;
/** The most kafkajs connections (clusters) one load opens. */
const MAX_PRODUCERS = 12;
/** Bytes per request at most, as perf-test's `batch.size` in `deno task bench:load`. */
const BATCH_LIMIT_BYTES = 512 * 1024;

/**
 * Workers a load starts by default: none below 4 cores (on 2 cores the brokers
 * need the second one; measured with `deno task bench:load`, workers lowered the
 * rate there), else half the cores, at most 4 and one per partition.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultWorkers } from "./load.ts";
 * assert.deepEqual(defaultWorkers(6, 2), 0);
 * assert.deepEqual(defaultWorkers(6, 8), 4);
 * assert.deepEqual(defaultWorkers(2, 16), 2);
 * ```
 */
export function defaultWorkers(
  partitions: number,
  cores = navigator.hardwareConcurrency ?? 1,
): number {
  return cores < 4 ? 0 : Math.min(Math.floor(cores / 2), MAX_WORKERS, partitions);
}

/**
 * Runs a load to completion and returns its stats.
 *
 * @example
 * ```ts ignore
 * // Needs a cluster with the topic.
 * import { runLoad } from "./load.ts";
 * const stats = await runLoad({ bootstrapServers: ["localhost:19092"], topic: "traffic-test",
 *   recordBytes: 10_240, durationSeconds: 10, rateMBps: 20, skew: { kind: "uniform" },
 *   brokers: [0, 1, 2] });
 * console.log(stats.achievedMBps, stats.acked, stats.failed);
 * ```
 */
export async function runLoad(options: LoadOptions): Promise<LoadStats> {
  validateLoadOptions(options);
  if (options.socketFactory && (options.workers ?? 0) > 0) {
    throw new Error("A socket factory works only in the load's own thread; set workers: 0.");
  }
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-load" });
  const admin = kafka.admin();
  let placement: PartitionPlacement[];
  let maxMessageBytes: number;
  try {
    await admin.connect();
  } catch (error) {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
    throw unreachableError(options.bootstrapServers, error);
  }
  try {
    if (!(await topicExists(admin, options.topic))) {
      throw new Error(`Topic ${options.topic} does not exist; run \`deno task setup\` first.`);
    }
    placement = await describePlacement(admin, options.topic);
    const configs = await retryTransient(() =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: [{
          type: ConfigResourceTypes.TOPIC,
          name: options.topic,
          configNames: ["max.message.bytes"],
        }],
      }), { what: `Reading the settings of ${options.topic}` });
    maxMessageBytes = Number(configs.resources[0].configEntries[0]?.configValue ?? 1048588);
  } finally {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
  }
  // A record batch of one record adds about 80 bytes of framing to the value.
  if (options.recordBytes + 80 > maxMessageBytes) {
    throw new Error(
      `Record size ${options.recordBytes} B is above what ${options.topic} accepts ` +
        `(max.message.bytes=${maxMessageBytes}, less ~80 B of batch framing). ` +
        "Use a smaller LAB_RECORD_BYTES.",
    );
  }
  const shares = partitionShares(options.skew, placement, options.brokers);
  const picker = new PartitionPicker(shares);
  const active = [...shares].filter(([, share]) => share > 0).map(([partition]) => partition);
  const runId = newRunId();
  const bytesPerSecond = options.rateMBps === undefined ? undefined : options.rateMBps * 1e6;
  // A request carries up to 512 KiB of one partition (perf-test's batch.size in the
  // benchmark) and never more than the topic accepts in one record batch: a record
  // batch's 61 B header plus at most 16 B of framing per record (length, deltas, key
  // and header counts as varints) and the value.
  const batchLimitBytes = Math.min(BATCH_LIMIT_BYTES, Math.floor(maxMessageBytes * 0.8));
  const batchRecords = Math.max(1, Math.floor((batchLimitBytes - 61) / (options.recordBytes + 16)));
  // Unthrottled, the pacer keeps a request in flight and two more queued per partition.
  const outstandingCap = batchRecords * active.length * 3;
  const acked = new SequenceSet();
  const perPartition = new Map<number, PartitionTotals>(
    placement.map((p) => [p.partition, {
      partition: p.partition,
      leaderAtStart: p.leader,
      records: 0,
      bytes: 0,
      failed: 0,
      unknown: 0,
      retries: 0,
      renewals: 0,
    }]),
  );
  const unknownSequences: number[] = [];
  const latency = new LatencyHistogram();
  const errors = new Set<string>();
  const releasedPerSecond: number[] = [];
  let sent = 0;
  let failed = 0;
  let retries = 0;
  let renewals = 0;
  let ackedCount = 0;
  const total = options.durationSeconds === undefined ? options.records! : Infinity;

  const handlers: SenderHandlers = {
    onAcked: (partition, sequences, releasedAt, ackedAt) => {
      lastAckAt = ackedAt - epochOffset;
      for (const t of releasedAt) latency.add(ackedAt - t);
      options.timeline?.acked(ackedAt, releasedAt.map((t) => ackedAt - t));
      const totals = perPartition.get(partition)!;
      totals.records += sequences.length;
      totals.bytes += sequences.length * options.recordBytes;
      for (const seq of sequences) acked.add(seq, partition);
      ackedCount += sequences.length;
    },
    onFailed: (partition, sequences, error, maybeStored) => {
      failed += sequences.length;
      options.timeline?.failed(Date.now(), sequences.length);
      const totals = perPartition.get(partition)!;
      totals.failed += sequences.length;
      if (maybeStored) {
        totals.unknown += sequences.length;
        unknownSequences.push(...sequences);
      }
      errors.add(error.message);
    },
    onRetry: (partition) => {
      retries++;
      options.timeline?.retried(Date.now());
      perPartition.get(partition)!.retries++;
    },
    onRenewed: (partition) => {
      renewals++;
      perPartition.get(partition)!.renewals++;
    },
  };
  const senderOptions = {
    bootstrapServers: options.bootstrapServers,
    topic: options.topic,
    recordBytes: options.recordBytes,
    runId,
    partitions: active,
    batchRecords,
    producers: Math.max(
      1,
      Math.min(options.producers ?? Math.min(active.length, MAX_PRODUCERS), active.length),
    ),
    kafkajsPatches: options.kafkajsPatches,
  };
  const workers = options.workers ??
    (options.socketFactory ? 0 : defaultWorkers(active.length));
  const senders: Senders = workers > 0
    ? await openWorkerSenders(senderOptions, workers, handlers)
    : await openSenders(senderOptions, handlers, options.socketFactory);
  const startedAt = new Date();
  const start = performance.now();
  // performance.now() plus this is epoch milliseconds, the clock workers report in.
  const epochOffset = epochMs() - start;
  let paceOrigin = start;
  const endAt = options.durationSeconds === undefined
    ? Infinity
    : start + options.durationSeconds * 1000;
  const recent: Array<{ t: number; acked: number }> = [{ t: start, acked: 0 }];
  let lastAckAt = start;

  const report = (final = false) => {
    const now = performance.now();
    recent.push({ t: now, acked: ackedCount });
    while (recent.length > 2 && now - recent[0].t > 1500) recent.shift();
    const span = (now - recent[0].t) / 1000;
    const recentMBps = span > 0
      ? ((ackedCount - recent[0].acked) * options.recordBytes) / span / 1e6
      : 0;
    const elapsedSeconds = (now - start) / 1000;
    const percent = final
      ? 100
      : options.durationSeconds !== undefined
      ? Math.min(100, (elapsedSeconds / options.durationSeconds) * 100)
      : Math.min(100, (ackedCount / total) * 100);
    options.onProgress?.({ elapsedSeconds, sent, acked: ackedCount, failed, recentMBps, percent });
  };
  const ticker = options.onProgress ? setInterval(() => report(), 500) : undefined;
  const release = (sequence: number, now: number) => {
    senders.enqueue(picker.next(), sequence, now + epochOffset);
    const second = Math.floor((now - start) / 1000);
    while (releasedPerSecond.length <= second) releasedPerSecond.push(0);
    releasedPerSecond[second]++;
    sent++;
  };
  const lastSecond = new SlidingCount(1000);
  const windowCap = bytesPerSecond === undefined
    ? Infinity
    : Math.floor((CATCH_UP_FACTOR * bytesPerSecond) / options.recordBytes);
  const msPerRecord = bytesPerSecond === undefined
    ? 0
    : (options.recordBytes / bytesPerSecond) * 1000;

  try {
    let next = 0;
    while (next < total && !options.signal?.aborted) {
      const now = performance.now();
      if (now >= endAt) break;
      let allowed = Math.min(total - next, outstandingCap - (sent - ackedCount - failed));
      if (bytesPerSecond !== undefined) {
        // Record k is due at paceOrigin + k * msPerRecord.
        const behindMs = now - (paceOrigin + next * msPerRecord);
        if (behindMs > MAX_BACKLOG_MS) {
          // Fell behind (a busy machine or a slow cluster): forget the backlog instead
          // of bursting above the target to catch up. The achieved rate then says so.
          paceOrigin += behindMs - MAX_BACKLOG_MS;
        }
        const due = Math.floor((now - paceOrigin) / msPerRecord) + 1;
        allowed = Math.min(allowed, due - next, windowCap - lastSecond.sumAt(now));
      }
      for (let i = 0; i < allowed; i++) release(next++, now);
      lastSecond.add(now, allowed);
      if (allowed > 0) senders.flush();
      if (next >= total) break;
      if (sent - ackedCount - failed >= outstandingCap) {
        await senders.whenProgress();
      } else if (bytesPerSecond !== undefined) {
        const wait = paceOrigin + next * msPerRecord - performance.now();
        await new Promise((r) =>
          setTimeout(r, Math.max(PACE_TICK_MS, Math.min(wait, endAt - now)))
        );
      }
    }
    await senders.drain();
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    await senders.close();
  }
  report(true);
  const durationSeconds = (lastAckAt - start) / 1000;
  const ackedBytes = ackedCount * options.recordBytes;
  return {
    runId,
    topic: options.topic,
    recordBytes: options.recordBytes,
    sent,
    acked: ackedCount,
    failed,
    unknown: unknownSequences.length,
    unknownSequences: unknownSequences.sort((a, b) => a - b),
    retries,
    renewals,
    ackedBytes,
    durationSeconds,
    achievedMBps: durationSeconds > 0 ? ackedBytes / durationSeconds / 1e6 : 0,
    targetMBps: options.rateMBps,
    targetShares: shares,
    perPartition: [...perPartition.values()],
    latencyMs: {
      p50: latency.percentile(0.5),
      p95: latency.percentile(0.95),
      p99: latency.percentile(0.99),
      max: latency.max,
    },
    ackedSequences: acked,
    errors: [...errors],
    startedAt,
    releasedPerSecond,
  };
}

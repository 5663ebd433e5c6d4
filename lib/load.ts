/**
 * The skewed producer: records of a fixed size, a count or a duration, a target
 * rate or unthrottled, and a skew of bytes per broker or per partition. Every
 * record carries a sequence number and checksum (`lib/records.ts`); the producer
 * is idempotent with acks=all, and remembers exactly which records were acked.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { ConfigResourceTypes } from "kafkajs";
import type { Skew } from "./config.ts";
import { createKafka, retryTransient, unreachableError } from "./kafka.ts";
import { HEADER_BYTES, newRunId, RecordEncoder } from "./records.ts";
import { describePlacement, type PartitionPlacement, topicExists } from "./topic.ts";

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
   * Batches in flight at once (default 1). kafkajs keeps an idempotent producer's
   * sequence numbers in order only with one send in flight: with more, a retry
   * after a leader change can overtake a later batch, which Kafka then rejects or
   * stores twice. Raise it only for throughput tests that do not check loss.
   */
  concurrency?: number;
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

/**
 * Which sequence numbers were acknowledged, and to which partition each went (so the
 * read-back can tell a record deleted by retention from a lost one).
 *
 * @example
 * ```ts
 * import { SequenceSet } from "./load.ts";
 * const acked = new SequenceSet();
 * acked.add(7, 2);
 * console.log(acked.has(7), acked.partitionOf(7), acked.size); // true 2 1
 * ```
 */
export class SequenceSet {
  #bits = new Uint8Array(1024);
  #partitions = new Uint16Array(0);
  #count = 0;
  /** Marks `sequence`, acked by `partition` when known. */
  add(sequence: number, partition?: number): void {
    const byte = sequence >>> 3;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const mask = 1 << (sequence & 7);
    if ((this.#bits[byte] & mask) === 0) {
      this.#bits[byte] |= mask;
      this.#count++;
    }
    if (partition === undefined) return;
    if (!Number.isInteger(partition) || partition < 0 || partition >= 0xffff) {
      throw new Error(`Partition ${partition} cannot be recorded (0 to 65534).`);
    }
    if (sequence >= this.#partitions.length) {
      const grown = new Uint16Array(Math.max(sequence + 1, this.#partitions.length * 2, 1024));
      grown.set(this.#partitions);
      this.#partitions = grown;
    }
    this.#partitions[sequence] = partition + 1;
  }
  /** Whether `sequence` is marked. */
  has(sequence: number): boolean {
    const byte = sequence >>> 3;
    return byte < this.#bits.length && (this.#bits[byte] & (1 << (sequence & 7))) !== 0;
  }
  /** The partition that acked `sequence`, if it was recorded. */
  partitionOf(sequence: number): number | undefined {
    const p = sequence < this.#partitions.length ? this.#partitions[sequence] : 0;
    return p === 0 ? undefined : p - 1;
  }
  /** How many are marked. */
  get size(): number {
    return this.#count;
  }
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
  /** Records whose send failed. */
  failed: number;
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
  /** Produce latency (send to ack of the record's request), milliseconds. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Exactly which sequence numbers were acked. */
  ackedSequences: SequenceSet;
  /** Distinct error messages of failed sends. */
  errors: string[];
  /** When the load started. */
  startedAt: Date;
}

/** Checks load options without touching the cluster; throws naming the bad one. */
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

/** Shares of bytes per partition for a skew, given where partitions are led. */
export function partitionShares(
  skew: Skew,
  placement: PartitionPlacement[],
  brokers: number[],
): Map<number, number> {
  const shares = new Map<number, number>();
  if (skew.kind === "uniform") {
    for (const p of placement) shares.set(p.partition, 1 / placement.length);
    return shares;
  }
  if (skew.kind === "partitions") {
    for (const partition of skew.shares.keys()) {
      if (!placement.some((p) => p.partition === partition)) {
        throw new Error(
          `The skew names partition ${partition}, but the topic has partitions 0-${
            placement.length - 1
          } (LAB_SKEW).`,
        );
      }
    }
    for (const p of placement) shares.set(p.partition, skew.shares.get(p.partition) ?? 0);
    return shares;
  }
  for (const [broker, share] of skew.shares) {
    if (!brokers.includes(broker)) {
      throw new Error(
        `The skew names broker ${broker}, but the cluster's brokers are ${
          brokers.join(", ")
        } (LAB_SKEW).`,
      );
    }
    const led = placement.filter((p) => p.leader === broker);
    if (share > 0 && led.length === 0) {
      throw new Error(
        `The skew aims ${share * 100}% of bytes at broker ${broker}, which leads no partition of ` +
          "the topic; place partitions there first (LAB_PLACEMENT) or change LAB_SKEW.",
      );
    }
    for (const p of led) shares.set(p.partition, share / led.length);
  }
  for (const p of placement) if (!shares.has(p.partition)) shares.set(p.partition, 0);
  return shares;
}

/**
 * Picks partitions so that the bytes each receives follow its share exactly
 * over any stretch of records (smooth weighted round robin).
 */
export class PartitionPicker {
  readonly #entries: Array<{ partition: number; weight: number; current: number }>;
  /** A picker over `shares` (partitions with share 0 are never picked). */
  constructor(shares: Map<number, number>) {
    this.#entries = [...shares].filter(([, w]) => w > 0).map(([partition, weight]) => ({
      partition,
      weight,
      current: 0,
    }));
    if (this.#entries.length === 0) throw new Error("The skew gives every partition a share of 0.");
  }
  /** The next partition. */
  next(): number {
    let best = this.#entries[0];
    for (const e of this.#entries) {
      e.current += e.weight;
      if (e.current > best.current) best = e;
    }
    best.current -= 1;
    return best.partition;
  }
}

/** How far a throttled load may fall behind its schedule before the backlog is dropped. */
const MAX_BACKLOG_MS = 1000;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs a load to completion and returns its stats. */
export async function runLoad(options: LoadOptions): Promise<LoadStats> {
  validateLoadOptions(options);
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-load" });
  const admin = kafka.admin();
  let placement: PartitionPlacement[];
  let maxMessageBytes: number;
  try {
    await admin.connect();
  } catch (error) {
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
      })
    );
    maxMessageBytes = Number(configs.resources[0].configEntries[0]?.configValue ?? 1048588);
  } finally {
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
  const runId = newRunId();
  const encoder = new RecordEncoder(options.recordBytes, runId);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 3000 },
  });
  try {
    await producer.connect();
  } catch (error) {
    throw unreachableError(options.bootstrapServers, error);
  }

  const bytesPerSecond = options.rateMBps === undefined ? undefined : options.rateMBps * 1e6;
  // A batch covers about 20 ms of the target rate, and never exceeds what one
  // partition accepts in one request.
  const batchLimitBytes = Math.min(512 * 1024, Math.floor(maxMessageBytes * 0.8));
  const wantedBatchBytes = bytesPerSecond === undefined
    ? batchLimitBytes
    : Math.min(batchLimitBytes, bytesPerSecond * 0.02);
  const batchRecords = Math.max(1, Math.floor(wantedBatchBytes / options.recordBytes));
  const concurrency = options.concurrency ?? 1;
  const acked = new SequenceSet();
  const perPartition = new Map(
    placement.map((
      p,
    ) => [p.partition, { partition: p.partition, leaderAtStart: p.leader, records: 0, bytes: 0 }]),
  );
  const latencies: Array<{ ms: number; n: number }> = [];
  const errors = new Set<string>();
  let sent = 0;
  let failed = 0;
  let ackedCount = 0;
  const total = options.durationSeconds === undefined ? options.records! : Infinity;
  const startedAt = new Date();
  const start = performance.now();
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

  const inFlight = new Set<Promise<void>>();
  const sendBatch = (first: number, count: number) => {
    const byPartition = new Map<number, { values: Buffer[]; sequences: number[] }>();
    for (let s = first; s < first + count; s++) {
      const partition = picker.next();
      const entry = byPartition.get(partition) ?? { values: [], sequences: [] };
      const value = encoder.encode(s);
      entry.values.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      entry.sequences.push(s);
      byPartition.set(partition, entry);
    }
    const sentAt = performance.now();
    sent += count;
    // One send per partition: a kafkajs send that spans brokers can, on a leader
    // change, retry only the brokers that have not answered yet and silently drop
    // a partition whose new leader had already answered (kafkajs 2.2.4,
    // producer/sendMessages.js). A one-partition send involves one broker at a time.
    const sends = [...byPartition].map(([partition, { values, sequences }]) =>
      producer.send({
        topic: options.topic,
        acks: -1,
        messages: values.map((value) => ({ partition, value })),
      }).then(() => {
        const now = performance.now();
        lastAckAt = now;
        latencies.push({ ms: now - sentAt, n: sequences.length });
        const totals = perPartition.get(partition)!;
        totals.records += sequences.length;
        totals.bytes += sequences.length * options.recordBytes;
        for (const seq of sequences) acked.add(seq, partition);
        ackedCount += sequences.length;
      }, async (error: Error) => {
        failed += sequences.length;
        errors.add(error.message);
        await new Promise((r) => setTimeout(r, 250)); // no hot loop while a partition fails
      })
    );
    const promise: Promise<void> = Promise.all(sends).then(() => {}).finally(() =>
      inFlight.delete(promise)
    );
    inFlight.add(promise);
  };

  try {
    let next = 0;
    while (next < total && !options.signal?.aborted) {
      const now = performance.now();
      if (now >= endAt) break;
      const count = Math.min(batchRecords, total - next);
      if (bytesPerSecond !== undefined) {
        let dueAt = paceOrigin + ((next + count) * options.recordBytes / bytesPerSecond) * 1000;
        if (dueAt < now - MAX_BACKLOG_MS) {
          // Fell behind (a busy machine): forget the backlog instead of bursting
          // above the target to catch up. The achieved rate then says so.
          paceOrigin += now - MAX_BACKLOG_MS - dueAt;
          dueAt = now - MAX_BACKLOG_MS;
        }
        if (dueAt > endAt) break;
        if (dueAt > now) await new Promise((r) => setTimeout(r, dueAt - now));
      }
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      sendBatch(next, count);
      next += count;
    }
    await Promise.all(inFlight);
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    await producer.disconnect().catch(() => {});
  }
  report(true);
  const sorted = latencies.flatMap((l) => Array(Math.min(l.n, 1000)).fill(l.ms)).sort((a, b) =>
    a - b
  );
  const durationSeconds = (lastAckAt - start) / 1000;
  const ackedBytes = ackedCount * options.recordBytes;
  return {
    runId,
    topic: options.topic,
    recordBytes: options.recordBytes,
    sent,
    acked: ackedCount,
    failed,
    ackedBytes,
    durationSeconds,
    achievedMBps: durationSeconds > 0 ? ackedBytes / durationSeconds / 1e6 : 0,
    targetMBps: options.rateMBps,
    targetShares: shares,
    perPartition: [...perPartition.values()],
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? 0,
    },
    ackedSequences: acked,
    errors: [...errors],
    startedAt,
  };
}

/**
 * The zero-loss check: an independent reader goes through every partition of the topic
 * by offset, from its log start to the end offset noted when the read-back starts (after
 * the load stopped), and checks every acknowledged record of a run by its sequence number
 * and checksum.
 *
 * It reads partitions directly, without a consumer group: a group rebalances when a
 * member pauses or a partition moves, and a new member reads again from the start, which
 * once made 106,688 re-reads look like duplicates (AutoMQ, a move during the read-back).
 * Here each partition has one cursor that only moves forward, so no offset is read twice,
 * and a duplicate is exactly the same record (run id and sequence) stored at two offsets.
 * A partition without a leader for a while (a move, a broker restarting) is waited for,
 * up to about 30 s without progress, like every Kafka call of the lab.
 *
 * A record that is missing is not necessarily lost: retention may have deleted the
 * oldest segments of a partition before the read-back. The read-back learns each
 * partition's log start offset and counts a missing record as *expired* when it was
 * acked by a partition whose log now starts above it (its sequence is below the first
 * record of the run still in that partition), and as *lost* otherwise. A record stored
 * but never acked (its answer was lost) is neither: it is counted apart.
 *
 * @module
 */

import type { Admin } from "kafkajs";
import { createKafka, retryTransient, unreachableError } from "./kafka.ts";
import { type FetchedRecord, openCluster, PartitionLeaders } from "./kafkajs_cluster.ts";
import type { SequenceSet } from "./load.ts";
import { decodeRecord } from "../core/records.ts";

/** What reading the topic back found. */
export interface ReadbackResult {
  /** Records of the run that were acked. */
  expected: number;
  /** Acked records read back intact, once each. */
  found: number;
  /**
   * Acked records never read back although they lay above their partition's log start:
   * really lost.
   */
  lost: number;
  /** Acked records that retention deleted before the read-back (below the log start). */
  expired: number;
  /** Expired records per partition (only partitions with any), partition order. */
  expiredByPartition: Array<{ partition: number; records: number }>;
  /** Each partition's log start offset when reading started (0 when nothing was deleted). */
  logStartOffsets: Array<{ partition: number; offset: number }>;
  /** Records of the run stored at more than one offset: the extra copies. */
  duplicated: number;
  /** Records whose payload does not match its checksum. */
  corrupt: number;
  /**
   * Records of the run read back that were never acked: sent, stored, and their answer
   * lost (a dropped connection, a timeout, a sequence error). Neither acked nor lost.
   */
  unacknowledgedButStored: number;
  /** Records of other runs or other producers (ignored). */
  foreign: number;
  /** Sum of the topic's end offsets when reading started. */
  endOffsetSum: number;
  /** Sum of the topic's log start offsets when reading started. */
  logStartOffsetSum: number;
  /** Up to 10 lost sequence numbers, for a first look. */
  lostExamples: number[];
  /** Seconds the read took. */
  seconds: number;
}

/** Options of {@linkcode readBack}. */
export interface ReadbackOptions {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** Topic. */
  topic: string;
  /** The run id to check. */
  runId: number;
  /** Exactly which sequences were acked. */
  acked: SequenceSet;
  /** The highest sequence number sent, plus one. */
  sent: number;
  /** Longest wait, milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Stops the read-back early (it then rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Bytes asked for per fetch of one partition. */
const FETCH_BYTES = 4 * 1024 * 1024;
/** Partitions read at the same time. */
const PARALLEL_PARTITIONS = 4;

/**
 * The records of one fetch answer that the cursor has not passed yet and that lie below
 * `end`, and where the cursor goes next. A fetch can return a whole record batch that
 * starts below the offset asked for; those records were read before and are skipped, so
 * a partition's records are taken once each, in offset order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takeNewRecords } from "./readback.ts";
 * const messages = [3, 4, 5, 6].map((o) => ({ offset: String(o), value: null }));
 * const { records, next } = takeNewRecords(messages, 5n, 7n);
 * assert.deepEqual(records.map((r) => r.offset), [5n, 6n]);
 * assert.equal(next, 7n);
 * assert.equal(takeNewRecords(messages, 7n, 7n).records.length, 0);
 * ```
 */
export function takeNewRecords(
  messages: readonly FetchedRecord[],
  cursor: bigint,
  end: bigint,
): { records: Array<{ offset: bigint; value: Uint8Array | null }>; next: bigint } {
  const records: Array<{ offset: bigint; value: Uint8Array | null }> = [];
  let next = cursor;
  for (const message of messages) {
    const offset = BigInt(message.offset);
    if (offset < next || offset >= end) continue;
    next = offset + 1n;
    if (!message.isControlRecord) records.push({ offset, value: message.value });
  }
  return { records, next };
}

/**
 * Reads the topic back and counts lost, duplicated and corrupt records.
 *
 * @example
 * ```ts ignore
 * import { readBack } from "./readback.ts";
 * import { SequenceSet } from "./load.ts";
 * const result = await readBack({
 *   bootstrapServers: ["127.0.0.1:9092"],
 *   topic: "lab-traffic",
 *   runId: 1,
 *   acked: new SequenceSet(),
 *   sent: 0,
 * });
 * ```
 */
export async function readBack(options: ReadbackOptions): Promise<ReadbackResult> {
  if (options.signal?.aborted) throw options.signal.reason;
  const started = performance.now();
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-readback" });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
    throw unreachableError(options.bootstrapServers, error);
  }
  let cluster;
  try {
    cluster = await openCluster(kafka);
  } catch (error) {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
    throw unreachableError(options.bootstrapServers, error);
  }
  const seen = new Uint8Array(options.sent);
  // The lowest sequence of this run still stored in each partition (from its log start).
  const firstKept = new Map<number, number>();
  const counts = { duplicated: 0, corrupt: 0, foreign: 0, unacknowledgedButStored: 0 };
  const timeoutMs = options.timeoutMs ?? 600_000;
  let ends: Map<number, bigint>;
  const starts = new Map<number, bigint>();
  try {
    const offsets = await topicOffsets(admin, options.topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    for (const o of offsets) starts.set(o.partition, BigInt(o.low));
    const leaders = new PartitionLeaders(cluster, options.topic);
    const take = (partition: number, value: Uint8Array | null) => {
      const record = decodeRecord(value);
      if (!record || record.runId !== options.runId || record.sequence >= options.sent) {
        counts.foreign++;
      } else if (!record.intact) {
        counts.corrupt++;
      } else if (seen[record.sequence]) {
        // The cursor never reads an offset twice: this copy sits at another offset.
        counts.duplicated++;
      } else {
        seen[record.sequence] = 1;
        const kept = firstKept.get(partition);
        if (kept === undefined || record.sequence < kept) firstKept.set(partition, record.sequence);
        if (!options.acked.has(record.sequence)) counts.unacknowledgedButStored++;
      }
    };
    const queue = [...ends.keys()].sort((a, b) => a - b);
    const reading = new Set<number>();
    // Stops every partition's reader at the deadline or when the caller aborts.
    const stop = new AbortController();
    const timer = setTimeout(() =>
      stop.abort(
        new Error(
          `Reading ${options.topic} back did not reach the end offsets within ${
            timeoutMs / 1000
          } s; partitions left: ${[...reading, ...queue].sort((a, b) => a - b).join(", ")}.`,
        ),
      ), timeoutMs);
    const onAbort = () => stop.abort(options.signal!.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const reader = { topic: options.topic, leaders, admin, starts, take, signal: stop.signal };
    const stopped = new Promise<never>((_, reject) => {
      stop.signal.addEventListener("abort", () => reject(stop.signal.reason), { once: true });
    });
    // Marks the rejection handled: it is awaited in the race below, never lost.
    stopped.catch(() => {});
    try {
      await Promise.race([
        stopped,
        Promise.all(
          Array.from({ length: Math.min(PARALLEL_PARTITIONS, queue.length) }, async () => {
            while (queue.length > 0) {
              const partition = queue.shift()!;
              reading.add(partition);
              await readPartition(reader, partition, ends.get(partition)!);
              reading.delete(partition);
            }
          }),
        ),
      ]);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      stop.abort(new Error("read-back finished"));
    }
  } finally {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await cluster.disconnect().catch(() => {});
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
  }
  const endOffsetSum = Number([...ends.values()].reduce((a, b) => a + b, 0n));
  const logStartOffsets = [...starts].sort(([a], [b]) => a - b)
    .map(([partition, offset]) => ({ partition, offset: Number(offset) }));
  const missing = classifyMissing({
    sent: options.sent,
    acked: options.acked,
    seen,
    firstKept,
    logStart: new Map(logStartOffsets.map((s) => [s.partition, s.offset])),
  });
  return {
    expected: options.acked.size,
    ...missing,
    logStartOffsets,
    ...counts,
    endOffsetSum,
    logStartOffsetSum: logStartOffsets.reduce((a, s) => a + s.offset, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Each partition's log start and end offsets, retried while a partition has no leader. */
async function topicOffsets(
  admin: Admin,
  topic: string,
): Promise<Array<{ partition: number; low: string; high: string }>> {
  return await retryTransient(() => admin.fetchTopicOffsets(topic), {
    what: `Reading the offsets of ${topic}`,
  });
}

/** What {@linkcode readPartition} works with. */
interface PartitionReader {
  topic: string;
  leaders: PartitionLeaders;
  admin: Admin;
  /** Log start offsets; raised when retention deletes records during the read. */
  starts: Map<number, bigint>;
  take: (partition: number, value: Uint8Array | null) => void;
  signal?: AbortSignal;
}

/**
 * Reads `partition` from its log start up to `end`, giving each record to `take` once.
 * Retries while the partition has no leader (`retryTransient`), and fails, naming it,
 * after about 30 s without progress.
 */
async function readPartition(r: PartitionReader, partition: number, end: bigint): Promise<void> {
  const name = `${r.topic}-${partition}`;
  let cursor = r.starts.get(partition) ?? 0n;
  const fetchAt = async (offset: bigint) => {
    const answer = await r.leaders.fetch(partition, offset, FETCH_BYTES);
    const taken = takeNewRecords(answer.responses[0]?.partitions[0]?.messages ?? [], offset, end);
    if (taken.next === offset) {
      // Nothing yet at this offset (a new leader catching up): ask again, like a lost leader.
      throw Object.assign(new Error(`${name} returned nothing at offset ${offset}`), {
        retriable: true,
      });
    }
    return taken;
  };
  while (cursor < end) {
    if (r.signal?.aborted) throw r.signal.reason;
    try {
      const { records, next } = await retryTransient(() => fetchAt(cursor), {
        what: `Reading ${name} back (at offset ${cursor} of ${end})`,
        partitions: [name],
        onRetry: () => r.leaders.invalidate(),
        signal: r.signal,
      });
      for (const record of records) r.take(partition, record.value);
      cursor = next;
    } catch (error) {
      if ((error as { name?: string }).name !== "KafkaJSOffsetOutOfRange") throw error;
      // Retention deleted the records at the cursor: go on from the new log start.
      const low = BigInt(
        (await topicOffsets(r.admin, r.topic)).find((o) => o.partition === partition)?.low ?? "0",
      );
      if (low <= cursor) throw error;
      r.starts.set(partition, low);
      cursor = low;
    }
  }
}

/** What {@linkcode classifyMissing} needs. */
export interface MissingInput {
  /** The highest sequence sent, plus one. */
  sent: number;
  /** The acked sequences, with the partition that acked each. */
  acked: SequenceSet;
  /** `seen[s]` is 1 when sequence `s` was read back intact. */
  seen: Uint8Array;
  /** Per partition, the lowest sequence of the run read back from it. */
  firstKept: ReadonlyMap<number, number>;
  /** Per partition, its log start offset (records below it were deleted by retention). */
  logStart: ReadonlyMap<number, number>;
}

/** Found, expired and lost counts, from {@linkcode classifyMissing}. */
export interface MissingCounts {
  /** Acked records read back. */
  found: number;
  /** Acked records below their partition's log start. */
  expired: number;
  /** Expired records per partition. */
  expiredByPartition: Array<{ partition: number; records: number }>;
  /** Acked records missing above the log start. */
  lost: number;
  /** Up to 10 lost sequence numbers. */
  lostExamples: number[];
}

/**
 * Sorts each acked record into found, expired or lost. A missing record is expired
 * only when its partition's log no longer starts at 0 and the record comes before the
 * first record of the run still in that partition (a partition's records are stored in
 * sequence order); a partition cannot have expired more records than its log start
 * offset, so any excess counts as lost. Records whose partition is unknown count as lost
 * when missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classifyMissing } from "./readback.ts";
 * import { SequenceSet } from "./load.ts";
 * const acked = new SequenceSet();
 * for (let s = 0; s < 4; s++) acked.add(s, 0);
 * const seen = new Uint8Array([0, 0, 1, 1]); // 0 and 1 were deleted by retention
 * const r = classifyMissing({
 *   sent: 4, acked, seen, firstKept: new Map([[0, 2]]), logStart: new Map([[0, 2]]),
 * });
 * assert.deepEqual(r.found, 2);
 * assert.deepEqual(r.expired, 2);
 * assert.deepEqual(r.lost, 0);
 * ```
 */
export function classifyMissing(input: MissingInput): MissingCounts {
  let found = 0;
  let lost = 0;
  const lostExamples: number[] = [];
  const expiredBy = new Map<number, number>();
  const loseOne = (s: number) => {
    lost++;
    if (lostExamples.length < 10) lostExamples.push(s);
  };
  for (let s = 0; s < input.sent; s++) {
    if (!input.acked.has(s)) continue;
    if (input.seen[s]) {
      found++;
      continue;
    }
    const partition = input.acked.partitionOf(s);
    const start = partition === undefined ? 0 : input.logStart.get(partition) ?? 0;
    const kept = partition === undefined ? undefined : input.firstKept.get(partition);
    const belowStart = start > 0 && (kept === undefined || s < kept);
    if (!belowStart) {
      loseOne(s);
      continue;
    }
    const already = expiredBy.get(partition!) ?? 0;
    if (already >= start) loseOne(s); // more missing than retention could have deleted
    else expiredBy.set(partition!, already + 1);
  }
  const expiredByPartition = [...expiredBy].sort(([a], [b]) => a - b)
    .map(([partition, records]) => ({ partition, records }));
  return {
    found,
    expired: expiredByPartition.reduce((a, e) => a + e.records, 0),
    expiredByPartition,
    lost,
    lostExamples,
  };
}

/**
 * Whether the read-back proves zero loss: nothing lost, duplicated or corrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zeroLoss } from "./readback.ts";
 * assert.ok(zeroLoss({ lost: 0, duplicated: 0, corrupt: 0 }));
 * assert.deepEqual(zeroLoss({ lost: 2, duplicated: 0, corrupt: 0 }), false);
 * ```
 */
export function zeroLoss(r: Pick<ReadbackResult, "lost" | "duplicated" | "corrupt">): boolean {
  return r.lost === 0 && r.duplicated === 0 && r.corrupt === 0;
}

/**
 * The read-back's verdict in one sentence, with what was measured against what: the
 * acked records expected, found, expired by retention (with the partitions), lost,
 * duplicated and corrupt, and the records found stored although their ack was lost
 * (neither acked nor lost; only when there are any).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readbackSentence } from "./readback.ts";
 * assert.equal(
 *   readbackSentence({
 *     expected: 10, found: 8, expired: 2, expiredByPartition: [{ partition: 0, records: 2 }],
 *     lost: 0, duplicated: 0, corrupt: 0, lostExamples: [],
 *   }),
 *   "Zero loss: 8 of 10 acknowledged records read back intact, once each; 2 expired by " +
 *     "retention before the read-back (partition 0: 2), not lost; lost 0, duplicated 0, corrupt 0.",
 * );
 * assert.equal(
 *   readbackSentence({
 *     expected: 10, found: 10, expired: 0, expiredByPartition: [], lost: 0, duplicated: 0,
 *     corrupt: 0, lostExamples: [], unacknowledgedButStored: 3,
 *   }),
 *   "Zero loss: 10 of 10 acknowledged records read back intact, once each; lost 0, " +
 *     "duplicated 0, corrupt 0; stored although its ack was lost: 3 (neither acked nor lost).",
 * );
 * ```
 */
export function readbackSentence(
  r:
    & Pick<
      ReadbackResult,
      | "expected"
      | "found"
      | "expired"
      | "expiredByPartition"
      | "lost"
      | "duplicated"
      | "corrupt"
      | "lostExamples"
    >
    & Partial<Pick<ReadbackResult, "unacknowledgedButStored">>,
): string {
  const expired = r.expired > 0
    ? `; ${r.expired} expired by retention before the read-back (${
      r.expiredByPartition.map((e) => `partition ${e.partition}: ${e.records}`).join(", ")
    }), not lost`
    : "";
  const ackLost = r.unacknowledgedButStored
    ? `; stored although its ack was lost: ${r.unacknowledgedButStored} (neither acked nor lost)`
    : "";
  const counts = `lost ${r.lost}, duplicated ${r.duplicated}, corrupt ${r.corrupt}${ackLost}`;
  const examples = r.lostExamples.length
    ? ` (lost sequences e.g. ${r.lostExamples.join(", ")})`
    : "";
  return zeroLoss(r)
    ? `Zero loss: ${r.found} of ${r.expected} acknowledged records read back intact, once each${expired}; ${counts}.`
    : `Loss or damage found: ${r.found} of ${r.expected} acknowledged records read back intact${expired}; ${counts}${examples}.`;
}

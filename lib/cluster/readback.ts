/**
 * The zero-loss check: an independent consumer (a fresh consumer group) reads the
 * topic from the beginning up to the end offsets taken when it starts, and checks
 * every acknowledged record of a run by its sequence number and checksum.
 *
 * A record that is missing is not necessarily lost: retention may have deleted the
 * oldest segments of a partition before the read-back. The read-back learns each
 * partition's log start offset and counts a missing record as *expired* when it was
 * acked by a partition whose log now starts above it (its sequence is below the first
 * record of the run still in that partition), and as *lost* otherwise.
 *
 * @module
 */

import { createKafka, unreachableError } from "./kafka.ts";
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
  /** Extra copies of records already read. */
  duplicated: number;
  /** Records whose payload does not match its checksum. */
  corrupt: number;
  /** Records of the run read back that were never acked (sent, then failed or timed out). */
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
  const started = performance.now();
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-readback" });
  const admin = kafka.admin();
  let ends: Map<number, bigint>;
  let starts: Map<number, bigint>;
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(options.topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    starts = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
  } catch (error) {
    throw unreachableError(options.bootstrapServers, error);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const endOffsetSum = Number([...ends.values()].reduce((a, b) => a + b, 0n));
  const seen = new Uint8Array(options.sent);
  // The lowest sequence of this run still stored in each partition (from its log start).
  const firstKept = new Map<number, number>();
  let duplicated = 0;
  let corrupt = 0;
  let foreign = 0;
  let unacknowledgedButStored = 0;
  // A partition with nothing left between its log start and end is not waited for.
  const remaining = new Set(
    [...ends].filter(([p, end]) => end > (starts.get(p) ?? 0n)).map(([p]) => p),
  );

  const consumer = kafka.consumer({
    groupId: `lab-readback-${crypto.randomUUID()}`,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
    sessionTimeout: 30_000,
  });
  const timeoutMs = options.timeoutMs ?? 600_000;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (remaining.size === 0) return resolve();
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `Reading ${options.topic} back did not reach the end offsets within ${
                timeoutMs / 1000
              } s; partitions left: ${[...remaining].join(", ")}.`,
            ),
          ),
        timeoutMs,
      );
      options.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(options.signal!.reason);
      }, { once: true });
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition) ?? 0n;
          for (const message of batch.messages) {
            if (BigInt(message.offset) >= end) break;
            const record = decodeRecord(message.value);
            if (!record || record.runId !== options.runId) {
              foreign++;
              continue;
            }
            if (!record.intact) {
              corrupt++;
              continue;
            }
            if (record.sequence >= options.sent) {
              foreign++;
              continue;
            }
            if (seen[record.sequence]) {
              duplicated++;
              continue;
            }
            seen[record.sequence] = 1;
            const kept = firstKept.get(batch.partition);
            if (kept === undefined || record.sequence < kept) {
              firstKept.set(batch.partition, record.sequence);
            }
            if (!options.acked.has(record.sequence)) unacknowledgedButStored++;
          }
          const last = batch.lastOffset();
          if (BigInt(last) + 1n >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          }
          await Promise.resolve();
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
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
    duplicated,
    corrupt,
    unacknowledgedButStored,
    foreign,
    endOffsetSum,
    logStartOffsetSum: logStartOffsets.reduce((a, s) => a + s.offset, 0),
    seconds: (performance.now() - started) / 1000,
  };
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
 * import { classifyMissing } from "./readback.ts";
 * import { SequenceSet } from "./load.ts";
 * const acked = new SequenceSet();
 * for (let s = 0; s < 4; s++) acked.add(s, 0);
 * const seen = new Uint8Array([0, 0, 1, 1]); // 0 and 1 were deleted by retention
 * const r = classifyMissing({
 *   sent: 4, acked, seen, firstKept: new Map([[0, 2]]), logStart: new Map([[0, 2]]),
 * });
 * console.log(r.found, r.expired, r.lost); // 2 2 0
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
 * import { zeroLoss } from "./readback.ts";
 * console.log(zeroLoss({ lost: 0, duplicated: 0, corrupt: 0 })); // true
 * console.log(zeroLoss({ lost: 2, duplicated: 0, corrupt: 0 })); // false
 * ```
 */
export function zeroLoss(r: Pick<ReadbackResult, "lost" | "duplicated" | "corrupt">): boolean {
  return r.lost === 0 && r.duplicated === 0 && r.corrupt === 0;
}

/**
 * The read-back's verdict in one sentence, with what was measured against what: the
 * acked records expected, found, expired by retention (with the partitions), lost,
 * duplicated and corrupt.
 *
 * @example
 * ```ts
 * import { readbackSentence } from "./readback.ts";
 * console.log(readbackSentence({
 *   expected: 10, found: 8, expired: 2, expiredByPartition: [{ partition: 0, records: 2 }],
 *   lost: 0, duplicated: 0, corrupt: 0, lostExamples: [],
 * }));
 * // Zero loss: 8 of 10 acknowledged records read back intact, once each; 2 expired by
 * // retention before the read-back (partition 0: 2), not lost; lost 0, duplicated 0, corrupt 0.
 * ```
 */
export function readbackSentence(
  r: Pick<
    ReadbackResult,
    | "expected"
    | "found"
    | "expired"
    | "expiredByPartition"
    | "lost"
    | "duplicated"
    | "corrupt"
    | "lostExamples"
  >,
): string {
  const expired = r.expired > 0
    ? `; ${r.expired} expired by retention before the read-back (${
      r.expiredByPartition.map((e) => `partition ${e.partition}: ${e.records}`).join(", ")
    }), not lost`
    : "";
  const counts = `lost ${r.lost}, duplicated ${r.duplicated}, corrupt ${r.corrupt}`;
  const examples = r.lostExamples.length
    ? ` (lost sequences e.g. ${r.lostExamples.join(", ")})`
    : "";
  return zeroLoss(r)
    ? `Zero loss: ${r.found} of ${r.expected} acknowledged records read back intact, once each${expired}; ${counts}.`
    : `Loss or damage found: ${r.found} of ${r.expected} acknowledged records read back intact${expired}; ${counts}${examples}.`;
}

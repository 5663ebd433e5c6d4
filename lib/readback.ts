/**
 * The zero-loss check: an independent consumer (a fresh consumer group) reads the
 * topic from the beginning up to the end offsets taken when it starts, and checks
 * every acknowledged record of a run by its sequence number and checksum.
 *
 * @module
 */

import { createKafka, unreachableError } from "./kafka.ts";
import type { SequenceSet } from "./load.ts";
import { decodeRecord } from "./records.ts";

/** What reading the topic back found. */
export interface ReadbackResult {
  /** Records of the run that were acked. */
  expected: number;
  /** Acked records read back intact, once each. */
  found: number;
  /** Acked records never read back. */
  lost: number;
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
}

/** Reads the topic back and counts lost, duplicated and corrupt records. */
export async function readBack(options: ReadbackOptions): Promise<ReadbackResult> {
  const started = performance.now();
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-readback" });
  const admin = kafka.admin();
  let ends: Map<number, bigint>;
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(options.topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } catch (error) {
    throw unreachableError(options.bootstrapServers, error);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const endOffsetSum = Number([...ends.values()].reduce((a, b) => a + b, 0n));
  const seen = new Uint8Array(options.sent);
  let duplicated = 0;
  let corrupt = 0;
  let foreign = 0;
  let unacknowledgedButStored = 0;
  const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));

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
  let found = 0;
  const lostExamples: number[] = [];
  let lost = 0;
  for (let s = 0; s < options.sent; s++) {
    if (!options.acked.has(s)) continue;
    if (seen[s]) found++;
    else {
      lost++;
      if (lostExamples.length < 10) lostExamples.push(s);
    }
  }
  return {
    expected: options.acked.size,
    found,
    lost,
    duplicated,
    corrupt,
    unacknowledgedButStored,
    foreign,
    endOffsetSum,
    lostExamples,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The sending side of a load, the same whether it runs in the load's own thread
 * or in a Web Worker (`lib/cluster/load_worker.ts`): kafkajs producers that own the
 * partitions between them, per-partition pipelines (`lib/cluster/load_pipeline.ts`), and
 * the record encoder. Records are given by sequence number and encoded here.
 *
 * Workaround (producers that own partitions): an idempotent kafkajs 2.2.4 producer holds a lock
 * per broker while a request is out (`acquireBrokerLock`, src/producer/eosManager/index.js; no
 * upstream issue found). Cost: up to 12 producers, each with its own connections and producer id.
 * Delete when kafkajs keeps several idempotent requests in flight per broker.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Producer } from "kafkajs";
import { createKafka, unreachableError } from "./kafka.ts";
import { KAFKAJS_PATCHES, useKafkajsPatches } from "./kafkajs_patches.ts";
import { PartitionPipelines, type PipelineHandlers } from "./load_pipeline.ts";
import { RecordEncoder } from "../core/records.ts";

/** What a set of senders needs. */
export interface SenderOptions {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** Topic. */
  topic: string;
  /** Bytes per record value. */
  recordBytes: number;
  /** The run id every record carries. */
  runId: number;
  /** The partitions these senders own. */
  partitions: number[];
  /** Records per request at most. */
  batchRecords: number;
  /** kafkajs producers sharing the partitions (at least 1, at most one per partition). */
  producers: number;
  /** Whether kafkajs runs with the lab's patches (default `KAFKAJS_PATCHES`). */
  kafkajsPatches?: boolean;
}

/** Records in, requests out: the senders for some partitions of a load. */
export interface Senders {
  /** Queues record `sequence` for `partition`, released at `releasedAt` (epoch ms). */
  enqueue(partition: number, sequence: number, releasedAt: number): void;
  /** Starts requests for what is queued. */
  flush(): void;
  /** Resolves when a request next finishes. */
  whenProgress(): Promise<void>;
  /** Sends everything queued and waits for it. */
  drain(): Promise<void>;
  /** Disconnects. */
  close(): Promise<void>;
}

/** Handlers with times as epoch milliseconds (comparable across threads). */
export type SenderHandlers = Pick<PipelineHandlers, "onAcked" | "onFailed">;

/**
 * The epoch time in milliseconds, sub-millisecond precise.
 *
 * @example
 * ```ts
 * import { epochMs } from "./load_senders.ts";
 * if (Math.abs(epochMs() - Date.now()) > 1000) throw new Error("not the epoch clock");
 * ```
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Connects producers for `options.partitions` and returns their senders.
 *
 * @example
 * ```ts ignore
 * // Needs a cluster with the topic.
 * import { openSenders } from "./load_senders.ts";
 * const senders = await openSenders({ bootstrapServers: ["localhost:19092"], topic: "traffic-test",
 *   recordBytes: 1024, runId: 1, partitions: [0], batchRecords: 100, producers: 1 },
 *   { onAcked: (p, seqs) => console.log(p, seqs), onFailed: (_p, _s, e) => console.error(e) });
 * senders.enqueue(0, 0, Date.now());
 * await senders.drain();
 * await senders.close();
 * ```
 */
export async function openSenders(
  options: SenderOptions,
  handlers: SenderHandlers,
): Promise<Senders> {
  useKafkajsPatches(options.kafkajsPatches ?? KAFKAJS_PATCHES);
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-load" });
  const count = Math.max(1, Math.min(options.producers, options.partitions.length));
  const producers: Producer[] = Array.from({ length: count }, () =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 3000 },
    }));
  try {
    await Promise.all(producers.map((p) => p.connect()));
  } catch (error) {
    await Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
    throw unreachableError(options.bootstrapServers, error);
  }
  // Each partition belongs to one producer, which sends its records in order.
  const ownerOf = new Map(
    options.partitions.map((partition, i) => [partition, producers[i % count]]),
  );
  const encoder = new RecordEncoder(options.recordBytes, options.runId);
  // One request per partition: a kafkajs send that spans brokers can, on a leader
  // change, retry only the brokers that have not answered yet and silently drop a
  // partition whose new leader had already answered (kafkajs 2.2.4,
  // producer/sendMessages.js). A one-partition send involves one broker at a time,
  // and one request in flight per partition keeps its idempotent sequence in order.
  const pipelines = new PartitionPipelines(options.partitions, options.batchRecords, {
    send: (partition, values) =>
      ownerOf.get(partition)!.send({
        topic: options.topic,
        acks: -1,
        messages: values.map((value) => ({ partition, value })),
      }).then(() => {}),
    onAcked: (partition, sequences, releasedAt) =>
      handlers.onAcked(partition, sequences, releasedAt, epochMs()),
    onFailed: handlers.onFailed,
  });
  return {
    enqueue(partition, sequence, releasedAt) {
      const value = encoder.encode(sequence);
      pipelines.enqueue(
        partition,
        sequence,
        Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        releasedAt,
      );
    },
    flush: () => pipelines.flush(),
    whenProgress: () => pipelines.whenProgress(),
    drain: () => pipelines.drain(),
    async close() {
      await Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
    },
  };
}

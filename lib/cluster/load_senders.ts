/**
 * The sending side of a load, the same whether it runs in the load's own thread
 * or in a Web Worker (`lib/cluster/load_worker.ts`): kafkajs connections that own the
 * partitions between them, one idempotent producer per partition
 * (`lib/cluster/load_producer.ts`), per-partition pipelines (`lib/cluster/load_pipeline.ts`),
 * and the record encoder. Records are given by sequence number and encoded here.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { ISocketFactory } from "kafkajs";
import { createKafka, retryTransient, unreachableError } from "./kafka.ts";
import { openCluster, PartitionLeaders, type WireCluster } from "./kafkajs_cluster.ts";
import { PartitionProducer, type ProduceTarget } from "./load_producer.ts";
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
  /**
   * Connections (kafkajs clusters) sharing the partitions (at least 1, at most one per
   * partition). A broker answers one request per connection at a time, so partitions led
   * by the same broker overlap only when different connections carry them.
   */
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
export type SenderHandlers = Pick<PipelineHandlers, "onAcked" | "onFailed"> & {
  /** A batch of `partition` is sent again after `reason` (no leader, a dropped answer...). */
  onRetry?: (partition: number, reason: string) => void;
  /** `partition`'s producer id was renewed, for `reason`. */
  onRenewed?: (partition: number, reason: string) => void;
};

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
 * Connects producers for `options.partitions` and returns their senders. A
 * `socketFactory` (a fault-injection layer in tests) works only in the load's own
 * thread: a function cannot be passed to a Web Worker.
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
  socketFactory?: ISocketFactory,
): Promise<Senders> {
  useKafkajsPatches(options.kafkajsPatches ?? KAFKAJS_PATCHES);
  const count = Math.max(1, Math.min(options.producers, options.partitions.length));
  const clusters: WireCluster[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const kafka = createKafka(options.bootstrapServers, { clientId: "lab-load", socketFactory });
      clusters.push(await openCluster(kafka));
    }
  } catch (error) {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await Promise.all(clusters.map((c) => c.disconnect().catch(() => {})));
    throw unreachableError(options.bootstrapServers, error);
  }
  const targets = clusters.map((cluster): ProduceTarget => {
    const leaders = new PartitionLeaders(cluster, options.topic);
    return {
      leader: (partition) => leaders.broker(partition),
      staleLeader: () => leaders.invalidate(),
      newProducerId: () =>
        retryTransient(
          async () =>
            (await leaders.anyBroker()).initProducerId({
              transactionTimeout: 60_000,
            }),
          { what: "Getting a producer id" },
        ),
    };
  });
  const events = {
    onRetry: (partition: number, error: unknown) =>
      handlers.onRetry?.(partition, error instanceof Error ? error.message : String(error)),
    onRenewed: handlers.onRenewed,
  };
  // Each partition has its own idempotent producer on one of the connections; one request
  // per partition at a time keeps its sequence numbers in order.
  const producers = new Map(
    options.partitions.map((partition, i) => [
      partition,
      new PartitionProducer(options.topic, partition, targets[i % count], events),
    ]),
  );
  const encoder = new RecordEncoder(options.recordBytes, options.runId);
  const pipelines = new PartitionPipelines(options.partitions, options.batchRecords, {
    send: (partition, values) => producers.get(partition)!.send(values),
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
      // After the work: a failed disconnect loses nothing and must not hide its outcome.
      await Promise.all(clusters.map((c) => c.disconnect().catch(() => {})));
    },
  };
}

/**
 * Senders in Web Workers: each worker runs `lib/cluster/load_worker.ts` and owns a share
 * of the partitions with its own kafkajs producers, so the encoding of requests
 * (kafkajs's buffers and checksums, most of the producer's CPU time) spreads over
 * the machine's cores. The load's own thread keeps the pacing and the exact
 * bookkeeping of acked sequences.
 *
 * @module
 */

import type { SenderHandlers, SenderOptions, Senders } from "./load_senders.ts";

/** A message to a worker. */
export type WorkerRequest =
  | { type: "start"; options: SenderOptions }
  | { type: "release"; records: Array<[number, number[]]>; releasedAt: number }
  | { type: "drain" };

/** A message from a worker. */
export type WorkerReply =
  | { type: "ready" }
  | {
    type: "acked";
    partition: number;
    sequences: number[];
    releasedAt: number[];
    ackedAt: number;
  }
  | {
    type: "failed";
    partition: number;
    sequences: number[];
    message: string;
    maybeStored: boolean;
  }
  | { type: "retry" | "renewed"; partition: number; reason: string }
  | { type: "drained" }
  | { type: "error"; message: string };

interface Slot {
  worker: Worker;
  pending: Map<number, number[]>;
  /** Resolvers of the next `ready`/`drained`, rejected on `error`. */
  waiting?: { resolve: () => void; reject: (error: Error) => void };
}

/**
 * Starts `workers` workers, splits `options.partitions` over them round robin,
 * and returns senders that route each record to its partition's worker.
 *
 * @example
 * ```ts ignore
 * // Needs a cluster with the topic.
 * import { openWorkerSenders } from "./load_workers.ts";
 * const senders = await openWorkerSenders({ bootstrapServers: ["localhost:19092"],
 *   topic: "traffic-test", recordBytes: 1024, runId: 1, partitions: [0, 1], batchRecords: 100,
 *   producers: 2 }, 2, { onAcked: () => {}, onFailed: (_p, _s, e) => console.error(e) });
 * await senders.close();
 * ```
 */
export async function openWorkerSenders(
  options: SenderOptions,
  workers: number,
  handlers: SenderHandlers,
): Promise<Senders> {
  const count = Math.max(1, Math.min(workers, options.partitions.length));
  const slots: Slot[] = [];
  const slotOf = new Map<number, Slot>();
  let progressWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let fatal: Error | undefined;
  const wakeProgress = () => {
    const waiters = progressWaiters;
    progressWaiters = [];
    for (const waiter of waiters) fatal ? waiter.reject(fatal) : waiter.resolve();
  };
  /** A worker that fails stops the load instead of leaving it waiting for acks. */
  const fail = (slot: Slot, error: Error) => {
    fatal ??= error;
    slot.waiting?.reject(error);
    slot.waiting = undefined;
    wakeProgress();
  };
  const expect = (slot: Slot) =>
    new Promise<void>((resolve, reject) => (slot.waiting = { resolve, reject }));
  for (let i = 0; i < count; i++) {
    const worker = new Worker(new URL("./load_worker.ts", import.meta.url), { type: "module" });
    const slot: Slot = { worker, pending: new Map() };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === "acked") {
        handlers.onAcked(reply.partition, reply.sequences, reply.releasedAt, reply.ackedAt);
        wakeProgress();
      } else if (reply.type === "failed") {
        handlers.onFailed(
          reply.partition,
          reply.sequences,
          new Error(reply.message),
          reply.maybeStored,
        );
        wakeProgress();
      } else if (reply.type === "retry") {
        handlers.onRetry?.(reply.partition, reply.reason);
      } else if (reply.type === "renewed") {
        handlers.onRenewed?.(reply.partition, reply.reason);
      } else if (reply.type === "error") {
        fail(slot, new Error(reply.message));
      } else {
        slot.waiting?.resolve();
        slot.waiting = undefined;
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(slot, new Error(`A load worker failed: ${event.message}`));
    };
    slots.push(slot);
  }
  const partitionsOf = slots.map(() => [] as number[]);
  options.partitions.forEach((partition, i) => {
    partitionsOf[i % count].push(partition);
    slotOf.set(partition, slots[i % count]);
  });
  const perWorkerProducers = Math.max(1, Math.ceil(options.producers / count));
  const terminate = () => slots.forEach((slot) => slot.worker.terminate());
  try {
    await Promise.all(slots.map((slot, i) => {
      const ready = expect(slot);
      slot.worker.postMessage(
        {
          type: "start",
          options: { ...options, partitions: partitionsOf[i], producers: perWorkerProducers },
        } satisfies WorkerRequest,
      );
      return ready;
    }));
  } catch (error) {
    terminate();
    throw error;
  }
  let releasedAt = 0;
  const senders: Senders = {
    enqueue(partition, sequence, at) {
      const slot = slotOf.get(partition);
      if (slot === undefined) throw new Error(`Partition ${partition} has no worker.`);
      const list = slot.pending.get(partition);
      if (list === undefined) slot.pending.set(partition, [sequence]);
      else list.push(sequence);
      releasedAt = at;
    },
    flush() {
      for (const slot of slots) {
        if (slot.pending.size === 0) continue;
        slot.worker.postMessage(
          { type: "release", records: [...slot.pending], releasedAt } satisfies WorkerRequest,
        );
        slot.pending = new Map();
      }
    },
    whenProgress: () =>
      fatal
        ? Promise.reject(fatal)
        : new Promise<void>((resolve, reject) => progressWaiters.push({ resolve, reject })),
    async drain() {
      if (fatal) throw fatal;
      senders.flush();
      await Promise.all(slots.map((slot) => {
        const drained = expect(slot);
        slot.worker.postMessage({ type: "drain" } satisfies WorkerRequest);
        return drained;
      }));
    },
    close() {
      terminate();
      return Promise.resolve();
    },
  };
  return senders;
}

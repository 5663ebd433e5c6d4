/**
 * Workaround for kafkajs 2.2.4 `src/producer/sendMessages.js`: a retried send goes only to the
 * brokers that have not answered, so a partition whose new leader already answered is dropped
 * (open fix: https://github.com/tulios/kafkajs/pull/1798). Cost: one partition per request, a
 * producer per partition. Delete when a kafkajs release re-sends it (test with `load_test.ts`).
 *
 * Per-partition send pipelines for the load: each partition keeps its own queue
 * and at most one request in flight, so its records reach Kafka in order and a
 * retry never overtakes a later batch of the same partition, while different
 * partitions' requests overlap. A request carries one partition only, so it
 * involves one broker at a time, and a partition's idempotent producer
 * (`lib/cluster/load_producer.ts`) sees its batches one after the other.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type { BatchOutcome } from "./load_producer.ts";

/**
 * Sends one partition's records in one request (retrying as the producer sees fit) and
 * says how it ended; a rejection counts as a failure whose records may be stored.
 */
export type PartitionSend = (partition: number, values: Buffer[]) => Promise<BatchOutcome>;

/** How a pipeline reports outcomes. */
export interface PipelineHandlers {
  /** Sends a batch (one partition, one request). */
  send: PartitionSend;
  /** Records acked: their sequences and the times they were released (performance.now()). */
  onAcked: (partition: number, sequences: number[], releasedAt: number[], ackedAt: number) => void;
  /**
   * Records whose request failed after the producer's retries; `maybeStored` when an
   * attempt's answer was lost, so Kafka may hold them (the read-back tells).
   */
  onFailed: (partition: number, sequences: number[], error: Error, maybeStored: boolean) => void;
}

interface Lane {
  partition: number;
  values: Buffer[];
  sequences: number[];
  releasedAt: number[];
  busy: boolean;
}

/** How long a partition waits after a failed request before its next one. */
const FAILURE_PAUSE_MS = 250;

/**
 * The queues and in-flight requests of every partition of a load.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { PartitionPipelines } from "./load_pipeline.ts";
 * const requests: string[] = [];
 * const acked: number[] = [];
 * const pipelines = new PartitionPipelines([0, 1], 2, {
 *   send: (partition, values) => {
 *     requests.push(`p${partition}x${values.length}`);
 *     return Promise.resolve({ kind: "acked", duplicate: false });
 *   },
 *   onAcked: (_partition, sequences) => acked.push(...sequences),
 *   onFailed: (_partition, _sequences, error) => { throw error; },
 * });
 * for (let seq = 0; seq < 5; seq++) pipelines.enqueue(seq % 2, seq, Buffer.alloc(8), 0);
 * await pipelines.drain();
 * if (acked.length !== 5) throw new Error(`acked ${acked}`);
 * console.log(requests); // ["p0x2", "p1x2", "p0x1"]
 * ```
 */
export class PartitionPipelines {
  readonly #lanes = new Map<number, Lane>();
  readonly #batchRecords: number;
  readonly #handlers: PipelineHandlers;
  #queued = 0;
  #busy = 0;
  #waiters: Array<() => void> = [];

  /** Pipelines for `partitions`; a request carries at most `batchRecords` records. */
  constructor(partitions: number[], batchRecords: number, handlers: PipelineHandlers) {
    if (!(Number.isInteger(batchRecords) && batchRecords >= 1)) {
      throw new Error(`A batch must hold at least one record, not ${batchRecords}.`);
    }
    for (const partition of partitions) {
      this.#lanes.set(partition, {
        partition,
        values: [],
        sequences: [],
        releasedAt: [],
        busy: false,
      });
    }
    this.#batchRecords = batchRecords;
    this.#handlers = handlers;
  }

  /** Records queued and not yet in a request. */
  get queued(): number {
    return this.#queued;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#busy;
  }

  /** Queues a record; it goes out at the next {@linkcode flush} or when its partition is free. */
  enqueue(partition: number, sequence: number, value: Buffer, releasedAt: number): void {
    const lane = this.#lanes.get(partition);
    if (lane === undefined) throw new Error(`Partition ${partition} has no pipeline.`);
    lane.values.push(value);
    lane.sequences.push(sequence);
    lane.releasedAt.push(releasedAt);
    this.#queued++;
  }

  /** Starts a request on every partition that has records queued and none in flight. */
  flush(): void {
    for (const lane of this.#lanes.values()) this.#start(lane);
  }

  /** Resolves when a request next finishes (at once if nothing is in flight). */
  whenProgress(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sends everything queued and resolves when no request is left in flight. */
  async drain(): Promise<void> {
    this.flush();
    while (this.#busy > 0 || this.#queued > 0) {
      await this.whenProgress();
      this.flush();
    }
  }

  #start(lane: Lane): void {
    if (lane.busy || lane.values.length === 0) return;
    const n = Math.min(this.#batchRecords, lane.values.length);
    const values = lane.values.splice(0, n);
    const sequences = lane.sequences.splice(0, n);
    const releasedAt = lane.releasedAt.splice(0, n);
    this.#queued -= n;
    lane.busy = true;
    this.#busy++;
    this.#handlers.send(lane.partition, values).then(
      (outcome) => outcome,
      (error): BatchOutcome => ({
        kind: "failed",
        error: error instanceof Error ? error : new Error(String(error)),
        maybeStored: true,
      }),
    ).then(async (outcome) => {
      if (outcome.kind === "acked") {
        this.#handlers.onAcked(lane.partition, sequences, releasedAt, performance.now());
        return;
      }
      this.#handlers.onFailed(lane.partition, sequences, outcome.error, outcome.maybeStored);
      await new Promise((r) => setTimeout(r, FAILURE_PAUSE_MS)); // no hot loop while failing
    }).finally(() => {
      lane.busy = false;
      this.#busy--;
      this.#start(lane);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    });
  }
}

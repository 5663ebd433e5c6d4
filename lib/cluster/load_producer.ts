/**
 * Workaround: kafkajs 2.2.4's idempotent producer keeps a partition's sequence number in
 * `src/producer/eosManager/index.js` and reuses it after a failed send (tulios/kafkajs#598
 * reports the OUT_OF_ORDER_SEQUENCE_NUMBER it leads to). Cost: this module and
 * `kafkajs_cluster.ts` (about 600 lines) reach into kafkajs's internal cluster objects.
 * Delete when kafkajs keeps a batch's sequence for its retries only and renews the producer
 * after a sequence error, as the Java client does (re-run `testing/fault_injection_test.ts`).
 *
 * The load's idempotent producer for one partition: it chooses each batch's producer
 * id, epoch and sequence numbers itself, so that what it counts is exactly what Kafka
 * stored, through leader changes, moves and lost answers.
 *
 * kafkajs 2.2.4's own idempotent producer does not survive an AutoMQ move: after a
 * failed send it hands the same sequence numbers to the next, different batch, so the
 * broker answers DUPLICATE_SEQUENCE_NUMBER and then OUT_OF_ORDER_SEQUENCE_NUMBER to every
 * later send to that partition (captured against AutoMQ 1.7.3). Worse, on Apache Kafka
 * a new batch that reuses the numbers of a stored one can be answered as that one's
 * duplicate: counted acked, never stored. The rules here:
 *
 * - A batch keeps its producer id, epoch and sequence numbers for every attempt, and no
 *   other batch ever gets them. Retrying it is then safe: a broker that already stored
 *   it answers with the stored offset (Apache Kafka) or DUPLICATE_SEQUENCE_NUMBER.
 * - Success or DUPLICATE_SEQUENCE_NUMBER: the batch is stored, once (the Java client
 *   also counts the latter as sent). Counted acked.
 * - No leader, not the leader, a dropped connection, a timeout: retry the same batch on
 *   fresh metadata, for up to about 30 s (`LEADERLESS_TIMEOUT_MS`).
 * - A sequence error (OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID,
 *   INVALID_PRODUCER_EPOCH): the broker's producer state and ours disagree, so this
 *   answer cannot tell whether an earlier attempt stored the batch. Its records are
 *   never sent again (that could store them twice); they count as failed with an unknown
 *   outcome, and the next batch goes out under a new producer id.
 * - Any batch that ends without an ack renews the producer id likewise, so the broker's
 *   idea of the next sequence number never depends on a batch whose fate is unknown.
 * - A failed batch "may be stored" when any attempt could have been written: an answer
 *   lost after the request was sent (connection dropped, timed out) or one of the few
 *   error codes a broker may send after writing (REQUEST_TIMED_OUT,
 *   NOT_ENOUGH_REPLICAS_AFTER_APPEND, and NOT_LEADER_OR_FOLLOWER from a partition closing
 *   for a move).
 *   The read-back reports how many such records it found stored.
 *
 * @module
 */

import { classifyKafkaError, LEADERLESS_TIMEOUT_MS, retryTransient } from "./kafka.ts";
import type { ProduceAnswer, ProduceRequest } from "./kafkajs_cluster.ts";

/** How one batch ended. */
export type BatchOutcome =
  | {
    kind: "acked";
    /** The broker said DUPLICATE_SEQUENCE_NUMBER: stored by an earlier attempt. */
    duplicate: boolean;
  }
  | {
    kind: "failed";
    /** Why, in one sentence. */
    error: Error;
    /** Whether an attempt may have been stored (its answer was lost or inconclusive). */
    maybeStored: boolean;
  };

/** A broker the producer can send a batch to. */
export interface ProduceBroker {
  /** Sends a produce request (one topic, one partition); rejects with the broker's error. */
  produce(request: ProduceRequest): Promise<ProduceAnswer | unknown>;
}

/** Where the producer's batches go: leaders and producer ids. */
export interface ProduceTarget {
  /** The leader of `partition`; throws a `leaderless` error when there is none. */
  leader(partition: number): Promise<ProduceBroker>;
  /** Says the leader found last may be wrong: the next {@linkcode leader} asks Kafka again. */
  staleLeader(partition: number): void;
  /** A new producer id and epoch (InitProducerId). */
  newProducerId(): Promise<{ producerId: string; producerEpoch: number }>;
}

/** What a producer reports besides outcomes. */
export interface ProducerEvents {
  /** A batch is sent again after `error`. */
  onRetry?: (partition: number, error: unknown) => void;
  /** The partition's producer id was renewed, for `reason`. */
  onRenewed?: (partition: number, reason: string) => void;
}

/** Options of {@linkcode PartitionProducer}. */
export interface PartitionProducerOptions {
  /** Give a batch up after this long, milliseconds (default `LEADERLESS_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** First wait between attempts, milliseconds (doubles up to 1 s; default 100). */
  retryWaitMs?: number;
}

/**
 * Error types a broker can answer after it wrote the batch to the leader's log. Not the
 * leader is among them: AutoMQ closes a moving partition while appends already made may
 * still complete, and the capture shows the retry of such a batch answered
 * DUPLICATE_SEQUENCE_NUMBER on the new leader (stored) after the old one refused it.
 */
const WRITTEN_THEN_FAILED = new Set([
  "NOT_LEADER_FOR_PARTITION",
  "NOT_LEADER_OR_FOLLOWER",
  "REQUEST_TIMED_OUT",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "UNKNOWN_SERVER_ERROR",
  "KAFKA_STORAGE_ERROR",
  "NETWORK_EXCEPTION",
]);

/** The highest sequence number Kafka accepts before it wraps (a renewal starts again at 0). */
const MAX_SEQUENCE = 2 ** 31 - 1;

/**
 * Whether a failed produce attempt may have stored its batch: false only when the broker
 * answered with an error code it sends without writing, or the connection was refused
 * before the request went out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayHaveBeenStored } from "./load_producer.ts";
 * const noLeader = Object.assign(new Error("no leader"), {
 *   name: "KafkaJSProtocolError", type: "LEADER_NOT_AVAILABLE", code: 5 });
 * const dropped = Object.assign(new Error("Closed connection"), {
 *   name: "KafkaJSConnectionClosedError" });
 * assert.deepEqual(mayHaveBeenStored(noLeader), false);
 * assert.ok(mayHaveBeenStored(dropped));
 * ```
 */
export function mayHaveBeenStored(error: unknown): boolean {
  const e = error as { name?: string; type?: string; code?: unknown };
  if (e?.name === "KafkaJSProtocolError" || e?.name === "KafkaJSOffsetOutOfRange") {
    return typeof e.type === "string" && WRITTEN_THEN_FAILED.has(e.type);
  }
  if (e?.name === "KafkaJSConnectionError" && e.code === "ECONNREFUSED") return false;
  return true;
}

/**
 * One partition's idempotent producer (see the module's rules). Its batches must be sent
 * one at a time (the load's pipeline keeps one request in flight per partition).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PartitionProducer } from "./load_producer.ts";
 * // A broker that stored the first attempt but whose answer was lost, then says so.
 * let attempts = 0;
 * const broker = {
 *   produce() {
 *     attempts++;
 *     if (attempts === 1) {
 *       return Promise.reject(Object.assign(new Error("Closed connection"), {
 *         name: "KafkaJSConnectionClosedError" }));
 *     }
 *     return Promise.reject(Object.assign(new Error("duplicate"), {
 *       name: "KafkaJSProtocolError", type: "DUPLICATE_SEQUENCE_NUMBER", code: 46 }));
 *   },
 * };
 * const producer = new PartitionProducer("t", 0, {
 *   leader: () => Promise.resolve(broker),
 *   staleLeader: () => {},
 *   newProducerId: () => Promise.resolve({ producerId: "7", producerEpoch: 0 }),
 * }, {}, { retryWaitMs: 1 });
 * const outcome = await producer.send([new Uint8Array(8)]);
 * assert.deepEqual(outcome, { kind: "acked", duplicate: true });
 * ```
 */
export class PartitionProducer {
  readonly #topic: string;
  readonly #partition: number;
  readonly #target: ProduceTarget;
  readonly #events: ProducerEvents;
  readonly #timeoutMs: number;
  readonly #retryWaitMs: number;
  #producerId: string | undefined;
  #producerEpoch = 0;
  #nextSequence = 0;
  #renewReason: string | undefined;

  /** The producer of `topic`-`partition`, sending through `target`. */
  constructor(
    topic: string,
    partition: number,
    target: ProduceTarget,
    events: ProducerEvents = {},
    options: PartitionProducerOptions = {},
  ) {
    this.#topic = topic;
    this.#partition = partition;
    this.#target = target;
    this.#events = events;
    this.#timeoutMs = options.timeoutMs ?? LEADERLESS_TIMEOUT_MS;
    this.#retryWaitMs = options.retryWaitMs ?? 100;
  }

  /** The producer id and the next sequence number (undefined id: none yet, or renewing). */
  get state(): { producerId?: string; producerEpoch: number; nextSequence: number } {
    return {
      producerId: this.#producerId,
      producerEpoch: this.#producerEpoch,
      nextSequence: this.#nextSequence,
    };
  }

  /** Sends one batch (these records, in order) and says how it ended; never rejects. */
  async send(values: Uint8Array[]): Promise<BatchOutcome> {
    const name = `${this.#topic}-${this.#partition}`;
    if (this.#producerId === undefined || this.#nextSequence + values.length > MAX_SEQUENCE) {
      try {
        await this.#renew(this.#renewReason ?? (this.#producerId ? "sequence wrap" : undefined));
      } catch (error) {
        return { kind: "failed", error: asError(error), maybeStored: false };
      }
    }
    const producerId = this.#producerId!;
    const producerEpoch = this.#producerEpoch;
    const firstSequence = this.#nextSequence;
    this.#nextSequence += values.length;
    const request = {
      topicData: [{
        topic: this.#topic,
        partitions: [{
          partition: this.#partition,
          firstSequence,
          messages: values.map((value) => ({ value })),
        }],
      }],
      producerId,
      producerEpoch,
      acks: -1,
      timeout: 30_000,
    };
    let maybeStored = false;
    let duplicate = false;
    try {
      await retryTransient(async () => {
        // When finding the leader fails, nothing was sent.
        const broker = await this.#target.leader(this.#partition);
        try {
          await broker.produce(request);
        } catch (error) {
          if (classifyKafkaError(error) === "duplicate") {
            duplicate = true;
            return;
          }
          maybeStored ||= mayHaveBeenStored(error);
          throw error;
        }
      }, {
        timeoutMs: this.#timeoutMs,
        initialWaitMs: this.#retryWaitMs,
        what: `Producing to ${name}`,
        partitions: [name],
        onRetry: (error) => {
          this.#target.staleLeader(this.#partition);
          this.#events.onRetry?.(this.#partition, error);
        },
      });
      return { kind: "acked", duplicate };
    } catch (error) {
      if (classifyKafkaError(error) !== "sequence") {
        return this.#giveUp(asError(error), maybeStored);
      }
      this.#renewReason = typeOf(error) ?? "a sequence error";
      this.#producerId = undefined;
      return {
        kind: "failed",
        error: new Error(
          `${name}: ${typeOf(error)} (${asError(error).message}); the producer is renewed ` +
            "and these records are not sent again (an earlier attempt may have stored them).",
        ),
        maybeStored: true,
      };
    }
  }

  /** Ends a batch without an ack; the next batch goes out under a new producer id. */
  #giveUp(error: Error, maybeStored: boolean): BatchOutcome {
    this.#renewReason = "a batch given up";
    this.#producerId = undefined;
    return { kind: "failed", error, maybeStored };
  }

  async #renew(reason: string | undefined): Promise<void> {
    const { producerId, producerEpoch } = await this.#target.newProducerId();
    this.#producerId = producerId;
    this.#producerEpoch = producerEpoch;
    this.#nextSequence = 0;
    this.#renewReason = undefined;
    if (reason !== undefined) this.#events.onRenewed?.(this.#partition, reason);
  }
}

/** The broker's error type of `error` (e.g. OUT_OF_ORDER_SEQUENCE_NUMBER), if it has one. */
function typeOf(error: unknown): string | undefined {
  const type = (error as { type?: unknown })?.type;
  return typeof type === "string" ? type : undefined;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

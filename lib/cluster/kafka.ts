/**
 * kafkajs clients with the lab's defaults: quiet logs, short retries, and errors
 * that say which bootstrap servers did not answer and what to do; what a failed Kafka
 * call means ({@linkcode classifyKafkaError}), and the one way the lab retries a call
 * while a partition has no leader for a moment ({@linkcode retryTransient}).
 *
 * A partition without a leader for a few seconds is normal: an AutoMQ move closes it on
 * its source broker (~0.6-1.3 s) and only then opens it on its destination (~1.1-1.4 s),
 * and an Apache Kafka partition whose only replica's broker restarts has no leader until
 * that broker is back. Clients then see LEADER_NOT_AVAILABLE or NOT_LEADER_OR_FOLLOWER,
 * bare or wrapped by kafkajs (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError).
 *
 * Workaround (the TimeoutNegativeWarning filter below): https://github.com/tulios/kafkajs/issues/1751
 * (open; fixes in PRs #1755/#1756, unreleased). Cost: `process.emitWarning` is wrapped for the
 * whole process. Delete when a kafkajs release clamps that delay (src/network/requestQueue/index.js).
 *
 * @module
 */

import process from "node:process";
import { type Admin, type ISocketFactory, Kafka, logLevel } from "kafkajs";

// kafkajs 2.2.4 arms timers with a negative delay (a deadline already passed),
// which Deno's Node layer reports as a TimeoutNegativeWarning on stderr, with a
// nonsense number, many times a run. The timer still fires at once, as kafkajs
// expects; only that one warning is dropped, every other warning still shows.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = warning instanceof Error
    ? warning.name
    : typeof rest[0] === "string"
    ? rest[0]
    : (rest[0] as { type?: string } | undefined)?.type;
  if (type === "TimeoutNegativeWarning") return;
  return (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** Options of {@linkcode createKafka}. */
export interface KafkaOptions {
  /** The client id shown in broker logs. */
  clientId?: string;
  /** Connection timeout per broker, milliseconds. */
  connectionTimeoutMs?: number;
  /** Retries before a request fails. */
  retries?: number;
  /**
   * How kafkajs opens its sockets (default: plain TCP). The fault-injection tests put a
   * proxy between client and broker this way.
   */
  socketFactory?: ISocketFactory;
}

/**
 * A kafkajs client for the lab's cluster.
 *
 * @example
 * ```ts ignore
 * import { createKafka } from "./kafka.ts";
 * const kafka = createKafka(["127.0.0.1:9092"], { clientId: "example" });
 * const producer = kafka.producer();
 * ```
 */
export function createKafka(brokers: string[], options: KafkaOptions = {}): Kafka {
  if (brokers.length === 0) {
    throw new Error("No bootstrap servers given; set LAB_BOOTSTRAP or start an environment.");
  }
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) {
      throw new Error(`Bootstrap server "${broker}" is not host:port; fix LAB_BOOTSTRAP.`);
    }
  }
  return new Kafka({
    clientId: options.clientId ?? "auto-balancing-lab",
    brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: 30_000,
    logLevel: logLevel.NOTHING,
    retry: { retries: options.retries ?? 3, initialRetryTime: 250, maxRetryTime: 2000 },
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
  });
}

/**
 * Says plainly that the cluster did not answer, keeping kafkajs's reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unreachableError } from "./kafka.ts";
 * const error = unreachableError(["127.0.0.1:9092"], new Error("ECONNREFUSED"));
 * assert.ok(error.message.includes("deno task setup"));
 * ```
 */
export function unreachableError(brokers: string[], cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `Kafka at ${brokers.join(",")} did not answer (${reason}). Is the environment up? ` +
      "Run `deno task setup`, or check LAB_BOOTSTRAP.",
    { cause },
  );
}

/**
 * Runs `work` with a connected admin client and always disconnects it.
 *
 * @example
 * ```ts ignore
 * import { withAdmin } from "./kafka.ts";
 * const topics = await withAdmin(["127.0.0.1:9092"], (admin) => admin.listTopics());
 * ```
 */
export async function withAdmin<T>(
  brokers: string[],
  work: (admin: Admin) => Promise<T>,
  options: KafkaOptions = {},
): Promise<T> {
  const admin = createKafka(brokers, options).admin();
  try {
    await admin.connect();
  } catch (error) {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
    throw unreachableError(brokers, error);
  }
  try {
    return await work(admin);
  } finally {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
  }
}

/**
 * How long the lab keeps retrying a Kafka call while a partition has no leader or a
 * broker does not answer, milliseconds: far above AutoMQ's 1-3 s without a leader
 * during a move and a local broker's restart, short enough to say soon what is wrong.
 */
export const LEADERLESS_TIMEOUT_MS = 30_000;

/**
 * What a failed Kafka call means for whoever made it:
 * - `leaderless`: the partition has no leader, or the one asked is no longer it
 *   (LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, a leader
 *   epoch that moved on, a broker missing from the metadata): retry on fresh metadata;
 * - `transient`: a dropped connection, a timeout, a controller or coordinator moving:
 *   retry;
 * - `duplicate`: DUPLICATE_SEQUENCE_NUMBER, the batch is already stored (the Java client
 *   counts it as sent);
 * - `sequence`: OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH,
 *   INVALID_PRODUCER_ID_MAPPING: the broker's producer state and the client's disagree;
 *   the producer must be renewed;
 * - `fatal`: anything else; retrying will not help.
 */
export type KafkaFailure = "leaderless" | "transient" | "duplicate" | "sequence" | "fatal";

const LEADERLESS_TYPES = new Set([
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION", // kafkajs's name for NOT_LEADER_OR_FOLLOWER (code 6)
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "PREFERRED_LEADER_NOT_AVAILABLE",
  "REPLICA_NOT_AVAILABLE",
]);
const LEADERLESS_NAMES = new Set([
  "KafkaJSBrokerNotFound",
  "KafkaJSMetadataNotLoaded",
  "KafkaJSTopicMetadataNotLoaded",
  "LeaderlessError",
]);
const TRANSIENT_TYPES = new Set([
  "REQUEST_TIMED_OUT",
  "NOT_ENOUGH_REPLICAS",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "KAFKA_STORAGE_ERROR",
  "NOT_CONTROLLER",
  "COORDINATOR_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "NOT_COORDINATOR",
  "OFFSET_NOT_AVAILABLE",
  "NETWORK_EXCEPTION",
  "UNKNOWN_SERVER_ERROR",
  "THROTTLING_QUOTA_EXCEEDED",
]);
const TRANSIENT_NAMES = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSLockTimeout",
  "KafkaJSStaleTopicMetadataAssignment",
]);
const SEQUENCE_TYPES = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "UNKNOWN_PRODUCER_ID",
  "INVALID_PRODUCER_EPOCH",
  "INVALID_PRODUCER_ID_MAPPING",
]);
/** kafkajs's message for LEADER_NOT_AVAILABLE, which some wrappers keep as their only trace. */
const NO_LEADER_MESSAGE = "There is no leader for this topic-partition";

/** What the lab reads from a kafkajs error (each field optional). */
interface ErrorFields {
  name?: string;
  type?: string;
  message?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
  partitions?: unknown;
}

/** `error` and the errors it wraps (kafkajs's `cause` and `originalError`), outermost first. */
function errorChain(error: unknown): ErrorFields[] {
  const chain: ErrorFields[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === "object" && chain.length < 8) {
    const fields = current as ErrorFields;
    if (chain.includes(fields)) break;
    chain.push(fields);
    current = fields.cause ?? fields.originalError;
  }
  return chain;
}

/**
 * What a failed Kafka call means (see {@linkcode KafkaFailure}), looking through
 * kafkajs's wrappers to the error the broker or the connection gave.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classifyKafkaError } from "./kafka.ts";
 * const leaderless = Object.assign(new Error("There is no leader for this topic-partition"), {
 *   name: "KafkaJSProtocolError", type: "LEADER_NOT_AVAILABLE", retriable: true });
 * const wrapped = Object.assign(new Error(leaderless.message), {
 *   name: "KafkaJSNumberOfRetriesExceeded", retriable: false, cause: leaderless });
 * assert.deepEqual(classifyKafkaError(wrapped), "leaderless");
 * const duplicate = Object.assign(new Error("duplicate"), { type: "DUPLICATE_SEQUENCE_NUMBER" });
 * assert.deepEqual(classifyKafkaError(duplicate), "duplicate");
 * assert.deepEqual(classifyKafkaError(new TypeError("a bug")), "fatal");
 * ```
 */
export function classifyKafkaError(error: unknown): KafkaFailure {
  const chain = errorChain(error);
  const types = chain.map((e) => e.type).filter((t): t is string => typeof t === "string");
  const names = chain.map((e) => e.name).filter((n): n is string => typeof n === "string");
  if (types.includes("DUPLICATE_SEQUENCE_NUMBER")) return "duplicate";
  if (types.some((t) => SEQUENCE_TYPES.has(t))) return "sequence";
  if (
    types.some((t) => LEADERLESS_TYPES.has(t)) || names.some((n) => LEADERLESS_NAMES.has(n)) ||
    chain.some((e) => typeof e.message === "string" && e.message.includes(NO_LEADER_MESSAGE))
  ) {
    return "leaderless";
  }
  if (types.some((t) => TRANSIENT_TYPES.has(t)) || names.some((n) => TRANSIENT_NAMES.has(n))) {
    return "transient";
  }
  const innermost = chain.at(-1);
  if (innermost instanceof TypeError || innermost instanceof RangeError) return "fatal";
  if (innermost instanceof ReferenceError || innermost instanceof SyntaxError) return "fatal";
  return innermost?.retriable === true ? "transient" : "fatal";
}

/**
 * A partition (or several) found without a leader: thrown by the lab's own reads when
 * Kafka's metadata shows no leader for them, and classified `leaderless`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classifyKafkaError, LeaderlessError } from "./kafka.ts";
 * const error = new LeaderlessError("traffic-test", [3]);
 * assert.deepEqual(error.message, "No leader for traffic-test-3.");
 * assert.deepEqual(classifyKafkaError(error), "leaderless");
 * ```
 */
export class LeaderlessError extends Error {
  /** The topic. */
  readonly topic: string;
  /** The partitions without a leader, in the form the metadata annotation uses. */
  readonly partitions: Array<{ topic: string; partition: number }>;
  /** Builds the error for `partitions` of `topic`. */
  constructor(topic: string, partitions: number[]) {
    super(`No leader for ${partitions.map((p) => `${topic}-${p}`).join(", ")}.`);
    this.name = "LeaderlessError";
    this.topic = topic;
    this.partitions = partitions.map((partition) => ({ topic, partition }));
  }
}

/**
 * The partitions a failed call names as without a leader (`topic-N`), read from a
 * {@linkcode LeaderlessError} or from the partitions kafkajs's metadata answer listed
 * with an error (see `kafkajs_cluster.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LeaderlessError, partitionsNamedBy } from "./kafka.ts";
 * assert.deepEqual(partitionsNamedBy(new LeaderlessError("t", [1, 4])), ["t-1", "t-4"]);
 * ```
 */
export function partitionsNamedBy(error: unknown): string[] {
  const names = new Set<string>();
  for (const e of errorChain(error)) {
    if (!Array.isArray(e.partitions)) continue;
    for (const p of e.partitions as Array<{ topic?: unknown; partition?: unknown }>) {
      if (typeof p.topic === "string" && typeof p.partition === "number") {
        names.add(`${p.topic}-${p.partition}`);
      }
    }
  }
  return [...names];
}

/** The broker's error type, or the error's name, for a sentence. */
function reasonOf(error: unknown): string {
  const chain = errorChain(error);
  const type = chain.map((e) => e.type).find((t) => typeof t === "string");
  const innermost = chain.at(-1);
  if (!type && innermost?.name === "LeaderlessError") return "the metadata names no leader";
  const message = innermost?.message ?? String(error);
  return type ? `${type}: ${message}` : message;
}

/** How {@linkcode retryTransient} retries. */
export interface RetryOptions {
  /** Give up after this long, milliseconds (default {@linkcode LEADERLESS_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** What the call does, for the sentence when it gives up (e.g. "Reading the placement of t"). */
  what?: string;
  /** The partitions the call is about (`topic-N`), when the error itself cannot name them. */
  partitions?: string[];
  /** Called before each retry with the error that caused it. */
  onRetry?: (error: unknown) => void;
  /** First wait between attempts, milliseconds (doubling up to 1 s; default 100). */
  initialWaitMs?: number;
  /** Stops retrying (the last error is thrown). */
  signal?: AbortSignal;
}

/**
 * Runs `work`, retrying for up to about 30 s (see {@linkcode LEADERLESS_TIMEOUT_MS})
 * while it fails with a `leaderless` or `transient` error ({@linkcode classifyKafkaError}):
 * a partition between two leaders, a broker restarting, a new topic not yet known to
 * every broker. Any other error is thrown at once, as it is. When time runs out it
 * throws one sentence: what failed, for how long, which partitions had no leader, the
 * broker's reason, and what to check. The lab's one retry mechanism for Kafka calls.
 *
 * @example
 * ```ts
 * import { LeaderlessError, retryTransient } from "./kafka.ts";
 * let calls = 0;
 * const value = await retryTransient(() => {
 *   calls++;
 *   if (calls < 3) throw new LeaderlessError("t", [0]);
 *   return Promise.resolve("placed");
 * });
 * console.log(value, calls); // "placed" 3
 * try {
 *   await retryTransient(() => Promise.reject(new LeaderlessError("t", [2])), {
 *     timeoutMs: 300, what: "Reading where t's partitions are" });
 * } catch (error) {
 *   console.log((error as Error).message.startsWith("Reading where t's partitions are failed"));
 *   // true
 * }
 * ```
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? LEADERLESS_TIMEOUT_MS;
  const started = Date.now();
  let wait = options.initialWaitMs ?? 100;
  while (true) {
    try {
      return await work();
    } catch (error) {
      const kind = classifyKafkaError(error);
      if (kind !== "leaderless" && kind !== "transient") throw error;
      if (Date.now() - started >= timeoutMs || options.signal?.aborted) {
        throw gaveUpError(error, Date.now() - started, options);
      }
      options.onRetry?.(error);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(1000, Math.max(1, wait * 2));
    }
  }
}

/**
 * The sentence for a call that kept failing with a leaderless or transient error for
 * `elapsedMs`: what, for how long, which partitions, the reason, and what to check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gaveUpError, LeaderlessError } from "./kafka.ts";
 * const error = gaveUpError(new LeaderlessError("t", [3]), 30_000, { what: "Producing to t-3" });
 * assert.ok(error.message.includes("no leader for t-3"));
 * assert.ok(error.message.includes("deno task status"));
 * ```
 */
export function gaveUpError(error: unknown, elapsedMs: number, options: RetryOptions = {}): Error {
  const what = options.what ?? "A Kafka request";
  const seconds = Math.round(elapsedMs / 1000);
  const named = partitionsNamedBy(error);
  const partitions = named.length > 0 ? named : options.partitions ?? [];
  const reason = reasonOf(error);
  if (classifyKafkaError(error) === "leaderless") {
    const which = partitions.length > 0 ? partitions.join(", ") : "a partition it needs";
    return new Error(
      `${what} failed for ${seconds} s: no leader for ${which} (${reason}). A partition has ` +
        "no leader while it moves (on AutoMQ for 1-3 s) or while the broker holding it is " +
        "down: check that every broker is up (deno task status, or the brokers' logs) and, " +
        "on AutoMQ, that the controller finished the move (its log).",
      { cause: error },
    );
  }
  const about = partitions.length > 0 ? ` (${partitions.join(", ")})` : "";
  return new Error(
    `${what}${about} failed for ${seconds} s: ${reason}. Check that every broker is up and ` +
      "answering (deno task status, or the brokers' logs).",
    { cause: error },
  );
}

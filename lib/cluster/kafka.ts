/**
 * kafkajs clients with the lab's defaults: quiet logs, short retries, and errors
 * that say which bootstrap servers did not answer and what to do.
 *
 * Workaround (the TimeoutNegativeWarning filter below): https://github.com/tulios/kafkajs/issues/1751
 * (open; fixes in PRs #1755/#1756, unreleased). Cost: `process.emitWarning` is wrapped for the
 * whole process. Delete when a kafkajs release clamps that delay (src/network/requestQueue/index.js).
 *
 * @module
 */

import process from "node:process";
import { type Admin, Kafka, logLevel } from "kafkajs";

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
  });
}

/**
 * Says plainly that the cluster did not answer, keeping kafkajs's reason.
 *
 * @example
 * ```ts
 * import { unreachableError } from "./kafka.ts";
 * const error = unreachableError(["127.0.0.1:9092"], new Error("ECONNREFUSED"));
 * console.log(error.message.includes("deno task setup")); // true
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
    await admin.disconnect().catch(() => {});
    throw unreachableError(brokers, error);
  }
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Runs `work`, retrying for up to `timeoutMs` while it fails with an error Kafka
 * marks retriable (a new topic not yet known to every broker, a leader moving).
 *
 * @example
 * ```ts
 * import { retryTransient } from "./kafka.ts";
 * let calls = 0;
 * const value = await retryTransient(() => Promise.resolve(++calls));
 * console.log(value); // 1
 * ```
 */
export async function retryTransient<T>(work: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      return await work();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

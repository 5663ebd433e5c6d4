/**
 * The request-rate load (`LAB_SMALL_RECORDS`): many small records, each sent alone in its
 * own produce request, to a few partitions, beside the byte load. It skews the brokers'
 * request rate (produce requests per second) while adding almost no bytes: 400 requests/s
 * of 100 B records is 0.04 MB/s. AutoMQ 1.7.3 balances bytes only
 * (`NetworkInUsageDistributionGoal`, `NetworkOutUsageDistributionGoal`), so it leaves such a
 * skew alone; `qps-skew` shows that.
 *
 * @module
 */

import { createKafka } from "./kafka.ts";
import { newRunId, RecordEncoder } from "../core/records.ts";
import { delay } from "../core/process.ts";

/** Bytes per small record. */
export const SMALL_RECORD_BYTES = 100;
/** Requests in flight at once. */
const IN_FLIGHT = 8;

/** Options of {@linkcode startSmallRecords}. */
export interface SmallRecordsOptions {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** The topic. */
  topic: string;
  /** The partitions to send to, in turn. */
  partitions: number[];
  /** Produce requests per second (one record each). */
  requestsPerSecond: number;
}

/** What the request-rate load did. */
export interface SmallRecordsStats {
  /** Its run id (its records are the lab's format, with this id). */
  runId: number;
  /** Requests sent. */
  sent: number;
  /** Requests acknowledged. */
  acked: number;
  /** Requests that failed after kafkajs's retries. */
  failed: number;
  /** Acknowledged requests per second over its run. */
  achievedPerSecond: number;
}

/** A running request-rate load. */
export interface RunningSmallRecords {
  /** Stops sending; resolves with what it did once the requests in flight are answered. */
  stop(): Promise<SmallRecordsStats>;
}

/**
 * Paces `requestsPerSecond` single-record produce requests over `partitions` until stopped.
 *
 * @example
 * ```ts ignore
 * // Needs a cluster with the topic.
 * import { startSmallRecords } from "./small_records.ts";
 * const small = await startSmallRecords({ bootstrapServers: ["127.0.0.1:9092"], topic: "t",
 *   partitions: [0, 1], requestsPerSecond: 200 });
 * console.log((await small.stop()).acked);
 * ```
 */
export async function startSmallRecords(
  options: SmallRecordsOptions,
): Promise<RunningSmallRecords> {
  if (options.partitions.length === 0 || !(options.requestsPerSecond > 0)) {
    throw new Error("The request-rate load needs partitions and a positive rate.");
  }
  const producer = createKafka(options.bootstrapServers, { clientId: "lab-small-records" })
    .producer({ allowAutoTopicCreation: false, retry: { retries: 10 } });
  await producer.connect();
  const runId = newRunId();
  const encoder = new RecordEncoder(SMALL_RECORD_BYTES, runId);
  const stats: SmallRecordsStats = { runId, sent: 0, acked: 0, failed: 0, achievedPerSecond: 0 };
  let stopping = false;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  const pacing = (async () => {
    const gapMs = 1000 / options.requestsPerSecond;
    while (!stopping) {
      const due = Math.floor((performance.now() - started) / gapMs) + 1;
      while (stats.sent < due && inFlight.size < IN_FLIGHT && !stopping) {
        const sequence = stats.sent++;
        const partition = options.partitions[sequence % options.partitions.length];
        const request: Promise<void> = producer.send({
          topic: options.topic,
          acks: -1,
          messages: [{ partition, value: Buffer.from(encoder.encode(sequence)) }],
        }).then(() => {
          stats.acked++;
        }, () => {
          stats.failed++;
        }).finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await (inFlight.size >= IN_FLIGHT ? Promise.race(inFlight) : delay(Math.max(1, gapMs)));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await pacing;
      await Promise.allSettled([...inFlight]);
      await producer.disconnect().catch(() => {});
      const seconds = (performance.now() - started) / 1000;
      stats.achievedPerSecond = seconds > 0 ? stats.acked / seconds : 0;
      return stats;
    },
  };
}

/**
 * The request rate per broker: produce (and fetch) requests per second, from the brokers'
 * own request counters (`kafka_request_count_total{type}`: Apache Kafka's
 * `kafka.network:type=RequestMetrics,name=RequestsPerSec` renamed by the local JMX exporter,
 * and AutoMQ 1.7.3's own exporter). The balancer never reads it: AutoMQ 1.7.3's goals
 * balance bytes in and bytes out only, so a request-rate skew with even bytes stays.
 *
 * @module
 */

import { queries } from "./metrics.ts";
import type { PromClient } from "./prom.ts";

/** One broker's request rate. */
export interface BrokerRequests {
  /** Broker id. */
  broker: number;
  /** Produce requests per second over the window. */
  producePerSecond: number;
  /** Fetch requests per second over the window. */
  fetchPerSecond: number;
}

/**
 * Each of `brokers`' produce and fetch request rates over the `windowSeconds` ending `at`.
 *
 * @example
 * ```ts ignore
 * import { requestRates } from "./request_rate.ts";
 * import { PromClient } from "./prom.ts";
 * console.log(await requestRates(new PromClient("http://127.0.0.1:9090"), [0, 1, 2], 30));
 * ```
 */
export async function requestRates(
  prom: PromClient,
  brokers: readonly number[],
  windowSeconds: number,
  at?: Date,
): Promise<BrokerRequests[]> {
  const [produce, fetch] = await Promise.all(
    ["Produce", "Fetch"].map((type) =>
      prom.queryVector(queries.brokerRequestRate(type, windowSeconds), at ? { time: at } : {})
    ),
  );
  const of = (samples: typeof produce, broker: number) => {
    const v = samples.find((s) => Number(s.labels.broker) === broker)?.value ?? 0;
    return Number.isFinite(v) ? v : 0;
  };
  return brokers.map((broker) => ({
    broker,
    producePerSecond: of(produce, broker),
    fetchPerSecond: of(fetch, broker),
  }));
}

/** The busiest broker's produce request rate over the quietest's (Infinity if one is 0). */
export function requestSkew(rates: readonly BrokerRequests[]): number {
  const values = rates.map((r) => r.producePerSecond);
  if (values.length === 0) return 1;
  const low = Math.min(...values);
  return low > 0 ? Math.max(...values) / low : Infinity;
}

/**
 * One sentence on the request rates against the bytes: which broker takes how many produce
 * requests per second, the skew, and why the balancer leaves it (it balances bytes only).
 *
 * @example
 * ```ts
 * import { requestRateSentence } from "./request_rate.ts";
 * const line = requestRateSentence([
 *   { broker: 0, producePerSecond: 410, fetchPerSecond: 2 },
 *   { broker: 1, producePerSecond: 21, fetchPerSecond: 2 },
 * ], 1.02);
 * if (!/19\.5× the quietest/.test(line)) throw new Error(line);
 * ```
 */
export function requestRateSentence(
  rates: readonly BrokerRequests[],
  bytesMaxOverMean: number,
): string {
  const list = rates.map((r) => `broker ${r.broker} ${r.producePerSecond.toFixed(0)}/s`).join(
    ", ",
  );
  const skew = requestSkew(rates);
  const skewText = Number.isFinite(skew) ? `${skew.toFixed(1)}×` : "infinitely many times";
  return `Produce requests per second: ${list}; the busiest takes ${skewText} the quietest, ` +
    `while bytes in sit at max/mean ${bytesMaxOverMean.toFixed(2)}. The balancer does not ` +
    "read request rates: AutoMQ 1.7.3's goals balance bytes in and bytes out only " +
    "(NetworkInUsageDistributionGoal, NetworkOutUsageDistributionGoal), so there is nothing " +
    "to balance in bytes and a request-rate skew stays.";
}

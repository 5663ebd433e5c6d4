/**
 * The lab's scenarios: each is a shape of imbalance a workshop can run, as data. A
 * scenario sets defaults for the `LAB_*` settings (brokers, partitions, placement,
 * skew, rate), which the variables themselves still override, and may change the
 * cluster once the before-measurement is taken (a broker joins, a broker leaves).
 *
 * @module
 */

/** What a scenario does to the cluster after the before-measurement. */
type ScenarioEvent = "add-broker" | "remove-broker";

/** One scenario. */
export interface Scenario {
  /** Its name, as `LAB_SCENARIO` takes it. */
  name: string;
  /** One line for lists. */
  title: string;
  /** A short paragraph a notebook shows: what it sets up and what to expect. */
  description: string;
  /** Defaults for `LAB_*` settings (the variables win). */
  defaults: Readonly<Record<string, string>>;
  /** What happens after the before-measurement, if anything. */
  event?: ScenarioEvent;
  /**
   * The verdict a good run ends with; `nothing-to-balance`: bytes are even, the balancer
   * moves nothing, and what the scenario shows is measured beside it (the request rate).
   */
  expected: "balanced" | "best-possible" | "nothing-to-balance";
}

/** Every scenario, the seed's first. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "placement",
    title: "4-1-1 placement, uniform traffic (the seed's story)",
    description: "Three brokers; six partitions placed 4-1-1; 20 MB/s spread evenly over the " +
      "partitions, so broker 0 takes two thirds of the bytes. The balancer moves two " +
      "partitions off broker 0 and the brokers end at one third each.",
    defaults: {
      LAB_BROKERS: "3",
      LAB_PARTITIONS: "6",
      LAB_PLACEMENT: "4-1-1",
      LAB_SKEW: "uniform",
    },
    expected: "balanced",
  },
  {
    name: "traffic-skew",
    title: "traffic aimed at broker 0's partitions",
    description: "Three brokers, six partitions placed evenly (2-2-2), but 80% of the bytes go " +
      "to the two partitions broker 0 leads (8 MB/s each) and 10% to each other broker's. " +
      "Two 8 MB/s partitions cannot be split: the best any placement reaches is 8-8-4 MB/s " +
      "(max/mean 1.2), and the balancer gets there.",
    defaults: {
      LAB_BROKERS: "3",
      LAB_PARTITIONS: "6",
      LAB_PLACEMENT: "even",
      LAB_SKEW: "b0=0.8,b1=0.1,b2=0.1",
    },
    expected: "best-possible",
  },
  {
    name: "hot-partitions",
    title: "a few hot partitions that cannot be spread evenly",
    description: "Three brokers, six partitions placed 4-1-1, and per-partition traffic of " +
      "45%, 15%, then 10% each: partition 0 alone carries 9 MB/s, more than a fair share " +
      "(6.67 MB/s). No placement reaches the ±10% band; the verdict is judged against the " +
      "best achievable spread, which the balancer reaches.",
    defaults: {
      LAB_BROKERS: "3",
      LAB_PARTITIONS: "6",
      LAB_PLACEMENT: "4-1-1",
      LAB_SKEW: "p0=0.45,p1=0.15,p2=0.1,p3=0.1,p4=0.1,p5=0.1",
    },
    expected: "best-possible",
  },
  {
    name: "scale-out",
    title: "a fourth broker joins a balanced cluster",
    description: "Three brokers carry twelve partitions evenly (4-4-4) under 20 MB/s. A fourth " +
      "broker joins, empty: it sits below the band, and the balancer moves partitions onto " +
      "it until each broker leads three.",
    defaults: {
      LAB_BROKERS: "3",
      LAB_PARTITIONS: "12",
      LAB_PLACEMENT: "even",
      LAB_SKEW: "uniform",
    },
    event: "add-broker",
    expected: "balanced",
  },
  {
    name: "scale-in",
    title: "a broker leaves a four-broker cluster",
    description: "Four brokers carry twelve partitions evenly (3-3-3-3) under 20 MB/s. Broker 3 " +
      "is removed the way AutoMQ's controller handles a node going away: its partitions are " +
      "first reassigned to the other brokers, then the node stops; no acknowledged record " +
      "may be lost or duplicated, and the remaining three must end balanced.",
    defaults: {
      LAB_BROKERS: "4",
      LAB_PARTITIONS: "12",
      LAB_PLACEMENT: "even",
      LAB_SKEW: "uniform",
    },
    event: "remove-broker",
    expected: "balanced",
  },
  {
    name: "fanout-skew",
    title: "bytes in even, bytes out skewed by a heavy fan-out on broker 0",
    description: "Three brokers, nine partitions placed evenly (3-3-3), 10 MB/s spread evenly: " +
      "bytes in are balanced. Five consumer groups read broker 0's three partitions and one " +
      "group reads the others, so broker 0 serves 5/2 of the mean bytes out. The in goal has " +
      "nothing to do; the out goal trades broker 0's heavy-read partitions for light ones " +
      "until each broker serves one heavy and two light partitions: bytes out even, bytes " +
      "in still even.",
    defaults: {
      LAB_BROKERS: "3",
      LAB_PARTITIONS: "9",
      LAB_PLACEMENT: "even",
      LAB_SKEW: "uniform",
      LAB_RATE_MBPS: "10",
      LAB_CONSUMER_GROUPS: "5",
      LAB_FANOUT: "b0=5",
    },
    expected: "balanced",
  },
  {
    name: "qps-skew",
    title: "request rate skewed several-fold, bytes even: nothing to balance in bytes",
    description: "Three brokers, six partitions placed evenly (2-2-2), 20 MB/s spread evenly " +
      "in 100 KiB records (about 200 a second), and beside it 400 produce requests per second of one 100 B record " +
      "each to broker 0's partitions (0.04 MB/s). Broker 0 answers many times more produce " +
      "requests than the others while every broker takes the same bytes. AutoMQ 1.7.3 " +
      "balances bytes only (NetworkIn/OutUsageDistributionGoal): the balancer moves nothing, " +
      "and the lab shows the request rate per broker it leaves skewed.",
    defaults: {
      LAB_BROKERS: "3",
      LAB_PARTITIONS: "6",
      LAB_PLACEMENT: "even",
      LAB_SKEW: "uniform",
      LAB_RECORD_BYTES: "102400",
      LAB_SMALL_RECORDS: "b0=400",
    },
    expected: "nothing-to-balance",
  },
];

/**
 * The scenario called `name`, or an error listing the valid names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scenarioNamed } from "./scenarios.ts";
 * assert.deepEqual(scenarioNamed("scale-out").event, "add-broker");
 * ```
 */
export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name.trim().toLowerCase());
  if (!found) {
    throw new Error(
      `"${name}" is not a scenario; use one of ${SCENARIOS.map((s) => s.name).join(", ")}.`,
    );
  }
  return found;
}

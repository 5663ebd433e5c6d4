/**
 * The messages of AutoMQ's auto-balancer, worded as AutoMQ words them (release 1.6/1.7):
 * the detector's and the executor's carry a context prefix, `[AnomalyDetector id=N] ` and
 * `[ExecutionManager id=N] `; the goals' have none. With the logger at DEBUG, each `Broker
 * status` line is followed by one `Replica status TopicPartitionReplica{…}` line per
 * partition of that broker, in the order AutoMQ's hash maps iterate.
 *
 * @module
 */

import type { Direction } from "../core/metrics_types.ts";
import { formatDataSize, resourceString } from "./log_format.ts";
import { GOAL_RESOURCE } from "./plan_goals.ts";
import type { GoalName, Loads, PlanAction } from "./plan_types.ts";

/**
 * The detector's context prefix, `[AnomalyDetector id=N] `.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectorPrefix } from "./log_messages.ts";
 * assert.equal(detectorPrefix(1), "[AnomalyDetector id=1] ");
 * ```
 */
export function detectorPrefix(nodeId = 0): string {
  return `[AnomalyDetector id=${nodeId}] `;
}

/**
 * The executor's context prefix, `[ExecutionManager id=N] `.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { executorPrefix } from "./log_messages.ts";
 * assert.equal(executorPrefix(1), "[ExecutionManager id=1] ");
 * ```
 */
export function executorPrefix(nodeId = 0): string {
  return `[ExecutionManager id=${nodeId}] `;
}

/**
 * `<Goal> expected dist bound: NWIn=a-NWIn=b` (no prefix: goals log without context).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goalBoundMessage } from "./log_messages.ts";
 * assert.equal(
 *   goalBoundMessage("NetworkInUsageDistributionGoal", 1024, 2048),
 *   "NetworkInUsageDistributionGoal expected dist bound: NWIn=1KB/s-NWIn=2KB/s",
 * );
 * ```
 */
export function goalBoundMessage(goal: GoalName, lower: number, upper: number): string {
  const r = GOAL_RESOURCE[goal];
  return `${goal} expected dist bound: ${resourceString(r, lower)}-${resourceString(r, upper)}`;
}

/** What a broker status line says. */
export interface BrokerStatus {
  /** Broker id. */
  broker: number;
  /** Its loads, or undefined when it hosts no partition (AutoMQ then prints `Loads={}`). */
  loads?: Loads;
  /** When its metrics were last updated, epoch ms. */
  timestampMs: number;
  /** Metrics out of date. */
  outOfDate?: boolean;
  /** Marked slow. */
  slow?: boolean;
}

/**
 * `Broker status: Broker{brokerId=0, outOfDate=false, slow=false, timestamp=…, Loads={…}}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { brokerStatusMessage } from "./log_messages.ts";
 * assert.equal(
 *   brokerStatusMessage({ broker: 2, loads: { in: 1024, out: 0 }, timestampMs: 1000 }),
 *   "Broker status: Broker{brokerId=2, outOfDate=false, slow=false, timestamp=1000, " +
 *     "Loads={NWIn=1KB/s (trusted), NWOut=0Bytes/s (trusted)}}",
 * );
 * ```
 */
export function brokerStatusMessage(status: BrokerStatus): string {
  const loads = status.loads === undefined
    ? ""
    : `${resourceString("in", status.loads.in)} (trusted), ${
      resourceString("out", status.loads.out)
    } (trusted)`;
  return `Broker status: Broker{brokerId=${status.broker}, outOfDate=${
    status.outOfDate ?? false
  }, slow=${status.slow ?? false}, timestamp=${Math.trunc(status.timestampMs)}, Loads={${loads}}}`;
}

/** What a replica status line says (one partition of the snapshot). */
export interface ReplicaStatus {
  /** Topic. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Its loads, bytes/s. */
  loads: Loads;
  /** When its metrics were last updated, epoch ms. */
  timestampMs: number;
  /** Metrics out of date. */
  outOfDate?: boolean;
}

/**
 * `Replica status TopicPartitionReplica{tp=t-0, outOfDate=false, timestamp=…, Loads={…}}`:
 * AutoMQ's detector writes one at DEBUG per partition of each broker, right after that
 * broker's status line, in the order the broker's partition map iterates (note: no colon
 * after "status", unlike the broker line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicaStatusMessage } from "./log_messages.ts";
 * assert.equal(
 *   replicaStatusMessage({ topic: "t", partition: 0, loads: { in: 2048, out: 0 }, timestampMs: 1000 }),
 *   "Replica status TopicPartitionReplica{tp=t-0, outOfDate=false, timestamp=1000, " +
 *     "Loads={NWIn=2KB/s (trusted), NWOut=0Bytes/s (trusted)}}",
 * );
 * ```
 */
export function replicaStatusMessage(status: ReplicaStatus): string {
  return `Replica status TopicPartitionReplica{tp=${status.topic}-${status.partition}, ` +
    `outOfDate=${status.outOfDate ?? false}, timestamp=${Math.trunc(status.timestampMs)}, ` +
    `Loads={${resourceString("in", status.loads.in)} (trusted), ${
      resourceString("out", status.loads.out)
    } (trusted)}}`;
}

/**
 * `Broker N violates goal G` (a WARN line without prefix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { brokerViolatesMessage } from "./log_messages.ts";
 * assert.equal(
 *   brokerViolatesMessage(0, "NetworkInUsageDistributionGoal"),
 *   "Broker 0 violates goal NetworkInUsageDistributionGoal",
 * );
 * ```
 */
export function brokerViolatesMessage(broker: number, goal: GoalName): string {
  return `Broker ${broker} violates goal ${goal}`;
}

/**
 * `Failed to balance broker N network inbound load after iterating all partitions` (WARN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { balanceFailedMessage } from "./log_messages.ts";
 * assert.match(balanceFailedMessage(3, "NetworkOutUsageDistributionGoal"), /broker 3 network outbound load/);
 * ```
 */
export function balanceFailedMessage(broker: number, goal: GoalName): string {
  const way = GOAL_RESOURCE[goal] === "in" ? "inbound" : "outbound";
  return `Failed to balance broker ${broker} network ${way} load after iterating all partitions`;
}

function delta(resource: Direction, after: number, before: number | undefined): string {
  const change = after - (before ?? 0);
  return `${resourceString(resource, after)} (${change > 0 ? "+" : "-"}${
    formatDataSize(Math.abs(change))
  }/s)`;
}

/**
 * `Expected load change: brokerId=N, NWIn=a (+d/s), NWOut=b (-e/s)`. `after` undefined means
 * the broker hosts nothing before or after (AutoMQ then prints nothing after `brokerId=N, `).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedLoadChangeMessage } from "./log_messages.ts";
 * assert.equal(
 *   expectedLoadChangeMessage(1, { in: 1024, out: 0 }, { in: 3072, out: 0 }),
 *   "Expected load change: brokerId=1, NWIn=3KB/s (+2KB/s), NWOut=0Bytes/s (-0Bytes/s)",
 * );
 * ```
 */
export function expectedLoadChangeMessage(
  broker: number,
  before: Loads | undefined,
  after: Loads | undefined,
): string {
  const loads = after === undefined
    ? ""
    : `${delta("in", after.in, before?.in)}, ${delta("out", after.out, before?.out)}`;
  return `Expected load change: brokerId=${broker}, ${loads}`;
}

/**
 * `Total actions num: N, split to M batches, estimated time to complete: Tms`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { totalActionsMessage } from "./log_messages.ts";
 * assert.equal(
 *   totalActionsMessage(2, 1, 0),
 *   "Total actions num: 2, split to 1 batches, estimated time to complete: 0ms",
 * );
 * ```
 */
export function totalActionsMessage(actions: number, batches: number, estimatedMs: number): string {
  return `Total actions num: ${actions}, split to ${batches} batches, estimated time to complete: ${
    Math.trunc(estimatedMs)
  }ms`;
}

/**
 * `Executing: Action-MOVE: topic-0@node-0 ---> node-1` (AutoMQ's `Action.prettyString()`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { executingMessage } from "./log_messages.ts";
 * assert.equal(
 *   executingMessage({ topic: "t", partition: 3, from: 0, to: 1 }),
 *   "Executing: Action-MOVE: t-3@node-0 ---> node-1",
 * );
 * ```
 */
export function executingMessage(action: PlanAction): string {
  return `Executing: Action-MOVE: ${action.topic}-${action.partition}@node-${action.from} ---> node-${action.to}`;
}

/**
 * `Detect finished, next detect will be after N ms`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectFinishedMessage } from "./log_messages.ts";
 * assert.equal(detectFinishedMessage(60_000), "Detect finished, next detect will be after 60000 ms");
 * ```
 */
export function detectFinishedMessage(nextDetectMs: number): string {
  return `Detect finished, next detect will be after ${Math.trunc(nextDetectMs)} ms`;
}

/** `Start detect`. */
export const START_DETECT_MESSAGE = "Start detect";
/** `not running, skip detect` (a controller that is not the active one). */
export const SKIP_DETECT_MESSAGE = "not running, skip detect";

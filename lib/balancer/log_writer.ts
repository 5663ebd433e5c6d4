/**
 * The lines the lab's reference balancer appends to `auto-balancer.log` for a detect cycle,
 * as AutoMQ's detector and executor write them: the decision (`Start detect` … `Total
 * actions num`), the `Executing:` lines per batch and `Detect finished`.
 *
 * @module
 */

import {
  AUTO_BALANCER_LOGGER,
  formatLogLine,
  type LogLevel,
  type LogTimeZone,
} from "./log_format.ts";
import {
  balanceFailedMessage,
  brokerStatusMessage,
  brokerViolatesMessage,
  detectFinishedMessage,
  detectorPrefix,
  executingMessage,
  executorPrefix,
  expectedLoadChangeMessage,
  goalBoundMessage,
  replicaStatusMessage,
  SKIP_DETECT_MESSAGE,
  START_DETECT_MESSAGE,
  totalActionsMessage,
} from "./log_messages.ts";
import type { BalancePlan, PlanAction } from "./plan_types.ts";

/** Options of the line writers. */
export interface LogWriterOptions {
  /** The controller's node id in `[AnomalyDetector id=N] ` (default 0). */
  nodeId?: number;
  /** Time zone of `%d` (default `utc`). */
  timeZone?: LogTimeZone;
}

/** Options of {@linkcode detectPlanLines} and {@linkcode detectCycleLines}. */
export interface CycleLogOptions extends LogWriterOptions {
  /** `timestamp=` of the broker status lines, epoch ms (default: `now`). */
  metricsTimestampMs?: number;
  /**
   * Write the DEBUG `Replica status` lines, as AutoMQ does with the `kafka.autobalancer`
   * logger at DEBUG (default true: the lab's balancer always records its inputs).
   */
  debug?: boolean;
}

/**
 * The lines AutoMQ writes while it decides: `Start detect`, one `Broker status` per broker,
 * the goals' bounds, their violation and failure warnings, one `Expected load change` per
 * broker and `Total actions num`. All at `now`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectPlanLines } from "./log_writer.ts";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const settings = balancerSettingsFrom({});
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: 0,
 *   bytesInPerSec: 2e6,
 *   bytesOutPerSec: 0,
 * }));
 * const plan = planBalance({ brokers: [0, 1], partitions, settings });
 * const lines = detectPlanLines(plan, new Date(0));
 * assert.match(lines[0], /Start detect/);
 * assert.match(lines.at(-1)!, /Total actions num: 2, split to 1 batches/);
 * ```
 */
export function detectPlanLines(
  plan: BalancePlan,
  now: Date,
  options: CycleLogOptions = {},
): string[] {
  const tz = { timeZone: options.timeZone };
  const warn = { timeZone: options.timeZone, level: "WARN" as const };
  const detector = detectorPrefix(options.nodeId);
  const line = (message: string) => formatLogLine(now, message, AUTO_BALANCER_LOGGER, tz);
  const lines = [line(detector + START_DETECT_MESSAGE)];
  const byId = new Map(plan.brokers.map((b) => [b.broker, b]));
  // Brokers and partitions in the order AutoMQ's maps iterate them (the plan's snapshot).
  const brokers = plan.snapshot.map((s) => byId.get(s.broker)!);
  const timestampMs = options.metricsTimestampMs ?? now.getTime();
  const debug = { timeZone: options.timeZone, level: "DEBUG" as const };
  for (const [i, b] of brokers.entries()) {
    lines.push(line(
      detector + brokerStatusMessage({
        broker: b.broker,
        loads: b.partitionsBefore > 0 ? b.before : undefined,
        timestampMs,
        slow: b.slow,
      }),
    ));
    if (options.debug === false) continue;
    for (const p of plan.snapshot[i].partitions) {
      lines.push(formatLogLine(
        now,
        detector + replicaStatusMessage({
          topic: p.topic,
          partition: p.partition,
          loads: { in: p.in, out: p.out },
          timestampMs,
        }),
        AUTO_BALANCER_LOGGER,
        debug,
      ));
    }
  }
  for (const g of plan.goals) lines.push(line(goalBoundMessage(g.goal, g.lower, g.upper)));
  for (const g of plan.goals) {
    for (const v of g.violations) {
      lines.push(formatLogLine(now, brokerViolatesMessage(v.broker, g.goal), undefined, warn));
    }
    for (const broker of g.unresolved) {
      lines.push(formatLogLine(now, balanceFailedMessage(broker, g.goal), undefined, warn));
    }
  }
  for (const b of brokers) {
    const hadLoads = b.partitionsBefore > 0;
    const hasLoads = hadLoads || b.partitionsAfter > 0;
    lines.push(line(
      detector + expectedLoadChangeMessage(
        b.broker,
        hadLoads ? b.before : undefined,
        hasLoads ? b.after : undefined,
      ),
    ));
  }
  lines.push(
    line(
      detector + totalActionsMessage(plan.moves.length, plan.batches.length, plan.estimatedTimeMs),
    ),
  );
  return lines;
}

/**
 * One `Executing:` line per action of a batch, as the executor logs them before submitting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { executingLines } from "./log_writer.ts";
 * const [line] = executingLines([{ topic: "t", partition: 3, from: 0, to: 1 }], new Date(0));
 * assert.equal(
 *   line,
 *   "[1970-01-01 00:00:00,000] INFO [ExecutionManager id=0] Executing: Action-MOVE: t-3@node-0 ---> node-1 (kafka.autobalancer)",
 * );
 * ```
 */
export function executingLines(
  batch: readonly PlanAction[],
  now: Date,
  options: LogWriterOptions = {},
): string[] {
  const executor = executorPrefix(options.nodeId);
  return batch.map((a) =>
    formatLogLine(now, executor + executingMessage(a), AUTO_BALANCER_LOGGER, {
      timeZone: options.timeZone,
    })
  );
}

/**
 * One line of the detector at `now`: `[AnomalyDetector id=N] ` and the message (INFO unless
 * `level` says otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectorLine } from "./log_writer.ts";
 * assert.equal(
 *   detectorLine(new Date(0), "Start detect", { nodeId: 2 }),
 *   "[1970-01-01 00:00:00,000] INFO [AnomalyDetector id=2] Start detect (kafka.autobalancer)",
 * );
 * ```
 */
export function detectorLine(
  now: Date,
  message: string,
  options: LogWriterOptions & { level?: LogLevel } = {},
): string {
  return formatLogLine(now, detectorPrefix(options.nodeId) + message, AUTO_BALANCER_LOGGER, {
    timeZone: options.timeZone,
    level: options.level,
  });
}

/**
 * `Detect finished, next detect will be after N ms`, closing every cycle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectFinishedLine } from "./log_writer.ts";
 * assert.match(detectFinishedLine(new Date(0), 60_000), /Detect finished, next detect will be after 60000 ms/);
 * ```
 */
export function detectFinishedLine(
  now: Date,
  nextDetectMs: number,
  options: LogWriterOptions = {},
): string {
  return detectorLine(now, detectFinishedMessage(nextDetectMs), options);
}

/**
 * A cycle on a controller that is not active: `not running, skip detect`, then `Detect finished`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipDetectLines } from "./log_writer.ts";
 * const [skip, finished] = skipDetectLines(new Date(0), 60_000, { nodeId: 1 });
 * assert.match(skip, /\[AnomalyDetector id=1\] not running, skip detect/);
 * assert.match(finished, /Detect finished/);
 * ```
 */
export function skipDetectLines(
  now: Date,
  nextDetectMs: number,
  options: LogWriterOptions = {},
): string[] {
  return [
    detectorLine(now, SKIP_DETECT_MESSAGE, options),
    detectFinishedLine(now, nextDetectMs, options),
  ];
}

/**
 * A whole cycle written at once: {@linkcode detectPlanLines} at `now`, batch i's
 * `Executing:` lines at `now + i * executionIntervalMs`, and `Detect finished` after the last.
 * A live loop rather calls the pieces as it goes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectCycleLines } from "./log_writer.ts";
 * import { parseBalancerLog } from "./log.ts";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const settings = balancerSettingsFrom({});
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: 0,
 *   bytesInPerSec: 2e6,
 *   bytesOutPerSec: 0,
 * }));
 * const plan = planBalance({ brokers: [0, 1], partitions, settings });
 * const text = detectCycleLines(plan, new Date(0), settings.detectIntervalMs).join("\n");
 * const moves = parseBalancerLog(text).filter((e) => e.kind === "move-executing");
 * assert.equal(moves.length, plan.actions.length);
 * ```
 */
export function detectCycleLines(
  plan: BalancePlan,
  now: Date,
  nextDetectMs: number,
  options: CycleLogOptions = {},
): string[] {
  const lines = detectPlanLines(plan, now, options);
  const interval = plan.settings.executionIntervalMs;
  plan.batches.forEach((batch, i) => {
    lines.push(...executingLines(batch, new Date(now.getTime() + i * interval), options));
  });
  lines.push(
    detectFinishedLine(new Date(now.getTime() + plan.estimatedTimeMs), nextDetectMs, options),
  );
  return lines;
}

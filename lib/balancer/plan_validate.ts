/**
 * The planner's input checks: the balancer settings (named, with AutoMQ's own clamping) and
 * the brokers and partitions, all checked before anything is planned. Bad input throws
 * {@linkcode PlanInputError} or `LabConfigError` (naming the setting), saying how to fix it.
 *
 * @module
 */

import { type BalancerSettings, LabConfigError } from "../config/config.ts";
import { hashMapOrder, integerHash } from "./java_order.ts";
import { GOAL_RESOURCE } from "./plan_goals.ts";
import type { BalanceInput, EffectiveSettings, Loads } from "./plan_types.ts";

/** Input the planner cannot use; the message says what and how to fix it. */
export class PlanInputError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

/** A checked {@linkcode BalanceInput}: ids and exclusions resolved, settings clamped. */
export interface ValidInput {
  /** The settings to use. */
  settings: EffectiveSettings;
  /** Every broker id, sorted. */
  brokers: number[];
  /** Every broker id in AutoMQ's controller map order (`HashMap<Integer, …>`). */
  registered: number[];
  /** The brokers not excluded, in the order AutoMQ's snapshot map iterates them. */
  snapshotBrokers: number[];
  /** Excluded brokers that exist. */
  excluded: Set<number>;
  /** Excluded broker ids that are not in the cluster, sorted. */
  ignoredExcluded: number[];
  /** Excluded topics. */
  excludedTopics: Set<string>;
  /** Brokers marked slow. */
  slow: number[];
}

function setting(name: string, value: number, rule: string, ok: boolean): void {
  if (!ok) throw new LabConfigError(`balancer.${name}`, `${value} is out of range; ${rule}.`);
}

function finite(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new LabConfigError(`balancer.${name}`, `${String(value)} is not a finite number.`);
  }
  return value;
}

/**
 * The settings the planner uses: every value checked (a bad one throws `LabConfigError`
 * naming it), deviation ratios above 1 clamped to 1 as AutoMQ does (with a note).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectiveSettings } from "./plan_validate.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const notes: string[] = [];
 * const wide = { ...balancerSettingsFrom({}), avgDeviation: { in: 1.5, out: 0.1 } };
 * assert.equal(effectiveSettings(wide, notes).avgDeviation.in, 1);
 * assert.match(notes[0], /clamps it to 1/);
 * ```
 */
export function effectiveSettings(s: BalancerSettings, notes: string[]): EffectiveSettings {
  if (s === null || typeof s !== "object") {
    throw new PlanInputError("settings is missing; pass the balancer settings (config.balancer).");
  }
  for (const list of ["excludeBrokers", "excludeTopics"] as const) {
    if (s[list] !== undefined && !Array.isArray(s[list])) {
      throw new LabConfigError(`balancer.${list}`, "must be a list (use [] for none).");
    }
  }
  if (!Array.isArray(s.goals) || s.goals.length === 0) {
    throw new LabConfigError(
      "balancer.goals",
      "no goals; list NetworkInUsageDistributionGoal and/or NetworkOutUsageDistributionGoal.",
    );
  }
  const seen = new Set<string>();
  for (const goal of s.goals) {
    if (!(goal in GOAL_RESOURCE)) {
      throw new LabConfigError(
        "balancer.goals",
        `"${goal}" is not a goal; use NetworkInUsageDistributionGoal or NetworkOutUsageDistributionGoal.`,
      );
    }
    if (seen.has(goal)) {
      throw new LabConfigError("balancer.goals", `"${goal}" is listed twice; list each goal once.`);
    }
    seen.add(goal);
  }
  const pair = (name: string, v: Loads, check: (x: number) => void): Loads => {
    const out = { in: finite(`${name}.in`, v?.in), out: finite(`${name}.out`, v?.out) };
    check(out.in);
    check(out.out);
    return out;
  };
  const deviation = pair(
    "avgDeviation",
    s.avgDeviation,
    (x) =>
      setting("avgDeviation", x, "a deviation ratio must be 0 or more (0.1 means ±10%)", x >= 0),
  );
  for (const r of ["in", "out"] as const) {
    if (deviation[r] > 1) {
      notes.push(
        `avg deviation (${r}) ${
          deviation[r]
        } is above 1; AutoMQ clamps it to 1, and so does this plan.`,
      );
      deviation[r] = 1;
    }
  }
  const threshold = pair(
    "detectThresholdBytes",
    s.detectThresholdBytes,
    (x) =>
      setting("detectThresholdBytes", x, "a detect threshold must be 0 or more bytes/s", x >= 0),
  );
  const trivial = pair(
    "trivialChangeRatio",
    s.trivialChangeRatio,
    (x) =>
      setting(
        "trivialChangeRatio",
        x,
        "a trivial change ratio must lie in [0, 1]",
        x >= 0 && x <= 1,
      ),
  );
  const concurrency = finite("executionConcurrency", s.executionConcurrency);
  setting(
    "executionConcurrency",
    concurrency,
    "it must be a whole number of at least 1",
    Number.isInteger(concurrency) && concurrency >= 1,
  );
  const interval = finite("executionIntervalMs", s.executionIntervalMs);
  setting("executionIntervalMs", interval, "it must be 0 or more milliseconds", interval >= 0);
  const detect = finite("detectIntervalMs", s.detectIntervalMs);
  setting("detectIntervalMs", detect, "it must be more than 0 milliseconds", detect > 0);
  const baseline = finite("baselineBandwidthBytes", s.baselineBandwidthBytes);
  setting("baselineBandwidthBytes", baseline, "it must be at least 1 byte/s", baseline >= 1);
  return {
    goals: [...s.goals],
    avgDeviation: deviation,
    detectThresholdBytes: threshold,
    trivialChangeRatio: trivial,
    executionConcurrency: concurrency,
    executionIntervalMs: interval,
    detectIntervalMs: detect,
    baselineBandwidthBytes: baseline,
  };
}

function checkBrokerId(id: unknown, where: string): number {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 2147483647) {
    throw new PlanInputError(
      `${where}: ${String(id)} is not a broker id; use whole numbers from 0 to 2147483647.`,
    );
  }
  return id;
}

function checkRate(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PlanInputError(
      `${what} is ${String(value)}; a rate must be a finite number of bytes/s, 0 or more. ` +
        "Drop the partition or fix its metrics.",
    );
  }
  return value;
}

/**
 * Checks a planner input, settings first, then brokers, exclusions, slow brokers and every
 * partition; notes on choices made (clamped settings, ignored ids) go to `notes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlanInputError, validateInput } from "./plan_validate.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const settings = { ...balancerSettingsFrom({}), excludeBrokers: [2, 7] };
 * const notes: string[] = [];
 * const valid = validateInput({ brokers: [2, 0, 1], partitions: [], settings }, notes);
 * assert.deepEqual(valid.brokers, [0, 1, 2]);
 * assert.deepEqual(valid.ignoredExcluded, [7]);
 * assert.match(notes[0], /7 are not in the cluster/);
 * assert.throws(() => validateInput({ brokers: [0, 0], partitions: [], settings }, []), PlanInputError);
 * ```
 */
export function validateInput(input: BalanceInput, notes: string[]): ValidInput {
  if (input === null || typeof input !== "object") {
    throw new PlanInputError("planBalance needs { brokers, partitions, settings }.");
  }
  const settings = effectiveSettings(input.settings, notes);
  if (!Array.isArray(input.brokers) || input.brokers.length === 0) {
    throw new PlanInputError("brokers is empty; pass every broker id of the cluster.");
  }
  const allIds = input.brokers.map((id) => checkBrokerId(id, "brokers"));
  const idSet = new Set<number>();
  for (const id of allIds) {
    if (idSet.has(id)) {
      throw new PlanInputError(`brokers lists ${id} twice; list each broker once.`);
    }
    idSet.add(id);
  }
  const given = allIds.slice();
  allIds.sort((a, b) => a - b);
  const excludedList = (input.settings.excludeBrokers ?? []).map((id) =>
    checkBrokerId(id, "excludeBrokers")
  );
  const excluded = new Set(excludedList.filter((id) => idSet.has(id)));
  const ignoredExcluded = [...new Set(excludedList.filter((id) => !idSet.has(id)))].sort((a, b) =>
    a - b
  );
  if (ignoredExcluded.length > 0) {
    notes.push(
      `excluded broker(s) ${ignoredExcluded.join(", ")} are not in the cluster; ignored.`,
    );
  }
  const excludedTopics = new Set(input.settings.excludeTopics ?? []);
  const slow = (input.slowBrokers ?? []).map((id) => checkBrokerId(id, "slowBrokers"));
  for (const id of slow) {
    if (!idSet.has(id)) {
      throw new PlanInputError(
        `slowBrokers lists ${id}, which is not in brokers; drop it or add the broker.`,
      );
    }
  }
  checkPartitions(input, idSet, allIds);
  const { registered, snapshotBrokers } = brokerOrders(given, excluded, input.brokerOrder);
  return {
    settings,
    brokers: allIds,
    registered,
    snapshotBrokers,
    excluded,
    ignoredExcluded,
    excludedTopics,
    slow,
  };
}

/**
 * The orders AutoMQ's two broker maps iterate in. The controller's (`ClusterModel.brokerMap`,
 * a `HashMap<Integer, …>`) gets each broker by `compute` as it registers; the snapshot's is a
 * new map the brokers not excluded are put into in the controller's order (with fewer
 * brokers it can have fewer bins, so another order). Given the snapshot's order itself (a
 * log's `Broker status` lines), it is taken as it is.
 */
function brokerOrders(
  given: number[],
  excluded: Set<number>,
  order: BalanceInput["brokerOrder"] = "registration",
): { registered: number[]; snapshotBrokers: number[] } {
  if (order !== "registration" && order !== "snapshot") {
    throw new PlanInputError(
      `brokerOrder is ${JSON.stringify(order)}; use "registration" (the default) or "snapshot".`,
    );
  }
  const kept = (ids: number[]) => ids.filter((id) => !excluded.has(id));
  if (order === "snapshot") return { registered: given, snapshotBrokers: kept(given) };
  const registered = hashMapOrder(given, integerHash, String, "compute");
  return { registered, snapshotBrokers: hashMapOrder(kept(registered), integerHash) };
}

/** Every partition named once, on a known broker, with finite rates ≥ 0. */
function checkPartitions(input: BalanceInput, idSet: Set<number>, allIds: number[]): void {
  if (!Array.isArray(input.partitions)) {
    throw new PlanInputError("partitions must be an array of { topic, partition, broker, ... }.");
  }
  const seen = new Set<string>();
  for (const p of input.partitions) {
    if (typeof p?.topic !== "string" || p.topic === "") {
      throw new PlanInputError(`a partition has no topic name: ${JSON.stringify(p)}.`);
    }
    if (!Number.isInteger(p.partition) || p.partition < 0) {
      throw new PlanInputError(
        `${p.topic}: partition number ${String(p.partition)} is not a whole number ≥ 0.`,
      );
    }
    const name = `${p.topic}-${p.partition}`;
    const key = `${p.topic}\u0000${p.partition}`;
    if (seen.has(key)) throw new PlanInputError(`${name} appears twice; list each partition once.`);
    seen.add(key);
    if (!idSet.has(p.broker)) {
      throw new PlanInputError(
        `${name} is on broker ${String(p.broker)}, which is not in brokers ` +
          `[${allIds.join(", ")}]; add the broker or drop the partition.`,
      );
    }
    checkRate(p.bytesInPerSec, `${name} bytesInPerSec`);
    checkRate(p.bytesOutPerSec, `${name} bytesOutPerSec`);
  }
}

/**
 * A replay at the log's precision. AutoMQ logs loads rounded (`1.59MB/s` is any rate within
 * 0.005 MB of it; `0Bytes/s` anything under one byte/s) but decides on the unrounded ones.
 * Where logged loads tie, a replay from the rounded values can pick another partition of
 * the same logged load, another destination of the same logged load, or leave a move whose
 * score is 0.5 at the log's precision (AutoMQ's was 0.5 + 1e-6) that AutoMQ made.
 *
 * This module looks for bytes-in loads within the log's rounding of the logged ones under which the
 * planner makes exactly AutoMQ's moves. It starts from the logged loads and, at the first
 * move where the replay and AutoMQ part, moves loads to their rounding's edge in AutoMQ's
 * favour: the partition AutoMQ moved up and the one the replay moved instead down; the
 * destination AutoMQ chose lighter and the replay's heavier; for a move the replay did not
 * make, the source heavier and the destination lighter (and the reverse for a move AutoMQ
 * did not make). Every load stays inside what its log line can mean, so a match is a real
 * statement: AutoMQ's decision is the planner's for loads the log cannot tell apart from
 * the ones it printed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayWithinRounding } from "./replay_ties.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * // Four partitions the log shows at 1.59 MB/s each on broker 0; AutoMQ moved 1 and 0 to
 * // broker 1, where the logged loads alone move 3 and 2 (equal loads keep map order).
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t", partition: p, broker: 0, bytesInPerSec: 1.59 * 2 ** 20, bytesOutPerSec: 0,
 * }));
 * const executed = [1, 0].map((partition) => ({ topic: "t", partition, from: 0, to: 1 }));
 * const input = { brokers: [0, 1], partitions, settings: balancerSettingsFrom({}) };
 * const found = replayWithinRounding(input, executed);
 * assert.ok(found);
 * assert.deepEqual(found.plan.actions.map((a) => a.partition), [1, 0]);
 * assert.ok(found.nudges.every((n) => Math.abs(n.used - n.logged) <= 0.005 * 2 ** 20));
 * ```
 *
 * @module
 */

import type { PartitionLoad } from "../core/metrics_types.ts";
import type { Move } from "../core/move.ts";
import { loggedRange } from "./log_format.ts";
import { type BalanceInput, type BalancePlan, planBalance } from "./plan.ts";

/** One partition's load moved within its log line's rounding. */
export interface Nudge {
  /** `topic-partition`. */
  name: string;
  /** Logged bytes/s in. */
  logged: number;
  /** The bytes/s in used (within the log's rounding of `logged`). */
  used: number;
}

/** A replay that makes the executed moves, and the loads it took. */
export interface RoundingMatch {
  /** The plan from the nudged loads. */
  plan: BalancePlan;
  /** The partitions whose loads were moved within their rounding. */
  nudges: Nudge[];
}

const key = (m: { topic: string; partition: number }) => `${m.topic}-${m.partition}`;
const same = (a: Move, b: Move) => key(a) === key(b) && a.from === b.from && a.to === b.to;

/** Where the logged value sits in its rounding interval: 0 its low edge, 1 its high one. */
function home(logged: number): number {
  const { low, high } = loggedRange(logged);
  return (logged - low) / (high - low);
}

/** A load at position `f` of its rounding interval. */
function at(logged: number, f: number): number {
  const { low, high } = loggedRange(logged);
  return low + f * (high - low);
}

/**
 * Searches loads within the log's rounding under which `planBalance` makes exactly
 * `executed` (in order), starting from the logged loads; undefined when none is found in
 * `rounds` steps.
 */
export function replayWithinRounding(
  input: BalanceInput,
  executed: readonly Move[],
  rounds = 16,
): RoundingMatch | undefined {
  // Each step moves a load half way to its interval's edge, so later steps refine
  // earlier ones (a partition can end between two others).
  const position = new Map(input.partitions.map((p) => [key(p), home(p.bytesInPerSec)]));
  const start = new Map(position);
  const raise = (names: string[]) =>
    names.forEach((n) => position.set(n, position.get(n)! + (1 - position.get(n)!) / 2));
  const lower = (names: string[]) => names.forEach((n) => position.set(n, position.get(n)! / 2));
  const onBroker = (b: number, except?: string) =>
    input.partitions.filter((p) => p.broker === b && key(p) !== except).map(key);
  const missed = new Map<string, number>();
  const index = new Map(input.partitions.map((p, i) => [key(p), i]));
  for (let round = 0; round < rounds; round++) {
    const partitions: PartitionLoad[] = input.partitions.map((p) => ({
      ...p,
      bytesInPerSec: at(p.bytesInPerSec, position.get(key(p))!),
    }));
    const plan = planBalance({ ...input, partitions });
    const replayed = plan.batches.flat();
    const k = replayed.findIndex((r, i) => i >= executed.length || !same(r, executed[i]));
    const diverges = k >= 0 ? k : replayed.length < executed.length ? replayed.length : -1;
    if (diverges < 0) {
      const nudges = input.partitions.flatMap((p, i) =>
        position.get(key(p)) !== start.get(key(p))
          ? [{ name: key(p), logged: p.bytesInPerSec, used: partitions[i].bytesInPerSec }]
          : []
      );
      return { plan, nudges };
    }
    const e = executed[diverges], r = replayed[diverges];
    if (e !== undefined && !position.has(key(e))) return undefined;
    const load = (m: Move) => partitions[index.get(key(m))!].bytesInPerSec;
    if (e !== undefined && r !== undefined && key(e) === key(r)) {
      // Same partition, another destination: AutoMQ's destination was the lighter one.
      lower(onBroker(e.to));
      raise(onBroker(r.to));
    } else if (e !== undefined && r !== undefined && e.from === r.from && load(e) <= load(r)) {
      // Same source, another partition tried first: AutoMQ's partition was the heavier one.
      raise([key(e)]);
      lower([key(r)]);
    } else if (e !== undefined) {
      // A move the replay did not make (or tried and refused): it improved the pair more
      // than the log shows. First the partition itself heavier (a load under 1 B/s logs as
      // 0), then its source heavier and its destination lighter.
      const tries = (missed.get(key(e)) ?? 0) + 1;
      missed.set(key(e), tries);
      if (tries === 1 && r === undefined) {
        raise([key(e)]);
      } else {
        raise(onBroker(e.from, key(e)));
        lower(onBroker(e.to));
      }
    } else {
      // A move AutoMQ did not make: it helped less than the log shows.
      lower(onBroker(r.from, key(r)));
      raise(onBroker(r.to));
    }
  }
  return undefined;
}

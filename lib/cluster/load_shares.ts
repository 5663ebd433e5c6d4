/**
 * Where a load's bytes go: the share of each partition for a skew, and a picker
 * that follows those shares record by record.
 *
 * @module
 */

import type { Skew } from "../config/config.ts";
import type { PartitionPlacement } from "./topic.ts";

/**
 * Shares of bytes per partition for a skew, given where partitions are led.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partitionShares } from "./load_shares.ts";
 * const placement = [0, 1, 2].map((partition) => ({ partition, leader: partition, replicas: [partition] }));
 * const shares = partitionShares({ kind: "brokers", shares: new Map([[0, 0.5], [1, 0.5]]) }, placement, [0, 1, 2]);
 * assert.deepEqual([...shares], [[0, 0.5], [1, 0.5], [2, 0]]);
 * ```
 */
export function partitionShares(
  skew: Skew,
  placement: PartitionPlacement[],
  brokers: number[],
): Map<number, number> {
  const shares = new Map<number, number>();
  if (skew.kind === "uniform") {
    for (const p of placement) shares.set(p.partition, 1 / placement.length);
    return shares;
  }
  if (skew.kind === "partitions") {
    for (const partition of skew.shares.keys()) {
      if (!placement.some((p) => p.partition === partition)) {
        throw new Error(
          `The skew names partition ${partition}, but the topic has partitions 0-${
            placement.length - 1
          } (LAB_SKEW).`,
        );
      }
    }
    for (const p of placement) shares.set(p.partition, skew.shares.get(p.partition) ?? 0);
    return shares;
  }
  for (const [broker, share] of skew.shares) {
    if (!brokers.includes(broker)) {
      throw new Error(
        `The skew names broker ${broker}, but the cluster's brokers are ${
          brokers.join(", ")
        } (LAB_SKEW).`,
      );
    }
    const led = placement.filter((p) => p.leader === broker);
    if (share > 0 && led.length === 0) {
      throw new Error(
        `The skew aims ${share * 100}% of bytes at broker ${broker}, which leads no partition of ` +
          "the topic; place partitions there first (LAB_PLACEMENT) or change LAB_SKEW.",
      );
    }
    for (const p of led) shares.set(p.partition, share / led.length);
  }
  for (const p of placement) if (!shares.has(p.partition)) shares.set(p.partition, 0);
  return shares;
}

/**
 * Picks partitions so that the bytes each receives follow its share exactly
 * over any stretch of records (smooth weighted round robin).
 *
 * @example
 * ```ts
 * import { PartitionPicker } from "./load_shares.ts";
 * const picker = new PartitionPicker(new Map([[0, 0.75], [1, 0.25]]));
 * const picks = Array.from({ length: 4 }, () => picker.next());
 * if (picks.filter((p) => p === 0).length !== 3) throw new Error(`${picks}`);
 * ```
 */
export class PartitionPicker {
  readonly #entries: Array<{ partition: number; weight: number; current: number }>;
  /** A picker over `shares` (partitions with share 0 are never picked). */
  constructor(shares: Map<number, number>) {
    this.#entries = [...shares].filter(([, w]) => w > 0).map(([partition, weight]) => ({
      partition,
      weight,
      current: 0,
    }));
    if (this.#entries.length === 0) throw new Error("The skew gives every partition a share of 0.");
  }
  /** The next partition. */
  next(): number {
    let best = this.#entries[0];
    for (const e of this.#entries) {
      e.current += e.weight;
      if (e.current > best.current) best = e;
    }
    best.current -= 1;
    return best.partition;
  }
}

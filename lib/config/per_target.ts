/**
 * `LAB_FANOUT` and `LAB_SMALL_RECORDS`: a number per broker or per partition, or none.
 *
 * @module
 */

import { LabConfigError } from "./parse.ts";
import type { PerTarget } from "./types.ts";

/**
 * Parses a number per broker or partition (`b0=5`, `p0=3,p1=3`), or `none` for one of
 * `noneWords` (the first is the text shown for it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePerTarget, perTargetText } from "./per_target.ts";
 * const t = parsePerTarget("b0=5", "LAB_FANOUT", ["all"]);
 * assert.equal(perTargetText(t, "all"), "b0=5");
 * assert.throws(() => parsePerTarget("b0=x", "LAB_FANOUT", ["all"]), /b0=x/);
 * ```
 */
export function parsePerTarget(raw: string, name: string, noneWords: string[]): PerTarget {
  const value = raw.trim().toLowerCase();
  if (value === "" || noneWords.includes(value)) return { kind: "none" };
  const values = new Map<number, number>();
  let kind: "brokers" | "partitions" | undefined;
  for (const item of value.split(",")) {
    const match = /^\s*(b|p)(\d+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(item);
    if (!match) {
      throw new LabConfigError(
        name,
        `"${item.trim()}" is not a count; write ${noneWords[0]}, b0=5 (broker 0's partitions) ` +
          "or p0=5,p1=2 (partitions).",
      );
    }
    const itemKind = match[1] === "b" ? "brokers" : "partitions";
    if (kind && kind !== itemKind) {
      throw new LabConfigError(name, "mixes brokers and partitions; use one kind.");
    }
    kind = itemKind;
    values.set(Number(match[2]), Number(match[3]));
  }
  return { kind: kind!, values };
}

/** A {@linkcode PerTarget} as its setting takes it (`none` shown as `noneWord`). */
export function perTargetText(t: PerTarget, noneWord: string): string {
  if (t.kind === "none") return noneWord;
  const prefix = t.kind === "brokers" ? "b" : "p";
  return [...t.values].map(([id, n]) => `${prefix}${id}=${n}`).join(",");
}

/**
 * The zero-loss check of the load's consumer groups (`consumers.ts`): every acknowledged
 * record of a partition must have been consumed by every group that reads that partition,
 * once. A record a group read again after a move is not a duplicate here: a group's cursor
 * never reads an offset twice, so a record a group counts twice was stored twice.
 *
 * @module
 */

import type { SequenceSet } from "./load_sequences.ts";
import type { GroupReading } from "./consumers.ts";

/** What one group consumed of one run. */
export interface GroupCheck {
  /** The group id. */
  group: string;
  /** Acknowledged records of the partitions it reads. */
  expected: number;
  /** Of those, consumed. */
  consumed: number;
  /** Of those, never consumed. */
  missing: number;
  /** Records it consumed twice (stored at two offsets). */
  duplicated: number;
  /** Records it read whose checksum did not match. */
  corrupt: number;
  /** Megabytes it read (10^6 bytes). */
  megabytes: number;
  /** Fetches retried (no leader for a moment, a partition moved). */
  retries: number;
}

/**
 * Checks each group against the load's acknowledged sequences (`acked`, which knows the
 * partition of each) for run `runId`, whose sequences run below `sent`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupsCheck } from "./consumer_check.ts";
 * import { SequenceSet } from "./load_sequences.ts";
 * const acked = new SequenceSet();
 * [0, 1, 2, 3].forEach((s) => acked.add(s, s % 2));
 * const seen = new SequenceSet();
 * [0, 2].forEach((s) => seen.add(s));
 * const [check] = groupsCheck([{ group: "g0", partitions: [0], seen: new Map([[7, seen]]),
 *   duplicated: 0, corrupt: 0, bytes: 2e6, retries: 0 }], acked, 7, 4);
 * assert.deepEqual([check.expected, check.consumed, check.missing], [2, 2, 0]);
 * ```
 */
export function groupsCheck(
  readings: readonly GroupReading[],
  acked: SequenceSet,
  runId: number,
  sent: number,
): GroupCheck[] {
  return readings.map((r) => {
    const reads = new Set(r.partitions);
    const seen = r.seen.get(runId);
    let expected = 0;
    let consumed = 0;
    for (let s = 0; s < sent; s++) {
      if (!acked.has(s)) continue;
      const partition = acked.partitionOf(s);
      if (partition === undefined || !reads.has(partition)) continue;
      expected++;
      if (seen?.has(s)) consumed++;
    }
    return {
      group: r.group,
      expected,
      consumed,
      missing: expected - consumed,
      duplicated: r.duplicated,
      corrupt: r.corrupt,
      megabytes: r.bytes / 1e6,
      retries: r.retries,
    };
  });
}

/**
 * One sentence on the groups: all consumed, or which group missed what.
 *
 * @example
 * ```ts
 * import { groupsSentence } from "./consumer_check.ts";
 * const ok = { group: "g0", expected: 10, consumed: 10, missing: 0, duplicated: 0, corrupt: 0,
 *   megabytes: 1, retries: 2 };
 * if (!groupsSentence([ok]).startsWith("Consumers: 1 group consumed")) throw new Error("ok");
 * ```
 */
export function groupsSentence(checks: readonly GroupCheck[]): string {
  if (checks.length === 0) return "Consumers: none (LAB_CONSUMER_GROUPS=0).";
  const bad = checks.filter((c) => c.missing > 0 || c.duplicated > 0 || c.corrupt > 0);
  const mb = checks.reduce((a, c) => a + c.megabytes, 0);
  const retries = checks.reduce((a, c) => a + c.retries, 0);
  const groups = `${checks.length} group${checks.length === 1 ? "" : "s"}`;
  if (bad.length === 0) {
    return `Consumers: ${groups} consumed every acknowledged record of the partitions they ` +
      `read (${checks.map((c) => c.consumed).join(", ")} records; ${
        mb.toFixed(1)
      } MB read, ${retries} fetches retried), missing 0, duplicated 0, corrupt 0.`;
  }
  return `Consumers: FAILED: ${
    bad.map((c) =>
      `${c.group} missing ${c.missing} of ${c.expected}, duplicated ${c.duplicated}, ` +
      `corrupt ${c.corrupt}`
    ).join("; ")
  }.`;
}

/** Whether every group consumed everything once, intact. */
export function groupsLossless(checks: readonly GroupCheck[]): boolean {
  return checks.every((c) => c.missing === 0 && c.duplicated === 0 && c.corrupt === 0);
}

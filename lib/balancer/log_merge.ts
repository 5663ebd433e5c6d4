/**
 * Several auto-balancer logs made into one, ordered by time: one file per node, and a
 * node's rotated files (`auto-balancer.log.1`, …). Lines without a leading `[timestamp]`
 * (stack traces, wrapped messages) stay with the entry above them.
 *
 * Only the active controller detects; the others log `not running, skip detect` every
 * interval (and so does a paused one), and the active controller can change. A node's
 * lines are its own while it detects: from a `not running, skip detect` up to its next
 * `Start detect` it is standing by, and those lines are left out (a node that never
 * detects is left out whole), except each node's `linearNormalizerThreshold` lines, which
 * hold the score normaliser it will use once it detects. Nodes are told apart by the id in
 * their lines' `[AnomalyDetector id=N]`-style prefixes; texts with the same id are one
 * node's pieces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeLogs } from "./log_merge.ts";
 * const line = (t: string, node: number, m: string) =>
 *   `[2026-12-07 00:00:${t},000] INFO [AnomalyDetector id=${node}] ${m} (kafka.autobalancer)`;
 * const active = [line("10", 0, "Start detect"), line("11", 0, "Detect finished, next detect will be after 30000 ms")];
 * const standby = [line("10", 1, "not running, skip detect"), line("10", 1, "Detect finished, next detect will be after 30000 ms")];
 * const merged = mergeLogs([standby.join("\n"), active.join("\n")]);
 * assert.equal(merged, active.join("\n") + "\n");
 * ```
 *
 * @module
 */

const STAMP = /^\[(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?)\]/;
const NODE = /^\[[^\]]*\] [A-Z]+ \[[A-Za-z]+ id=(\d+)\] /;
const START = /^\[[^\]]*\] [A-Z]+ \[AnomalyDetector id=\d+\] Start detect\b/;
const SKIP = /^\[[^\]]*\] [A-Z]+ \[AnomalyDetector id=\d+\] not running, skip detect\b/;
const FINISHED = /^\[[^\]]*\] [A-Z]+ \[AnomalyDetector id=\d+\] Detect finished\b/;
const CONFIG = / using linearNormalizerThreshold: \d+/;

interface Entry {
  stamp: string;
  /** Index of the node (or unknown text) it came from. */
  source: number;
  order: number;
  text: string;
}

/** Splits one log into entries, each a stamped line with its continuation lines. */
function entries(text: string): Omit<Entry, "source" | "order">[] {
  const result: Omit<Entry, "source" | "order">[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const match = STAMP.exec(line);
    if (match || result.length === 0) {
      result.push({
        stamp: match ? match[1].replace("T", " ").replace(".", ",") : "",
        text: line,
      });
    } else {
      result[result.length - 1].text += `\n${line}`;
    }
  }
  return result;
}

/** The node id a log's prefixed lines carry, or undefined when none does. */
function nodeOf(text: string): number | undefined {
  for (const line of text.split("\n", 2000)) {
    const m = NODE.exec(line);
    if (m) return Number(m[1]);
  }
  const m = /\] [A-Z]+ \[[A-Za-z]+ id=(\d+)\] /.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * One node's entries (in time order) without the ones it logged while standing by: after a
 * `not running, skip detect` until its next `Start detect`, or before its first marker when
 * that marker is a skip; its normaliser lines stay.
 */
function whileDetecting(list: Entry[]): Entry[] {
  const marker = list.map((e) => START.test(e.text) ? "start" : SKIP.test(e.text) ? "skip" : "");
  const next: string[] = new Array(list.length);
  let upcoming = "";
  for (let i = list.length - 1; i >= 0; i--) {
    if (marker[i] !== "") upcoming = marker[i];
    next[i] = upcoming;
  }
  const kept: Entry[] = [];
  let previous = "";
  for (const [i, e] of list.entries()) {
    if (marker[i] !== "") previous = marker[i];
    const standing = marker[i] === "skip" ||
      (i > 0 && marker[i - 1] === "skip" && FINISHED.test(e.text)) ||
      (previous === "skip" && next[i] !== "start") ||
      (previous === "" && next[i] === "skip");
    if (!standing || CONFIG.test(e.text)) kept.push(e);
  }
  return kept;
}

/**
 * Merges auto-balancer logs by timestamp, leaving out what nodes logged while they were not
 * the detecting controller. Entries with the same stamp keep the order of `logs` and, within
 * one log, their own order. A node's rotated pieces can be given in any order, oldest
 * first is best for lines of the same millisecond. The result ends with a newline unless
 * empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeLogs } from "./log_merge.ts";
 * const a = "[2026-01-01 00:00:05,000] INFO b\n";
 * const b = "[2026-01-01 00:00:01,000] INFO a\n";
 * assert.equal(mergeLogs([a, b]), b + a);
 * ```
 */
export function mergeLogs(logs: readonly string[]): string {
  const sources = new Map<string, Entry[]>();
  let order = 0;
  logs.forEach((text, i) => {
    const node = nodeOf(text);
    const key = node === undefined ? `text ${i}` : `node ${node}`;
    let list = sources.get(key);
    if (list === undefined) sources.set(key, list = []);
    const source = [...sources.keys()].indexOf(key);
    for (const e of entries(text)) list.push({ ...e, source, order: order++ });
  });
  const byTime = (a: Entry, b: Entry) =>
    a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.source - b.source || a.order - b.order;
  const all = [...sources.values()].flatMap((list) => whileDetecting(list.sort(byTime)));
  all.sort(byTime);
  return all.length === 0 ? "" : all.map((e) => e.text).join("\n") + "\n";
}

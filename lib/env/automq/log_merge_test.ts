import assert from "node:assert/strict";
import { mergeLogs } from "./log_merge.ts";

Deno.test("mergeLogs orders entries by timestamp across logs", () => {
  const a = [
    "[2026-01-01 00:00:00,100] INFO not running, skip detect (kafka.autobalancer)",
    "[2026-01-01 00:00:30,100] INFO not running, skip detect (kafka.autobalancer)",
  ].join("\n");
  const b = [
    "[2026-01-01 00:00:10,000] INFO Start detect (kafka.autobalancer)",
    "[2026-01-01 00:00:10,400] INFO Detect finished (kafka.autobalancer)",
  ].join("\n");
  assert.deepEqual(mergeLogs([a, b]).trimEnd().split("\n").map((l) => l.slice(12, 23)), [
    "00:00:00,10",
    "00:00:10,00",
    "00:00:10,40",
    "00:00:30,10",
  ]);
});

Deno.test("mergeLogs keeps continuation lines with their entry", () => {
  const a =
    "[2026-01-01 00:00:05,000] ERROR boom\njava.lang.IllegalStateException\n\tat x.y(Z.java:1)";
  const b = "[2026-01-01 00:00:01,000] INFO first\n[2026-01-01 00:00:09,000] INFO last";
  assert.equal(
    mergeLogs([a, b]),
    "[2026-01-01 00:00:01,000] INFO first\n" +
      "[2026-01-01 00:00:05,000] ERROR boom\njava.lang.IllegalStateException\n\tat x.y(Z.java:1)\n" +
      "[2026-01-01 00:00:09,000] INFO last\n",
  );
});

Deno.test("mergeLogs keeps log order for equal stamps and own order within a log", () => {
  const stamp = "[2026-01-01 00:00:00,000]";
  const merged = mergeLogs([`${stamp} a1\n${stamp} a2`, `${stamp} b1`]);
  assert.equal(merged, `${stamp} a1\n${stamp} a2\n${stamp} b1\n`);
});

Deno.test("mergeLogs handles empty logs and unstamped leading lines", () => {
  assert.equal(mergeLogs([]), "");
  assert.equal(mergeLogs(["", "\n"]), "");
  assert.equal(
    mergeLogs(["no stamp here\n[2026-01-01 00:00:00,000] stamped"]),
    "no stamp here\n[2026-01-01 00:00:00,000] stamped\n",
  );
});

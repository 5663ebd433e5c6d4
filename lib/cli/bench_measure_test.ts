import assert from "node:assert/strict";
import {
  FootprintSampler,
  ownCpuSeconds,
  parseChildCpuSeconds,
  parsePerfSummary,
  rssBytes,
} from "./bench_measure.ts";
import { benchRow, ratioLine } from "./bench_load.ts";

Deno.test("perf-test's summary gives records/s, MB/s and latencies", () => {
  const out = "1000 records sent, 900.2 records/sec (8.79 MB/sec), 20.1 ms avg latency.\n" +
    "29297 records sent, 7000.5 records/sec (68.36 MB/sec), 350.12 ms avg latency, " +
    "900.00 ms max latency, 320 ms 50th, 700 ms 95th, 850 ms 99th, 890 ms 99.9th.\n";
  const s = parsePerfSummary(out, 10240);
  assert.equal(s.recordsPerSec, 7000.5);
  assert.ok(Math.abs(s.mbPerSec - 7000.5 * 10240 / 1e6) < 1e-9);
  assert.equal(s.p50Ms, 320);
  assert.equal(s.p99Ms, 850);
  assert.throws(() => parsePerfSummary("Exception in thread main", 10), /printed no summary/);
});

Deno.test("the shell's `times` gives the children's CPU seconds", () => {
  assert.equal(parseChildCpuSeconds("0m0.003s 0m0.001s\n1m2.500s 0m1.250s\n"), 63.75);
  assert.throws(() => parseChildCpuSeconds("nothing"), /Unreadable CPU times/);
});

Deno.test("the footprint sampler reads this process's RSS, and CPU time grows with work", async () => {
  const own = await rssBytes(Deno.pid);
  assert.ok(own !== undefined && own > 10 * 2 ** 20, `RSS of a Deno process above 10 MiB: ${own}`);
  assert.equal(await rssBytes(2 ** 30), undefined);
  const sampler = new FootprintSampler(new Map([["me", Deno.pid], ["gone", 2 ** 30]]), 10);
  sampler.start();
  const before = ownCpuSeconds();
  let x = 0;
  for (let i = 0; i < 5e7; i++) x += i;
  assert.ok(x > 0 && ownCpuSeconds() > before);
  const peaks = await sampler.stop();
  assert.deepEqual([...peaks.keys()], ["me"]);
});

Deno.test("rows carry units and the ratio line has the wanted form", () => {
  const row = benchRow("lab", {
    mbPerSec: 100,
    recordsPerSec: 9765.6,
    p50Ms: 12,
    p99Ms: 40,
    cpuSecondsPerGB: 9.5,
  });
  assert.match(row, /100\.0 MB\/s +9766 records\/s +p50 +12 ms +p99 +40 ms +9\.5 CPU s\/GB/);
  assert.equal(ratioLine(150, 144.5), "ratio (lab loss-safe / Java): 1.04");
});

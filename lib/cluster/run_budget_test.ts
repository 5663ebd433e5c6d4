import assert from "node:assert/strict";
import {
  checkRunFits,
  diskReserve,
  freeDiskBytes,
  plannedBytes,
  secondsThatFit,
  UNTHROTTLED_PLANNING_MBPS,
} from "./run_budget.ts";

Deno.test("planned bytes: rate × duration, records × size, unthrottled at the planning rate", () => {
  assert.equal(
    plannedBytes({ rateMBps: 20, durationSeconds: 300, records: 0, recordBytes: 1 }).bytes,
    6e9,
  );
  assert.equal(
    plannedBytes({ durationSeconds: 10, records: 0, recordBytes: 1 }).bytes,
    UNTHROTTLED_PLANNING_MBPS * 1e7,
  );
  assert.equal(plannedBytes({ records: 100_000, recordBytes: 10240 }).bytes, 1_024_000_000);
});

Deno.test("a run that does not fit is refused with the figures and what to change", () => {
  const free = 10e9;
  const usable = free - diskReserve(free);
  checkRunFits({ bytes: usable, basis: "x" }, free, "/data");
  assert.throws(
    () => checkRunFits({ bytes: usable + 1, basis: "20 MB/s × 999 s" }, free, "/data"),
    (e: Error) =>
      /would write .* \(20 MB\/s × 999 s\), but \/data has 10\.0 GB free/.test(e.message) &&
      /LAB_RATE_MBPS/.test(e.message),
  );
  assert.equal(secondsThatFit(10, free), Math.floor(usable / 1e7));
  assert.equal(secondsThatFit(10, 0), 0);
});

Deno.test("free disk space is read from df for a path that does not exist yet", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const free = await freeDiskBytes(`${dir}/not/yet/there`);
    assert.ok(free > 0 && Number.isFinite(free));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

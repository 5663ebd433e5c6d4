import assert from "node:assert/strict";
import { LabConfigError, loadConfig } from "./config.ts";

Deno.test("LAB_PROFILE=workshop: 5 MB/s and the background load capped at 30 min", () => {
  const standard = loadConfig({});
  assert.equal(standard.profile, "standard");
  assert.equal(standard.rateMBps, 20);
  assert.equal(standard.loadMaxSeconds, undefined);
  const workshop = loadConfig({ LAB_PROFILE: "workshop" });
  assert.equal(workshop.rateMBps, 5);
  assert.equal(workshop.loadMaxSeconds, 1800);
  // A variable still wins over the profile, as over a scenario.
  const faster = loadConfig({ LAB_PROFILE: "workshop", LAB_RATE_MBPS: "8" });
  assert.equal(faster.rateMBps, 8);
  assert.equal(faster.loadMaxSeconds, 1800);
  assert.equal(loadConfig({ LAB_LOAD_MAX_S: "600" }).loadMaxSeconds, 600);
  assert.throws(
    () => loadConfig({ LAB_PROFILE: "class" }),
    (e: unknown) =>
      e instanceof LabConfigError && e.setting === "LAB_PROFILE" &&
      /"class" is unknown; use standard or workshop\./.test(e.message),
  );
});

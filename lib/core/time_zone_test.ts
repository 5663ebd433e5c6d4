import assert from "node:assert/strict";
import {
  fromWallTime,
  offsetMinutes,
  timeZoneProblem,
  toWallTime,
  type WallTime,
} from "./time_zone.ts";

Deno.test("offsets: fixed, UTC, IANA with daylight saving time", () => {
  const winter = new Date(Date.UTC(2026, 0, 15, 12)), summer = new Date(Date.UTC(2026, 6, 15, 12));
  assert.equal(offsetMinutes("UTC", winter), 0);
  assert.equal(offsetMinutes("utc", winter), 0);
  assert.equal(offsetMinutes("+05:30", winter), 330);
  assert.equal(offsetMinutes("-0800", winter), -480);
  assert.equal(offsetMinutes("UTC+2", winter), 120);
  assert.equal(offsetMinutes("Europe/Paris", winter), 60);
  assert.equal(offsetMinutes("Europe/Paris", summer), 120);
  assert.equal(offsetMinutes("America/New_York", winter), -300);
  assert.equal(offsetMinutes("local", winter), -winter.getTimezoneOffset());
});

Deno.test("wall times round-trip, across a change of offset too", () => {
  for (const zone of ["Europe/Paris", "America/New_York", "Asia/Kolkata", "+01:00", "local"]) {
    // Every 10 minutes over the days America and Europe change their clocks in 2026.
    for (const [month, day] of [[2, 7], [2, 28], [9, 24], [9, 31]]) {
      const from = Date.UTC(2026, month, day);
      for (let t = from; t < from + 2 * 86_400_000; t += 10 * 60_000) {
        const instant = new Date(t + 123);
        const wall = toWallTime(instant, zone);
        const back = fromWallTime(wall, zone);
        // A wall time that happens twice reads as the earlier instant, never another wall time.
        assert.deepEqual(toWallTime(back, zone), wall, `${zone} ${instant.toISOString()}`);
        assert.ok(back.getTime() <= instant.getTime(), `${zone} ${instant.toISOString()}`);
        assert.ok(
          instant.getTime() - back.getTime() <= 3_600_000,
          `${zone} ${instant.toISOString()}`,
        );
      }
    }
  }
  // Paris sets its clock back at 03:00 on 2026-10-25: 02:30 happens twice, the earlier is read.
  const twice: WallTime = [2026, 10, 25, 2, 30, 0, 0];
  assert.equal(fromWallTime(twice, "Europe/Paris").toISOString(), "2026-10-25T00:30:00.000Z");
  // ... and forward at 02:00 on 2026-03-29: 02:30 does not happen; read as if it had not moved.
  assert.equal(
    fromWallTime([2026, 3, 29, 2, 30, 0, 0], "Europe/Paris").toISOString(),
    "2026-03-29T01:30:00.000Z",
  );
});

Deno.test("a zone that is not one is named in one sentence", () => {
  for (const ok of ["UTC", "local", "LOCAL", "+02:00", "-5", "Europe/Paris", "Z"]) {
    assert.equal(timeZoneProblem(ok), undefined, ok);
  }
  for (const bad of ["Mars/Olympus", "+25:00", "+02:75", "two"]) {
    assert.match(timeZoneProblem(bad)!, /is not a time zone; use UTC, local, an offset/, bad);
  }
});

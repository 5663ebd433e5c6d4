/**
 * Wall-clock times in a named zone. log4j's `[%d]` writes a node's local time with no zone,
 * so a log is read in the zone its JVM ran in: `UTC` (AutoMQ's image), `local` (the
 * machine running the lab), a fixed offset (`+02:00`, `-0530`) or an IANA zone
 * (`Europe/Paris`, daylight saving time included).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromWallTime, toWallTime } from "./time_zone.ts";
 * const instant = fromWallTime([2026, 12, 7, 1, 15, 19, 846], "+01:00");
 * assert.equal(instant.toISOString(), "2026-12-07T00:15:19.846Z");
 * assert.deepEqual(toWallTime(instant, "Asia/Kolkata"), [2026, 12, 7, 5, 45, 19, 846]);
 * ```
 *
 * @module
 */

/**
 * A zone as the lab takes it: `UTC`, `local`, an offset (`+02:00`, `-05`, `+0530`) or an
 * IANA name (`Europe/Paris`). Case does not matter for `UTC` and `local`.
 */
export type TimeZoneName = string;

/** Year, month (1-12), day, hour, minute, second, millisecond. */
export type WallTime = [number, number, number, number, number, number, number];

const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** The fixed offset in minutes east of UTC, or undefined when `zone` is not an offset. */
function fixedOffset(zone: string): number | undefined {
  if (/^(utc|gmt|z)$/i.test(zone)) return 0;
  const m = OFFSET.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]), minutes = Number(m[3] ?? 0);
  if (hours > 18 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Why `zone` cannot be used, in one sentence, or undefined when it can.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeZoneProblem } from "./time_zone.ts";
 * assert.equal(timeZoneProblem("UTC"), undefined);
 * assert.equal(timeZoneProblem("+05:30"), undefined);
 * assert.equal(timeZoneProblem("America/New_York"), undefined);
 * assert.match(timeZoneProblem("Mars/Olympus")!, /not a time zone/);
 * ```
 */
export function timeZoneProblem(zone: TimeZoneName): string | undefined {
  if (zone.toLowerCase() === "local" || fixedOffset(zone) !== undefined) return undefined;
  try {
    formatter(zone);
    return undefined;
  } catch {
    // Intl refuses the name: that refusal is the answer.
    return `"${zone}" is not a time zone; use UTC, local, an offset like +02:00, or a zone ` +
      "name like Europe/Paris.";
  }
}

/**
 * Minutes east of UTC that `zone` is at `instant` (daylight saving time included).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offsetMinutes } from "./time_zone.ts";
 * assert.equal(offsetMinutes("-03:30", new Date(0)), -210);
 * assert.equal(offsetMinutes("Europe/Paris", new Date(Date.UTC(2026, 6, 1))), 120);
 * ```
 */
export function offsetMinutes(zone: TimeZoneName, instant: Date): number {
  if (zone.toLowerCase() === "local") return -instant.getTimezoneOffset();
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return fixed;
  // Zones change offset on a quarter hour at the finest: one answer per quarter hour.
  const quarter = Math.floor(instant.getTime() / QUARTER_HOUR);
  const cacheKey = `${zone}@${quarter}`;
  const cached = offsets.get(cacheKey);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  const start = new Date(quarter * QUARTER_HOUR);
  for (const p of formatter(zone).formatToParts(start)) parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, 0);
  const offset = Math.round((asUtc - start.getTime()) / 60_000);
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(cacheKey, offset);
  return offset;
}

const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * The instant a wall-clock time in `zone` names. In the hour a clock is set back, the
 * earlier of the two instants; a time skipped when it is set forward reads as if the clock
 * had not moved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromWallTime } from "./time_zone.ts";
 * assert.equal(fromWallTime([2026, 7, 1, 12, 0, 0, 0], "Europe/Paris").toISOString(), "2026-07-01T10:00:00.000Z");
 * ```
 */
export function fromWallTime(wall: WallTime, zone: TimeZoneName): Date {
  const [y, mo, d, h, mi, s, ms] = wall;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const day = 86_400_000;
  // The zone's offsets a day before and after; an instant is valid when its own offset
  // is the one it was computed with.
  const before = offsetMinutes(zone, new Date(asUtc - day));
  const after = offsetMinutes(zone, new Date(asUtc + day));
  const valid = [before, after]
    .map((o) => asUtc - o * 60_000)
    .filter((t) => asUtc - offsetMinutes(zone, new Date(t)) * 60_000 === t);
  return new Date(valid.length > 0 ? Math.min(...valid) : asUtc - before * 60_000);
}

/**
 * An instant as the wall-clock time of `zone`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toWallTime } from "./time_zone.ts";
 * assert.deepEqual(toWallTime(new Date(Date.UTC(2026, 0, 1, 23, 30)), "+01:00"), [2026, 1, 2, 0, 30, 0, 0]);
 * ```
 */
export function toWallTime(instant: Date, zone: TimeZoneName): WallTime {
  const shifted = new Date(instant.getTime() + offsetMinutes(zone, instant) * 60_000);
  return [
    shifted.getUTCFullYear(),
    shifted.getUTCMonth() + 1,
    shifted.getUTCDate(),
    shifted.getUTCHours(),
    shifted.getUTCMinutes(),
    shifted.getUTCSeconds(),
    shifted.getUTCMilliseconds(),
  ];
}

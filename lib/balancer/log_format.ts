/**
 * The layout of an auto-balancer log line, as AutoMQ's log4j writes it (`[%d] %p %m (%c)%n`,
 * logger always `kafka.autobalancer`), and sizes as AutoMQ's `Utils.formatDataSize` writes
 * them: binary units (1 KB = 1024 bytes), up to two decimals without trailing zeros, e.g.
 * `NWIn=6.36MB/s`, `0Bytes/s`; plus reading such a size back.
 *
 * @module
 */

import type { Direction } from "../core/metrics_types.ts";
import { fromWallTime, type TimeZoneName, toWallTime } from "../core/time_zone.ts";

/** The logger name (`%c`) of every auto-balancer line. */
export const AUTO_BALANCER_LOGGER = "kafka.autobalancer";

/** A log4j level. */
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

/**
 * The zone `[%d]` is written in (log4j writes the JVM's local time, with no zone): `utc`
 * (AutoMQ's image and the lab's own balancer), `local`, an offset like `+02:00` or an IANA
 * zone like `Europe/Paris` (see `core/time_zone.ts`).
 */
export type LogTimeZone = TimeZoneName;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Formats a date as log4j's `%d`: `2026-11-23 18:58:17,123`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLogDate } from "./log_format.ts";
 * assert.equal(formatLogDate(new Date(Date.UTC(2026, 10, 23, 18, 58, 17, 123))), "2026-11-23 18:58:17,123");
 * ```
 */
export function formatLogDate(date: Date, timeZone: LogTimeZone = "utc"): string {
  const [y, mo, d, h, mi, s, ms] = toWallTime(date, timeZone);
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)},${pad(ms, 3)}`;
}

const STAMP = /^\[(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})[,.](\d{3})\]/gm;

/**
 * A log's `[%d]` stamps, written in `timeZone`, rewritten in UTC (the zone the lab reads
 * and shows): one reading of time for every log, whatever zone its node ran in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stampsInUtc } from "./log_format.ts";
 * const line = "[2026-12-07 01:15:19,846] INFO Start detect (kafka.autobalancer)";
 * assert.equal(stampsInUtc(line, "+01:00"), "[2026-12-07 00:15:19,846] INFO Start detect (kafka.autobalancer)");
 * ```
 */
export function stampsInUtc(text: string, timeZone: LogTimeZone): string {
  if (timeZone.toLowerCase() === "utc") return text;
  return text.replace(STAMP, (_, y, mo, d, h, mi, s, ms) => {
    const wall = [y, mo, d, h, mi, s, ms].map(Number) as Parameters<typeof fromWallTime>[0];
    return `[${formatLogDate(fromWallTime(wall, timeZone))}]`;
  });
}

/**
 * One log line, `[%d] %p %m (%c)`, without the trailing newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLogLine } from "./log_format.ts";
 * assert.equal(
 *   formatLogLine(new Date(Date.UTC(2026, 10, 23, 18, 58, 17, 123)), "Start detect"),
 *   "[2026-11-23 18:58:17,123] INFO Start detect (kafka.autobalancer)",
 * );
 * ```
 */
export function formatLogLine(
  date: Date,
  message: string,
  logger: string = AUTO_BALANCER_LOGGER,
  options: { level?: LogLevel; timeZone?: LogTimeZone } = {},
): string {
  return `[${formatLogDate(date, options.timeZone)}] ${
    options.level ?? "INFO"
  } ${message} (${logger})`;
}

const UNITS: readonly [string, number][] = [
  ["EB", 2 ** 60],
  ["PB", 2 ** 50],
  ["TB", 2 ** 40],
  ["GB", 2 ** 30],
  ["MB", 2 ** 20],
  ["KB", 2 ** 10],
];

/** `#.##` with half-even rounding, as `java.text.DecimalFormat` writes it. */
function twoDecimals(value: number): string {
  const scaled = value * 100;
  let units = Math.floor(scaled);
  const rest = scaled - units;
  if (rest > 0.5 || (rest === 0.5 && units % 2 !== 0)) units += 1;
  const whole = Math.floor(units / 100);
  const cents = units % 100;
  const int = whole === 0 && cents !== 0 ? "" : String(whole); // "#" prints no leading 0
  if (cents === 0) return String(whole);
  return cents % 10 === 0 ? `${int}.${cents / 10}` : `${int}.${pad(cents)}`;
}

/**
 * AutoMQ's `Utils.formatDataSize`: `0Bytes`, `512Bytes`, `1.5KB`, `6.36MB` (binary units).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDataSize } from "./log_format.ts";
 * assert.equal(formatDataSize(0), "0Bytes");
 * assert.equal(formatDataSize(1536), "1.5KB");
 * assert.equal(formatDataSize(6.36 * 2 ** 20), "6.36MB");
 * ```
 */
export function formatDataSize(bytes: number): string {
  const size = Math.trunc(bytes);
  if (size < 0) return String(size);
  for (const [unit, divider] of UNITS) {
    if (size >= divider) return `${twoDecimals(size / divider)}${unit}`;
  }
  return `${twoDecimals(size)}Bytes`;
}

const RESOURCE_LABEL: Readonly<Record<Direction, string>> = { in: "NWIn", out: "NWOut" };

/**
 * `NWIn=6.36MB/s`: a resource and a rate as AutoMQ writes them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resourceString } from "./log_format.ts";
 * assert.equal(resourceString("in", 1536), "NWIn=1.5KB/s");
 * ```
 */
export function resourceString(resource: Direction, bytesPerSec: number): string {
  return `${RESOURCE_LABEL[resource]}=${formatDataSize(bytesPerSec)}/s`;
}

/**
 * A rate as the log can say it: `formatDataSize` then read back. A balancer that plans from
 * these values plans from exactly what its `Replica status` lines record, so a replay of its
 * log reproduces its decision bit for bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asLogged } from "./log_format.ts";
 * assert.equal(asLogged(1_666_667), 1.59 * 2 ** 20); // the log says 1.59MB/s
 * ```
 */
export function asLogged(bytesPerSec: number): number {
  return parseDataRate(`${formatDataSize(bytesPerSec)}/s`)!;
}

/**
 * The rates a logged rate can stand for: AutoMQ truncates to whole bytes, then rounds to
 * two decimals of its unit, so `1.59MB/s` is any rate within 0.005 MB of 1.59 MB (binary
 * units) and `95Bytes/s` any rate from 95 up to 96 bytes/s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loggedRange, parseDataRate } from "./log_format.ts";
 * assert.deepEqual(loggedRange(95), { low: 95, high: 96 });
 * const { low, high } = loggedRange(parseDataRate("1.59MB/s")!);
 * assert.ok(Math.abs(high - low - 0.01 * 2 ** 20) < 1e-6);
 * ```
 */
export function loggedRange(bytesPerSec: number): { low: number; high: number } {
  if (bytesPerSec < 1024) return { low: bytesPerSec, high: bytesPerSec + 1 };
  const unit = UNITS.find(([, divider]) => bytesPerSec >= divider)![1];
  return { low: bytesPerSec - 0.005 * unit, high: bytesPerSec + 0.005 * unit };
}

const SIZE = /^(-?\d*\.?\d*)(Bytes|KB|MB|GB|TB|PB|EB)\/s$/;
const UNIT_BYTES: Readonly<Record<string, number>> = {
  Bytes: 1,
  KB: 2 ** 10,
  MB: 2 ** 20,
  GB: 2 ** 30,
  TB: 2 ** 40,
  PB: 2 ** 50,
  EB: 2 ** 60,
};

/**
 * Reads `6.36MB/s` (AutoMQ's binary units) as bytes/s; undefined for `ignored` or garbage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDataRate } from "./log_format.ts";
 * assert.equal(parseDataRate("1.5KB/s"), 1536);
 * assert.equal(parseDataRate("ignored"), undefined);
 * ```
 */
export function parseDataRate(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m || m[1] === "" || m[1] === "." || m[1] === "-") return undefined;
  return Number(m[1]) * UNIT_BYTES[m[2]];
}

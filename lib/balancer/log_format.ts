/**
 * The layout of an auto-balancer log line, as AutoMQ's log4j writes it (`[%d] %p %m (%c)%n`,
 * logger always `kafka.autobalancer`), and sizes as AutoMQ's `Utils.formatDataSize` writes
 * them: binary units (1 KB = 1024 bytes), up to two decimals without trailing zeros, e.g.
 * `NWIn=6.36MB/s`, `0Bytes/s`; plus reading such a size back.
 *
 * @module
 */

import type { Resource } from "./plan_types.ts";

/** The logger name (`%c`) of every auto-balancer line. */
export const AUTO_BALANCER_LOGGER = "kafka.autobalancer";

/** A log4j level. */
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

/** How times are written and read: UTC (AutoMQ's container default) or local time. */
export type LogTimeZone = "utc" | "local";
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
  const utc = timeZone === "utc";
  const y = utc ? date.getUTCFullYear() : date.getFullYear();
  const mo = (utc ? date.getUTCMonth() : date.getMonth()) + 1;
  const d = utc ? date.getUTCDate() : date.getDate();
  const h = utc ? date.getUTCHours() : date.getHours();
  const mi = utc ? date.getUTCMinutes() : date.getMinutes();
  const s = utc ? date.getUTCSeconds() : date.getSeconds();
  const ms = utc ? date.getUTCMilliseconds() : date.getMilliseconds();
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)},${pad(ms, 3)}`;
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

const RESOURCE_LABEL: Readonly<Record<Resource, string>> = { in: "NWIn", out: "NWOut" };

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
export function resourceString(resource: Resource, bytesPerSec: number): string {
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

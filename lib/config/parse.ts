/**
 * Reading one `LAB_*` value from its text: numbers in a range, on/off, one of some words,
 * lists, topic names, placements and skews, each refusing bad input with a
 * {@linkcode LabConfigError} that names the variable, the bad value and what to write
 * instead.
 *
 * @module
 */

import { BadInputError } from "../core/args.ts";
import type { Placement, Skew } from "./types.ts";

/** A setting that cannot be used, with the variable that holds it and what to do. */
export class LabConfigError extends BadInputError {
  /** The environment variable (or parameter) that was wrong. */
  readonly setting: string;
  /** Builds the error; the message names the setting, the bad value and the fix. */
  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = "LabConfigError";
    this.setting = setting;
  }
}

/** The bounds of a number setting. */
export interface NumberRange {
  /** The least value (see `exclusiveMin`). */
  min?: number;
  /** The greatest value allowed. */
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** `min` itself is not allowed. */
  exclusiveMin?: boolean;
}

/** The variables a configuration is read from (`Deno.env.toObject()` or a test's own). */
export type Env = Record<string, string | undefined>;

/** A variable's value, trimmed; `undefined` when unset or blank. */
export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** `["a", "b", "c"]` as "a, b or c". */
export function orList(words: readonly string[]): string {
  return words.length < 2
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/**
 * Parses a number setting's text, refusing non-numbers and values outside the range.
 *
 * @example
 * ```ts
 * import { parseNumber } from "./parse.ts";
 * if (parseNumber("LAB_PARTITIONS", "12", { min: 1, integer: true }) !== 12) throw new Error();
 * ```
 */
export function parseNumber(name: string, raw: string, limits: NumberRange = {}): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value)) {
    throw new LabConfigError(name, `"${raw}" is not a number; set it to a number or unset it.`);
  }
  checkRange(name, value, limits);
  return value;
}

/** Throws a {@linkcode LabConfigError} when `value` is outside the limits. */
export function checkRange(
  name: string,
  value: number,
  limits: NumberRange,
): void {
  if (limits.integer && !Number.isInteger(value)) {
    throw new LabConfigError(
      name,
      `${value} must be a whole number; set a whole number or unset it.`,
    );
  }
  if (limits.min !== undefined) {
    const tooLow = limits.exclusiveMin ? value <= limits.min : value < limits.min;
    if (tooLow) {
      const bound = limits.exclusiveMin ? `greater than ${limits.min}` : `at least ${limits.min}`;
      throw new LabConfigError(name, `${value} is out of range; it must be ${bound}.`);
    }
  }
  if (limits.max !== undefined && value > limits.max) {
    throw new LabConfigError(name, `${value} is out of range; it must be at most ${limits.max}.`);
  }
}

/** Parses an on/off setting's text (on, off, true, false, yes, no, 1, 0). */
export function parseFlag(name: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (["1", "true", "on", "yes"].includes(value)) return true;
  if (["0", "false", "off", "no"].includes(value)) return false;
  throw new LabConfigError(name, `"${raw}" is not on/off; use on or off.`);
}

/** A comma-separated setting's non-blank items. */
export function parseList(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** The longest topic name Kafka takes. */
export const MAX_TOPIC_NAME = 249;

/**
 * What is wrong with a Kafka topic name, or `undefined` when Kafka takes it: only
 * `a-z A-Z 0-9 . _ -`, at most {@linkcode MAX_TOPIC_NAME} characters, neither `.` nor
 * `..` (Kafka's own rules, `org.apache.kafka.common.internals.Topic.validate`).
 *
 * @example
 * ```ts
 * import { topicNameProblem } from "./parse.ts";
 * if (topicNameProblem("traffic-test") !== undefined) throw new Error("legal");
 * if (!topicNameProblem("bad topic!")?.includes('" ", "!"')) throw new Error("names them");
 * ```
 */
export function topicNameProblem(name: string): string | undefined {
  if (name === "." || name === "..") return `"${name}" cannot be a topic name`;
  if (name.length > MAX_TOPIC_NAME) {
    return `a topic name has at most ${MAX_TOPIC_NAME} characters, not ${name.length}`;
  }
  const illegal = [...new Set(name.replace(/[a-zA-Z0-9._-]/g, ""))];
  if (illegal.length > 0) {
    return `"${name}" has characters Kafka refuses in a topic name ` +
      `(${
        illegal.map((c) => JSON.stringify(c)).join(", ")
      }); use only a-z, A-Z, 0-9, ".", "_" and "-"`;
  }
  return undefined;
}

/** Parses `LAB_PLACEMENT`: `none`, `even`, or broker counts like `4-1-1`. */
export function parsePlacement(
  raw: string,
  partitions: number,
  name = "LAB_PLACEMENT",
  brokers = 3,
): Placement {
  const value = raw.trim().toLowerCase();
  if (value === "none") return { kind: "none" };
  if (value === "even") {
    const counts = Array(brokers).fill(0);
    for (let p = 0; p < partitions; p++) counts[p % brokers]++;
    return { kind: "counts", counts };
  }
  const counts = value.split("-").map((part) => part.trim() === "" ? NaN : Number(part));
  if (counts.length < 1 || counts.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new LabConfigError(
      name,
      `"${raw}" is not a placement; use none, even, or partition counts per broker like 4-1-1.`,
    );
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== partitions) {
    throw new LabConfigError(
      name,
      `"${raw}" places ${total} partitions but the topic has ${partitions}; make the counts add up to ${partitions}.`,
    );
  }
  return { kind: "counts", counts };
}

/**
 * Parses `LAB_SKEW`: `uniform`, per-broker shares `broker0=0.8,broker1=0.1,broker2=0.1`
 * (or the short `b0=0.8,...`), or per-partition shares `p0=0.5,p1=0.5`. Shares must sum to 1.
 */
export function parseSkew(raw: string, name = "LAB_SKEW"): Skew {
  const value = raw.trim().toLowerCase();
  if (value === "" || value === "uniform") return { kind: "uniform" };
  const shares = new Map<number, number>();
  let kind: "brokers" | "partitions" | undefined;
  for (const item of value.split(",")) {
    const match = /^\s*(broker|b|partition|p)(\d+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(item);
    if (!match) {
      throw new LabConfigError(
        name,
        `"${item.trim()}" is not a share; write b0=0.8,b1=0.1,b2=0.1 (brokers) or p0=0.5,p1=0.5 (partitions).`,
      );
    }
    const itemKind = match[1].startsWith("b") ? "brokers" : "partitions";
    if (kind && kind !== itemKind) {
      throw new LabConfigError(name, "mixes broker and partition shares; use one kind.");
    }
    kind = itemKind;
    const share = Number(match[3]);
    if (!Number.isFinite(share) || share < 0 || share > 1) {
      throw new LabConfigError(
        name,
        `share ${match[3]} for ${match[1]}${match[2]} must lie in [0, 1].`,
      );
    }
    shares.set(Number(match[2]), share);
  }
  const sum = [...shares.values()].reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new LabConfigError(
      name,
      `shares sum to ${Number(sum.toFixed(6))}, not 1; make them add up to 1.`,
    );
  }
  return { kind: kind!, shares };
}

/** A skew as `LAB_SKEW` takes it: `uniform`, `b0=0.8,b1=0.2` or `p0=0.5,p3=0.5`. */
export function skewText(skew: Skew): string {
  if (skew.kind === "uniform") return "uniform";
  const prefix = skew.kind === "brokers" ? "b" : "p";
  return [...skew.shares].map(([id, share]) => `${prefix}${id}=${share}`).join(",");
}

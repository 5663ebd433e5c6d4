/**
 * Reading one `LAB_*` value: text, numbers in a range, on/off, lists, placements and
 * skews, each refusing bad input with a {@linkcode LabConfigError} that names the variable,
 * the bad value and what to write instead.
 *
 * @module
 */

import type { Placement, Skew } from "./types.ts";

/** A setting that cannot be used, with the variable that holds it and what to do. */
export class LabConfigError extends Error {
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

/** Parses a number setting, refusing non-numbers and values outside `[min, max]`. */
export function numberSetting(
  env: Env,
  name: string,
  fallback: number,
  limits: NumberRange = {},
): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
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
    throw new LabConfigError(name, `${value} must be a whole number.`);
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

/** Parses an on/off setting (on, off, true, false, yes, no, 1, 0). */
export function booleanSetting(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["1", "true", "on", "yes"].includes(raw)) return true;
  if (["0", "false", "off", "no"].includes(raw)) return false;
  throw new LabConfigError(name, `"${raw}" is not on/off; use on or off.`);
}

/** A comma-separated setting as its non-blank items. */
export function listSetting(env: Env, name: string): string[] {
  return (text(env, name) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
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
  const counts = value.split("-").map((part) => Number(part));
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

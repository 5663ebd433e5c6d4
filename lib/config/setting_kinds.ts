/**
 * What one setting is, and the kinds of setting the table (`settings.ts`) declares with: a
 * number in a range, an on/off switch, one of some words, text, a list, or a value of its
 * own with its own reader. A declaration holds everything about its setting: the variable,
 * its default, the values it takes, its meaning, how its text is read and how its value is
 * written back. Reading (`readSettings`) resolves defaults that depend on other settings.
 *
 * @example
 * ```ts
 * import { number, readSettings } from "./setting_kinds.ts";
 * const settings = [
 *   number("LAB_KAFKA_PORT", { default: "19092", range: { min: 1024 }, meaning: "a port" }),
 *   number("LAB_AGENT_PORT", {
 *     defaultFrom: (s) => String(s.number("LAB_KAFKA_PORT") + 300),
 *     defaultText: "LAB_KAFKA_PORT + 300",
 *     range: { min: 1024 },
 *     meaning: "another port",
 *   }),
 * ];
 * const values = readSettings(settings, { LAB_KAFKA_PORT: "20000" });
 * if (values.LAB_AGENT_PORT !== 20300) throw new Error(String(values.LAB_AGENT_PORT));
 * ```
 *
 * @module
 */

import {
  type Env,
  LabConfigError,
  type NumberRange,
  orList,
  parseFlag,
  parseList,
  parseNumber,
  text,
} from "./parse.ts";

/** Reads other settings while one is read: for defaults and values that depend on them. */
export interface SettingReader {
  /** Another setting's value. */
  value(name: string): unknown;
  /** Another setting's value, a number. */
  number(name: string): number;
  /** A variable that is not a setting (`HOME`, `XDG_CACHE_HOME`), trimmed, if set. */
  raw(name: string): string | undefined;
}

/** What the README, the settings view and the checks know of a setting. */
export interface SettingInfo {
  /** Its value when unset, written as the variable takes it; absent when unset means none. */
  readonly default?: string;
  /** Its default computed from other settings or the machine (then `defaultText` says how). */
  readonly defaultFrom?: (settings: SettingReader) => string | undefined;
  /** The default in words, when it depends on other settings or the machine. */
  readonly defaultText?: string;
  /** A number setting's bounds. */
  readonly range?: NumberRange;
  /** The words it takes (for a number setting: words taken besides numbers). */
  readonly allowed?: readonly string[];
  /** A setting that takes a list: items separated by commas. */
  readonly list?: boolean;
  /** What it changes. */
  readonly meaning: string;
  /**
   * Set rarely (a brought cluster, ports, paths, binaries, bytes out, tests): left out of
   * the notebooks' settings view, which shows the settings a workshop changes.
   */
  readonly advanced?: boolean;
}

/** One setting: an environment variable the lab reads, declared once. */
export interface Setting<T = unknown, N extends string = string> extends SettingInfo {
  /** The environment variable. */
  readonly name: N;
  /**
   * Its value from its text (the default's when unset; `undefined` when it has none);
   * throws a {@linkcode LabConfigError} naming the variable.
   */
  read(raw: string | undefined, settings: SettingReader): T;
  /** Its value as the variable takes it ("" for none). */
  show(value: T): string;
}

/** The value type of a setting. */
export type ValueOf<S> = S extends Setting<infer T, string> ? T : never;

const shown = (value: unknown) => value === undefined ? "" : String(value);

/** Reads `raw`, or says the setting has no value (a mistake in the table, not in the input). */
function required(name: string, raw: string | undefined): string {
  if (raw === undefined) throw new Error(`${name} has no default in the settings table.`);
  return raw;
}

/**
 * A number in `range` (a default is required).
 *
 * @example
 * ```ts
 * import { number } from "./setting_kinds.ts";
 * const s = number("LAB_VERIFY_TIMEOUT_S", { default: "30", range: { min: 1 }, meaning: "seconds" });
 * if (s.read("45", {} as never) !== 45) throw new Error("read");
 * ```
 */
export function number<N extends string>(
  name: N,
  info: SettingInfo & { range: NumberRange },
): Setting<number, N> {
  return {
    ...info,
    name,
    read: (raw) => parseNumber(name, required(name, raw), info.range),
    show: shown,
  };
}

/**
 * A number in `range`, or nothing when unset.
 *
 * @example
 * ```ts
 * import { optionalNumber } from "./setting_kinds.ts";
 * const s = optionalNumber("LAB_DURATION_S", { range: { min: 0 }, meaning: "seconds, if any" });
 * if (s.read(undefined, {} as never) !== undefined || s.show(undefined) !== "") throw new Error();
 * ```
 */
export function optionalNumber<N extends string>(
  name: N,
  info: SettingInfo & { range: NumberRange },
): Setting<number | undefined, N> {
  return {
    ...info,
    name,
    read: (raw) => raw === undefined ? undefined : parseNumber(name, raw, info.range),
    show: shown,
  };
}

/**
 * An on/off switch, shown as on or off.
 *
 * @example
 * ```ts
 * import { flag } from "./setting_kinds.ts";
 * const s = flag("LAB_KEEP_CLUSTER", { default: "on", meaning: "a switch" });
 * if (s.read("no", {} as never) !== false || s.show(true) !== "on") throw new Error("flag");
 * ```
 */
export function flag<N extends string>(
  name: N,
  info: SettingInfo & { default: "on" | "off" },
): Setting<boolean, N> {
  return {
    ...info,
    name,
    allowed: ["on", "off"],
    read: (raw) => parseFlag(name, required(name, raw)),
    show: (value) => value ? "on" : "off",
  };
}

/**
 * One of `allowed` (case does not matter).
 *
 * @example
 * ```ts
 * import { oneOf } from "./setting_kinds.ts";
 * const s = oneOf("LAB_ENV", ["a", "b"], { default: "a", meaning: "a or b" });
 * if (s.read("B", {} as never) !== "b") throw new Error("b");
 * ```
 */
export function oneOf<W extends string, N extends string>(
  name: N,
  allowed: readonly W[],
  info: SettingInfo,
): Setting<W, N> {
  return {
    ...info,
    name,
    allowed,
    read: (raw) => {
      const value = required(name, raw).toLowerCase() as W;
      if (!allowed.includes(value)) {
        throw new LabConfigError(name, `"${raw}" is unknown; use ${orList(allowed)}.`);
      }
      return value;
    },
    show: shown,
  };
}

/**
 * Text; `problem` says what is wrong with a value, if anything.
 *
 * @example
 * ```ts
 * import { words } from "./setting_kinds.ts";
 * const s = words("LAB_TOPIC", { default: "x", meaning: "a name", problem: (v) => v.includes(" ") ? "no spaces" : undefined });
 * let said = "";
 * try { s.read("a b", {} as never); } catch (e) { said = (e as Error).message; }
 * if (said !== "LAB_TOPIC: no spaces.") throw new Error(said);
 * ```
 */
export function words<N extends string>(
  name: N,
  info: SettingInfo & { problem?: (value: string) => string | undefined },
): Setting<string, N> {
  return {
    ...info,
    name,
    read: (raw) => {
      const value = required(name, raw);
      const problem = info.problem?.(value);
      if (problem) throw new LabConfigError(name, `${problem.replace(/\.$/, "")}.`);
      return value;
    },
    show: shown,
  };
}

/**
 * Text, or nothing when unset; `problem` says what is wrong with a value, if anything.
 *
 * @example
 * ```ts
 * import { optionalWords } from "./setting_kinds.ts";
 * const s = optionalWords("KAFKA_HOME", { meaning: "a path, if any" });
 * if (s.read(undefined, {} as never) !== undefined) throw new Error("none");
 * ```
 */
export function optionalWords<N extends string>(
  name: N,
  info: SettingInfo & { problem?: (value: string) => string | undefined },
): Setting<string | undefined, N> {
  const some = words(name, info);
  return { ...some, read: (raw, s) => raw === undefined ? undefined : some.read(raw, s) };
}

/**
 * A comma-separated list; `item` reads (and checks) each item.
 *
 * @example
 * ```ts
 * import { list } from "./setting_kinds.ts";
 * const s = list("LAB_BALANCER_EXCLUDE_BROKERS", { meaning: "ids", item: (id) => Number(id) });
 * if (s.show(s.read(" 1, 2,", {} as never)) !== "1,2") throw new Error("list");
 * ```
 */
export function list<N extends string, T = string>(
  name: N,
  info: SettingInfo & { item?: (item: string) => T },
): Setting<T[], N> {
  return {
    ...info,
    name,
    list: true,
    read: (raw) => parseList(raw).map((item) => info.item ? info.item(item) : item as T),
    show: (value) => value.join(","),
  };
}

/**
 * A value of its own: `read` parses it (with other settings at hand), `show` writes it back.
 *
 * @example
 * ```ts
 * import { custom } from "./setting_kinds.ts";
 * const s = custom("LAB_PLACEMENT", {
 *   default: "1x2",
 *   meaning: "a size",
 *   read: (raw) => raw.split("x").map(Number),
 *   show: (size) => size.join("x"),
 * });
 * if (s.read("3x4", {} as never).join() !== "3,4") throw new Error("size");
 * ```
 */
export function custom<T, N extends string>(
  name: N,
  info: SettingInfo & {
    read: (raw: string, settings: SettingReader) => T;
    show: (value: T) => string;
  },
): Setting<T, N> {
  const { read, show, ...rest } = info;
  return { ...rest, name, read: (raw, s) => read(required(name, raw), s), show };
}

/**
 * Reads `settings` from `env` as a record by name: each variable's text, else `fallback`'s
 * (a scenario's defaults), else the setting's own default. Defaults that depend on other
 * settings are resolved in whatever order they need. Throws the first
 * {@linkcode LabConfigError}, in the table's order.
 */
export function readSettings<S extends Setting<unknown, string>>(
  settings: readonly S[],
  env: Env,
  fallback: Env = {},
): { [K in S as K["name"]]: ValueOf<K> } {
  const byName = new Map(settings.map((s) => [s.name as string, s]));
  const values = new Map<string, unknown>();
  const reading = new Set<string>();
  const reader: SettingReader = {
    value: (name) => get(name),
    number: (name) => get(name) as number,
    raw: (name) => text(env, name),
  };
  function get(name: string): unknown {
    if (values.has(name)) return values.get(name);
    const setting = byName.get(name);
    if (!setting) throw new Error(`${name} is not in the settings table (lib/config/settings.ts).`);
    if (reading.has(name)) throw new Error(`${name}'s default depends on itself.`);
    reading.add(name);
    const raw = text(env, name) ?? text(fallback, name) ?? setting.default ??
      setting.defaultFrom?.(reader);
    const value = setting.read(raw, reader);
    reading.delete(name);
    values.set(name, value);
    return value;
  }
  for (const s of settings) get(s.name);
  return Object.fromEntries(values) as { [K in S as K["name"]]: ValueOf<K> };
}

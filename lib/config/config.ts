/**
 * Every setting of the lab, read once from environment variables and validated.
 *
 * A workshop changes the scenario (rates, skew, sizes, environment) by setting
 * `LAB_*` variables, never by editing notebook cells. Nothing else in `lib/`
 * reads the environment. Each variable's default, range and meaning are in the
 * settings table (`settings.ts`), which this module reads them from.
 *
 * @module
 */

import { timeZoneProblem } from "../core/time_zone.ts";
import { type Scenario, scenarioNamed } from "./scenarios.ts";
import { PROFILES } from "./profiles.ts";
import { settingNamed } from "./settings.ts";
import {
  booleanSetting,
  type Env,
  LabConfigError,
  listSetting,
  numberSetting,
  parsePlacement,
  parseSkew,
  text,
} from "./parse.ts";
import type { BalancerSettings, LabConfig } from "./types.ts";

export { checkRange, LabConfigError, numberSetting, parsePlacement, parseSkew } from "./parse.ts";
export {
  type BalancerSettings,
  type EnvironmentKind,
  type LabConfig,
  type LocalSettings,
  MAX_LOCAL_BROKERS,
  type Placement,
  type Skew,
} from "./types.ts";

const GOALS = {
  in: "NetworkInUsageDistributionGoal",
  out: "NetworkOutUsageDistributionGoal",
} as const;

/** A number setting, its default and bounds from the settings table (or `fallback`). */
function tableNumber(env: Env, name: string, fallback?: number): number {
  const setting = settingNamed(name);
  return numberSetting(env, name, fallback ?? Number(setting.default), setting.range);
}

/** An on/off setting, its default from the settings table. */
function tableFlag(env: Env, name: string): boolean {
  return booleanSetting(env, name, settingNamed(name).default === "on");
}

/** A text setting, or its default from the settings table. */
function tableText(env: Env, name: string): string {
  return text(env, name) ?? settingNamed(name).default ?? "";
}

/** A setting whose value must be one of the table's `allowed` words. */
function tableChoice(env: Env, name: string): string {
  const value = tableText(env, name).toLowerCase();
  const allowed = settingNamed(name).allowed ?? [];
  if (!allowed.includes(value)) {
    throw new LabConfigError(name, `"${value}" is unknown; use ${orList(allowed)}.`);
  }
  return value;
}

/** `["a", "b", "c"]` as "a, b or c". */
function orList(words: readonly string[]): string {
  return words.length < 2
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function homeCache(env: Env): string {
  const base = text(env, "XDG_CACHE_HOME") ?? `${text(env, "HOME") ?? "/tmp"}/.cache`;
  return `${base}/auto-balancing-lab`;
}

/** Reads and validates the balancer settings from `LAB_BALANCER_*`. */
export function balancerSettingsFrom(env: Env): BalancerSettings {
  const goals = listSetting(env, "LAB_BALANCER_GOALS");
  const fallbackGoals = tableText(env, "LAB_BALANCER_GOALS").split(",");
  const parsedGoals = (goals.length === 0 ? fallbackGoals : goals).map((goal) => {
    const short = goal.toLowerCase().replace(/^network/, "").replace(/usagedistributiongoal$/, "");
    if (short !== "in" && short !== "out") {
      throw new LabConfigError(
        "LAB_BALANCER_GOALS",
        `"${goal}" is not a goal; use in, out or both (in,out).`,
      );
    }
    return GOALS[short];
  });
  const excludeBrokers = listSetting(env, "LAB_BALANCER_EXCLUDE_BROKERS").map((id) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0) {
      throw new LabConfigError("LAB_BALANCER_EXCLUDE_BROKERS", `"${id}" is not a broker id.`);
    }
    return n;
  });
  const number = (name: string) => tableNumber(env, name);
  return {
    enabled: tableFlag(env, "LAB_BALANCER"),
    goals: parsedGoals,
    detectIntervalMs: number("LAB_DETECT_INTERVAL_S") * 1000,
    detectThresholdBytes: {
      in: number("LAB_BALANCER_DETECT_THRESHOLD"),
      out: number("LAB_BALANCER_DETECT_THRESHOLD_OUT"),
    },
    avgDeviation: {
      in: number("LAB_BALANCER_AVG_DEVIATION"),
      out: number("LAB_BALANCER_AVG_DEVIATION_OUT"),
    },
    trivialChangeRatio: {
      in: number("LAB_BALANCER_TRIVIAL_RATIO"),
      out: number("LAB_BALANCER_TRIVIAL_RATIO_OUT"),
    },
    executionConcurrency: number("LAB_BALANCER_CONCURRENCY"),
    executionIntervalMs: number("LAB_BALANCER_EXECUTION_INTERVAL_MS"),
    excludeBrokers,
    excludeTopics: listSetting(env, "LAB_BALANCER_EXCLUDE_TOPICS"),
    baselineBandwidthBytes: number("LAB_BALANCER_BASELINE_BANDWIDTH"),
  };
}

/** `LAB_BOOTSTRAP` and `LAB_PROMETHEUS_URL`: both or neither, the URL an http(s) one. */
function broughtCluster(env: Env): { bootstrap: string[]; prometheusUrl?: string } {
  const bootstrap = listSetting(env, "LAB_BOOTSTRAP");
  const prometheusUrl = text(env, "LAB_PROMETHEUS_URL");
  if ((bootstrap.length > 0) !== (prometheusUrl !== undefined)) {
    throw new LabConfigError(
      bootstrap.length > 0 ? "LAB_PROMETHEUS_URL" : "LAB_BOOTSTRAP",
      "a bring-your-own cluster needs both LAB_BOOTSTRAP and LAB_PROMETHEUS_URL; set both or neither.",
    );
  }
  if (prometheusUrl !== undefined && !/^https?:\/\/[^/]+/.test(prometheusUrl)) {
    throw new LabConfigError("LAB_PROMETHEUS_URL", `"${prometheusUrl}" is not an http(s) URL.`);
  }
  return { bootstrap, prometheusUrl };
}

/** `LAB_BALANCER_LOG_ZONE`: a zone `core/time_zone.ts` can read. */
function logZone(env: Env): string {
  const zone = tableText(env, "LAB_BALANCER_LOG_ZONE");
  const problem = timeZoneProblem(zone);
  if (problem !== undefined) throw new LabConfigError("LAB_BALANCER_LOG_ZONE", problem);
  return zone;
}

/** The local environment's ports, directories and binaries. */
function localSettingsFrom(env: Env, brokers: number): LabConfig["local"] {
  const kafkaPort = tableNumber(env, "LAB_KAFKA_PORT");
  const cacheDir = text(env, "LAB_CACHE_DIR") ?? homeCache(env);
  return {
    kafkaPort,
    controllerPort: tableNumber(env, "LAB_CONTROLLER_PORT", kafkaPort + 100),
    exporterPort: tableNumber(env, "LAB_EXPORTER_PORT", kafkaPort + 200),
    prometheusPort: tableNumber(env, "LAB_PROMETHEUS_PORT"),
    agentPort: tableNumber(env, "LAB_AGENT_PORT", kafkaPort + 300),
    stateDir: text(env, "LAB_STATE_DIR") ?? `${cacheDir}/state`,
    cacheDir,
    kafkaHome: text(env, "KAFKA_HOME"),
    prometheusBin: tableText(env, "PROMETHEUS_BIN"),
    javaBin: text(env, "JAVA_BIN") ??
      (text(env, "JAVA_HOME") ? `${env.JAVA_HOME}/bin/java` : "java"),
    brokerHeap: tableText(env, "LAB_BROKER_HEAP"),
    brokers,
  };
}

/**
 * Reads the whole configuration from an environment (by default the process's).
 * Throws {@linkcode LabConfigError} naming the first bad variable.
 */
export function loadConfig(given: Env = Deno.env.toObject()): LabConfig {
  let scenario: Scenario;
  try {
    scenario = scenarioNamed(tableText(given, "LAB_SCENARIO"));
  } catch (error) {
    throw new LabConfigError("LAB_SCENARIO", (error as Error).message);
  }
  const profile = tableText(given, "LAB_PROFILE").toLowerCase();
  if (!(profile in PROFILES)) {
    throw new LabConfigError(
      "LAB_PROFILE",
      `"${profile}" is unknown; use ${orList(Object.keys(PROFILES))}.`,
    );
  }
  // The scenario's and the profile's defaults, under whatever the variables say.
  const env: Env = { ...scenario.defaults, ...PROFILES[profile], ...given };
  const environment = tableText(env, "LAB_ENV").toLowerCase();
  const environments = settingNamed("LAB_ENV").allowed ?? [];
  if (!environments.includes(environment)) {
    throw new LabConfigError(
      "LAB_ENV",
      `"${environment}" is unknown; use ${orList(environments)}.`,
    );
  }
  const { bootstrap, prometheusUrl } = broughtCluster(env);
  const partitions = tableNumber(env, "LAB_PARTITIONS");
  const brokers = tableNumber(env, "LAB_BROKERS");
  const rateRaw = text(env, "LAB_RATE_MBPS");
  const duration = text(env, "LAB_DURATION_S");
  return {
    environment: bootstrap.length > 0 ? "external" : environment as LabConfig["environment"],
    bootstrapServers: bootstrap.length > 0 ? bootstrap : undefined,
    prometheusUrl: prometheusUrl?.replace(/\/+$/, ""),
    balancerLogFile: text(env, "LAB_BALANCER_LOG"),
    broughtBalancer: tableChoice(env, "LAB_BROUGHT_BALANCER") as LabConfig["broughtBalancer"],
    balancerLogZone: logZone(env),
    topic: tableText(env, "LAB_TOPIC"),
    partitions,
    scenario,
    scenarioOverrides: Object.entries(scenario.defaults)
      .filter(([name, value]) => given[name] !== undefined && given[name] !== value)
      .map(([name]) => `${name}=${given[name]}`),
    placement: parsePlacement(tableText(env, "LAB_PLACEMENT"), partitions, undefined, brokers),
    recordBytes: tableNumber(env, "LAB_RECORD_BYTES"),
    rateMBps: rateRaw === "unthrottled" ? undefined : tableNumber(env, "LAB_RATE_MBPS"),
    durationSeconds: duration === undefined ? undefined : tableNumber(env, "LAB_DURATION_S", 0),
    profile,
    loadMaxSeconds: text(env, "LAB_LOAD_MAX_S") === undefined
      ? undefined
      : tableNumber(env, "LAB_LOAD_MAX_S", 0),
    records: tableNumber(env, "LAB_RECORDS"),
    skew: parseSkew(tableText(env, "LAB_SKEW")),
    rateWindowSeconds: tableNumber(env, "LAB_RATE_WINDOW_S"),
    scrapeIntervalSeconds: tableNumber(env, "LAB_SCRAPE_INTERVAL_S"),
    verifyTimeoutSeconds: tableNumber(env, "LAB_VERIFY_TIMEOUT_S"),
    resultsDir: tableText(env, "LAB_RESULTS_DIR"),
    keepCluster: tableFlag(env, "LAB_KEEP_CLUSTER"),
    autoInstall: tableFlag(env, "LAB_AUTO_INSTALL"),
    balancer: balancerSettingsFrom(env),
    local: localSettingsFrom(env, brokers),
  };
}

/**
 * Every `LAB_*` setting in one declarative table (`settings.json`): its variable, default,
 * allowed values or range, and meaning. `loadConfig` takes defaults and ranges from it, the
 * README's "Settings" table is generated from it (`settings_doc.ts`), and the notebooks'
 * settings view renders its rows not marked `advanced`, each with {@linkcode settingValue}.
 *
 * @example
 * ```ts
 * import { settingNamed } from "./settings.ts";
 * const rate = settingNamed("LAB_RATE_MBPS");
 * console.log(rate.default, rate.range?.max); // 20 10000
 * ```
 *
 * @module
 */

import table from "./settings.json" with { type: "json" };
import type { NumberRange } from "./parse.ts";
import type { LabConfig, Skew } from "./types.ts";

/** One setting: an environment variable the lab reads. */
export interface Setting {
  /** The environment variable. */
  readonly name: string;
  /** Its value when unset, written as the variable takes it; absent when unset means none. */
  readonly default?: string;
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
   * Set rarely (a brought cluster, ports, paths, binaries, bytes out): left out of the
   * notebooks' settings view, which shows the settings a workshop changes.
   */
  readonly advanced?: boolean;
  /** Its value in a configuration (see {@linkcode settingValue} for it as text). */
  readonly value?: (config: LabConfig) => string | number | boolean | undefined;
}

function skewText(skew: Skew): string {
  if (skew.kind === "uniform") return "uniform";
  const prefix = skew.kind === "brokers" ? "b" : "p";
  return [...skew.shares].map(([id, share]) => `${prefix}${id}=${share}`).join(",");
}

const shortGoal = (goal: string) => goal === "NetworkInUsageDistributionGoal" ? "in" : "out";

/** Where each setting's value lies in a configuration. */
const VALUE_OF: Readonly<Record<string, Setting["value"]>> = {
  LAB_ENV: (c) => c.environment,
  LAB_SCENARIO: (c) => c.scenario.name,
  LAB_PROFILE: (c) => c.profile,
  LAB_LOAD_MAX_S: (c) => c.loadMaxSeconds,
  LAB_TOPIC: (c) => c.topic,
  LAB_PARTITIONS: (c) => c.partitions,
  LAB_PLACEMENT: (c) => c.placement.kind === "none" ? "none" : c.placement.counts.join("-"),
  LAB_RATE_MBPS: (c) => c.rateMBps ?? "unthrottled",
  LAB_RECORD_BYTES: (c) => c.recordBytes,
  LAB_SKEW: (c) => skewText(c.skew),
  LAB_RATE_WINDOW_S: (c) => c.rateWindowSeconds,
  LAB_SCRAPE_INTERVAL_S: (c) => c.scrapeIntervalSeconds,
  LAB_RESULTS_DIR: (c) => c.resultsDir,
  LAB_KEEP_CLUSTER: (c) => c.keepCluster,
  LAB_BALANCER: (c) => c.balancer.enabled,
  LAB_BALANCER_GOALS: (c) => c.balancer.goals.map(shortGoal).join(","),
  LAB_DETECT_INTERVAL_S: (c) => c.balancer.detectIntervalMs / 1000,
  LAB_VERIFY_TIMEOUT_S: (c) => c.verifyTimeoutSeconds,
  LAB_BALANCER_DETECT_THRESHOLD: (c) => c.balancer.detectThresholdBytes.in,
  LAB_BALANCER_DETECT_THRESHOLD_OUT: (c) => c.balancer.detectThresholdBytes.out,
  LAB_BALANCER_AVG_DEVIATION: (c) => c.balancer.avgDeviation.in,
  LAB_BALANCER_AVG_DEVIATION_OUT: (c) => c.balancer.avgDeviation.out,
  LAB_BALANCER_TRIVIAL_RATIO: (c) => c.balancer.trivialChangeRatio.in,
  LAB_BALANCER_TRIVIAL_RATIO_OUT: (c) => c.balancer.trivialChangeRatio.out,
  LAB_KAFKA_PORT: (c) => c.local.kafkaPort,
  LAB_PROMETHEUS_PORT: (c) => c.local.prometheusPort,
  LAB_STATE_DIR: (c) => c.local.stateDir,
  LAB_BOOTSTRAP: (c) => c.bootstrapServers?.join(","),
  LAB_PROMETHEUS_URL: (c) => c.prometheusUrl,
  LAB_BALANCER_LOG: (c) => c.balancerLogFile,
  LAB_BROUGHT_BALANCER: (c) => c.broughtBalancer,
  LAB_BALANCER_LOG_ZONE: (c) => c.balancerLogZone,
  LAB_BROKERS: (c) => c.local.brokers,
  LAB_DURATION_S: (c) => c.durationSeconds,
  LAB_RECORDS: (c) => c.records,
  LAB_AUTO_INSTALL: (c) => c.autoInstall,
  LAB_BALANCER_CONCURRENCY: (c) => c.balancer.executionConcurrency,
  LAB_BALANCER_EXECUTION_INTERVAL_MS: (c) => c.balancer.executionIntervalMs,
  LAB_BALANCER_EXCLUDE_BROKERS: (c) => c.balancer.excludeBrokers.join(","),
  LAB_BALANCER_EXCLUDE_TOPICS: (c) => c.balancer.excludeTopics.join(","),
  LAB_BALANCER_BASELINE_BANDWIDTH: (c) => c.balancer.baselineBandwidthBytes,
  LAB_CONTROLLER_PORT: (c) => c.local.controllerPort,
  LAB_EXPORTER_PORT: (c) => c.local.exporterPort,
  LAB_AGENT_PORT: (c) => c.local.agentPort,
  LAB_CACHE_DIR: (c) => c.local.cacheDir,
  LAB_BROKER_HEAP: (c) => c.local.brokerHeap,
  KAFKA_HOME: (c) => c.local.kafkaHome,
  PROMETHEUS_BIN: (c) => c.local.prometheusBin,
  JAVA_BIN: (c) => c.local.javaBin,
};

/** Every setting of the lab, in the order the README lists them: the workshop's first. */
export const SETTINGS: readonly Setting[] = (table as Setting[]).map((row) => ({
  ...row,
  value: VALUE_OF[row.name],
}));

/**
 * The setting called `name`; throws if the table has none (a mistake in `lib/`, not in
 * the user's input).
 */
export function settingNamed(name: string): Setting {
  const found = SETTINGS.find((s) => s.name === name);
  if (!found) throw new Error(`${name} is not in the settings table (lib/config/settings.json).`);
  return found;
}

/**
 * A setting's value in `config` as the variable takes it: on/off for switches, "" when
 * unset.
 */
export function settingValue(setting: Setting, config: LabConfig): string {
  const value = setting.value?.(config);
  if (typeof value === "boolean") return value ? "on" : "off";
  return value === undefined ? "" : String(value);
}

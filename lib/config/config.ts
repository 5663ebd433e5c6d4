/**
 * Every setting of the lab, read once from environment variables and validated.
 *
 * A workshop changes the scenario (rates, skew, sizes, environment) by setting
 * `LAB_*` variables, never by editing notebook cells. Nothing else in `lib/`
 * reads the environment. Each variable is declared once, with its default, range,
 * meaning and reader, in the settings table (`settings.ts`); this module reads them all
 * with it, checks them against each other (`checks.ts`) and gives the rest of `lib/` the
 * configuration's shape (`types.ts`).
 *
 * @module
 */

import { type SettingValues, settingValues } from "./settings.ts";
import type { Env } from "./parse.ts";
import { checkSpelling, checkTogether } from "./checks.ts";
import { PROFILES } from "./profiles.ts";
import type { BalancerSettings, LabConfig } from "./types.ts";

export {
  checkRange,
  LabConfigError,
  parseNumber,
  parsePlacement,
  parseSkew,
  topicNameProblem,
} from "./parse.ts";
export {
  type BalancerSettings,
  type EnvironmentKind,
  type LabConfig,
  type LocalSettings,
  MAX_LOCAL_BROKERS,
  type Placement,
  type Skew,
} from "./types.ts";

/** The balancer's part of the configuration, from the settings' values. */
function balancerOf(v: SettingValues): BalancerSettings {
  return {
    enabled: v.LAB_BALANCER,
    goals: v.LAB_BALANCER_GOALS,
    detectIntervalMs: v.LAB_DETECT_INTERVAL_S * 1000,
    detectThresholdBytes: {
      in: v.LAB_BALANCER_DETECT_THRESHOLD,
      out: v.LAB_BALANCER_DETECT_THRESHOLD_OUT,
    },
    avgDeviation: { in: v.LAB_BALANCER_AVG_DEVIATION, out: v.LAB_BALANCER_AVG_DEVIATION_OUT },
    trivialChangeRatio: {
      in: v.LAB_BALANCER_TRIVIAL_RATIO,
      out: v.LAB_BALANCER_TRIVIAL_RATIO_OUT,
    },
    executionConcurrency: v.LAB_BALANCER_CONCURRENCY,
    executionIntervalMs: v.LAB_BALANCER_EXECUTION_INTERVAL_MS,
    excludeBrokers: v.LAB_BALANCER_EXCLUDE_BROKERS,
    excludeTopics: v.LAB_BALANCER_EXCLUDE_TOPICS,
    baselineBandwidthBytes: v.LAB_BALANCER_BASELINE_BANDWIDTH,
  };
}

/**
 * Reads and validates the balancer settings from `LAB_BALANCER_*`.
 *
 * @example
 * ```ts
 * import { balancerSettingsFrom } from "./config.ts";
 * const settings = balancerSettingsFrom({ LAB_BALANCER_GOALS: "out" });
 * if (settings.goals.join() !== "NetworkOutUsageDistributionGoal") throw new Error("goals");
 * ```
 */
export function balancerSettingsFrom(env: Env): BalancerSettings {
  return balancerOf(settingValues(env));
}

/**
 * Reads the whole configuration from an environment (by default the process's): each
 * variable, else its scenario's default, else the table's. Throws a `LabConfigError` naming
 * the first bad variable, or settings that do not go together.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const config = loadConfig({ LAB_SCENARIO: "scale-out", LAB_RATE_MBPS: "10" });
 * if (config.partitions !== 12 || config.values.LAB_RATE_MBPS !== 10) throw new Error("read");
 * ```
 */
export function loadConfig(given: Env = Deno.env.toObject()): LabConfig {
  checkSpelling(given);
  const scenario = settingValues({ LAB_SCENARIO: given.LAB_SCENARIO }).LAB_SCENARIO;
  const profile = settingValues({ LAB_PROFILE: given.LAB_PROFILE }).LAB_PROFILE;
  // The scenario's and the profile's defaults, under whatever the variables say.
  const v = settingValues(given, { ...scenario.defaults, ...PROFILES[profile] });
  const external = v.LAB_BOOTSTRAP.length > 0;
  const config: LabConfig = {
    values: v,
    environment: external ? "external" : v.LAB_ENV,
    bootstrapServers: external ? v.LAB_BOOTSTRAP : undefined,
    prometheusUrl: v.LAB_PROMETHEUS_URL?.replace(/\/+$/, ""),
    balancerLogFile: v.LAB_BALANCER_LOG,
    broughtBalancer: v.LAB_BROUGHT_BALANCER,
    balancerLogZone: v.LAB_BALANCER_LOG_ZONE,
    topic: v.LAB_TOPIC,
    partitions: v.LAB_PARTITIONS,
    scenario,
    scenarioOverrides: Object.entries(scenario.defaults)
      .filter(([name, value]) => given[name] !== undefined && given[name] !== value)
      .map(([name]) => `${name}=${given[name]}`),
    placement: v.LAB_PLACEMENT,
    recordBytes: v.LAB_RECORD_BYTES,
    rateMBps: v.LAB_RATE_MBPS,
    durationSeconds: v.LAB_DURATION_S,
    profile: v.LAB_PROFILE,
    loadMaxSeconds: v.LAB_LOAD_MAX_S,
    records: v.LAB_RECORDS,
    skew: v.LAB_SKEW,
    rateWindowSeconds: v.LAB_RATE_WINDOW_S,
    scrapeIntervalSeconds: v.LAB_SCRAPE_INTERVAL_S,
    verifyTimeoutSeconds: v.LAB_VERIFY_TIMEOUT_S,
    resultsDir: v.LAB_RESULTS_DIR,
    keepCluster: v.LAB_KEEP_CLUSTER,
    autoInstall: v.LAB_AUTO_INSTALL,
    balancer: balancerOf(v),
    local: {
      kafkaPort: v.LAB_KAFKA_PORT,
      controllerPort: v.LAB_CONTROLLER_PORT,
      exporterPort: v.LAB_EXPORTER_PORT,
      prometheusPort: v.LAB_PROMETHEUS_PORT,
      agentPort: v.LAB_AGENT_PORT,
      stateDir: v.LAB_STATE_DIR,
      cacheDir: v.LAB_CACHE_DIR,
      kafkaHome: v.KAFKA_HOME,
      prometheusBin: v.PROMETHEUS_BIN,
      javaBin: v.JAVA_BIN,
      brokerHeap: v.LAB_BROKER_HEAP,
      brokers: v.LAB_BROKERS,
    },
  };
  checkTogether(config);
  return config;
}

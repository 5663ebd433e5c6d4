/**
 * Every setting of the lab, read once from environment variables and validated.
 *
 * A workshop changes the scenario (rates, skew, sizes, environment) by setting
 * `LAB_*` variables, never by editing notebook cells. Nothing else in `lib/`
 * reads the environment.
 *
 * @module
 */

import { type Scenario, scenarioNamed } from "./scenarios.ts";

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

/** Which environment runs the cluster. */
export type EnvironmentKind = "local" | "automq" | "external";

/** How the topic's partitions are placed before the load starts. */
export type Placement =
  | { kind: "none" }
  | { kind: "counts"; counts: number[] };

/** Where load is aimed: a share of bytes per broker or per partition. */
export type Skew =
  | { kind: "uniform" }
  | { kind: "brokers"; shares: Map<number, number> }
  | { kind: "partitions"; shares: Map<number, number> };

/** The auto-balancer's settings, named as AutoMQ names them. */
export interface BalancerSettings {
  /** Whether the local reference balancer runs (AutoMQ: `autobalancer.controller.enable`). */
  enabled: boolean;
  /** Goals in priority order. */
  goals: Array<"NetworkInUsageDistributionGoal" | "NetworkOutUsageDistributionGoal">;
  /** `anomaly.detect.interval.ms`. */
  detectIntervalMs: number;
  /** `network.{in,out}.usage.distribution.detect.threshold`, bytes/s. */
  detectThresholdBytes: { in: number; out: number };
  /** `network.{in,out}.distribution.detect.avg.deviation`, a ratio of the average. */
  avgDeviation: { in: number; out: number };
  /** `network.{in,out}.trivial.change.ratio`. */
  trivialChangeRatio: { in: number; out: number };
  /** `execution.concurrency`: moves at once per broker. */
  executionConcurrency: number;
  /** `execution.interval.ms`: pause between batches. */
  executionIntervalMs: number;
  /** `exclude.broker.ids`. */
  excludeBrokers: number[];
  /** `exclude.topics`. */
  excludeTopics: string[];
  /** Baseline bandwidth `L` of the score curve, bytes/s (`s3.network.baseline.bandwidth`). */
  baselineBandwidthBytes: number;
}

/** The local environment's ports, directories and binaries. */
export interface LocalSettings {
  /** Client port of broker 0; broker i listens on `kafkaPort + i`. */
  kafkaPort: number;
  /** Controller port of node 0; node i uses `controllerPort + i`. */
  controllerPort: number;
  /** JMX exporter port of node 0; node i uses `exporterPort + i`. */
  exporterPort: number;
  /** Prometheus's port. */
  prometheusPort: number;
  /** The lab agent's port (partition metrics and the reference balancer). */
  agentPort: number;
  /** Where the running cluster keeps data, logs and PID files. */
  stateDir: string;
  /** Where downloaded jars are cached (outside the repository). */
  cacheDir: string;
  /** An existing Kafka installation to use instead of Maven Central jars. */
  kafkaHome?: string;
  /** The Prometheus binary. */
  prometheusBin: string;
  /** The Java binary. */
  javaBin: string;
  /** Heap per broker, e.g. `512m`. */
  brokerHeap: string;
  /** Brokers the local cluster starts with (`LAB_BROKERS`, 1 to {@linkcode MAX_LOCAL_BROKERS}). */
  brokers: number;
}

/** The most brokers the local environment runs (a 2-core, 8 GB machine's worth). */
export const MAX_LOCAL_BROKERS = 6;

/** The whole configuration of one lab run. */
export interface LabConfig {
  /** `LAB_ENV`: automq, local, external, or auto (decided by `lib/env`). */
  environment: EnvironmentKind | "auto";
  /** `LAB_BOOTSTRAP`: bring-your-own cluster's bootstrap servers. */
  bootstrapServers?: string[];
  /** `LAB_PROMETHEUS_URL`: bring-your-own cluster's Prometheus. */
  prometheusUrl?: string;
  /** `LAB_BALANCER_LOG`: a bring-your-own cluster's `auto-balancer.log`, if readable. */
  balancerLogFile?: string;
  /** `LAB_SCENARIO`: the scenario, whose defaults the other settings start from. */
  scenario: Scenario;
  /** The scenario's defaults that `LAB_*` variables changed, as `NAME=value`. */
  scenarioOverrides: string[];
  /** The topic the scenario loads. */
  topic: string;
  /** Its partition count. */
  partitions: number;
  /** Placement applied before load. */
  placement: Placement;
  /** Record size in bytes. */
  recordBytes: number;
  /** Target rate in MB/s (10^6 bytes); `undefined` means unthrottled. */
  rateMBps?: number;
  /** Sustained-load duration in seconds (used when set, else `records`). */
  durationSeconds?: number;
  /** Record count for a counted load. */
  records: number;
  /** Where the bytes go. */
  skew: Skew;
  /** Window of PromQL `rate()`, seconds. */
  rateWindowSeconds: number;
  /** Prometheus scrape interval, seconds. */
  scrapeIntervalSeconds: number;
  /** How long `verify` waits for balance, seconds. */
  verifyTimeoutSeconds: number;
  /** Where reports and charts go. */
  resultsDir: string;
  /** Keep the cluster running after the demo. */
  keepCluster: boolean;
  /** `LAB_AUTO_INSTALL`: install missing Debian packages when running as root (default on). */
  autoInstall: boolean;
  /** The balancer's settings. */
  balancer: BalancerSettings;
  /** The local environment's settings. */
  local: LocalSettings;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** Parses a number setting, refusing non-numbers and values outside `[min, max]`. */
export function numberSetting(
  env: Env,
  name: string,
  fallback: number,
  limits: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
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
  limits: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
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

function booleanSetting(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["1", "true", "on", "yes"].includes(raw)) return true;
  if (["0", "false", "off", "no"].includes(raw)) return false;
  throw new LabConfigError(name, `"${raw}" is not on/off; use on or off.`);
}

function listSetting(env: Env, name: string): string[] {
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

const GOALS = {
  in: "NetworkInUsageDistributionGoal",
  out: "NetworkOutUsageDistributionGoal",
} as const;

function homeCache(env: Env): string {
  const base = text(env, "XDG_CACHE_HOME") ?? `${text(env, "HOME") ?? "/tmp"}/.cache`;
  return `${base}/auto-balancing-lab`;
}

/** Reads and validates the balancer settings from `LAB_BALANCER_*`. */
export function balancerSettingsFrom(env: Env): BalancerSettings {
  const goals = listSetting(env, "LAB_BALANCER_GOALS");
  const parsedGoals = (goals.length === 0 ? ["in", "out"] : goals).map((goal) => {
    const short = goal.toLowerCase().replace(/^network/, "").replace(/usagedistributiongoal$/, "");
    if (short !== "in" && short !== "out") {
      throw new LabConfigError(
        "LAB_BALANCER_GOALS",
        `"${goal}" is not a goal; use in, out or both (in,out).`,
      );
    }
    return GOALS[short];
  });
  const ratio = (name: string, fallback: number) =>
    numberSetting(env, name, fallback, { min: 0, max: 1, exclusiveMin: true });
  const excludeBrokers = listSetting(env, "LAB_BALANCER_EXCLUDE_BROKERS").map((id) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0) {
      throw new LabConfigError("LAB_BALANCER_EXCLUDE_BROKERS", `"${id}" is not a broker id.`);
    }
    return n;
  });
  return {
    enabled: booleanSetting(env, "LAB_BALANCER", true),
    goals: parsedGoals,
    detectIntervalMs: numberSetting(env, "LAB_DETECT_INTERVAL_S", 30, {
      min: 0,
      exclusiveMin: true,
      max: 3600,
    }) * 1000,
    detectThresholdBytes: {
      in: numberSetting(env, "LAB_BALANCER_DETECT_THRESHOLD", 1048576, { min: 0 }),
      out: numberSetting(env, "LAB_BALANCER_DETECT_THRESHOLD_OUT", 1048576, { min: 0 }),
    },
    avgDeviation: {
      in: ratio("LAB_BALANCER_AVG_DEVIATION", 0.1),
      out: ratio("LAB_BALANCER_AVG_DEVIATION_OUT", 0.1),
    },
    trivialChangeRatio: {
      in: numberSetting(env, "LAB_BALANCER_TRIVIAL_RATIO", 0.05, { min: 0, max: 1 }),
      out: numberSetting(env, "LAB_BALANCER_TRIVIAL_RATIO_OUT", 0.05, { min: 0, max: 1 }),
    },
    executionConcurrency: numberSetting(env, "LAB_BALANCER_CONCURRENCY", 50, {
      min: 1,
      integer: true,
    }),
    executionIntervalMs: numberSetting(env, "LAB_BALANCER_EXECUTION_INTERVAL_MS", 5000, {
      min: 0,
    }),
    excludeBrokers,
    excludeTopics: listSetting(env, "LAB_BALANCER_EXCLUDE_TOPICS"),
    baselineBandwidthBytes: numberSetting(
      env,
      "LAB_BALANCER_BASELINE_BANDWIDTH",
      100 * 1024 * 1024,
      {
        min: 0,
        exclusiveMin: true,
      },
    ),
  };
}

/**
 * Reads the whole configuration from an environment (by default the process's).
 * Throws {@linkcode LabConfigError} naming the first bad variable.
 */
export function loadConfig(given: Env = Deno.env.toObject()): LabConfig {
  let scenario: Scenario;
  try {
    scenario = scenarioNamed(text(given, "LAB_SCENARIO") ?? "placement");
  } catch (error) {
    throw new LabConfigError("LAB_SCENARIO", (error as Error).message);
  }
  // The scenario's defaults, under whatever the variables say.
  const env: Env = { ...scenario.defaults, ...given };
  const environment = (text(env, "LAB_ENV") ?? "auto").toLowerCase();
  if (!["auto", "local", "automq", "external"].includes(environment)) {
    throw new LabConfigError(
      "LAB_ENV",
      `"${environment}" is unknown; use local, automq, external or auto.`,
    );
  }
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
  const partitions = numberSetting(env, "LAB_PARTITIONS", 6, { min: 1, max: 10000, integer: true });
  const brokers = numberSetting(env, "LAB_BROKERS", 3, {
    min: 1,
    max: MAX_LOCAL_BROKERS,
    integer: true,
  });
  const rateRaw = text(env, "LAB_RATE_MBPS");
  const rateMBps = rateRaw === "unthrottled"
    ? undefined
    : numberSetting(env, "LAB_RATE_MBPS", 20, { min: 0, exclusiveMin: true, max: 10000 });
  const duration = text(env, "LAB_DURATION_S");
  const kafkaPort = numberSetting(env, "LAB_KAFKA_PORT", 19092, {
    min: 1024,
    max: 65000,
    integer: true,
  });
  const port = (name: string, fallback: number) =>
    numberSetting(env, name, fallback, { min: 1024, max: 65535, integer: true });
  const cacheDir = text(env, "LAB_CACHE_DIR") ?? homeCache(env);
  return {
    environment: bootstrap.length > 0 ? "external" : environment as LabConfig["environment"],
    bootstrapServers: bootstrap.length > 0 ? bootstrap : undefined,
    prometheusUrl: prometheusUrl?.replace(/\/+$/, ""),
    balancerLogFile: text(env, "LAB_BALANCER_LOG"),
    topic: text(env, "LAB_TOPIC") ?? "traffic-test",
    partitions,
    scenario,
    scenarioOverrides: Object.entries(scenario.defaults)
      .filter(([name, value]) => given[name] !== undefined && given[name] !== value)
      .map(([name]) => `${name}=${given[name]}`),
    placement: parsePlacement(
      text(env, "LAB_PLACEMENT") ?? "4-1-1",
      partitions,
      undefined,
      brokers,
    ),
    recordBytes: numberSetting(env, "LAB_RECORD_BYTES", 10240, {
      min: 0,
      exclusiveMin: true,
      max: 64 * 1024 * 1024,
      integer: true,
    }),
    rateMBps,
    durationSeconds: duration === undefined ? undefined : numberSetting(env, "LAB_DURATION_S", 0, {
      min: 0,
      exclusiveMin: true,
    }),
    records: numberSetting(env, "LAB_RECORDS", 100000, { min: 1, integer: true }),
    skew: parseSkew(text(env, "LAB_SKEW") ?? "uniform"),
    rateWindowSeconds: numberSetting(env, "LAB_RATE_WINDOW_S", 30, { min: 2, max: 3600 }),
    scrapeIntervalSeconds: numberSetting(env, "LAB_SCRAPE_INTERVAL_S", 2, { min: 1, max: 60 }),
    verifyTimeoutSeconds: numberSetting(env, "LAB_VERIFY_TIMEOUT_S", 300, { min: 1 }),
    resultsDir: text(env, "LAB_RESULTS_DIR") ?? "results",
    keepCluster: booleanSetting(env, "LAB_KEEP_CLUSTER", false),
    autoInstall: booleanSetting(env, "LAB_AUTO_INSTALL", true),
    balancer: balancerSettingsFrom(env),
    local: {
      kafkaPort,
      controllerPort: port("LAB_CONTROLLER_PORT", kafkaPort + 100),
      exporterPort: port("LAB_EXPORTER_PORT", kafkaPort + 200),
      prometheusPort: port("LAB_PROMETHEUS_PORT", 19090),
      agentPort: port("LAB_AGENT_PORT", kafkaPort + 300),
      stateDir: text(env, "LAB_STATE_DIR") ?? `${cacheDir}/state`,
      cacheDir,
      kafkaHome: text(env, "KAFKA_HOME"),
      prometheusBin: text(env, "PROMETHEUS_BIN") ?? "prometheus",
      javaBin: text(env, "JAVA_BIN") ??
        (text(env, "JAVA_HOME") ? `${env.JAVA_HOME}/bin/java` : "java"),
      brokerHeap: text(env, "LAB_BROKER_HEAP") ?? "768m",
      brokers,
    },
  };
}

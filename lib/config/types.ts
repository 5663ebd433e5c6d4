/**
 * The shape of the lab's configuration: what `loadConfig` returns and what the rest of
 * `lib/` reads. Which variable sets each field, its default and its range are in
 * `settings.ts`; every setting's value is also in `values`, by its variable's name.
 *
 * @module
 */

import type { Scenario } from "./scenarios.ts";
import type { SettingValues } from "./settings.ts";

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

/**
 * A number per broker (`b0=5`: each partition broker 0 leads at the start) or per partition
 * (`p0=5`), or none: `LAB_FANOUT`'s groups per partition, `LAB_SMALL_RECORDS`' requests/s.
 */
export type PerTarget =
  | { kind: "none" }
  | { kind: "brokers" | "partitions"; values: Map<number, number> };

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
  /**
   * Every setting's value by its variable's name, as its declaration in `settings.ts` reads
   * it (a setting used in one place is read from here, by that name).
   */
  values: SettingValues;
  /** `LAB_ENV`: automq, local, external, or auto (decided by `lib/env`). */
  environment: EnvironmentKind | "auto";
  /** `LAB_BOOTSTRAP`: bring-your-own cluster's bootstrap servers. */
  bootstrapServers?: string[];
  /** `LAB_PROMETHEUS_URL`: bring-your-own cluster's Prometheus. */
  prometheusUrl?: string;
  /**
   * `LAB_BALANCER_LOG`: a bring-your-own cluster's `auto-balancer.log` files, as given
   * (comma-separated paths or globs), if readable.
   */
  balancerLogFile?: string;
  /**
   * `LAB_BROUGHT_BALANCER`: whether the lab switches the balancer of a cluster you bring that
   * runs AutoMQ (`switch`), or leaves it alone (`leave`).
   */
  broughtBalancer: "switch" | "leave";
  /** `LAB_BALANCER_LOG_ZONE`: the time zone its `[%d]` stamps are written in. */
  balancerLogZone: string;
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
  /** `LAB_PROFILE`: `standard`, or `workshop` (a lower rate, a capped background load). */
  profile: string;
  /** `LAB_LOAD_MAX_S`: the notebooks' background load stops by itself after this, seconds. */
  loadMaxSeconds?: number;
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

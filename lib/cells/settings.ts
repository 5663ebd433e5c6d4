/**
 * The catalogue of the main `LAB_*` settings (what each changes, its value here and its
 * default), shown by notebook 00 as a table.
 *
 * @module
 */

import { type LabConfig, loadConfig } from "../config/config.ts";
import { table, type TableDisplay } from "../present/display.ts";
import { describeSkew } from "../present/report.ts";

/** One `LAB_*` setting as {@linkcode settingsTable} shows it. */
export interface SettingRow extends Record<string, unknown> {
  /** The environment variable. */
  variable: string;
  /** Its value in this configuration. */
  value: string;
  /** Its value when unset. */
  default: string;
  /** What it changes. */
  meaning: string;
}

interface SettingSpec {
  variable: string;
  get: (c: LabConfig) => string;
  meaning: string;
  /** The default in words, when it depends on the machine (paths). */
  defaultText?: string;
}

/** A placement setting in a few characters: `none`, or counts per broker like `4-1-1`. */
export function placementText(c: LabConfig): string {
  return c.placement.kind === "none" ? "none" : c.placement.counts.join("-");
}

const SETTINGS: readonly SettingSpec[] = [
  {
    variable: "LAB_ENV",
    get: (c) => c.environment,
    meaning: "where the cluster runs: automq (Docker), local (Kafka jars, no Docker), auto",
  },
  { variable: "LAB_TOPIC", get: (c) => c.topic, meaning: "the scenario's topic" },
  { variable: "LAB_PARTITIONS", get: (c) => String(c.partitions), meaning: "its partitions" },
  {
    variable: "LAB_PLACEMENT",
    get: placementText,
    meaning: "partitions per broker before the load (none, even, or counts like 4-1-1)",
  },
  {
    variable: "LAB_RATE_MBPS",
    get: (c) => c.rateMBps === undefined ? "unthrottled" : String(c.rateMBps),
    meaning: "the producer's target rate, MB/s (10^6 bytes)",
  },
  { variable: "LAB_RECORD_BYTES", get: (c) => String(c.recordBytes), meaning: "record size" },
  {
    variable: "LAB_SKEW",
    get: (c) => describeSkew(c.skew),
    meaning: "where the bytes go (uniform, or b0=0.8,b1=0.1,b2=0.1, or p0=0.5,...)",
  },
  {
    variable: "LAB_RATE_WINDOW_S",
    get: (c) => String(c.rateWindowSeconds),
    meaning: "window of the rates measured and planned from, seconds",
  },
  {
    variable: "LAB_SCRAPE_INTERVAL_S",
    get: (c) => String(c.scrapeIntervalSeconds),
    meaning: "Prometheus's scrape interval, seconds",
  },
  {
    variable: "LAB_BALANCER",
    get: (c) => c.balancer.enabled ? "on" : "off",
    meaning: "the local reference balancer (AutoMQ: autobalancer.controller.enable)",
  },
  {
    variable: "LAB_DETECT_INTERVAL_S",
    get: (c) => String(c.balancer.detectIntervalMs / 1000),
    meaning: "seconds between two detections (anomaly.detect.interval.ms)",
  },
  {
    variable: "LAB_BALANCER_AVG_DEVIATION",
    get: (c) => String(c.balancer.avgDeviation.in),
    meaning: "half-width of the acceptable band, a ratio of the average (avg.deviation)",
  },
  {
    variable: "LAB_BALANCER_DETECT_THRESHOLD",
    get: (c) => `${c.balancer.detectThresholdBytes.in} B/s`,
    meaning: "brokers and averages under this rate count as fine (detect.threshold)",
  },
  {
    variable: "LAB_BALANCER_TRIVIAL_RATIO",
    get: (c) => String(c.balancer.trivialChangeRatio.in),
    meaning: "a broker's change under this share of the average is undone (trivial.change.ratio)",
  },
  {
    variable: "LAB_BALANCER_GOALS",
    get: (c) => c.balancer.goals.join(", "),
    meaning: "goals in priority order: in, out or in,out",
  },
  {
    variable: "LAB_VERIFY_TIMEOUT_S",
    get: (c) => String(c.verifyTimeoutSeconds),
    meaning: "how long the watch waits for balance, seconds",
  },
  {
    variable: "LAB_KAFKA_PORT",
    get: (c) => String(c.local.kafkaPort),
    meaning: "local environment: broker 0's port (broker i uses port + i)",
  },
  {
    variable: "LAB_PROMETHEUS_PORT",
    get: (c) => String(c.local.prometheusPort),
    meaning: "local environment: Prometheus's port",
  },
  {
    variable: "LAB_STATE_DIR",
    // The default lies in the user's cache; shown as ~/.cache/... so an exported
    // notebook names no one's home directory.
    get: (c) => c.local.stateDir.replace(/^.*(\/\.cache\/auto-balancing-lab\/)/, "~$1"),
    meaning: "cluster data and the state the notebooks pass on (measurements, the load's PID)",
    defaultText: "~/.cache/auto-balancing-lab/state",
  },
  {
    variable: "LAB_RESULTS_DIR",
    get: (c) => c.resultsDir,
    meaning: "reports, charts, screenshots and exported notebooks",
  },
  {
    variable: "LAB_KEEP_CLUSTER",
    get: (c) => c.keepCluster ? "on" : "off",
    meaning: "07-cleanup leaves the cluster running",
  },
];

/**
 * The main `LAB_*` settings: the value in `config`, the default (from `lib/config/config.ts` with
 * nothing set) and what each changes. Rows whose value differs from the default are marked.
 */
export function settingsTable(config: LabConfig): TableDisplay {
  const defaults = loadConfig({});
  const list: SettingRow[] = SETTINGS.map((s) => {
    const value = s.get(config);
    const fallback = s.defaultText ?? s.get(defaults);
    const changed = s.defaultText ? false : value !== fallback;
    return {
      variable: s.variable,
      value: changed ? `${value} (changed)` : value,
      default: fallback,
      meaning: s.meaning,
    };
  });
  return table(list, ["variable", "value", "default", "meaning"]);
}

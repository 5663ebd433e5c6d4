/**
 * Every setting of the lab, each declared once here: its variable, default, the values it
 * takes, its meaning, and how its text is read (the kinds are in `setting_kinds.ts`).
 * `loadConfig` reads the configuration with this table, the README's "Settings" table is
 * generated from it (`deno task settings:readme`), and the notebooks' settings view
 * renders its rows not marked `advanced`. Adding a setting is one declaration here plus
 * its use (`config.values` by the variable's name, typed from the declaration).
 *
 * @example
 * ```ts
 * import { settingNamed } from "./settings.ts";
 * const rate = settingNamed("LAB_RATE_MBPS");
 * if (rate.default !== "20" || rate.range?.max !== 10000) throw new Error("the rate's row");
 * ```
 *
 * @module
 */

import { timeZoneProblem } from "../core/time_zone.ts";
import { scenarioNamed, SCENARIOS } from "./scenarios.ts";
import { PROFILES } from "./profiles.ts";
import {
  custom,
  flag,
  list,
  number,
  oneOf,
  optionalNumber,
  optionalWords,
  readSettings,
  type Setting,
  type ValueOf,
  words,
} from "./setting_kinds.ts";
import {
  LabConfigError,
  parseNumber,
  parsePlacement,
  parseSkew,
  skewText,
  topicNameProblem,
} from "./parse.ts";
import { type BalancerSettings, MAX_LOCAL_BROKERS } from "./types.ts";
import { parsePerTarget, perTargetText } from "./per_target.ts";

export type { Setting } from "./setting_kinds.ts";

const GOALS = {
  in: "NetworkInUsageDistributionGoal",
  out: "NetworkOutUsageDistributionGoal",
} as const;

/** The producer's rates, MB/s. */
const RATE_RANGE = { min: 0, exclusiveMin: true, max: 10000 };

/** Java's heap sizes: a number of bytes, or with k, m or g. */
const HEAP = /^\d+[kmgKMG]?$/;

/**
 * A local port set apart from broker 0's (`LAB_KAFKA_PORT` + `offset` unless set), so that
 * moving `LAB_KAFKA_PORT` moves them all.
 */
function portAfterKafka<N extends string>(name: N, offset: number, meaning: string) {
  return number(name, {
    defaultFrom: (s) => String(s.number("LAB_KAFKA_PORT") + offset),
    defaultText: `LAB_KAFKA_PORT + ${offset}`,
    range: { min: 1024, max: 65535, integer: true },
    meaning,
    advanced: true,
  });
}

/** The table, in the order the README lists it: the workshop's settings first. */
const TABLE = [
  oneOf("LAB_ENV", ["local", "automq", "external", "auto"], {
    default: "auto",
    meaning: "where the cluster runs: automq (Docker), local (Kafka jars, no Docker), " +
      "external (your cluster), or auto (AutoMQ when Docker and its images are there)",
  }),
  custom("LAB_SCENARIO", {
    default: "placement",
    allowed: SCENARIOS.map((s) => s.name),
    meaning: "the scenario, whose defaults the other settings start from (see Scenarios)",
    read: (raw) => {
      try {
        return scenarioNamed(raw);
      } catch (error) {
        throw new LabConfigError("LAB_SCENARIO", (error as Error).message);
      }
    },
    show: (scenario) => scenario.name,
  }),
  oneOf("LAB_PROFILE", Object.keys(PROFILES), {
    default: "standard",
    meaning: "workshop: 5 MB/s and the notebooks' background load stopped after 30 min, so a " +
      "reading-pace session stays under 9 GB of disk (any LAB_* variable still overrides it)",
  }),
  words("LAB_TOPIC", {
    default: "traffic-test",
    meaning: "the scenario's topic",
    problem: topicNameProblem,
  }),
  number("LAB_PARTITIONS", {
    default: "6",
    range: { min: 1, max: 10000, integer: true },
    meaning: "its partitions",
  }),
  custom("LAB_PLACEMENT", {
    default: "4-1-1",
    meaning: "partitions per broker before the load: none, even, or counts like 4-1-1",
    read: (raw, s) =>
      parsePlacement(raw, s.number("LAB_PARTITIONS"), "LAB_PLACEMENT", s.number("LAB_BROKERS")),
    show: (p) => p.kind === "none" ? "none" : p.counts.join("-"),
  }),
  custom("LAB_RATE_MBPS", {
    default: "20",
    range: RATE_RANGE,
    allowed: ["unthrottled"],
    meaning: "the producer's target rate, MB/s (10^6 bytes)",
    read: (raw): number | undefined =>
      raw.toLowerCase() === "unthrottled"
        ? undefined
        : parseNumber("LAB_RATE_MBPS", raw, RATE_RANGE),
    show: (rate) => rate === undefined ? "unthrottled" : String(rate),
  }),
  optionalNumber("LAB_LOAD_MAX_S", {
    range: { min: 0, exclusiveMin: true },
    meaning: "the notebooks' open-ended background load stops by itself after this many " +
      "seconds (unset: when the disk would fill)",
  }),
  number("LAB_RECORD_BYTES", {
    default: "10240",
    range: { min: 0, exclusiveMin: true, max: 67108864, integer: true },
    meaning: "record size, bytes",
  }),
  custom("LAB_SKEW", {
    default: "uniform",
    meaning: "where the bytes go: uniform, b0=0.8,b1=0.1,b2=0.1 (per broker) or " +
      "p0=0.5,p3=0.5 (per partition)",
    read: (raw) => parseSkew(raw),
    show: skewText,
  }),
  number("LAB_CONSUMER_GROUPS", {
    default: "0",
    range: { min: 0, max: 20, integer: true },
    meaning: "consumer groups reading the topic while the load runs (bytes out); 0: none",
  }),
  custom("LAB_FANOUT", {
    default: "all",
    meaning: "groups reading each partition: all, or b0=5 (broker 0's partitions read by 5 " +
      "groups, the others by 1) or p0=5,p1=2 (per partition)",
    read: (raw) => parsePerTarget(raw, "LAB_FANOUT", ["all"]),
    show: (t) => perTargetText(t, "all"),
  }),
  custom("LAB_SMALL_RECORDS", {
    default: "off",
    meaning: "a request-rate load beside the bytes: b0=400 sends 400 produce requests/s of one " +
      "100 B record each to broker 0's partitions (p0=400: to partition 0); off: none",
    read: (raw) => parsePerTarget(raw, "LAB_SMALL_RECORDS", ["off", "none"]),
    show: (t) => perTargetText(t, "off"),
  }),
  number("LAB_RATE_WINDOW_S", {
    default: "30",
    range: { min: 2, max: 3600 },
    meaning: "window of PromQL rate(): the rates measured and planned from, seconds",
  }),
  number("LAB_SCRAPE_INTERVAL_S", {
    default: "2",
    range: { min: 1, max: 60 },
    meaning: "Prometheus's scrape interval, seconds",
  }),
  words("LAB_RESULTS_DIR", {
    default: "results",
    meaning: "reports, charts, screenshots and exported notebooks",
  }),
  flag("LAB_KEEP_CLUSTER", {
    default: "off",
    meaning: "keep the cluster running after the demo (and after 07-cleanup), even when it fails",
  }),
  flag("LAB_BALANCER", {
    default: "on",
    meaning: "the balancer (local: the reference balancer; AutoMQ: " +
      "autobalancer.controller.enable); off makes the demo a control run, watched for one " +
      "rate window",
  }),
  custom("LAB_BALANCER_GOALS", {
    default: "in,out",
    allowed: ["in", "out"],
    list: true,
    meaning: "goals in priority order: in, out or in,out (NetworkIn/OutUsageDistributionGoal)",
    read: (raw): BalancerSettings["goals"] =>
      raw.split(",").map((s) => s.trim()).filter((s) => s !== "").map((goal) => {
        const short = goal.toLowerCase().replace(/^network/, "").replace(
          /usagedistributiongoal$/,
          "",
        );
        if (short !== "in" && short !== "out") {
          throw new LabConfigError(
            "LAB_BALANCER_GOALS",
            `"${goal}" is not a goal; use in, out or both (in,out).`,
          );
        }
        return GOALS[short];
      }),
    show: (goals) => goals.map((g) => g === GOALS.in ? "in" : "out").join(","),
  }),
  number("LAB_DETECT_INTERVAL_S", {
    default: "30",
    range: { min: 0, exclusiveMin: true, max: 3600 },
    meaning: "seconds between two detections (anomaly.detect.interval.ms)",
  }),
  number("LAB_VERIFY_TIMEOUT_S", {
    default: "300",
    range: { min: 1 },
    meaning: "how long verify (the watch) waits for a verdict, seconds",
  }),
  number("LAB_BALANCER_DETECT_THRESHOLD", {
    default: "1048576",
    range: { min: 0 },
    meaning: "bytes/s: brokers and averages under this rate count as fine " +
      "(network.in.usage.distribution.detect.threshold)",
  }),
  number("LAB_BALANCER_DETECT_THRESHOLD_OUT", {
    default: "1048576",
    range: { min: 0 },
    meaning: "the same for bytes out (network.out.usage.distribution.detect.threshold)",
    advanced: true,
  }),
  number("LAB_BALANCER_AVG_DEVIATION", {
    default: "0.1",
    range: { min: 0, max: 1, exclusiveMin: true },
    meaning: "half-width of the acceptable band, a ratio of the average " +
      "(network.in.distribution.detect.avg.deviation)",
  }),
  number("LAB_BALANCER_AVG_DEVIATION_OUT", {
    default: "0.1",
    range: { min: 0, max: 1, exclusiveMin: true },
    meaning: "the same for bytes out (network.out.distribution.detect.avg.deviation)",
    advanced: true,
  }),
  number("LAB_BALANCER_TRIVIAL_RATIO", {
    default: "0.05",
    range: { min: 0, max: 1 },
    meaning: "a broker's change under this share of the average is undone " +
      "(network.in.trivial.change.ratio)",
  }),
  number("LAB_BALANCER_TRIVIAL_RATIO_OUT", {
    default: "0.05",
    range: { min: 0, max: 1 },
    meaning: "the same for bytes out (network.out.trivial.change.ratio)",
    advanced: true,
  }),
  number("LAB_KAFKA_PORT", {
    default: "19092",
    range: { min: 1024, max: 65000, integer: true },
    meaning: "local environment: broker 0's port (broker i uses port + i)",
  }),
  number("LAB_PROMETHEUS_PORT", {
    default: "19090",
    range: { min: 1024, max: 65535, integer: true },
    meaning: "local environment: Prometheus's port",
  }),
  words("LAB_STATE_DIR", {
    defaultFrom: (s) => `${s.value("LAB_CACHE_DIR")}/state`,
    defaultText: "~/.cache/auto-balancing-lab/state",
    meaning: "cluster data and the state one step passes to the next (measurements, the " +
      "load's PID); by default under LAB_CACHE_DIR",
  }),
  list("LAB_BOOTSTRAP", {
    meaning: "bring your own cluster: its bootstrap servers (with LAB_PROMETHEUS_URL)",
    advanced: true,
    item: (server) => {
      if (!/^[^\s:/]+:\d+$/.test(server)) {
        throw new LabConfigError(
          "LAB_BOOTSTRAP",
          `"${server}" is not host:port; write the servers like kafka-1:9092,kafka-2:9092.`,
        );
      }
      return server;
    },
  }),
  optionalWords("LAB_PROMETHEUS_URL", {
    meaning: "bring your own cluster: its Prometheus, an http(s) URL (with LAB_BOOTSTRAP)",
    advanced: true,
    problem: (url) =>
      /^https?:\/\/[^/\s]+/.test(url)
        ? undefined
        : `"${url}" is not an http(s) URL; write it like http://prometheus:9090`,
  }),
  optionalWords("LAB_BALANCER_LOG", {
    meaning: "bring your own cluster: its auto-balancer.log files, comma-separated or a glob " +
      "(each node's, rotated ones too), if the lab can read them",
    advanced: true,
  }),
  words("LAB_BALANCER_LOG_ZONE", {
    default: "UTC",
    meaning: "the zone LAB_BALANCER_LOG's [%d] stamps are in (log4j writes none): UTC, local, " +
      "an offset like +02:00 or a name like Europe/Paris",
    advanced: true,
    problem: timeZoneProblem,
  }),
  oneOf("LAB_BROUGHT_BALANCER", ["switch", "leave"], {
    default: "switch",
    meaning: "bring your own AutoMQ cluster: switch (the lab pauses and starts its balancer, " +
      "cluster-wide) or leave (never change it)",
    advanced: true,
  }),
  number("LAB_BROKERS", {
    default: "3",
    range: { min: 1, max: MAX_LOCAL_BROKERS, integer: true },
    meaning: "brokers the local cluster starts with",
    advanced: true,
  }),
  optionalNumber("LAB_DURATION_S", {
    range: { min: 0, exclusiveMin: true },
    meaning: "a timed load, seconds (when unset, a counted one: LAB_RECORDS)",
    advanced: true,
  }),
  number("LAB_RECORDS", {
    default: "100000",
    range: { min: 1, integer: true },
    meaning: "records of a counted load",
    advanced: true,
  }),
  flag("LAB_AUTO_INSTALL", {
    default: "on",
    meaning: "install missing Debian packages when running as root",
    advanced: true,
  }),
  number("LAB_BALANCER_CONCURRENCY", {
    default: "50",
    range: { min: 1, integer: true },
    meaning: "moves at once per broker (execution.concurrency)",
    advanced: true,
  }),
  number("LAB_BALANCER_EXECUTION_INTERVAL_MS", {
    default: "5000",
    range: { min: 0 },
    meaning: "pause between two batches of moves, ms (execution.interval.ms)",
    advanced: true,
  }),
  list("LAB_BALANCER_EXCLUDE_BROKERS", {
    meaning: "broker ids the balancer leaves alone (exclude.broker.ids)",
    advanced: true,
    item: (id) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 0) {
        throw new LabConfigError("LAB_BALANCER_EXCLUDE_BROKERS", `"${id}" is not a broker id.`);
      }
      return n;
    },
  }),
  list("LAB_BALANCER_EXCLUDE_TOPICS", {
    meaning: "topics the balancer leaves alone (exclude.topics)",
    advanced: true,
  }),
  number("LAB_BALANCER_BASELINE_BANDWIDTH", {
    default: "104857600",
    range: { min: 0, exclusiveMin: true },
    meaning: "baseline bandwidth of the score curve, bytes/s (s3.network.baseline.bandwidth)",
    advanced: true,
  }),
  portAfterKafka(
    "LAB_CONTROLLER_PORT",
    100,
    "local environment: controller 0's port (controller i uses port + i)",
  ),
  portAfterKafka(
    "LAB_EXPORTER_PORT",
    200,
    "local environment: node 0's JMX exporter port (node i uses port + i)",
  ),
  portAfterKafka(
    "LAB_AGENT_PORT",
    300,
    "local environment: the lab agent's port (partition metrics, reference balancer)",
  ),
  words("LAB_CACHE_DIR", {
    defaultFrom: (s) =>
      `${s.raw("XDG_CACHE_HOME") ?? `${s.raw("HOME") ?? "/tmp"}/.cache`}/auto-balancing-lab`,
    defaultText: "~/.cache/auto-balancing-lab",
    meaning: "local environment: downloaded jars, outside the repository; under " +
      "XDG_CACHE_HOME when that is set",
    advanced: true,
  }),
  words("LAB_BROKER_HEAP", {
    default: "768m",
    meaning: "local environment: heap per broker",
    advanced: true,
    problem: (heap) =>
      HEAP.test(heap) ? undefined : `"${heap}" is not a Java heap size; write it like 768m or 1g`,
  }),
  optionalWords("KAFKA_HOME", {
    meaning: "local environment: your own Kafka installation, used instead of Maven Central's jars",
    advanced: true,
  }),
  words("PROMETHEUS_BIN", {
    default: "prometheus",
    meaning: "local environment: the Prometheus binary",
    advanced: true,
  }),
  words("JAVA_BIN", {
    defaultFrom: (s) => s.value("JAVA_HOME") ? `${s.value("JAVA_HOME")}/bin/java` : "java",
    defaultText: "$JAVA_HOME/bin/java, else java",
    meaning: "local environment: the Java binary",
    advanced: true,
  }),
  optionalWords("JAVA_HOME", {
    meaning: "local environment: the Java installation JAVA_BIN defaults to",
    advanced: true,
  }),
  list("LAB_BENCH_SCENARIOS", {
    meaning: "`deno task bench:scenarios` runs only these scenarios (comma-separated); unset: all",
    advanced: true,
    item: (name) => {
      try {
        return scenarioNamed(name).name;
      } catch (error) {
        throw new LabConfigError("LAB_BENCH_SCENARIOS", (error as Error).message);
      }
    },
  }),
  optionalNumber("LAB_TEST_FAIL_LOAD_S", {
    range: { min: 0, exclusiveMin: true },
    meaning: "for tests only: the load fails on purpose this many seconds after it starts, " +
      "to show that a run that fails stops everything it started",
    advanced: true,
  }),
];

/** Every setting of the lab, in the order the README lists them: the workshop's first. */
export const SETTINGS: readonly Setting[] = TABLE;

/** The name of a setting in the table. */
export type SettingName = (typeof TABLE)[number]["name"];

/** Every setting's value, by name, typed from its declaration. */
export type SettingValues = { [S in (typeof TABLE)[number] as S["name"]]: ValueOf<S> };

/**
 * The setting called `name`; throws if the table has none (a mistake in `lib/`, not in
 * the user's input).
 */
export function settingNamed(name: string): Setting {
  const found = SETTINGS.find((s) => s.name === name);
  if (!found) throw new Error(`${name} is not in the settings table (lib/config/settings.ts).`);
  return found;
}

/**
 * Reads every setting from `env`: the variable, else `fallback`'s value (a scenario's
 * defaults), else the setting's default. Throws the first bad one as a `LabConfigError`.
 */
export function settingValues(
  env: Record<string, string | undefined>,
  fallback: Record<string, string> = {},
): SettingValues {
  return readSettings(TABLE, env, fallback);
}

/**
 * The value of the setting called `name` in `values` as the variable takes it: on/off for
 * switches, "" when unset.
 *
 * @example
 * ```ts
 * import { settingText, settingValues } from "./settings.ts";
 * const values = settingValues({ LAB_PLACEMENT: "even", LAB_BALANCER: "no" });
 * if (settingText("LAB_PLACEMENT", values) !== "2-2-2") throw new Error("even");
 * if (settingText("LAB_BALANCER", values) !== "off") throw new Error("off");
 * ```
 */
export function settingText(name: SettingName, values: SettingValues): string {
  return settingNamed(name).show(values[name]);
}

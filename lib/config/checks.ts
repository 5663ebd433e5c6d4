/**
 * Checks of settings against each other and against the cluster they will run on, made
 * before anything starts: ports that collide, a rate window too short for the scrape
 * interval, a watch that ends before the first detection, a record larger than the topic
 * takes, a skew or placement naming brokers or partitions the cluster does not have, a
 * misspelt variable. Each refuses with a {@linkcode LabConfigError} naming the setting,
 * what is wrong and what to do.
 *
 * @module
 */

import { LabConfigError, orList } from "./parse.ts";
import { SETTINGS } from "./settings.ts";
import { type LabConfig, MAX_LOCAL_BROKERS } from "./types.ts";

/**
 * The largest record batch a topic takes unless told otherwise: `max.message.bytes`'s
 * default, 1 MiB plus the 12-byte log overhead, in Apache Kafka and AutoMQ 1.7.3 alike
 * (`LogConfig.DEFAULT_MAX_MESSAGE_BYTES`). The local and AutoMQ environments keep it.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

/** What a record batch of one record adds to the value: about 80 bytes of framing. */
export const BATCH_FRAMING_BYTES = 80;

/** The smallest distance between two names for one to be taken as a misspelling. */
const MISSPELT = 2;

/** Edit distance between two names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Refuses a variable that looks like a misspelt setting (two letters of `LAB_SKEW` swapped): set, not
 * in the table, and within two letters of a setting's name. Other variables are left alone
 * (the test harness and the notebook runner have their own `LAB_TEST_*`, `LAB_PYTHON`, ...).
 *
 * @example
 * ```ts
 * import { checkSpelling } from "./checks.ts";
 * checkSpelling({ LAB_SKEW: "uniform", LAB_TEST_ROOT: "/tmp/t" });
 * let said = "";
 * const misspelt = "LAB_BROKERS".slice(0, -1); // one letter short
 * try { checkSpelling({ [misspelt]: "4" }); } catch (e) { said = (e as Error).message; }
 * if (!said.includes("did you mean LAB_BROKERS?")) throw new Error(said);
 * ```
 */
export function checkSpelling(env: Record<string, string | undefined>): void {
  const names = SETTINGS.map((s) => s.name);
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith("LAB_") || variable.startsWith("LAB_TEST_")) continue;
    if (names.includes(variable) || env[variable] === undefined) continue;
    const near = names.find((n) => distance(n, variable) <= MISSPELT);
    if (near) {
      throw new LabConfigError(
        variable,
        `is not a setting; did you mean ${near}? Rename it (the lab would ignore it).`,
      );
    }
  }
}

/** The local environment's ports, each with its purpose and the setting it comes from. */
function localPorts(config: LabConfig): Array<{ port: number; what: string; setting: string }> {
  const l = config.local;
  const nodes = Array.from({ length: MAX_LOCAL_BROKERS }, (_, i) => i);
  return [
    { port: l.prometheusPort, what: "Prometheus", setting: "LAB_PROMETHEUS_PORT" },
    { port: l.agentPort, what: "the lab agent", setting: "LAB_AGENT_PORT" },
    ...nodes.map((i) => ({
      port: l.kafkaPort + i,
      what: `broker ${i}`,
      setting: "LAB_KAFKA_PORT",
    })),
    ...[0, 1, 2].map((i) => ({
      port: l.controllerPort + i,
      what: `controller ${i}`,
      setting: "LAB_CONTROLLER_PORT",
    })),
    ...nodes.map((i) => ({
      port: l.exporterPort + i,
      what: `node ${i}'s JMX exporter`,
      setting: "LAB_EXPORTER_PORT",
    })),
  ];
}

/**
 * Checks settings against each other: a brought cluster needs both its addresses; a record
 * must fit the topic's default `max.message.bytes` (local and AutoMQ; a brought cluster's is
 * learnt after connecting, {@linkcode checkAgainstCluster}); the skew's partitions exist; the
 * rate window holds two scrapes; the watch outlasts a detection interval; the local ports
 * do not collide (brokers that may join counted) and stay below 65536.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * let said = "";
 * try { loadConfig({ LAB_RECORD_BYTES: "2000000" }); } catch (e) { said = (e as Error).message; }
 * if (!said.startsWith("LAB_RECORD_BYTES: 2000000 B")) throw new Error(said);
 * ```
 */
export function checkTogether(config: LabConfig): void {
  const v = config.values;
  if ((v.LAB_BOOTSTRAP.length > 0) !== (v.LAB_PROMETHEUS_URL !== undefined)) {
    throw new LabConfigError(
      v.LAB_BOOTSTRAP.length > 0 ? "LAB_PROMETHEUS_URL" : "LAB_BOOTSTRAP",
      "a bring-your-own cluster needs both LAB_BOOTSTRAP and LAB_PROMETHEUS_URL; set both or neither.",
    );
  }
  if (config.environment !== "external") checkRecordFits(config, DEFAULT_MAX_MESSAGE_BYTES, "");
  if (config.skew.kind === "partitions") {
    const beyond = [...config.skew.shares.keys()].filter((p) => p >= config.partitions);
    if (beyond.length > 0) {
      throw new LabConfigError(
        "LAB_SKEW",
        `names partition ${orList(beyond.map(String))}, but the topic has partitions 0-${
          config.partitions - 1
        } (LAB_PARTITIONS=${config.partitions}); name only those.`,
      );
    }
  }
  if (config.rateWindowSeconds < 2 * config.scrapeIntervalSeconds) {
    throw new LabConfigError(
      "LAB_RATE_WINDOW_S",
      `${config.rateWindowSeconds} s holds fewer than two scrapes at LAB_SCRAPE_INTERVAL_S=${config.scrapeIntervalSeconds} ` +
        `(a rate needs two); make it at least ${2 * config.scrapeIntervalSeconds}.`,
    );
  }
  const detect = config.balancer.detectIntervalMs / 1000;
  if (config.balancer.enabled && config.verifyTimeoutSeconds <= detect) {
    throw new LabConfigError(
      "LAB_VERIFY_TIMEOUT_S",
      `${config.verifyTimeoutSeconds} s ends the watch before the balancer's first detection ` +
        `(one every LAB_DETECT_INTERVAL_S=${detect} s); make it longer than ${detect}.`,
    );
  }
  if (config.environment === "local" || config.environment === "auto") checkPorts(config);
}

function checkPorts(config: LabConfig): void {
  const seen = new Map<number, { what: string; setting: string }>();
  for (const { port, what, setting } of localPorts(config)) {
    if (port > 65535) {
      throw new LabConfigError(
        setting,
        `puts ${what} on port ${port}, above 65535; choose a lower port.`,
      );
    }
    const other = seen.get(port);
    if (other) {
      throw new LabConfigError(
        setting,
        `puts ${what} on port ${port}, which ${other.what} uses (${other.setting}); ` +
          "choose ports whose ranges do not overlap.",
      );
    }
    seen.set(port, { what, setting });
  }
}

/**
 * Refuses a record larger than one record batch `maxMessageBytes` takes (`where` says whose
 * limit it is, e.g. " on the cluster you brought").
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * import { checkRecordFits } from "./checks.ts";
 * const config = loadConfig({ LAB_RECORD_BYTES: "50000" });
 * checkRecordFits(config, 100_000, " on the cluster you brought");
 * let said = "";
 * try { checkRecordFits(config, 40_000, " there"); } catch (e) { said = (e as Error).message; }
 * if (!said.includes("use at most 39920")) throw new Error(said);
 * ```
 */
export function checkRecordFits(config: LabConfig, maxMessageBytes: number, where: string): void {
  const most = maxMessageBytes - BATCH_FRAMING_BYTES;
  if (config.recordBytes <= most) return;
  const whose = where || " (Kafka's default, kept by the local and AutoMQ environments)";
  throw new LabConfigError(
    "LAB_RECORD_BYTES",
    `${config.recordBytes} B does not fit in one record batch of ${config.topic}: ` +
      `max.message.bytes is ${maxMessageBytes} B${whose}, less about ${BATCH_FRAMING_BYTES} B ` +
      `of framing; use at most ${most}.`,
  );
}

/** What the lab knows of the cluster a run will use, before it creates anything there. */
export interface ClusterShape {
  /** Its broker ids (at the start of the run). */
  brokers: readonly number[];
  /** Which cluster, for the sentence: "the local environment", "the cluster you brought". */
  where: string;
  /** The topic's `max.message.bytes` there, when learnt (a brought cluster). */
  maxMessageBytes?: number;
  /** The topic's partitions, when it exists already. */
  topicPartitions?: number;
}

/**
 * Checks the settings against the cluster they will run on, before the topic is created:
 * the placement gives one count per broker at most, the skew names only brokers that exist
 * and aims bytes only at brokers the placement gives partitions, the topic (if it exists)
 * has the partitions asked for, and a record fits its `max.message.bytes`.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * import { checkAgainstCluster } from "./checks.ts";
 * const config = loadConfig({ LAB_SKEW: "b7=1" });
 * let said = "";
 * try {
 *   checkAgainstCluster(config, { brokers: [0, 1, 2], where: "the local environment" });
 * } catch (e) {
 *   said = (e as Error).message;
 * }
 * if (!said.startsWith("LAB_SKEW: b7 names broker 7")) throw new Error(said);
 * ```
 */
export function checkAgainstCluster(config: LabConfig, cluster: ClusterShape): void {
  const { brokers, where } = cluster;
  const ids = brokers.join(", ");
  const placement = config.placement;
  if (placement.kind === "counts" && placement.counts.length > brokers.length) {
    throw new LabConfigError(
      "LAB_PLACEMENT",
      `${placement.counts.join("-")} gives counts for ${placement.counts.length} brokers, but ` +
        `${where} has ${brokers.length} (${ids}); give one count per broker.`,
    );
  }
  if (config.skew.kind === "brokers") {
    for (const [broker, share] of config.skew.shares) {
      if (!brokers.includes(broker)) {
        throw new LabConfigError(
          "LAB_SKEW",
          `b${broker} names broker ${broker}, but ${where} has brokers ${ids}; ` +
            "aim the bytes at those.",
        );
      }
      const led = placement.kind === "counts"
        ? placement.counts[brokers.indexOf(broker)] ?? 0
        : undefined;
      if (share > 0 && led === 0) {
        throw new LabConfigError(
          "LAB_SKEW",
          `aims ${Number((share * 100).toFixed(2))}% of the bytes at broker ${broker}, which ` +
            `LAB_PLACEMENT=${placement.kind === "counts" ? placement.counts.join("-") : ""} ` +
            "gives no partition; place partitions there or change LAB_SKEW.",
        );
      }
    }
  }
  if (cluster.topicPartitions !== undefined && cluster.topicPartitions !== config.partitions) {
    throw new LabConfigError(
      "LAB_PARTITIONS",
      `topic ${config.topic} already has ${cluster.topicPartitions} partitions on ${where}, ` +
        `not ${config.partitions}; set LAB_PARTITIONS=${cluster.topicPartitions} or use another LAB_TOPIC.`,
    );
  }
  if (cluster.maxMessageBytes !== undefined) {
    checkRecordFits(config, cluster.maxMessageBytes, ` on ${where}`);
  }
}

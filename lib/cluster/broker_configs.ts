/**
 * Brokers' configuration, read and changed: which engine a cluster runs (recognised from the
 * configuration keys its brokers report), each broker's effective value of a key, and a
 * change to the cluster-wide dynamic default (what `kafka-configs --entity-type brokers
 * --entity-default --alter` does).
 *
 * The change is an `IncrementalAlterConfigs` (API 44, v0) on the BROKER resource with the
 * empty name, sent with the lab's small wire client (`wire.ts`): kafkajs refuses an empty
 * resource name, and its only alter call is the legacy `AlterConfigs`, which would replace
 * every other cluster-wide dynamic setting. An incremental SET changes one key and leaves
 * the rest alone.
 *
 * Recognising AutoMQ: AutoMQ 1.7.3 adds its own keys to the broker's configuration
 * definition (`KafkaConfig` defines every `AutoMQConfig` key and every
 * `AutoBalancerControllerConfig` key), and `DescribeConfigs` of a broker lists every
 * defined key that has a value; `autobalancer.controller.enable` always has one (its
 * default is true). Apache Kafka does not define these keys, so a request naming them
 * returns nothing.
 *
 * @module
 */

import { type Admin, ConfigResourceTypes, ConfigSource } from "kafkajs";
import type { Engine } from "../core/engine.ts";
import { type WireReader, type WireRequest, WireWriter, withWire } from "./wire.ts";

/** Keys only AutoMQ's brokers report: the balancer's switch and the S3 data buckets. */
export const AUTOMQ_KEYS = ["autobalancer.controller.enable", "s3.data.buckets"] as const;

/** One change to a dynamic setting. */
export interface ConfigChange {
  /** The key. */
  name: string;
  /** `set` it to `value`, or `delete` it (back to the level below). */
  op: "set" | "delete";
  /** The value, for `set`. */
  value?: string;
}

/** One resource's answer to an `IncrementalAlterConfigs`. */
export interface AlterAnswer {
  /** Kafka's error code (0: none). */
  errorCode: number;
  /** Kafka's message, if any. */
  errorMessage: string | null;
  /** The resource type (4: BROKER). */
  resourceType: number;
  /** The resource name ("" for the cluster-wide default). */
  resourceName: string;
}

const ERROR_NAMES: Record<number, string> = {
  31: "CLUSTER_AUTHORIZATION_FAILED",
  35: "UNSUPPORTED_VERSION",
  40: "INVALID_CONFIG",
  41: "NOT_CONTROLLER",
  42: "INVALID_REQUEST",
  44: "POLICY_VIOLATION",
};

/**
 * The `IncrementalAlterConfigs` v0 request that changes the cluster-wide default of every
 * broker (BROKER resource, empty name).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clusterDefaultsRequest } from "./broker_configs.ts";
 * const r = clusterDefaultsRequest([{ name: "a.b", op: "set", value: "true" }]);
 * assert.equal(r.apiKey, 44);
 * // 1 resource: BROKER (4), name "" | 1 config: "a.b", SET (0), "true" | validateOnly false
 * assert.deepEqual([...r.body], [
 *   0, 0, 0, 1, 4, 0, 0,
 *   0, 0, 0, 1, 0, 3, 97, 46, 98, 0, 0, 4, 116, 114, 117, 101,
 *   0,
 * ]);
 * ```
 */
export function clusterDefaultsRequest(
  changes: readonly ConfigChange[],
  validateOnly = false,
): WireRequest {
  if (changes.length === 0) throw new Error("no configuration change to send.");
  const body = new WireWriter()
    .array([{ type: ConfigResourceTypes.BROKER, name: "" }], (w, r) => {
      w.int8(r.type).string(r.name).array(changes, (w2, c) => {
        if (c.op === "set" && c.value === undefined) {
          throw new Error(`a SET of ${c.name} needs a value.`);
        }
        w2.string(c.name).int8(c.op === "set" ? 0 : 1).string(c.op === "set" ? c.value! : null);
      });
    })
    .int8(validateOnly ? 1 : 0)
    .bytes();
  return { apiKey: 44, apiVersion: 0, body };
}

/** Reads an `IncrementalAlterConfigs` v0 response body. */
export function parseAlterAnswers(reader: WireReader): AlterAnswer[] {
  reader.int32(); // throttle time
  return reader.array((r) => ({
    errorCode: r.int16(),
    errorMessage: r.string(),
    resourceType: r.int8(),
    resourceName: r.string() ?? "",
  }));
}

/**
 * Changes the cluster-wide dynamic default of `changes` through the first broker of
 * `bootstrap` that answers (a broker forwards it to the active controller). Throws a
 * sentence naming Kafka's error when the cluster refuses.
 */
export async function alterClusterDefaults(
  bootstrap: readonly string[],
  changes: readonly ConfigChange[],
): Promise<void> {
  const answers = await withWire(
    bootstrap,
    async (c) => parseAlterAnswers(await c.request(clusterDefaultsRequest(changes))),
  );
  const failed = answers.filter((a) => a.errorCode !== 0);
  if (answers.length === 0 || failed.length > 0) {
    const a = failed[0];
    const what = changes.map((c) => c.op === "set" ? `${c.name}=${c.value}` : `-${c.name}`);
    throw new Error(
      `The cluster refused to change the brokers' default ${what.join(", ")}: ` +
        (a
          ? `${ERROR_NAMES[a.errorCode] ?? `error ${a.errorCode}`}${
            a.errorMessage ? ` (${a.errorMessage})` : ""
          }`
          : "no answer for the resource") +
        ".",
    );
  }
}

/** A key's effective value on one broker, and where it comes from. */
export interface BrokerSetting {
  /** Broker id. */
  broker: number;
  /** The effective value; undefined when the broker does not report the key. */
  value?: string;
  /** Where it comes from: kafkajs's `ConfigSource` (e.g. DYNAMIC_DEFAULT_BROKER_CONFIG). */
  source?: number;
}

/** Each broker's effective value of `key` (undefined where the broker does not know it). */
export async function brokerSettings(
  admin: Admin,
  brokers: readonly number[],
  key: string,
): Promise<BrokerSetting[]> {
  const response = await admin.describeConfigs({
    includeSynonyms: false,
    resources: brokers.map((b) => ({
      type: ConfigResourceTypes.BROKER,
      name: String(b),
      configNames: [key],
    })),
  });
  return brokers.map((broker) => {
    const resource = response.resources.find((r) => r.resourceName === String(broker));
    const entry = resource?.configEntries.find((e) => e.configName === key);
    return entry
      ? { broker, value: entry.configValue ?? undefined, source: entry.configSource }
      : { broker };
  });
}

/**
 * The engine a broker's reported configuration names show: AutoMQ when any of
 * {@linkcode AUTOMQ_KEYS} is among them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineFromConfigNames } from "./broker_configs.ts";
 * assert.deepEqual(engineFromConfigNames(["autobalancer.controller.enable"]), "automq");
 * assert.deepEqual(engineFromConfigNames(["log.retention.ms"]), "kafka");
 * ```
 */
export function engineFromConfigNames(names: Iterable<string>): Engine {
  const known = new Set<string>(AUTOMQ_KEYS);
  for (const name of names) if (known.has(name)) return "automq";
  return "kafka";
}

/**
 * Which engine the cluster behind `admin` runs: asks one broker (the first that
 * `describeCluster` lists) for {@linkcode AUTOMQ_KEYS}; returns the engine and the evidence in
 * words.
 */
export async function recogniseEngine(
  admin: Admin,
): Promise<{ engine: Engine; evidence: string }> {
  const brokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) =>
    a - b
  );
  if (brokers.length === 0) throw new Error("The cluster lists no broker.");
  const response = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{
      type: ConfigResourceTypes.BROKER,
      name: String(brokers[0]),
      configNames: [...AUTOMQ_KEYS],
    }],
  });
  const names = response.resources.flatMap((r) => r.configEntries.map((e) => e.configName));
  const engine = engineFromConfigNames(names);
  return {
    engine,
    evidence: engine === "automq"
      ? `broker ${brokers[0]} reports ${names.filter((n) => n !== undefined).join(" and ")}`
      : `broker ${brokers[0]} reports none of ${AUTOMQ_KEYS.join(", ")}`,
  };
}

/** kafkajs's config sources, re-exported for the callers that read {@linkcode BrokerSetting}. */
export { ConfigSource };

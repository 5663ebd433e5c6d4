/**
 * Turning AutoMQ's auto-balancer on and off at run time, cluster-wide: the one way the lab
 * switches it, on the Docker cluster and on an AutoMQ cluster you bring.
 *
 * What the lab does is what `kafka-configs.sh --entity-type brokers --entity-default
 * --alter --add-config autobalancer.controller.enable=true|false` does: an
 * `IncrementalAlterConfigs` SET of the key on the cluster-wide default broker resource (the
 * empty name), sent to any broker (`lib/cluster/broker_configs.ts`). How AutoMQ 1.7.3 takes
 * it (read in its source): each controller's `AutoBalancerManager` is a reconfigurable of
 * the node's dynamic configuration and `autobalancer.controller.enable` one of its keys;
 * `reconfigure` runs the balancer when the key turns true and pauses it when it turns false.
 * A cluster-wide default applies to every node, the active controller now and any that
 * takes over. It ranks above the static `--override` the compose file gives the nodes, and
 * below a node's own dynamic setting: a node that has one keeps it, so after the change the
 * lab reads every broker's effective value back and names any node that disagrees, with the
 * command that removes its own setting.
 *
 * @module
 */

import type { Admin } from "kafkajs";
import {
  alterClusterDefaults,
  type BrokerSetting,
  brokerSettings,
  clusterDefaultsRequest,
  ConfigSource,
} from "../../cluster/broker_configs.ts";
import type { WireRequest } from "../../cluster/wire.ts";

/** The key that runs or pauses the balancer. */
export const BALANCER_ENABLE_KEY = "autobalancer.controller.enable";

/**
 * The request that switches the balancer cluster-wide: a SET of
 * {@linkcode BALANCER_ENABLE_KEY} on the default broker resource.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { balancerSwitchRequest } from "./automq_balancer.ts";
 * const body = new TextDecoder().decode(balancerSwitchRequest(false).body);
 * assert.ok(body.includes("autobalancer.controller.enable") && body.includes("false"));
 * ```
 */
export function balancerSwitchRequest(enabled: boolean): WireRequest {
  return clusterDefaultsRequest([{ name: BALANCER_ENABLE_KEY, op: "set", value: String(enabled) }]);
}

/** What the brokers report after a switch. */
export interface SwitchCheck {
  /** Brokers whose effective value is the one asked for. */
  agreeing: number[];
  /** Brokers that keep another value from their own dynamic setting (it outranks the default). */
  overridden: BrokerSetting[];
  /** Brokers that report another value for another reason (not applied yet), or none. */
  other: BrokerSetting[];
}

/**
 * Sorts each broker's effective value of {@linkcode BALANCER_ENABLE_KEY} against `enabled`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigSource } from "kafkajs";
 * import { checkSwitch } from "./automq_balancer.ts";
 * const check = checkSwitch(true, [
 *   { broker: 0, value: "true", source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
 *   { broker: 1, value: "false", source: ConfigSource.DYNAMIC_BROKER_CONFIG },
 * ]);
 * assert.deepEqual([check.agreeing, check.overridden.map((s) => s.broker)], [[0], [1]]);
 * ```
 */
export function checkSwitch(enabled: boolean, settings: readonly BrokerSetting[]): SwitchCheck {
  const want = String(enabled);
  const check: SwitchCheck = { agreeing: [], overridden: [], other: [] };
  for (const s of settings) {
    if (s.value === want) check.agreeing.push(s.broker);
    else if (s.source === ConfigSource.DYNAMIC_BROKER_CONFIG) check.overridden.push(s);
    else check.other.push(s);
  }
  return check;
}

/**
 * The sentence for a switch and what the brokers then reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { switchSentence } from "./automq_balancer.ts";
 * const text = switchSentence(false, { agreeing: [0, 1, 2], overridden: [], other: [] });
 * assert.match(text, /every broker \(0, 1, 2\) reports false; the active controller pauses/);
 * ```
 */
export function switchSentence(enabled: boolean, check: SwitchCheck): string {
  const head = `Set the cluster-wide default ${BALANCER_ENABLE_KEY}=${enabled} ` +
    "(IncrementalAlterConfigs on the default broker resource, as kafka-configs --entity-default " +
    "does)";
  const problems: string[] = [];
  for (const s of check.overridden) {
    problems.push(
      `node ${s.broker} keeps ${BALANCER_ENABLE_KEY}=${s.value} from its own dynamic setting, ` +
        "which outranks the default: remove it with kafka-configs --entity-type brokers " +
        `--entity-name ${s.broker} --alter --delete-config ${BALANCER_ENABLE_KEY}`,
    );
  }
  if (check.other.length > 0) {
    problems.push(
      `${check.other.map((s) => `node ${s.broker} reports ${s.value ?? "nothing"}`).join(", ")}` +
        " (not applied yet)",
    );
  }
  if (problems.length > 0) return `${head}; but ${problems.join("; ")}.`;
  return `${head}: every broker (${check.agreeing.join(", ")}) reports ${enabled}; the active ` +
    `controller ${enabled ? "starts" : "pauses"} its balancer.`;
}

/**
 * Switches the balancer cluster-wide through `bootstrap`, then reads every broker's
 * effective value back through `admin` (for up to `settleMs`, default 10 s, while brokers
 * apply the change) and returns one sentence saying what was done and seen.
 */
export async function setClusterBalancer(
  bootstrap: readonly string[],
  admin: Admin,
  brokers: readonly number[],
  enabled: boolean,
  settleMs = 10_000,
): Promise<string> {
  await alterClusterDefaults(bootstrap, [
    { name: BALANCER_ENABLE_KEY, op: "set", value: String(enabled) },
  ]);
  const deadline = Date.now() + settleMs;
  let check = checkSwitch(enabled, await brokerSettings(admin, brokers, BALANCER_ENABLE_KEY));
  while (check.other.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    check = checkSwitch(enabled, await brokerSettings(admin, brokers, BALANCER_ENABLE_KEY));
  }
  return switchSentence(enabled, check);
}

/**
 * Whether the balancer is on: true or false when every broker reports the same effective
 * value of {@linkcode BALANCER_ENABLE_KEY}; undefined when they differ or none reports it.
 */
export async function clusterBalancerEnabled(
  admin: Admin,
  brokers: readonly number[],
): Promise<boolean | undefined> {
  const values = new Set(
    (await brokerSettings(admin, brokers, BALANCER_ENABLE_KEY)).map((s) => s.value),
  );
  if (values.size !== 1) return undefined;
  const [value] = values;
  return value === undefined ? undefined : value === "true";
}

/**
 * Turning AutoMQ's auto-balancer on and off at run time, through the Kafka admin API.
 *
 * Workaround for kafkajs 2.2.4 having only the legacy AlterConfigs
 * (https://github.com/tulios/kafkajs/issues/1517, open) and refusing an empty resource name
 * (src/admin/index.js `alterConfigs`). Cost: a read-modify-write per controller node. Delete
 * when kafkajs sends IncrementalAlterConfigs with the cluster-wide "" resource.
 *
 * How AutoMQ 1.7.3 takes the change (read in its source): each controller's
 * `AutoBalancerManager` is a reconfigurable of that node's dynamic configuration,
 * and `autobalancer.controller.enable` is one of its reconfigurable keys;
 * `reconfigure` runs the balancer when the key turns true and pauses it when it
 * turns false. A controller applies BROKER config records whose resource name is
 * its own node id, or "" (the cluster-wide default). kafkajs refuses an empty
 * resource name, so the lab sets the key on the BROKER resource of every
 * controller node ("0", "1", "2"): whichever is the active controller, now or
 * after a failover, has it. kafkajs sends each BROKER resource to that broker.
 *
 * kafkajs has only the legacy `AlterConfigs`, which replaces all of a resource's
 * dynamic settings; the request therefore carries the node's other dynamic
 * (per-broker) settings as they are, read first with `describeConfigs`.
 *
 * @module
 */

import {
  type Admin,
  ConfigResourceTypes,
  ConfigSource,
  type DescribeConfigResponse,
  type IResourceConfig,
} from "kafkajs";

/** The key that runs or pauses the balancer on a controller. */
export const BALANCER_ENABLE_KEY = "autobalancer.controller.enable";

/** One dynamic per-broker setting a node has now, as `describeConfigs` gives it. */
export interface CurrentEntry {
  /** Config name. */
  name: string;
  /** Value; `null` for a sensitive one. */
  value: string | null;
  /** Where the value comes from (kafkajs's {@linkcode ConfigSource}). */
  source: number;
  /** Whether the broker hides the value. */
  sensitive: boolean;
}

/**
 * The `alterConfigs` resources that set {@linkcode BALANCER_ENABLE_KEY} on each
 * controller node, keeping each node's other dynamic per-broker settings. Throws
 * when a node has a sensitive dynamic setting (its value cannot be read back, and
 * the request would erase it).
 */
export function balancerEnableResources(
  enabled: boolean,
  controllerIds: number[],
  current: Map<number, CurrentEntry[]> = new Map(),
): IResourceConfig[] {
  if (controllerIds.length === 0) throw new Error("no controller node to reconfigure.");
  return controllerIds.map((id) => {
    const kept = (current.get(id) ?? []).filter((e) =>
      e.source === ConfigSource.DYNAMIC_BROKER_CONFIG && e.name !== BALANCER_ENABLE_KEY
    );
    const hidden = kept.filter((e) => e.sensitive || e.value === null);
    if (hidden.length > 0) {
      throw new Error(
        `node ${id} has sensitive dynamic settings (${hidden.map((e) => e.name).join(", ")}) ` +
          "that AlterConfigs would erase; set the balancer with kafka-configs.sh instead.",
      );
    }
    return {
      type: ConfigResourceTypes.BROKER,
      name: String(id),
      configEntries: [
        ...kept.map((e) => ({ name: e.name, value: e.value as string })),
        { name: BALANCER_ENABLE_KEY, value: String(enabled) },
      ],
    };
  });
}

/** The dynamic entries of each node, from a `describeConfigs` answer. */
export function currentEntries(response: DescribeConfigResponse): Map<number, CurrentEntry[]> {
  const result = new Map<number, CurrentEntry[]>();
  for (const resource of response.resources) {
    if (resource.errorCode !== 0) {
      throw new Error(
        `describeConfigs of broker ${resource.resourceName} failed: ` +
          `${resource.errorMessage ?? `error code ${resource.errorCode}`}`,
      );
    }
    result.set(
      Number(resource.resourceName),
      resource.configEntries.map((e) => ({
        name: e.configName,
        value: e.configValue,
        source: e.configSource,
        sensitive: e.isSensitive,
      })),
    );
  }
  return result;
}

/**
 * Sets the balancer on or off on every controller node through `admin`; returns
 * one line saying what was altered.
 */
export async function setAutomqBalancer(
  admin: Admin,
  enabled: boolean,
  controllerIds: number[],
): Promise<string> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: controllerIds.map((id) => ({
      type: ConfigResourceTypes.BROKER,
      name: String(id),
    })),
  });
  const resources = balancerEnableResources(enabled, controllerIds, currentEntries(described));
  await admin.alterConfigs({ validateOnly: false, resources });
  return `set ${BALANCER_ENABLE_KEY}=${enabled} on the BROKER config resources of nodes ` +
    `${controllerIds.join(", ")} (each controller applies its own; the active one ` +
    `${enabled ? "starts" : "pauses"} its balancer)`;
}

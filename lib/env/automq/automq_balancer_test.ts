// The request setBalancerEnabled sends, built without a cluster.

import assert from "node:assert/strict";
import { ConfigResourceTypes, ConfigSource } from "kafkajs";
import {
  BALANCER_ENABLE_KEY,
  balancerEnableResources,
  currentEntries,
  setAutomqBalancer,
} from "./automq_balancer.ts";
import type { Admin, DescribeConfigResponse, IResourceConfig } from "kafkajs";

Deno.test("the request sets the key on the BROKER resource of every controller node", () => {
  assert.equal(BALANCER_ENABLE_KEY, "autobalancer.controller.enable");
  assert.equal(ConfigResourceTypes.BROKER, 4);
  assert.deepEqual(
    balancerEnableResources(true, [0, 1, 2]),
    [0, 1, 2].map((id) => ({
      type: ConfigResourceTypes.BROKER,
      name: String(id),
      configEntries: [{ name: "autobalancer.controller.enable", value: "true" }],
    })),
  );
  const off = balancerEnableResources(false, [1]);
  assert.deepEqual(off[0].configEntries, [{ name: BALANCER_ENABLE_KEY, value: "false" }]);
  assert.throws(() => balancerEnableResources(true, []), /no controller node/);
});

Deno.test("the request keeps each node's other dynamic per-broker settings, and only those", () => {
  const current = new Map([[0, [
    {
      name: "log.retention.ms",
      value: "60000",
      source: ConfigSource.DYNAMIC_BROKER_CONFIG,
      sensitive: false,
    },
    {
      name: BALANCER_ENABLE_KEY,
      value: "false",
      source: ConfigSource.DYNAMIC_BROKER_CONFIG,
      sensitive: false,
    },
    {
      name: "num.io.threads",
      value: "8",
      source: ConfigSource.STATIC_BROKER_CONFIG,
      sensitive: false,
    },
    {
      name: "autobalancer.controller.goals",
      value: "x",
      source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
      sensitive: false,
    },
  ]]]);
  const [r0, r1] = balancerEnableResources(true, [0, 1], current);
  assert.deepEqual(r0.configEntries, [
    { name: "log.retention.ms", value: "60000" },
    { name: BALANCER_ENABLE_KEY, value: "true" },
  ]);
  assert.deepEqual(r1.configEntries, [{ name: BALANCER_ENABLE_KEY, value: "true" }]);
  const secret = new Map([[2, [
    {
      name: "ssl.keystore.password",
      value: null,
      source: ConfigSource.DYNAMIC_BROKER_CONFIG,
      sensitive: true,
    },
  ]]]);
  assert.throws(
    () => balancerEnableResources(true, [2], secret),
    /node 2 has sensitive dynamic settings \(ssl.keystore.password\)/,
  );
});

function described(
  entries: Record<string, Array<[string, string, number]>>,
): DescribeConfigResponse {
  return {
    throttleTime: 0,
    resources: Object.entries(entries).map(([name, list]) => ({
      errorCode: 0,
      errorMessage: null,
      resourceName: name,
      resourceType: ConfigResourceTypes.BROKER,
      configEntries: list.map(([configName, configValue, configSource]) => ({
        configName,
        configValue,
        configSource,
        isDefault: false,
        isSensitive: false,
        readOnly: false,
        configSynonyms: [],
      })),
    })),
  } as unknown as DescribeConfigResponse;
}

Deno.test("setAutomqBalancer describes, then alters, and says what it did", async () => {
  const calls: string[] = [];
  let altered: IResourceConfig[] = [];
  const admin = {
    describeConfigs: (request: { resources: Array<{ type: number; name: string }> }) => {
      calls.push(`describe ${request.resources.map((r) => `${r.type}/${r.name}`).join(",")}`);
      return Promise.resolve(described({
        "0": [["log.retention.ms", "60000", ConfigSource.DYNAMIC_BROKER_CONFIG]],
        "1": [],
        "2": [],
      }));
    },
    alterConfigs: (request: { validateOnly: boolean; resources: IResourceConfig[] }) => {
      calls.push(`alter validateOnly=${request.validateOnly}`);
      altered = request.resources;
      return Promise.resolve();
    },
  } as unknown as Admin;
  const line = await setAutomqBalancer(admin, true, [0, 1, 2]);
  assert.deepEqual(calls, ["describe 4/0,4/1,4/2", "alter validateOnly=false"]);
  assert.deepEqual(altered.map((r) => r.name), ["0", "1", "2"]);
  assert.deepEqual(altered[0].configEntries.map((e) => e.name), [
    "log.retention.ms",
    BALANCER_ENABLE_KEY,
  ]);
  assert.match(
    line,
    /autobalancer\.controller\.enable=true on the BROKER config resources of nodes 0, 1, 2/,
  );
  assert.match(line, /starts its balancer/);
});

Deno.test("currentEntries reports a node that could not be described", () => {
  const response = described({ "0": [] });
  (response.resources[0] as { errorCode: number; errorMessage: string | null }).errorCode = 42;
  (response.resources[0] as { errorMessage: string | null }).errorMessage = "not authorized";
  assert.throws(
    () => currentEntries(response),
    /describeConfigs of broker 0 failed: not authorized/,
  );
});

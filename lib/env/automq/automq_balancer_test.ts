// The switch of AutoMQ's balancer: the request it sends (AutoMQ cannot run here), and what
// it says about what the brokers then report.

import assert from "node:assert/strict";
import { ConfigResourceTypes, ConfigSource } from "kafkajs";
import {
  BALANCER_ENABLE_KEY,
  balancerSwitchRequest,
  checkSwitch,
  switchSentence,
} from "./automq_balancer.ts";
import { WireReader } from "../../cluster/wire.ts";

Deno.test("the switch is one SET of the key on the cluster-wide default broker resource", () => {
  assert.equal(BALANCER_ENABLE_KEY, "autobalancer.controller.enable");
  for (const enabled of [true, false]) {
    const r = balancerSwitchRequest(enabled);
    // IncrementalAlterConfigs v0, as kafka-configs --entity-default sends it.
    assert.deepEqual([r.apiKey, r.apiVersion], [44, 0]);
    const read = new WireReader(r.body);
    const resources = read.array((res) => ({
      type: res.int8(),
      name: res.string(),
      configs: res.array((c) => [c.string(), c.int8(), c.string()]),
    }));
    assert.deepEqual(resources, [{
      type: ConfigResourceTypes.BROKER,
      name: "",
      configs: [["autobalancer.controller.enable", 0, String(enabled)]],
    }]);
    assert.equal(read.int8(), 0);
  }
});

Deno.test("after the switch, every broker agreeing is said so; a node's own setting is named", () => {
  const dyn = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
  const all = checkSwitch(
    false,
    [0, 1, 2].map((broker) => ({ broker, value: "false", source: dyn })),
  );
  assert.equal(
    switchSentence(false, all),
    "Set the cluster-wide default autobalancer.controller.enable=false (IncrementalAlterConfigs " +
      "on the default broker resource, as kafka-configs --entity-default does): every broker " +
      "(0, 1, 2) reports false; the active controller pauses its balancer.",
  );
  const mixed = checkSwitch(true, [
    { broker: 0, value: "true", source: dyn },
    { broker: 1, value: "false", source: ConfigSource.DYNAMIC_BROKER_CONFIG },
    { broker: 2, value: "false", source: ConfigSource.STATIC_BROKER_CONFIG },
  ]);
  assert.deepEqual(mixed.agreeing, [0]);
  assert.deepEqual(mixed.overridden.map((s) => s.broker), [1]);
  assert.deepEqual(mixed.other.map((s) => s.broker), [2]);
  const sentence = switchSentence(true, mixed);
  assert.match(sentence, /; but node 1 keeps autobalancer\.controller\.enable=false from its own/);
  assert.match(
    sentence,
    /kafka-configs --entity-type brokers --entity-name 1 --alter --delete-config autobalancer/,
  );
  assert.match(sentence, /node 2 reports false \(not applied yet\)\.$/);
});

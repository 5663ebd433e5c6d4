import assert from "node:assert/strict";
import { ConfigResourceTypes, ConfigSource } from "kafkajs";
import {
  alterClusterDefaults,
  AUTOMQ_KEYS,
  brokerSettings,
  clusterDefaultsRequest,
  engineFromConfigNames,
  parseAlterAnswers,
  recogniseEngine,
} from "./broker_configs.ts";
import { WireReader, WireWriter } from "./wire.ts";
import { withAdmin } from "./kafka.ts";
import { clusterTest } from "../../testing/cluster.ts";

Deno.test("the request sets or deletes keys on the cluster-wide default broker resource", () => {
  const r = clusterDefaultsRequest([
    { name: "autobalancer.controller.enable", op: "set", value: "false" },
    { name: "x", op: "delete" },
  ]);
  assert.deepEqual([r.apiKey, r.apiVersion], [44, 0]);
  const read = new WireReader(r.body);
  const resources = read.array((res) => ({
    type: res.int8(),
    name: res.string(),
    configs: res.array((c) => ({ name: c.string(), op: c.int8(), value: c.string() })),
  }));
  assert.deepEqual(resources, [{
    type: ConfigResourceTypes.BROKER,
    name: "",
    configs: [
      { name: "autobalancer.controller.enable", op: 0, value: "false" },
      { name: "x", op: 1, value: null },
    ],
  }]);
  assert.equal(read.int8(), 0, "validateOnly is false");
  assert.throws(() => clusterDefaultsRequest([]), /no configuration change/);
  assert.throws(() => clusterDefaultsRequest([{ name: "k", op: "set" }]), /SET of k needs a value/);
});

Deno.test("the answer is read per resource, with Kafka's error", () => {
  const body = new WireWriter().int32(0).array([
    { code: 40, message: "Unknown config", name: "" },
  ], (w, a) => w.int16(a.code).string(a.message).int8(4).string(a.name)).bytes();
  assert.deepEqual(parseAlterAnswers(new WireReader(body)), [{
    errorCode: 40,
    errorMessage: "Unknown config",
    resourceType: 4,
    resourceName: "",
  }]);
  assert.throws(() => parseAlterAnswers(new WireReader(body.subarray(0, 6))), /ended early/);
});

Deno.test("AutoMQ is recognised by the keys only its brokers report", () => {
  assert.deepEqual([...AUTOMQ_KEYS], ["autobalancer.controller.enable", "s3.data.buckets"]);
  assert.equal(engineFromConfigNames(["s3.data.buckets"]), "automq");
  assert.equal(engineFromConfigNames(["autobalancer.controller.enable", "x"]), "automq");
  assert.equal(engineFromConfigNames([]), "kafka");
  assert.equal(engineFromConfigNames(["log.retention.ms", "autobalancer.enable"]), "kafka");
});

clusterTest(
  "on Apache Kafka: not AutoMQ; the default broker config is changed and read back",
  async (c) => {
    await withAdmin(c.bootstrapServers, async (admin) => {
      const engine = await recogniseEngine(admin);
      assert.equal(engine.engine, "kafka");
      assert.match(engine.evidence, /reports none of autobalancer\.controller\.enable, s3\.data/);
      const brokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
      // A real, harmless cluster-wide dynamic setting, set and then deleted by the same request
      // the lab sends to switch AutoMQ's balancer.
      const key = "log.cleaner.backoff.ms";
      const before = await brokerSettings(admin, brokers, key);
      try {
        await alterClusterDefaults(c.bootstrapServers, [{ name: key, op: "set", value: "15001" }]);
        const deadline = Date.now() + 20_000;
        let after = await brokerSettings(admin, brokers, key);
        while (!after.every((s) => s.value === "15001") && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          after = await brokerSettings(admin, brokers, key);
        }
        for (const s of after) {
          assert.equal(s.value, "15001", `broker ${s.broker}`);
          assert.equal(s.source, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, `broker ${s.broker}`);
        }
      } finally {
        await alterClusterDefaults(c.bootstrapServers, [{ name: key, op: "delete" }]);
      }
      const deadline = Date.now() + 20_000;
      let restored = await brokerSettings(admin, brokers, key);
      while (restored.some((s) => s.value === "15001") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        restored = await brokerSettings(admin, brokers, key);
      }
      assert.deepEqual(restored.map((s) => s.value), before.map((s) => s.value));
    });
  },
);

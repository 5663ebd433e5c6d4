// A cluster you bring that runs Apache Kafka (the shared local test cluster): the lab
// recognises it is not AutoMQ and changes nothing when asked to switch a balancer.

import assert from "node:assert/strict";
import { ExternalEnvironment } from "./external.ts";
import { loadConfig } from "../config/config.ts";
import { brokerSettings } from "../cluster/broker_configs.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { clusterTest } from "../../testing/cluster.ts";

clusterTest(
  "a brought Apache Kafka cluster is recognised, and its configuration left alone",
  async (c) => {
    for (const choice of ["switch", "leave"]) {
      const config = loadConfig({
        LAB_BOOTSTRAP: c.bootstrapServers.join(","),
        LAB_PROMETHEUS_URL: c.prometheusUrl,
        LAB_BROUGHT_BALANCER: choice,
      });
      assert.equal(config.broughtBalancer, choice);
      const env = new ExternalEnvironment(config);
      const lines: string[] = [];
      await env.up({ onProgress: (line) => lines.push(line) });
      assert.equal(await env.engine(), "kafka");
      assert.match(lines.join("\n"), /The cluster runs Apache Kafka: broker \d+ reports none of/);
      for (const enabled of [false, true]) {
        assert.match(
          await env.setBalancerEnabled(enabled),
          /^The cluster you brought runs Apache Kafka \(broker \d+ reports none of .*\): it has no auto-balancer/,
        );
      }
      assert.equal(await env.balancerEnabled(), undefined);
    }
    // Nothing was set: no broker reports the key.
    await withAdmin(c.bootstrapServers, async (admin) => {
      const brokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
      const settings = await brokerSettings(admin, brokers, "autobalancer.controller.enable");
      assert.ok(settings.every((s) => s.value === undefined), JSON.stringify(settings));
    });
  },
);

Deno.test("LAB_BROUGHT_BALANCER takes switch or leave, and says so otherwise", () => {
  assert.equal(loadConfig({}).broughtBalancer, "switch");
  assert.throws(
    () => loadConfig({ LAB_BROUGHT_BALANCER: "off" }),
    /LAB_BROUGHT_BALANCER.*"off" is unknown; use switch or leave/,
  );
});

// AutomqEnvironment without an engine: addresses, part names, and the errors a user
// without Docker sees. The engine-backed paths are in automq_engine_test.ts.

import assert from "node:assert/strict";
import { loadConfig } from "../../config/config.ts";
import { AutomqEnvironment, BALANCER_LOG_PATH, defaultComposeFile, probeAutomq } from "./automq.ts";
import { DockerUnavailableError } from "./docker.ts";

const NOWHERE = "unix:///nonexistent/lab/docker.sock";

Deno.test("addresses are the compose file's host-facing ones", () => {
  const env = new AutomqEnvironment({ dockerHost: NOWHERE });
  assert.equal(env.kind, "automq");
  assert.deepEqual(env.bootstrapServers(), ["127.0.0.1:9092", "127.0.0.1:9093", "127.0.0.1:9094"]);
  for (const address of env.bootstrapServers()) assert.doesNotMatch(address, /localhost/);
  assert.deepEqual(env.brokerIds(), [0, 1, 2]);
  assert.equal(env.prometheusUrl(), "http://127.0.0.1:9090");
  assert.equal(env.grafanaUrl(), "http://127.0.0.1:3000");
  assert.equal(BALANCER_LOG_PATH, "/opt/automq/kafka/logs/auto-balancer.log");
  assert.match(defaultComposeFile(), /\/compose\/automq\/docker-compose\.yml$/);
});

Deno.test("part names map to services", () => {
  const env = new AutomqEnvironment({ dockerHost: NOWHERE });
  assert.equal(env.serviceOf("broker-0"), "server1");
  assert.equal(env.serviceOf("kafka-1"), "server2");
  assert.equal(env.serviceOf("2"), "server3");
  assert.equal(env.serviceOf("3"), "server4"); // the on-demand fourth node
  assert.equal(env.serviceOf("prometheus"), "prometheus");
  assert.throws(() => env.serviceOf("broker-7"), /no broker 7; brokers are 0, 1, 2/);
});

Deno.test("the lab's configuration is accepted as it is", () => {
  const env = new AutomqEnvironment(loadConfig({ LAB_ENV: "automq" }));
  assert.deepEqual(env.brokerIds(), [0, 1, 2]);
});

Deno.test("without an engine: up, down and probe say so at once", async () => {
  const env = new AutomqEnvironment({ dockerHost: NOWHERE });
  const started = Date.now();
  await assert.rejects(() => env.up(), (error: Error) => {
    assert.ok(error instanceof DockerUnavailableError);
    assert.match(error.message, /no Docker engine: the socket .* does not exist/);
    return true;
  });
  await assert.rejects(() => env.down({ removeData: true }), DockerUnavailableError);
  await assert.rejects(() => env.addBroker(), DockerUnavailableError);
  await assert.rejects(() => env.removeBroker(0), /node 0 is not an on-demand node; only 3 can be/);
  const status = await env.status();
  assert.equal(status.healthy, false);
  assert.deepEqual(status.parts.map((p) => [p.name, p.healthy]), [["docker", false]]);
  const probe = await probeAutomq({ dockerHost: NOWHERE });
  assert.equal(probe.usable, false);
  assert.match(probe.reason, /does not exist/);
  assert.ok(Date.now() - started < 3000, "every answer should come at once");
});

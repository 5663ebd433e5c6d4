import assert from "node:assert/strict";
import { loadConfig } from "../../config/config.ts";
import { clusterTest } from "../../../testing/cluster.ts";
import { LocalEnvironment } from "./local.ts";
import { newClusterId } from "./membership.ts";

/** A local environment on ports no other test uses, in a fresh state directory. */
async function scratchEnvironment(extra: Record<string, string> = {}) {
  const stateDir = await Deno.makeTempDir({ prefix: "lab-local-test-" });
  const env = new LocalEnvironment(loadConfig({
    ...Deno.env.toObject(),
    LAB_KAFKA_PORT: "27092",
    LAB_PROMETHEUS_PORT: "27090",
    LAB_STATE_DIR: stateDir,
    ...extra,
  }));
  return { env, stateDir };
}

async function assertNothingStarted(stateDir: string) {
  const pids = await Array.fromAsync(Deno.readDir(`${stateDir}/pids`)).catch(() => []);
  assert.deepEqual(pids, [], "no process was started");
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  // Only the time matters here; each caller asserts the error itself with assert.rejects.
  await work().catch(() => {});
  return performance.now() - started;
}

Deno.test("no Java: a clear error within seconds, nothing started", async () => {
  const { env, stateDir } = await scratchEnvironment({ JAVA_BIN: "/nonexistent/java" });
  try {
    await assert.rejects(
      env.up(),
      /Java was not found \(\/nonexistent\/java\)\. Install a JDK 17\+/,
    );
    assert.ok(await timed(() => env.up()) < 10_000);
    await assertNothingStarted(stateDir);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("no Prometheus binary: a clear error naming PROMETHEUS_BIN, nothing started", async () => {
  const { env, stateDir } = await scratchEnvironment({ PROMETHEUS_BIN: "/nonexistent/prometheus" });
  try {
    await assert.rejects(env.up(), /Prometheus was not found .*set PROMETHEUS_BIN/);
    await assertNothingStarted(stateDir);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("a port already in use: the error names the port and the setting that moves it", async () => {
  const { env, stateDir } = await scratchEnvironment();
  const squatter = Deno.listen({ hostname: "127.0.0.1", port: 27093 });
  try {
    const elapsed = await timed(async () => {
      await assert.rejects(
        env.up(),
        /Port 27093 \(Kafka broker 1\) on 127\.0\.0\.1 is already in use\..*LAB_KAFKA_PORT/s,
      );
    });
    assert.ok(elapsed < 10_000);
    await assertNothingStarted(stateDir);
  } finally {
    squatter.close();
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("down on an environment that never started is safe, twice", async () => {
  const { env, stateDir } = await scratchEnvironment();
  try {
    await env.down();
    await env.down({ removeData: true });
    const status = await env.status();
    assert.equal(status.healthy, false);
    assert.ok(status.parts.every((p) => p.detail === "not running"));
  } finally {
    // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("the generated configurations bind to 127.0.0.1 and pass promtool", async () => {
  const { env, stateDir } = await scratchEnvironment();
  try {
    const props = env.serverProperties(1);
    assert.match(props, /^node\.id=1$/m);
    assert.match(props, /^process\.roles=broker,controller$/m);
    assert.match(
      props,
      /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:27093,CONTROLLER:\/\/127\.0\.0\.1:27193$/m,
    );
    assert.match(
      props,
      /^controller\.quorum\.voters=0@127\.0\.0\.1:27192,1@127\.0\.0\.1:27193,2@127\.0\.0\.1:27194$/m,
    );
    assert.match(props, /^auto\.leader\.rebalance\.enable=false$/m);
    const file = `${stateDir}/prometheus.yml`;
    await Deno.writeTextFile(file, env.prometheusConfig());
    const check = await new Deno.Command("promtool", { args: ["check", "config", file] }).output();
    assert.ok(check.success, new TextDecoder().decode(check.stderr));
    assert.match(env.prometheusConfig(), /broker: "2"/);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

clusterTest(
  "real cluster: status reports every part of the shared local environment",
  async (cluster) => {
    const env = new LocalEnvironment(loadConfig({
      ...Deno.env.toObject(),
      LAB_KAFKA_PORT: cluster.bootstrapServers[0].split(":")[1],
      LAB_PROMETHEUS_PORT: new URL(cluster.prometheusUrl).port,
      LAB_STATE_DIR: cluster.stateDir,
    }));
    const status = await env.status();
    assert.deepEqual(status.parts.map((p) => p.name), [
      "agent",
      "prometheus",
      "kafka-0",
      "kafka-1",
      "kafka-2",
    ]);
    assert.ok(status.healthy, JSON.stringify(status.parts));
    assert.match(status.parts[2].detail, /running, PID \d+, 127\.0\.0\.1:\d+, exporter up/);
    assert.match(await env.logs("kafka-0"), /Kafka Server started|started \(kafka\.server/);
    await assert.rejects(env.logs("kafka-9"), /No part "kafka-9".*kafka-0/);
  },
);

Deno.test("more brokers: nodes past the third are broker-only, Prometheus scrapes each", async () => {
  const { env, stateDir } = await scratchEnvironment({ LAB_BROKERS: "5" });
  try {
    assert.deepEqual(env.brokerIds(), [0, 1, 2, 3, 4]);
    assert.deepEqual(env.controllerIds(), [0, 1, 2]);
    const props = env.serverProperties(4);
    assert.match(props, /^process\.roles=broker$/m);
    assert.match(props, /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:27096$/m);
    assert.match(
      props,
      /^controller\.quorum\.voters=0@127\.0\.0\.1:27192,1@.*,2@127\.0\.0\.1:27194$/m,
    );
    assert.match(env.prometheusConfig(), /broker: "4"/);
    assert.equal(env.bootstrapServers().length, 5);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("removing a broker that is not there, the last one, or the quorum: a clear error, nothing changed", async () => {
  const { env, stateDir } = await scratchEnvironment();
  try {
    await assert.rejects(env.removeBroker(7), /There is no broker 7 .*brokers are 0, 1, 2/);
    await Deno.writeTextFile(
      `${stateDir}/brokers.json`,
      JSON.stringify({ brokers: [2], controllers: [0, 1, 2] }),
    );
    const one = new LocalEnvironment(loadConfig({
      ...Deno.env.toObject(),
      LAB_KAFKA_PORT: "27092",
      LAB_PROMETHEUS_PORT: "27090",
      LAB_STATE_DIR: stateDir,
    }));
    await assert.rejects(one.removeBroker(2), /Broker 2 is the cluster's last broker/);
    await Deno.writeTextFile(
      `${stateDir}/brokers.json`,
      JSON.stringify({ brokers: [0, 1, 3], controllers: [0, 1, 2] }),
    );
    const two = new LocalEnvironment(loadConfig({
      ...Deno.env.toObject(),
      LAB_KAFKA_PORT: "27092",
      LAB_PROMETHEUS_PORT: "27090",
      LAB_STATE_DIR: stateDir,
    }));
    await assert.rejects(
      two.removeBroker(1),
      /KRaft controllers; without it 1 would be left.*\(3\)/,
    );
    assert.deepEqual(two.brokerIds(), [0, 1, 3], "the membership is unchanged");
    // Adding or removing on a cluster that is not running says how to start it.
    await assert.rejects(two.removeBroker(3), /not running \(deno task setup starts it\)/);
    await assert.rejects(env.addBroker(), /not running \(deno task setup starts it\)/);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("cluster ids never start with a dash (the storage tool would read an option)", () => {
  for (let i = 0; i < 5000; i++) {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});

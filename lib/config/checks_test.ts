import assert from "node:assert/strict";
import { LabConfigError, loadConfig } from "./config.ts";
import { checkAgainstCluster, DEFAULT_MAX_MESSAGE_BYTES } from "./checks.ts";
import { topicNameProblem } from "./parse.ts";

/** `env` is refused naming `setting`, with a message matching `message`. */
function refused(env: Record<string, string>, setting: string, message: RegExp): void {
  assert.throws(
    () => loadConfig({ HOME: "/h", ...env }),
    (e: unknown) => e instanceof LabConfigError && e.setting === setting && message.test(e.message),
    JSON.stringify(env),
  );
}

Deno.test("topic names follow Kafka's rules", () => {
  for (const good of ["traffic-test", "a.b_c-D9", "x".repeat(249)]) {
    assert.equal(topicNameProblem(good), undefined, good);
  }
  refused({ LAB_TOPIC: "bad topic!" }, "LAB_TOPIC", /" ", "!"\); use only a-z, A-Z, 0-9/);
  refused({ LAB_TOPIC: ".." }, "LAB_TOPIC", /"\.\." cannot be a topic name/);
  refused({ LAB_TOPIC: "." }, "LAB_TOPIC", /cannot be a topic name/);
  refused({ LAB_TOPIC: "t".repeat(250) }, "LAB_TOPIC", /at most 249 characters, not 250/);
  refused({ LAB_TOPIC: "tëst" }, "LAB_TOPIC", /"ë"/);
});

Deno.test("a record must fit the topic's max.message.bytes", () => {
  const most = DEFAULT_MAX_MESSAGE_BYTES - 80;
  assert.equal(loadConfig({ LAB_RECORD_BYTES: String(most) }).recordBytes, most);
  refused(
    { LAB_RECORD_BYTES: "2000000" },
    "LAB_RECORD_BYTES",
    /2000000 B does not fit .* max\.message\.bytes is 1048588 B \(Kafka's default.*use at most 1048508\./,
  );
  // A brought cluster's limit is learnt after connecting, not assumed.
  const brought = loadConfig({
    LAB_RECORD_BYTES: "2000000",
    LAB_BOOTSTRAP: "k:9092",
    LAB_PROMETHEUS_URL: "http://p:9090",
  });
  assert.throws(
    () =>
      checkAgainstCluster(brought, {
        brokers: [0, 1, 2],
        where: "the cluster you brought",
        maxMessageBytes: 1e6,
      }),
    /LAB_RECORD_BYTES: .*max\.message\.bytes is 1000000 B on the cluster you brought/,
  );
  checkAgainstCluster(brought, { brokers: [0, 1, 2], where: "it", maxMessageBytes: 4e6 });
});

Deno.test("settings that do not go together are refused before anything starts", () => {
  refused({ LAB_SKEW: "p9=1" }, "LAB_SKEW", /partition 9, but the topic has partitions 0-5/);
  refused(
    { LAB_RATE_WINDOW_S: "3", LAB_SCRAPE_INTERVAL_S: "2" },
    "LAB_RATE_WINDOW_S",
    /fewer than two scrapes .* at least 4/,
  );
  refused(
    { LAB_VERIFY_TIMEOUT_S: "30" },
    "LAB_VERIFY_TIMEOUT_S",
    /before the balancer's first detection .*longer than 30/,
  );
  // A control run (balancer off) watches one window: no detection to wait for.
  assert.equal(
    loadConfig({ LAB_VERIFY_TIMEOUT_S: "5", LAB_BALANCER: "off" }).verifyTimeoutSeconds,
    5,
  );
  refused(
    { LAB_PROMETHEUS_PORT: "19093" },
    "LAB_KAFKA_PORT",
    /broker 1 on port 19093, which Prometheus uses \(LAB_PROMETHEUS_PORT\)/,
  );
  refused({ LAB_CONTROLLER_PORT: "65534" }, "LAB_CONTROLLER_PORT", /port 65536, above 65535/);
  refused({ LAB_SKWE: "b0=1" }, "LAB_SKWE", /is not a setting; did you mean LAB_SKEW\?/);
  refused({ LAB_BROKER: "4" }, "LAB_BROKER", /did you mean LAB_BROKERS\?/);
  refused({ LAB_BROKER_HEAP: "768mb" }, "LAB_BROKER_HEAP", /not a Java heap size/);
  refused({ LAB_BOOTSTRAP: "kafka", LAB_PROMETHEUS_URL: "http://p" }, "LAB_BOOTSTRAP", /host:port/);
  // The harness's own variables, and names far from any setting, are left alone.
  loadConfig({ LAB_TEST_ROOT: "/tmp/x", LAB_PYTHON: "python3", LAB_NOTEBOOK_VENV: "/v" });
  // Ports of a brought cluster or AutoMQ are not the local ones.
  loadConfig({ LAB_ENV: "automq", LAB_PROMETHEUS_PORT: "19093" });
});

Deno.test("the skew and placement are checked against the cluster's brokers", () => {
  const local = { brokers: [0, 1, 2], where: "the local environment" };
  const refuse = (env: Record<string, string>, shape: typeof local, message: RegExp) =>
    assert.throws(
      () => checkAgainstCluster(loadConfig({ HOME: "/h", ...env }), shape),
      (e: unknown) => e instanceof LabConfigError && message.test(e.message),
      JSON.stringify(env),
    );
  refuse(
    { LAB_SKEW: "b7=1" },
    local,
    /^LAB_SKEW: b7 names broker 7, but the local environment has brokers 0, 1, 2/,
  );
  refuse(
    { LAB_PLACEMENT: "6-0-0", LAB_SKEW: "b0=0.5,b1=0.5" },
    local,
    /^LAB_SKEW: aims 50% of the bytes at broker 1, which LAB_PLACEMENT=6-0-0 gives no partition/,
  );
  refuse(
    { LAB_SCENARIO: "scale-in" },
    { brokers: [0, 1, 2], where: "the automq environment" },
    /^LAB_PLACEMENT: 3-3-3-3 gives counts for 4 brokers, but the automq environment has 3/,
  );
  refuse(
    {},
    { brokers: [0, 1, 2], where: "the cluster you brought", topicPartitions: 12 } as typeof local,
    /^LAB_PARTITIONS: topic traffic-test already has 12 partitions .* set LAB_PARTITIONS=12/,
  );
  checkAgainstCluster(loadConfig({ LAB_SKEW: "b0=0.8,b1=0.1,b2=0.1" }), local);
  checkAgainstCluster(loadConfig({ LAB_SCENARIO: "scale-in" }), {
    ...local,
    brokers: [0, 1, 2, 3],
  });
});

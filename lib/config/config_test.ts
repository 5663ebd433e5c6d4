import assert from "node:assert/strict";
import { LabConfigError, loadConfig, parsePlacement, parseSkew } from "./config.ts";

Deno.test("defaults are the seed's scenario", () => {
  const config = loadConfig({ HOME: "/home/x" });
  assert.equal(config.environment, "auto");
  assert.equal(config.topic, "traffic-test");
  assert.equal(config.partitions, 6);
  assert.deepEqual(config.placement, { kind: "counts", counts: [4, 1, 1] });
  assert.equal(config.recordBytes, 10240);
  assert.equal(config.rateMBps, 20);
  assert.equal(config.balancer.detectIntervalMs, 30_000);
  assert.deepEqual(config.balancer.avgDeviation, { in: 0.1, out: 0.1 });
  assert.equal(config.balancer.detectThresholdBytes.in, 1048576);
  assert.equal(config.local.cacheDir, "/home/x/.cache/auto-balancing-lab");
  assert.deepEqual(config.balancer.goals, [
    "NetworkInUsageDistributionGoal",
    "NetworkOutUsageDistributionGoal",
  ]);
});

Deno.test("settings out of range name the variable and the bound", () => {
  const bad: Array<[Record<string, string>, RegExp]> = [
    [
      { LAB_DETECT_INTERVAL_S: "0" },
      /^LAB_DETECT_INTERVAL_S: 0 is out of range; it must be greater than 0/,
    ],
    [{ LAB_BALANCER_AVG_DEVIATION: "-0.1" }, /^LAB_BALANCER_AVG_DEVIATION: -0\.1 is out of range/],
    [{ LAB_BALANCER_AVG_DEVIATION: "2" }, /must be at most 1/],
    [{ LAB_RATE_MBPS: "-3" }, /^LAB_RATE_MBPS: -3 is out of range/],
    [{ LAB_RATE_MBPS: "fast" }, /^LAB_RATE_MBPS: "fast" is not a number/],
    [{ LAB_RECORD_BYTES: "0" }, /^LAB_RECORD_BYTES: 0 is out of range/],
    [
      { LAB_ENV: "kubernetes" },
      /^LAB_ENV: "kubernetes" is unknown; use local, automq, external or auto/,
    ],
    [
      { LAB_BOOTSTRAP: "localhost:9092" },
      /^LAB_PROMETHEUS_URL: a bring-your-own cluster needs both/,
    ],
    [{ LAB_BALANCER: "maybe" }, /^LAB_BALANCER: "maybe" is not on\/off/],
    [{ LAB_BALANCER_GOALS: "in,cpu" }, /"cpu" is not a goal/],
    [{ LAB_KAFKA_PORT: "80" }, /^LAB_KAFKA_PORT: 80 is out of range; it must be at least 1024/],
  ];
  for (const [env, message] of bad) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof LabConfigError && message.test(e.message),
    );
  }
});

Deno.test("placements and skews parse, and bad ones say how to write them", () => {
  assert.deepEqual(parsePlacement("even", 6), { kind: "counts", counts: [2, 2, 2] });
  assert.deepEqual(parsePlacement("none", 6), { kind: "none" });
  assert.throws(() => parsePlacement("4-1", 6), /places 5 partitions but the topic has 6/);
  assert.throws(
    () => parsePlacement("four", 6),
    /use none, even, or partition counts per broker like 4-1-1/,
  );
  const skew = parseSkew("b0=0.8, b1=0.1, b2=0.1");
  assert.equal(skew.kind, "brokers");
  assert.throws(() => parseSkew("b0=0.5,p1=0.5"), /mixes broker and partition shares/);
  assert.throws(() => parseSkew("x=1"), /is not a share; write b0=0\.8/);
  assert.throws(() => parseSkew("b0=1.5,b1=-0.5"), /must lie in \[0, 1\]/);
});

Deno.test("a bring-your-own cluster makes the environment external", () => {
  const config = loadConfig({
    LAB_BOOTSTRAP: "a:1,b:2",
    LAB_PROMETHEUS_URL: "http://p:9090/",
    LAB_ENV: "local",
  });
  assert.equal(config.environment, "external");
  assert.deepEqual(config.bootstrapServers, ["a:1", "b:2"]);
  assert.equal(config.prometheusUrl, "http://p:9090");
});

Deno.test("scenarios set defaults the variables still override; a bad name lists the valid ones", () => {
  const out = loadConfig({ HOME: "/h", LAB_SCENARIO: "scale-out" });
  assert.equal(out.scenario.name, "scale-out");
  assert.equal(out.partitions, 12);
  assert.deepEqual(out.placement, { kind: "counts", counts: [4, 4, 4] });
  const skewed = loadConfig({ HOME: "/h", LAB_SCENARIO: "traffic-skew", LAB_RATE_MBPS: "10" });
  assert.equal(skewed.rateMBps, 10);
  assert.deepEqual(skewed.scenarioOverrides, []);
  assert.deepEqual(
    loadConfig({ HOME: "/h", LAB_PLACEMENT: "even", LAB_SKEW: "uniform" }).scenarioOverrides,
    ["LAB_PLACEMENT=even"],
  );
  assert.deepEqual(skewed.placement, { kind: "counts", counts: [2, 2, 2] });
  const scaleIn = loadConfig({ HOME: "/h", LAB_SCENARIO: "scale-in" });
  assert.equal(scaleIn.local.brokers, 4);
  assert.deepEqual(scaleIn.placement, { kind: "counts", counts: [3, 3, 3, 3] });
  assert.equal(
    loadConfig({ HOME: "/h", LAB_SCENARIO: "scale-in", LAB_PLACEMENT: "6-2-2-2" }).placement.kind,
    "counts",
  );
  assert.throws(
    () => loadConfig({ LAB_SCENARIO: "scale-up" }),
    /LAB_SCENARIO: "scale-up" is not a scenario; use one of placement, traffic-skew, hot-partitions, scale-out, scale-in, fanout-skew, qps-skew\./,
  );
  assert.throws(
    () => loadConfig({ LAB_BROKERS: "7" }),
    /LAB_BROKERS: 7 is out of range; .*at most 6/,
  );
  assert.throws(() => loadConfig({ LAB_BROKERS: "0" }), /LAB_BROKERS: 0 is out of range/);
});

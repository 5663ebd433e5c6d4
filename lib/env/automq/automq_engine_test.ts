// Tests against a real Docker engine (LAB_TEST_DOCKER_HOST, or a private one started
// here). No registry is reachable, so the real AutoMQ images cannot run: the compose
// project of lib/env/automq/testdata/compose.yml stands in, on an image built from busybox,
// driven through the same AutomqEnvironment code (Compose CLI + dockerode).

import assert from "node:assert/strict";
import { AutomqEnvironment, probeAutomq } from "./automq.ts";
import { ComposeProject } from "./compose_project.ts";
import { detectionsOf } from "../../balancer/detections.ts";
import { parseBalancerLog } from "../../balancer/log.ts";
import { buildBusyboxImage } from "../../../testing/docker_engine.ts";
import { PreflightError } from "./preflight.ts";
import { lendTestEngine } from "../../../testing/test_engine.ts";

const TESTDATA = new URL("./testdata/", import.meta.url).pathname;
const IMAGE = "lab-test/busybox:1";

Deno.test("AutomqEnvironment drives a compose project on a real engine", async () => {
  const engine = await lendTestEngine();
  const project = `lab-engine-test-${Deno.pid}`;
  let env: AutomqEnvironment | undefined;
  try {
    await buildBusyboxImage(engine.host, IMAGE);
    env = new AutomqEnvironment({
      dockerHost: engine.host,
      composeFile: `${TESTDATA}compose.yml`,
      projectName: project,
      env: { LAB_TEST_IMAGE: IMAGE },
      brokers: [
        { id: 0, service: "server1", hostPort: 29092 },
        { id: 1, service: "server2", hostPort: 29093 },
        { id: 2, service: "server3", hostPort: 29094, controller: false, profile: "scale" },
      ],
      minMemoryBytes: 64 * 1024 * 1024,
      registryTimeoutMs: 3000,
    });

    const progress: string[] = [];
    await env.up({ timeoutMs: 60000, onProgress: (line) => progress.push(line) });
    assert.ok(progress.some((line) => line.startsWith("checking the Docker engine")));
    assert.ok(progress.includes("every service is ready"));

    const status = await env.status();
    assert.equal(status.kind, "automq");
    assert.equal(status.healthy, true, JSON.stringify(status.parts));
    assert.deepEqual(status.parts.map((p) => p.name), ["mc", "server1", "server2"]);
    assert.match(status.parts[0].detail, /job done \(exit 0\)/);
    assert.match(status.parts[1].detail, /^broker 0, running \(healthy\)/);

    // Logs per part: stdout of one node, stderr of the other, by name or broker id.
    assert.match(await env.logs("server1"), /node 0 started/);
    assert.match(await env.logs("broker-1"), /node 1 started/);
    assert.match(await env.logs("mc"), /buckets ready/);
    await assert.rejects(
      () => env!.logs("nope"),
      /no service "nope".*services: mc, server1, server2/s,
    );

    // The balancer log of each node, read from inside its container.
    const perBroker = await env.balancerLogs();
    assert.deepEqual([...perBroker.keys()], [0, 1]);
    assert.match(perBroker.get(0)!, /not running, skip detect/);
    assert.match(perBroker.get(1)!, /Start detect/);

    // Merged by time: node 1's whole cycle; node 0 only ever stood by ("not running, skip
    // detect"), so none of its lines belong to the merged log.
    const merged = (await env.balancerLog()).split("\n");
    assert.match(merged[0], /00:00:10,000.*Start detect/);
    assert.match(merged[1], /Executing: Action-MOVE: traffic-test-0@node-0 ---> node-2/);
    assert.match(merged[2], /a wrapped message/);
    assert.equal(merged[3], "  with a continuation line");
    assert.match(merged[4], /Detect finished/);
    assert.ok(!merged.some((l) => /skip detect|start of node 0/.test(l)), merged.join("\n"));
    // Read by the one fold of the log: node 1's cycle, its move from broker 0 to 2.
    const cycles = detectionsOf(parseBalancerLog(merged.join("\n")));
    assert.equal(cycles.length, 1);
    assert.deepEqual(
      cycles[0].executed.map((m) => [m.topic, m.partition, m.from, m.to]),
      [["traffic-test", 0, 0, 2]],
    );

    // Stop one node: unhealthy in status, its log still readable from the stopped container.
    const t0 = Date.now();
    await env.stopBroker(0, 5);
    assert.ok(Date.now() - t0 < 10000, "the node's TERM trap should stop it within seconds");
    const stopped = await env.status();
    assert.equal(stopped.healthy, false);
    assert.match(stopped.parts.find((p) => p.name === "server1")!.detail, /exited with code 0/);
    assert.match((await env.balancerLogs()).get(0)!, /start of node 0/);

    // Start it again: same container (its file system kept), one more start line.
    await env.startBroker(0, 30000);
    assert.equal((await env.status()).healthy, true);
    const restarted = (await env.balancerLogs()).get(0)!;
    assert.equal(restarted.match(/start of node 0/g)?.length, 2, restarted);
    assert.match(await env.logs("broker-0"), /node 0 stopping/);

    // The on-demand node: left out until added, then a healthy part and broker id 2.
    assert.deepEqual(env.brokerIds(), [0, 1]);
    assert.equal(await env.project.containerOf("server3"), undefined);
    assert.equal(await env.addBroker(() => {}, 30000), 2);
    assert.deepEqual(env.brokerIds(), [0, 1, 2]);
    const scaled = await env.status();
    assert.equal(scaled.healthy, true, JSON.stringify(scaled.parts));
    assert.deepEqual(scaled.parts.map((p) => p.name), ["mc", "server1", "server2", "server3"]);
    assert.match((await env.balancerLogs()).get(2)!, /start of node 2/);
    await assert.rejects(
      () => env!.addBroker(),
      /every node of the compose file is already running/,
    );
    // A controller node cannot be removed; the error says which can, nothing is touched.
    await assert.rejects(() => env!.removeBroker(0), /node 0 is not an on-demand node; only 2/);
    await env.stopAddedNode(2, 5);
    assert.equal(await env.project.containerOf("server3"), undefined);
    assert.deepEqual(env.brokerIds(), [0, 1]);
    assert.deepEqual((await env.status()).parts.map((p) => p.name), ["mc", "server1", "server2"]);

    // Full cleanup: containers, network and volumes gone.
    await env.down({ removeData: true });
    assert.deepEqual(await env.project.leftovers(true), []);
    assert.equal((await env.status()).healthy, false);
    await env.down({ removeData: true }); // safe twice
  } finally {
    try {
      await env?.project.down({ removeData: true });
    } finally {
      await engine.release();
    }
  }
});

Deno.test("pre-checks fail fast and say why", async (t) => {
  const engine = await lendTestEngine();
  try {
    await t.step("images neither present nor pullable", async () => {
      const env = new AutomqEnvironment({ dockerHost: engine.host, registryTimeoutMs: 3000 });
      const started = Date.now();
      const error = await env.preflight().then(() => undefined, (e) => e);
      assert.ok(error instanceof PreflightError, String(error));
      assert.ok(Date.now() - started < 15000, "the pre-check should answer within seconds");
      const text = error.message;
      // One engine, one reason: a single problem naming all six images.
      assert.equal(error.problems.length, 1, text);
      assert.match(text, /none of the images .* and cannot pull them \(.+\)/);
      const images = /docker save ([^|`]+) \| docker load/.exec(text)?.[1].trim().split(" ");
      // The six images pinned in compose/automq/.env.
      const pinned =
        (await Deno.readTextFile(new URL("../../../compose/automq/.env", import.meta.url)))
          .split("\n").map((line) => /^\w+_IMAGE=(.+)$/.exec(line.trim())?.[1]).filter((v) => v);
      assert.equal(pinned.length, 6);
      assert.deepEqual(images?.toSorted(), pinned.toSorted());
    });

    await t.step("probeAutomq reports the missing images as unusable", async () => {
      const probe = await probeAutomq({ dockerHost: engine.host, registryTimeoutMs: 3000 });
      assert.equal(probe.usable, false);
      assert.match(probe.reason, /automqinc\/automq:\S+ .*cannot pull/);
    });

    await t.step("less memory than needed", async () => {
      const env = new AutomqEnvironment({
        dockerHost: engine.host,
        registryTimeoutMs: 3000,
        minMemoryBytes: 2 ** 60,
      });
      await assert.rejects(() => env.preflight(), /needs at least .* GiB.*AUTOMQ_HEAP_OPTS/s);
    });

    await t.step("a host port already taken", async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 29092 });
      try {
        const env = new AutomqEnvironment({
          dockerHost: engine.host,
          composeFile: `${TESTDATA}ports.yml`,
          projectName: "lab-ports-test",
          registryTimeoutMs: 3000,
          minMemoryBytes: 1,
        });
        const error = await env.preflight().then(() => undefined, (e) => e);
        assert.ok(error instanceof PreflightError);
        assert.match(error.message, /port 29092 on 127\.0\.0\.1 is taken by another program/);
      } finally {
        listener.close();
      }
    });

    await t.step("a compose file that does not resolve", async () => {
      const project = new ComposeProject({
        composeFile: `${TESTDATA}compose.yml`,
        projectName: "lab-bad-test",
        dockerHost: engine.host,
        env: { LAB_TEST_IMAGE: "" },
      });
      await assert.rejects(() => project.model(), /set LAB_TEST_IMAGE to the busybox test image/);
    });
  } finally {
    await engine.release();
  }
});

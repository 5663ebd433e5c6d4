import assert from "node:assert/strict";
import { findComposeCli, parseByteValue, parseComposeConfig, runProgram } from "./compose_cli.ts";
import { ComposeProject, judgeService } from "./compose_project.ts";
import type { ContainerDetails } from "./docker_api.ts";

const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

Deno.test("parseComposeConfig reads short and long port syntax", () => {
  const model = parseComposeConfig(`
services:
  a:
    image: x:1
    ports:
      - 127.0.0.1:9092:19092/tcp
      - "8080:80"
      - "9000"
    healthcheck:
      test: ["CMD", "true"]
  b:
    image: y:2
    ports:
      - { mode: ingress, host_ip: 127.0.0.1, target: 3000, published: "3000", protocol: tcp }
      - { target: 53, published: 53, protocol: udp }
    healthcheck:
      test: ["NONE"]
    labels: ["lab.oneshot=true"]
    environment: { A: 1, B: null }
volumes:
  data: {}
`);
  assert.deepEqual(model.services.map((s) => s.name), ["a", "b"]);
  assert.deepEqual(model.services[0].ports, [
    { hostIp: "127.0.0.1", published: 9092, target: 19092, protocol: "tcp" },
    { hostIp: "0.0.0.0", published: 8080, target: 80, protocol: "tcp" },
  ]);
  assert.deepEqual(model.services[1].ports, [
    { hostIp: "127.0.0.1", published: 3000, target: 3000, protocol: "tcp" },
    { hostIp: "0.0.0.0", published: 53, target: 53, protocol: "udp" },
  ]);
  assert.equal(model.services[0].healthcheck, true);
  assert.equal(model.services[1].healthcheck, false);
  assert.deepEqual(model.services[1].labels, { "lab.oneshot": "true" });
  assert.deepEqual(model.services[1].environment, { A: "1", B: "" });
  assert.deepEqual(model.volumes, ["data"]);
});

Deno.test("parseComposeConfig refuses a document without services", () => {
  assert.throws(() => parseComposeConfig("volumes: {}\n"), /no services section/);
  assert.throws(
    () => parseComposeConfig("services:\n  a:\n    ports: ['1000-1010:80']\n"),
    /cannot read port "1000-1010:80"/,
  );
});

Deno.test("runProgram reports exit codes, streams lines, and stops at its deadline", async () => {
  const lines: string[] = [];
  const ok = await runProgram(["sh", "-c", "echo one; echo two >&2; exit 3"], {
    timeoutMs: 5000,
    onLine: (line) => lines.push(line),
  });
  assert.equal(ok.code, 3);
  assert.equal(ok.stdout, "one\n");
  assert.equal(ok.stderr, "two\n");
  assert.deepEqual(lines.toSorted(), ["one", "two"]);
  const started = Date.now();
  await assert.rejects(
    () => runProgram(["sleep", "30"], { timeoutMs: 300 }),
    /`sleep 30` did not finish within 300 ms/,
  );
  assert.ok(Date.now() - started < 3000);
});

Deno.test("the Compose CLI resolves the test project without an engine", async () => {
  const cli = await findComposeCli("unix:///nonexistent/docker.sock");
  assert.ok(["v1", "v2"].includes(cli.kind));
  const project = new ComposeProject({
    composeFile: `${TESTDATA}compose.yml`,
    projectName: "lab-cli-test",
    dockerHost: "unix:///nonexistent/docker.sock",
    env: { LAB_TEST_IMAGE: "lab-test/busybox:1" },
    cli,
  });
  const model = await project.model();
  // Every service, the one under a profile too (Compose v2 needs the profile named).
  assert.deepEqual(model.services.map((s) => s.name).toSorted(), [
    "mc",
    "server1",
    "server2",
    "server3",
  ]);
  assert.deepEqual(model.services.find((s) => s.name === "server3")!.profiles, ["scale"]);
  const server1 = model.services.find((s) => s.name === "server1")!;
  assert.equal(server1.image, "lab-test/busybox:1");
  assert.equal(server1.networkMode, "host");
  assert.equal(server1.healthcheck, true);
  assert.equal(server1.labels["lab.broker.id"], "0");
  assert.equal(model.services.find((s) => s.name === "mc")!.labels["lab.oneshot"], "true");
  await assert.rejects(() => project.service("server9"), /no service "server9".*services:/);
  assert.throws(
    () => new ComposeProject({ ...project.options, projectName: "Bad Name" }),
    /project name "Bad Name" is not valid/,
  );
});

function details(state: Partial<ContainerDetails["State"]>): ContainerDetails {
  return {
    Id: "abc",
    Name: "/x",
    State: { Status: "running", Running: true, ExitCode: 0, Pid: 42, ...state },
    Config: { Tty: false, Labels: {}, Image: "x" },
  };
}

Deno.test("judgeService: jobs, healthchecks and plain services", () => {
  const base = { image: "x", ports: [], environment: {}, command: [], profiles: [], volumes: [] };
  const job = { ...base, name: "mc", healthcheck: false, labels: { "lab.oneshot": "true" } };
  const checked = { ...base, name: "s", healthcheck: true, labels: {} };
  const plain = { ...base, name: "p", healthcheck: false, labels: {} };
  assert.equal(judgeService(job).detail, "no container");
  assert.equal(judgeService(job, details({ Status: "exited", ExitCode: 0 })).ready, true);
  assert.equal(judgeService(job, details({ Status: "exited", ExitCode: 1 })).failed, true);
  assert.equal(judgeService(job, details({})).ready, false);
  assert.equal(judgeService(checked, details({ Health: { Status: "starting" } })).ready, false);
  assert.equal(judgeService(checked, details({ Health: { Status: "healthy" } })).ready, true);
  const sick = judgeService(
    checked,
    details({ Health: { Status: "unhealthy", Log: [{ ExitCode: 1, Output: "nc: refused" }] } }),
  );
  assert.equal(sick.failed, true);
  assert.match(sick.detail, /unhealthy: nc: refused/);
  assert.equal(judgeService(plain, details({})).ready, true);
  assert.equal(judgeService(plain, details({ Status: "exited", ExitCode: 0 })).failed, true);
  assert.equal(judgeService(plain, details({ Status: "created" })).ready, false);
});

Deno.test("parseComposeConfig reads profiles, memory limits (v1 and v2 forms) and mounts", () => {
  const model = parseComposeConfig(`
services:
  a:
    image: x
    profiles: [scale]
    mem_limit: 384m
    volumes:
      - data:/data:rw
      - /abs/log4j.properties:/etc/log4j.properties:ro
  b:
    image: y
    mem_limit: "536870912"
    volumes:
      - type: bind
        source: /abs/file
        target: /in/file
        read_only: true
  c:
    image: z
    deploy:
      resources:
        limits:
          memory: 1g
  d:
    image: w
`);
  const [a, b, c, d] = model.services;
  assert.deepEqual(a.profiles, ["scale"]);
  assert.equal(a.memLimitBytes, 384 * 1024 ** 2);
  assert.deepEqual(a.volumes, ["data:/data:rw", "/abs/log4j.properties:/etc/log4j.properties:ro"]);
  assert.equal(b.memLimitBytes, 512 * 1024 ** 2);
  assert.deepEqual(b.volumes, ["/abs/file:/in/file:ro"]);
  assert.deepEqual(b.profiles, []);
  assert.equal(c.memLimitBytes, 1024 ** 3);
  assert.equal(d.memLimitBytes, undefined);
});

Deno.test("parseByteValue: Compose and JVM sizes, and a clear error otherwise", () => {
  assert.equal(parseByteValue("512m"), 512 * 1024 ** 2);
  assert.equal(parseByteValue("1G"), 1024 ** 3);
  assert.equal(parseByteValue("1.5gb"), 1.5 * 1024 ** 3);
  assert.equal(parseByteValue("524288k"), 512 * 1024 ** 2);
  assert.equal(parseByteValue(4096), 4096);
  assert.throws(() => parseByteValue("lots"), /"lots" is not a byte size/);
  assert.throws(() => parseByteValue("5x"), /not a byte size/);
});

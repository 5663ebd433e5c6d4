/**
 * Bad input, tried as a new user would: each case runs a real task (`deno task ...`) with
 * one bad setting or argument, and must end within 10 s, before anything starts, with exit
 * code 2 and one sentence naming the setting, no `Uncaught` and no stack frame; afterwards no
 * port of the lab's local environment listens and no process runs from its state directory.
 * No cluster is needed: every case fails before set-up. Cases run two at a time.
 */

import assert from "node:assert/strict";
import { stopEverythingUnder } from "../../testing/test_task.ts";
import { EXIT } from "../core/task.ts";

/** One bad input: the task's arguments, the settings, and the name the sentence must hold. */
interface BadInput {
  task: string[];
  env: Record<string, string>;
  names: string;
}

const bad = (task: string, env: Record<string, string>, names: string): BadInput => ({
  task: task.split(" "),
  env,
  names,
});

/** The lab's local ports for these cases: Kafka from 31092, Prometheus on 31090. */
const KAFKA_PORT = 31092;
const PROMETHEUS_PORT = 31090;

const CASES: BadInput[] = [
  // The four of issue 18's first try (the balancer-off run is its own end-to-end test).
  bad("demo", { LAB_SKEW: "b7=1" }, "LAB_SKEW"),
  bad("demo", { LAB_RECORD_BYTES: "2000000" }, "LAB_RECORD_BYTES"),
  bad("demo", { LAB_TOPIC: "bad topic!" }, "LAB_TOPIC"),
  bad("demo", { LAB_TOPIC: ".." }, "LAB_TOPIC"),
  bad("setup", { LAB_TOPIC: "t".repeat(250) }, "LAB_TOPIC"),
  bad("demo", { LAB_SKEW: "p9=1" }, "LAB_SKEW"),
  bad("demo", { LAB_SKEW: "b0=0.5,b1=0.4" }, "LAB_SKEW"),
  bad("demo", { LAB_PLACEMENT: "6-0-0", LAB_SKEW: "b0=0.5,b1=0.5" }, "LAB_SKEW"),
  bad("demo", { LAB_PLACEMENT: "2-2-1-1" }, "LAB_PLACEMENT"),
  bad("demo", { LAB_PLACEMENT: "4-1" }, "LAB_PLACEMENT"),
  bad("demo", { LAB_ENV: "automq", LAB_SCENARIO: "scale-in" }, "LAB_PLACEMENT"),
  bad("demo", { LAB_SCENARIO: "scale-up" }, "LAB_SCENARIO"),
  bad("demo", { LAB_ENV: "kubernetes" }, "LAB_ENV"),
  bad("demo", { LAB_RATE_MBPS: "fast" }, "LAB_RATE_MBPS"),
  bad("demo", { LAB_BROKERS: "7" }, "LAB_BROKERS"),
  bad("demo", { LAB_BALANCER: "maybe" }, "LAB_BALANCER"),
  bad("demo", { LAB_BALANCER_GOALS: "in,cpu" }, "LAB_BALANCER_GOALS"),
  bad("demo", { LAB_BOOTSTRAP: "127.0.0.1:1" }, "LAB_PROMETHEUS_URL"),
  bad(
    "demo",
    { LAB_BOOTSTRAP: "127.0.0.1:1", LAB_PROMETHEUS_URL: "ftp://p" },
    "LAB_PROMETHEUS_URL",
  ),
  bad("demo", { LAB_KAFKA_PORT: "80" }, "LAB_KAFKA_PORT"),
  bad("demo", { LAB_PROMETHEUS_PORT: String(KAFKA_PORT + 1) }, "LAB_PROMETHEUS_PORT"),
  bad("demo", { LAB_RATE_WINDOW_S: "3", LAB_SCRAPE_INTERVAL_S: "2" }, "LAB_RATE_WINDOW_S"),
  bad("demo", { LAB_BROKER_HEAP: "768mb" }, "LAB_BROKER_HEAP"),
  bad("demo", { LAB_SKWE: "b0=1" }, "LAB_SKWE"),
  bad("verify", { LAB_VERIFY_TIMEOUT_S: "10" }, "LAB_VERIFY_TIMEOUT_S"),
  bad("setup", { LAB_PARTITIONS: "0" }, "LAB_PARTITIONS"),
  bad("load", { LAB_DURATION_S: "-5" }, "LAB_DURATION_S"),
  bad("load", { LAB_RECORDS: "1.5" }, "LAB_RECORDS"),
  bad("notebooks", { LAB_SKEW: "b7=1" }, "LAB_SKEW"),
  // Task arguments.
  bad("demo --fast", {}, "--fast"),
  bad("load --forever", {}, "--forever"),
  bad("collect sideways", {}, "sideways"),
  bad("status now", {}, "now"),
  bad("notebooks --timeout 0", {}, "--timeout"),
  bad("bench:notebooks --rounds 0", {}, "--rounds"),
  bad("screenshots sideways", {}, "sideways"),
];

/** What a case printed and how it ended. */
interface Ended {
  code: number;
  out: string;
  seconds: number;
}

/** Runs `deno task <task>` with `env`; killed (and its cluster swept) after `limitMs`. */
async function runCase(c: BadInput, root: string, limitMs: number): Promise<Ended> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...c.task],
    cwd: new URL("../../", import.meta.url).pathname,
    env: {
      LAB_ENV: "local",
      LAB_KAFKA_PORT: String(KAFKA_PORT),
      LAB_PROMETHEUS_PORT: String(PROMETHEUS_PORT),
      LAB_STATE_DIR: `${root}/state`,
      LAB_RESULTS_DIR: `${root}/results`,
      LAB_AUTO_INSTALL: "off",
      NO_COLOR: "1",
      ...c.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  try {
    const output = await child.output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      code: output.code,
      out: decode(output.stdout) + decode(output.stderr),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearTimeout(killer);
    // A case that got past its check would have started a cluster: stop it by its PID files.
    await stopEverythingUnder(root);
  }
}

/** Whether something listens on 127.0.0.1:`port`. */
async function listening(port: number): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    connection.close();
    return true;
  } catch {
    return false;
  }
}

/** Every port the local environment of these cases would use (brokers that may join too). */
function labPorts(): number[] {
  const nodes = [0, 1, 2, 3, 4, 5];
  return [
    PROMETHEUS_PORT,
    KAFKA_PORT + 300,
    ...nodes.map((i) => KAFKA_PORT + i),
    ...[0, 1, 2].map((i) => KAFKA_PORT + 100 + i),
    ...nodes.map((i) => KAFKA_PORT + 200 + i),
  ];
}

Deno.test({
  name: `${CASES.length} bad inputs each exit 2 within 10 s, naming the setting, with nothing left`,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    assert.ok(CASES.length >= 20);
    const root = await Deno.makeTempDir({ prefix: "lab-bad-input-" });
    const failures: string[] = [];
    const times: Array<{ seconds: number; what: string }> = [];
    try {
      // The first run of a module graph also compiles it (a fresh clone has no cache): the
      // lab's, the notebooks task's and the AutoMQ environment's are loaded once, untimed.
      const warm = [
        CASES[0],
        CASES.find((c) => c.task[0] === "notebooks")!,
        CASES.find((c) => c.env.LAB_ENV === "automq")!,
      ];
      await Promise.all(warm.map((c, i) => runCase(c, `${root}/warm-${i}`, 120_000)));
      let next = 0;
      const worker = async () => {
        while (next < CASES.length) {
          const index = next++;
          const c = CASES[index];
          const what = `${Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(" ")} ` +
            `deno task ${c.task.join(" ")}`;
          const ended = await runCase(c, `${root}/${index}`, 30_000);
          times.push({ seconds: ended.seconds, what });
          const problems = [
            ended.code === EXIT.badInput ? "" : `exit ${ended.code}, not ${EXIT.badInput}`,
            ended.seconds < 10 ? "" : `took ${ended.seconds.toFixed(1)} s`,
            ended.out.includes(c.names) ? "" : `does not name ${c.names}`,
            /Uncaught/.test(ended.out) ? "says Uncaught" : "",
            /^\s+at .+:\d+:\d+\)?$/m.test(ended.out) ? "prints a stack frame" : "",
            /^(\d\d:\d\d:\d\d {2})?\d\/7 /m.test(ended.out) ? "started a step" : "",
          ].filter((p) => p !== "");
          if (problems.length > 0) {
            failures.push(`${what}: ${problems.join("; ")}\n${ended.out}`);
          }
        }
      };
      await Promise.all([worker(), worker()]);
      const up = [];
      for (const port of labPorts()) if (await listening(port)) up.push(port);
      assert.deepEqual(up, [], "no port of the lab's environment listens afterwards");
      const ps = await new Deno.Command("ps", { args: ["-eo", "args="], stdout: "piped" }).output();
      const left = new TextDecoder().decode(ps.stdout).split("\n").filter((l) => l.includes(root));
      assert.deepEqual(left, [], "no process runs from the cases' state directories");
    } finally {
      await stopEverythingUnder(root);
      // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
    times.sort((a, b) => a.seconds - b.seconds);
    const slowest = times.slice(-3).reverse().map((t) => `${t.seconds.toFixed(1)} s (${t.what})`);
    console.log(
      `  ${CASES.length} bad inputs, two at a time: median ${
        times[Math.floor(times.length / 2)]?.seconds.toFixed(1)
      } s; slowest ${slowest.join(", ")}`,
    );
    assert.deepEqual(failures, [], failures.join("\n\n"));
  },
});

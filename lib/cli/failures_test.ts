/**
 * Two demos end to end on their own small local clusters (2 MB/s, 10 s windows):
 *
 * - one whose load fails after set-up (`LAB_TEST_FAIL_LOAD_S`, the test-only setting that
 *   makes the load fail on purpose): it must exit 1 with the reason in one line, say it
 *   stopped what it started, and leave no process and no port of its cluster behind;
 * - a control run (`LAB_BALANCER=off`): the watch ends after one window with "not balanced:
 *   the balancer is off, as LAB_BALANCER asks", the records are read back, the after-report
 *   is written, and the demo exits 0.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../config/config.ts";
import { LocalEnvironment } from "../env/local/local.ts";
import { realTest } from "../../testing/cluster.ts";
import { demoSettings } from "../../testing/demo.ts";

/** Small and short: the story's steps, not its figures, are under test. */
const SMALL = {
  LAB_RATE_MBPS: "2",
  LAB_RATE_WINDOW_S: "10",
  LAB_BROKER_HEAP: "512m",
};

/** A demo's run: what it printed and how it ended. */
interface Run {
  code: number;
  out: string;
  err: string;
  seconds: number;
}

/** The settings of a small demo named `name` on Kafka ports from `kafkaPort`. */
function demoEnv(name: string, kafkaPort: number, settings: Record<string, string>) {
  return demoSettings(name, kafkaPort, { ...SMALL, ...settings });
}

/** Runs `deno task demo` with `env` (killed after 10 min), without any safety net. */
async function demo(env: Record<string, string>): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "demo"],
    cwd: new URL("../../", import.meta.url).pathname,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 600_000);
  const output = await child.output();
  clearTimeout(killer);
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return {
    code: output.code,
    out: text(output.stdout),
    err: text(output.stderr),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Command lines of running processes that mention `text`. */
async function processesMentioning(text: string): Promise<string[]> {
  const ps = await new Deno.Command("ps", { args: ["-eo", "pid=,args="], stdout: "piped" })
    .output();
  return new TextDecoder().decode(ps.stdout).split("\n").filter((l) =>
    l.includes(text) && !l.includes("ps -eo")
  );
}

/** The ports of `env`'s local cluster that something listens on. */
async function listeningPorts(env: Record<string, string>): Promise<number[]> {
  const l = loadConfig(env).local;
  const ports = [
    l.prometheusPort,
    l.agentPort,
    ...[0, 1, 2].flatMap((i) => [l.kafkaPort + i, l.controllerPort + i, l.exporterPort + i]),
  ];
  const up: number[] = [];
  for (const port of ports) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      up.push(port);
    } catch {
      // nothing there, as it should be
    }
  }
  return up;
}

/** Runs `check` on a demo's cluster, then stops whatever the demo left (a safety net). */
async function withDemoCluster(env: Record<string, string>, check: () => Promise<void>) {
  try {
    await check();
  } finally {
    await new LocalEnvironment(loadConfig({ ...Deno.env.toObject(), ...env })).down({
      removeData: true,
    });
  }
}

realTest(
  "real cluster: a demo whose load fails after set-up stops everything it started, and says so",
  async () => {
    const env = demoEnv("fail-after-setup", 30092, { LAB_TEST_FAIL_LOAD_S: "4" });
    await withDemoCluster(env, async () => {
      const run = await demo(env);
      console.log(`  the failed demo ended after ${run.seconds.toFixed(0)} s`);
      const all = run.out + run.err;
      assert.equal(run.code, 1, all);
      assert.match(run.out, /2\/7 Sustained load/, "it failed after set-up");
      assert.match(
        run.out,
        /Failed \(the error is the last line\): stopping what the demo started/,
      );
      assert.match(run.out, /Stopped the load and the cluster the demo started\./);
      assert.equal(
        run.err.trim().split("\n").at(-1),
        "error: the load failed on purpose after 4 s (LAB_TEST_FAIL_LOAD_S, a test's setting).",
      );
      assert.doesNotMatch(all, /Uncaught|^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
      assert.deepEqual(await processesMentioning(env.LAB_STATE_DIR), [], "no process left");
      assert.deepEqual(await listeningPorts(env), [], "no port left listening");
    });
  },
);

realTest(
  "real cluster: LAB_BALANCER=off makes the demo a control run that reads back, reports and exits 0",
  async () => {
    // 4 MB/s: the mean (1.33 MB/s) above the 1.05 MB/s detect threshold, so the imbalance
    // is one AutoMQ would act on and no dip of the load can make it look balanced.
    const env = demoEnv("control-run", 30492, { LAB_BALANCER: "off", LAB_RATE_MBPS: "4" });
    await withDemoCluster(env, async () => {
      const run = await demo(env);
      console.log(`  the control run took ${run.seconds.toFixed(0)} s`);
      const all = run.out + run.err;
      assert.equal(run.code, 0, all);
      assert.match(run.out, /The balancer stays off, as LAB_BALANCER asks: a control run/);
      assert.match(
        run.out,
        /Not balanced after \d+ s of watching: the balancer is off, as LAB_BALANCER asks/,
      );
      assert.match(run.out, /Zero loss: .*lost 0, duplicated 0, corrupt 0/);
      assert.match(
        run.out,
        /Done in \d+ s: a control run \(LAB_BALANCER=off\): not balanced without the balancer, nothing lost/,
      );
      const after = await Deno.readTextFile(`${env.LAB_RESULTS_DIR}/after-balancing.md`);
      assert.match(after, /the balancer is off, as LAB_BALANCER asks/);
      assert.match(after, /Partitions led per broker \| 4-1-1 \| 4-1-1 \|/, "nothing moved");
      assert.deepEqual(await processesMentioning(env.LAB_STATE_DIR), [], "cleaned up");
    });
  },
);

import assert from "node:assert/strict";
import { loadConfig } from "../config/config.ts";
import { LocalEnvironment } from "../env/local/local.ts";
import { sharedCluster } from "../../testing/cluster.ts";

/** Command lines of running processes that mention `text`. */
async function processesMentioning(text: string): Promise<string[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,args="], stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) =>
    l.includes(text) && !l.includes("ps -eo")
  );
}

/** What an interrupted task printed, and how it ended. */
interface Interrupted {
  out: string;
  err: string;
  code: number;
  /** Seconds from the signal to the exit. */
  seconds: number;
}

/**
 * Starts `deno <args>` in the project, waits (bounded) until its output matches `ready`,
 * sends `signal`, and waits for it to exit (killed after 90 s).
 */
async function interruptWhen(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  signal: Deno.Signal,
): Promise<Interrupted> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: new URL("../../", import.meta.url).pathname,
    env: { ...env, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let out = "";
  let err = "";
  const stderr = (async () => {
    for await (const c of child.stderr) err += decoder.decode(c);
  })();
  const reader = child.stdout.getReader();
  try {
    const by = Date.now() + 180_000;
    while (!ready.test(out) && Date.now() < by) {
      const { value, done } = await reader.read();
      if (done) break;
      out += decoder.decode(value);
    }
    assert.match(out, ready, out + err);
    const started = performance.now();
    child.kill(signal);
    const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      out += decoder.decode(value);
    }
    const status = await child.status;
    clearTimeout(killer);
    await stderr;
    return { out, err, code: status.code, seconds: (performance.now() - started) / 1000 };
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already ended */ }
  }
}

Deno.test({
  name:
    "real cluster: SIGINT to `deno task demo` stops the load and the cluster, with a line saying so",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { root } = sharedCluster();
    const env = {
      LAB_ENV: "local",
      LAB_KAFKA_PORT: "23092",
      LAB_PROMETHEUS_PORT: "23090",
      LAB_STATE_DIR: `${root}/signal-demo-state`,
      LAB_RESULTS_DIR: `${root}/signal-demo-results`,
    };
    try {
      // Interrupted once the cluster is up and the load runs.
      const run = await interruptWhen(
        ["run", "-A", "lib/cli/main.ts", "demo"],
        env,
        /3\/7/,
        "SIGINT",
      );
      console.log(`  the demo stopped ${run.seconds.toFixed(1)} s after SIGINT`);
      assert.equal(run.code, 130, run.out + run.err);
      assert.match(run.err, /Interrupted \(SIGINT\): stopping the demo/);
      assert.match(run.out, /Stopped the load and the cluster the demo started/);
      assert.deepEqual(await processesMentioning(env.LAB_STATE_DIR), [], "nothing left running");
    } finally {
      await new LocalEnvironment(loadConfig({ ...Deno.env.toObject(), ...env })).down({
        removeData: true,
      });
    }
  },
});

Deno.test({
  name: "real cluster: SIGTERM to `deno task test` stops the tests, its cluster and its root",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const run = await interruptWhen(
      ["run", "-A", "testing/test_task.ts", "lib/cli/testdata/sleeper.ts"],
      { LAB_TEST_KAFKA_PORT: "22092", LAB_TEST_DOCKER: "off" },
      /LAB_TEST_ROOT=\S+/,
      "SIGTERM",
    );
    const root = /LAB_TEST_ROOT=(\S+)/.exec(run.out)![1];
    console.log(`  the test task stopped ${run.seconds.toFixed(1)} s after SIGTERM`);
    assert.equal(run.code, 130, run.out + run.err);
    assert.match(run.err, /Interrupted \(SIGTERM\): stopping the tests/);
    assert.match(run.err, /Stopped everything the tests had started/);
    // Its cluster's processes all carry paths under the root.
    assert.deepEqual(await processesMentioning(root), [], "nothing of its root runs");
    await assert.rejects(Deno.stat(root), Deno.errors.NotFound, "its root is removed");
  },
});

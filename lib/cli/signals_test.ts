import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { LocalEnvironment } from "../env/local.ts";
import { sharedCluster } from "../testing/cluster.ts";

/** Command lines of running processes that mention `text`. */
async function processesMentioning(text: string): Promise<string[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,args="], stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) =>
    l.includes(text) && !l.includes("ps -eo")
  );
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
      NO_COLOR: "1",
    };
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "lib/cli/main.ts", "demo"],
      cwd: new URL("../../", import.meta.url).pathname,
      env,
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
    try {
      // Wait (bounded) until the cluster is up and the load runs.
      const reader = child.stdout.getReader();
      const upBy = Date.now() + 180_000;
      while (!out.includes("3/7") && Date.now() < upBy) {
        const { value, done } = await reader.read();
        if (done) break;
        out += decoder.decode(value);
      }
      assert.match(out, /3\/7/, out + err);
      child.kill("SIGINT");
      const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        out += decoder.decode(value);
      }
      const status = await child.status;
      clearTimeout(killer);
      await stderr;
      assert.equal(status.code, 130, out + err);
      assert.match(err, /Interrupted \(SIGINT\): stopping the demo/);
      assert.match(out, /Stopped the cluster the demo started/);
      assert.deepEqual(await processesMentioning(env.LAB_STATE_DIR), [], "nothing left running");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already ended */ }
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
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "lib/cli/test_task.ts", "lib/cli/testdata/sleeper.ts"],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { LAB_TEST_KAFKA_PORT: "22092", LAB_TEST_DOCKER: "off", NO_COLOR: "1" },
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
      while (!/LAB_TEST_ROOT=\S+/.test(out) && Date.now() < by) {
        const { value, done } = await reader.read();
        if (done) break;
        out += decoder.decode(value);
      }
      const root = /LAB_TEST_ROOT=(\S+)/.exec(out)?.[1];
      assert.ok(root, out + err);
      const started = performance.now();
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      while (!(await reader.read()).done) { /* drain */ }
      const status = await child.status;
      clearTimeout(killer);
      await stderr;
      const seconds = (performance.now() - started) / 1000;
      console.log(`  the test task stopped ${seconds.toFixed(1)} s after SIGTERM`);
      assert.equal(status.code, 130, out + err);
      assert.match(err, /Interrupted \(SIGTERM\): stopping the tests/);
      assert.match(err, /Stopped everything the tests had started/);
      // Its cluster's processes all carry paths under the root.
      assert.deepEqual(await processesMentioning(root), [], "nothing of its root runs");
      await assert.rejects(Deno.stat(root), Deno.errors.NotFound, "its root is removed");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already ended */ }
    }
  },
});

/**
 * `deno task test`: starts what the tests need, runs `deno test`, and stops
 * everything it started, by PID, even when tests fail or the task is interrupted.
 *
 * - a shared local cluster (3 Kafka nodes, Prometheus, the agent with its balancer
 *   off) on its own ports and state directory, announced to tests through
 *   `LAB_TEST_BOOTSTRAP`, `LAB_TEST_PROMETHEUS_URL` and `LAB_TEST_STATE_DIR`;
 * - a private Docker engine (`LAB_TEST_DOCKER_HOST`), when `dockerd` is installed
 *   (`LAB_TEST_DOCKER=off` leaves it out, for a quick run of other tests);
 * - a root directory for everything else tests start (`LAB_TEST_ROOT`); whatever a
 *   test left running there is stopped by its PID file at the end.
 *
 * Arguments are passed to `deno test --doc` (e.g. a file or `--filter`): the tests
 * and the JSDoc examples of the modules named (all of them with no file). The last line
 * printed is `N passed, N failed` from deno test's summary.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadConfig } from "../lib/config/config.ts";
import { LocalEnvironment } from "../lib/env/local/local.ts";
import { stopPidFile } from "../lib/core/process.ts";
import { walkFiles } from "../lib/core/files.ts";
import { programWorks } from "../lib/core/command.ts";
import { ensurePrerequisites, pathWithSbin, TEST_PREREQUISITES } from "../lib/env/prereqs.ts";

const projectRoot = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * The shared test cluster's settings: ports apart from a developer's default 19xxx lab
 * (`LAB_TEST_KAFKA_PORT` moves them, for a test task started by a test).
 */
export const TEST_CLUSTER_ENV = {
  LAB_KAFKA_PORT: Deno.env.get("LAB_TEST_KAFKA_PORT") ?? "21092",
  LAB_PROMETHEUS_PORT: String(Number(Deno.env.get("LAB_TEST_KAFKA_PORT") ?? "21092") - 2),
  LAB_BALANCER: "off",
  LAB_SCRAPE_INTERVAL_S: "1",
  LAB_BROKER_HEAP: "512m",
} as const;

/** Stops every process named by a `*.pid` file under `dir`. */
export async function stopEverythingUnder(dir: string): Promise<number> {
  let stopped = 0;
  for await (const file of walkFiles(dir)) {
    if (file.name.endsWith(".pid") && (await stopPidFile(file.path, 10_000))) stopped++;
  }
  return stopped;
}

/** `deno test` options that take a value, so that value is not read as a path. */
const VALUE_OPTIONS = ["filter", "reporter", "junit-path", "coverage", "seed", "config", "c"];

/**
 * The files `deno test --doc` gets for the task's arguments: options are kept as given;
 * each directory named (by default `lib` and `testing`) becomes its test files
 * (`*_test.ts`) and the modules with a code example in their JSDoc, `testdata`
 * left out. Naming the files keeps `--doc` away from Markdown, whose code blocks
 * (the notebooks' sources) are not examples to run.
 */
export async function denoTestTargets(args: string[]): Promise<string[]> {
  const { tokens } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(VALUE_OPTIONS.map((name) => [name, { type: "string" as const }])),
  });
  const options: string[] = [];
  const paths: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") paths.push(token.value);
    else if (token.kind === "option-terminator") options.push("--");
    else if (token.inlineValue) options.push(`${token.rawName}=${token.value}`);
    else options.push(token.rawName, ...(token.value === undefined ? [] : [token.value]));
  }
  const files: string[] = [];
  for (const path of paths.length > 0 ? paths : ["lib", "testing"]) {
    // A path that is not there is refused with a sentence just below.
    const info = await Deno.stat(`${projectRoot}/${path}`).catch(() => undefined);
    if (!info?.isDirectory) {
      files.push(path);
      continue;
    }
    const top = path.replace(/\/+$/, "");
    const skipDirs = ["testdata", "node_modules"];
    for await (const file of walkFiles(`${projectRoot}/${top}`, { skipDirs })) {
      if (!file.name.endsWith(".ts")) continue;
      if (file.name.endsWith("_test.ts") || hasExample(await Deno.readTextFile(file.path))) {
        files.push(`${top}/${file.relative}`);
      }
    }
  }
  return [...options, ...files];
}

/** Whether a module's text has a JSDoc code example. */
function hasExample(text: string): boolean {
  return /^\s*\*\s*```(ts|typescript|js|javascript)\b/m.test(text);
}

/** Runs the whole test task; returns the exit code. */
export async function runTestTask(args: string[]): Promise<number> {
  Deno.env.set("PATH", pathWithSbin()); // dockerd lives in /usr/sbin
  const root = await Deno.makeTempDir({ prefix: "lab-test-" });
  const env: Record<string, string> = { LAB_TEST_ROOT: root };
  const cleanups: Array<() => Promise<void>> = [];
  let summary = "0 passed, 0 failed";
  let code = 1;
  let interruptedBy: string | undefined;
  const interrupted = new Promise<void>((resolve) => {
    const handler = (name: Deno.Signal) => () => {
      if (interruptedBy) return;
      interruptedBy = name;
      console.error(`\nInterrupted (${name}): stopping the tests and everything they started...`);
      resolve();
    };
    for (const name of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(name, handler(name));
  });
  const stopIfInterrupted = () => {
    if (interruptedBy) throw new Error(`interrupted by ${interruptedBy}`);
  };
  try {
    await ensurePrerequisites(TEST_PREREQUISITES, {
      autoInstall: loadConfig().autoInstall,
      log: (line) => console.log(line),
    });
    const config = loadConfig({
      ...Deno.env.toObject(),
      ...TEST_CLUSTER_ENV,
      LAB_STATE_DIR: `${root}/shared-cluster`,
    });
    const cluster = new LocalEnvironment(config);
    cleanups.push(() => cluster.down());
    const started = performance.now();
    console.log("Starting the shared test cluster (3 Kafka nodes, Prometheus, agent)...");
    await cluster.up({ onProgress: (line) => console.log(`  ${line}`) });
    console.log(
      `Shared test cluster up in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    stopIfInterrupted();
    env.LAB_TEST_BOOTSTRAP = cluster.bootstrapServers().join(",");
    env.LAB_TEST_PROMETHEUS_URL = cluster.prometheusUrl();
    env.LAB_TEST_STATE_DIR = config.local.stateDir;
    env.LAB_TEST_CACHE_DIR = config.local.cacheDir;

    if (Deno.env.get("LAB_TEST_DOCKER") === "off") {
      console.log("LAB_TEST_DOCKER=off: no Docker engine; the real-engine tests will fail.");
    } else if (await programWorks("sh", ["-c", "command -v dockerd"])) {
      const { startTestEngine } = await import("./docker_engine.ts");
      console.log("Starting a private Docker engine for the tests...");
      const engine = await startTestEngine(`${root}/docker`);
      cleanups.push(() => engine.stop());
      env.LAB_TEST_DOCKER_HOST = engine.host;
    } else {
      console.log("dockerd is not installed: the real-engine tests will say so and fail.");
    }

    stopIfInterrupted();
    const child = new Deno.Command(Deno.execPath(), {
      // `--doc` runs the JSDoc examples too (an example that needs a cluster is fenced `ignore`).
      args: ["test", "-A", "--doc", "--no-check=remote", ...await denoTestTargets(args)],
      cwd: projectRoot,
      env: { ...env, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const decoder = new TextDecoder();
    let tail = "";
    const pump = (async () => {
      for await (const chunk of child.stdout) {
        const text = decoder.decode(chunk, { stream: true });
        await Deno.stdout.write(chunk);
        tail = (tail + text).slice(-4000);
      }
    })();
    const status = await Promise.race([
      child.status.then(async (s) => {
        await pump;
        return s;
      }),
      interrupted.then(async () => {
        child.kill("SIGTERM");
        const ended = await Promise.race([
          child.status.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
        ]);
        if (!ended) child.kill("SIGKILL");
        await child.status;
        return { code: 130 } as Deno.CommandStatus;
      }),
    ]);
    // An interrupted run ends 130, whichever of the two branches above finished first.
    code = interruptedBy ? 130 : status.code;
    const match = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(tail);
    if (match) summary = `${match[1]} passed, ${match[2]} failed`;
    else if (code !== 0) summary = "0 passed, 1 failed";
  } catch (error) {
    console.error(`The test task could not run the tests: ${(error as Error).message}`);
    code = interruptedBy ? 130 : 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
    }
    const leftovers = await stopEverythingUnder(root);
    if (leftovers > 0) console.log(`Stopped ${leftovers} process(es) tests had left running.`);
    // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
    await Deno.remove(root, { recursive: true }).catch(() => {});
    if (interruptedBy) console.error("Stopped everything the tests had started.");
  }
  console.log(summary);
  return code;
}

if (import.meta.main) Deno.exit(await runTestTask(Deno.args));

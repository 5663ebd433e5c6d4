/**
 * Runs `deno task demo` as a user would, on its own ports and state directory under the
 * test task's root, and always tears its cluster down afterwards.
 *
 * @module
 */

import { loadConfig } from "../lib/config/config.ts";
import { LocalEnvironment } from "../lib/env/local/local.ts";
import { runCommand } from "../lib/core/command.ts";
import { sharedCluster } from "./cluster.ts";

/** What a demo run printed and where its results are. */
export interface DemoRun {
  /** Whether it exited 0. */
  success: boolean;
  /** Its standard output. */
  stdout: string;
  /** Its standard error. */
  stderr: string;
  /** The results directory. */
  resultsDir: string;
  /** Seconds it took. */
  seconds: number;
}

/**
 * The settings of a demo named `name`: `settings` (`LAB_*` variables) on Kafka ports from
 * `kafkaPort` (Prometheus on `kafkaPort - 2`), state and results under the test task's root.
 */
export function demoSettings(
  name: string,
  kafkaPort: number,
  settings: Record<string, string> = {},
): Record<string, string> {
  const { root } = sharedCluster();
  return {
    LAB_ENV: "local",
    LAB_KAFKA_PORT: String(kafkaPort),
    LAB_PROMETHEUS_PORT: String(kafkaPort - 2),
    LAB_STATE_DIR: `${root}/${name}-state`,
    LAB_RESULTS_DIR: `${root}/${name}-results`,
    NO_COLOR: "1",
    ...settings,
  };
}

/**
 * Runs the demo with `settings` (`LAB_*` variables) on Kafka ports from `kafkaPort`
 * (Prometheus on `kafkaPort - 2`), in a state directory named `name`.
 */
export async function runDemo(
  name: string,
  kafkaPort: number,
  settings: Record<string, string> = {},
): Promise<DemoRun> {
  const env = demoSettings(name, kafkaPort, settings);
  const started = performance.now();
  try {
    const output = await runCommand([Deno.execPath(), "task", "-q", "demo"], {
      cwd: new URL("../", import.meta.url).pathname,
      env,
    });
    return {
      success: output.success,
      stdout: output.stdout,
      stderr: output.stderr,
      resultsDir: env.LAB_RESULTS_DIR,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    // The demo cleans up; this is the safety net when it did not get there.
    await new LocalEnvironment(loadConfig({ ...Deno.env.toObject(), ...env })).down({
      removeData: true,
    });
  }
}

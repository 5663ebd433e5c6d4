/**
 * `deno task screenshots before|after`: every panel of the lab's Grafana dashboard over a time
 * range, as `results/screenshots/<phase>-<panel>.png` (the AutoMQ environment only).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.ts";
import { runTask } from "../core/task.ts";
import { captureGrafanaPanels } from "../present/grafana_panels.ts";

const USAGE = "usage: deno task screenshots before|after [--from now-15m] [--to now] " +
  "[--grafana http://127.0.0.1:3000]";

/** The command line of `deno task screenshots`, parsed. */
export interface ScreenshotArgs {
  /** `before` or `after`. */
  phase: "before" | "after";
  /** Grafana's base URL (default `http://127.0.0.1:3000`). */
  grafanaUrl: string;
  /** Start of the range, as Grafana reads it (default: `now-15m`). */
  from?: string;
  /** End of the range (default: `now`). */
  to?: string;
}

/**
 * Parses `before|after [--from T] [--to T] [--grafana URL]`; throws with the usage line on
 * anything else.
 *
 * @example
 * ```ts
 * import { parseScreenshotArgs } from "@lab/cli/screenshots.ts";
 * const args = parseScreenshotArgs(["after", "--from", "now-5m"]);
 * if (args.phase !== "after" || args.from !== "now-5m") throw new Error("parsed wrong");
 * ```
 */
export function parseScreenshotArgs(args: readonly string[]): ScreenshotArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        from: { type: "string" },
        to: { type: "string" },
        grafana: { type: "string" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  }
  const [phase, ...extra] = parsed.positionals;
  if ((phase !== "before" && phase !== "after") || extra.length > 0) {
    throw new Error(
      `screenshots takes one phase, before or after, not "${
        parsed.positionals.join(" ")
      }".\n${USAGE}`,
    );
  }
  const { from, to, grafana } = parsed.values;
  return { phase, grafanaUrl: grafana ?? "http://127.0.0.1:3000", from, to };
}

if (import.meta.main) {
  let args: ScreenshotArgs;
  try {
    args = parseScreenshotArgs(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(2);
  }
  Deno.exit(
    await runTask(async () => {
      const files = await captureGrafanaPanels({
        ...args,
        outDir: `${loadConfig().resultsDir}/screenshots`,
      });
      for (const file of files) console.log(file);
      return 0;
    }),
  );
}

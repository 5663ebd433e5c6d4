/**
 * The notebooks' background load, as its own process: `Lab.startBackgroundLoad` starts
 * this script, which sends the sustained load until SIGINT/SIGTERM (or until the disk
 * would fill), keeps its progress in the state directory and, when stopped, saves its
 * totals there and prints one summary line to its log.
 *
 * Usage: `deno run -A lib/lab/background_load.ts` (the `LAB_*` settings of the lab that
 * started it come in through the environment).
 *
 * @module
 */

import { Lab } from "./lab.ts";
import { loadSummary } from "../present/sentences.ts";
import { loadClients, saveClients } from "./clients.ts";

/** Runs the load until stopped; resolves when it has stopped and its totals are saved. */
export async function runBackgroundLoad(lab: Lab): Promise<void> {
  const disk = (await lab.checkDisk("until-disk")).maxSeconds;
  const cap = lab.config.loadMaxSeconds;
  const maxSeconds = cap !== undefined && (disk === undefined || cap < disk) ? cap : disk;
  if (maxSeconds !== undefined) {
    console.log(
      `The load runs until stopped, at most ${Math.round(maxSeconds / 60)} min ` +
        (maxSeconds === cap
          ? "(LAB_LOAD_MAX_S)."
          : "(what the disk can keep: the topic keeps every record until the read-back)."),
    );
  }
  const clients = loadClients(lab.config, lab.environment.bootstrapServers());
  const running = lab.startLoad({
    untilStopped: true,
    maxSeconds,
    onProgress: (p) => void lab.saveLoadProgress(p),
    timeline: clients.timeline,
  });
  const stop = () => running.stop();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    await clients.start(await lab.placement());
    const stats = await running.done;
    // The groups read to the end before the totals are saved: the notebook waits for those.
    await saveClients(lab.state, await clients.finish(stats));
    await lab.saveLoadStats(stats);
    console.log(loadSummary(stats));
  } catch (error) {
    running.stop();
    await clients.abort();
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
  }
}

if (import.meta.main) {
  try {
    await runBackgroundLoad(await Lab.open());
  } catch (error) {
    console.error(`load: ${(error as Error).message}`);
    Deno.exit(1);
  }
}

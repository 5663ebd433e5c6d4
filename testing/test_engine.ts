/**
 * The Docker engine a test runs against: the one named by `LAB_TEST_DOCKER_HOST`
 * (started once by the test task with {@linkcode startTestEngine}), else a private
 * one this helper starts under /tmp and stops on release.
 *
 * @module
 */

import { startTestEngine } from "./docker_engine.ts";

/** An engine lent to a test. */
export interface LentEngine {
  /** `unix://...` address. */
  host: string;
  /** Whether this helper started it (and `release` stops it). */
  own: boolean;
  /** Stops the engine if this helper started it, and removes its directory. */
  release(): Promise<void>;
}

/** Lends the shared test engine, or starts a private one when none is shared. */
export async function lendTestEngine(): Promise<LentEngine> {
  const shared = Deno.env.get("LAB_TEST_DOCKER_HOST")?.trim();
  if (shared) return { host: shared, own: false, release: async () => {} };
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "lab-eng-" });
  try {
    const engine = await startTestEngine(dir);
    return {
      host: engine.host,
      own: true,
      release: async () => {
        try {
          await engine.stop();
        } finally {
          // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
          await Deno.remove(dir, { recursive: true }).catch(() => {});
        }
      },
    };
  } catch (error) {
    // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
}

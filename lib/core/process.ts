/**
 * Background processes that outlive the command that started them, tracked by
 * PID files so that exactly what was started is stopped, and nothing else.
 *
 * @module
 */

/** A process started in its own session, its output appended to a log file. */
export interface StartedProcess {
  /** Its PID (also written to the PID file). */
  pid: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** The PID file. */
  pidFile: string;
}

/** Options of {@linkcode startDetached}. */
export interface StartOptions {
  /** Program and arguments. */
  command: string[];
  /** File that receives stdout and stderr. */
  logFile: string;
  /** File that receives the PID. */
  pidFile: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
}

/**
 * Starts a program in a new session (it survives the caller and a Ctrl-C to it),
 * with output appended to `logFile`, and records its PID in `pidFile`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startDetached, stopPidFile } from "./process.ts";
 * const dir = await Deno.makeTempDir();
 * const started = await startDetached({
 *   command: ["sleep", "30"],
 *   logFile: `${dir}/sleep.log`,
 *   pidFile: `${dir}/sleep.pid`,
 * });
 * assert.ok(await stopPidFile(started.pidFile));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function startDetached(options: StartOptions): Promise<StartedProcess> {
  const child = new Deno.Command("/bin/sh", {
    // `exec` keeps the PID: the shell becomes the program after redirecting.
    args: ["-c", 'exec "$@" >>"$LAB_LOG_FILE" 2>&1', "sh", ...options.command],
    env: { ...options.env, LAB_LOG_FILE: options.logFile },
    cwd: options.cwd,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  await Deno.writeTextFile(options.pidFile, `${child.pid}\n`);
  return { pid: child.pid, logFile: options.logFile, pidFile: options.pidFile };
}

/**
 * Whether a process with this PID exists and is not a zombie.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isAlive } from "./process.ts";
 * assert.ok(isAlive(Deno.pid));
 * ```
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    // No /proc entry: the process is gone.
    return false;
  }
}

/**
 * Reads a PID file; `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readPidFile } from "./process.ts";
 * assert.deepEqual(await readPidFile("/nonexistent/x.pid"), undefined);
 * ```
 */
export async function readPidFile(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await Deno.readTextFile(pidFile)).trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    // No PID file (or an unreadable one): nothing to stop.
    return undefined;
  }
}

/**
 * Stops a process: SIGTERM, then SIGKILL after `graceMs`, and waits until it is
 * gone. Returns true if it was running.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stopPid } from "./process.ts";
 * const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
 * assert.ok(await stopPid(child.pid, 5000));
 * await child.status;
 * ```
 */
export async function stopPid(pid: number, graceMs = 15_000): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    // It ended between the check and the signal (or is not ours): nothing stopped.
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
    const hardDeadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < hardDeadline) await delay(50);
  }
  return true;
}

/**
 * Stops the process named in a PID file and removes the file; safe to repeat.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stopPidFile } from "./process.ts";
 * assert.deepEqual(await stopPidFile("/nonexistent/x.pid"), false);
 * ```
 */
export async function stopPidFile(pidFile: string, graceMs?: number): Promise<boolean> {
  const pid = await readPidFile(pidFile);
  const wasRunning = pid !== undefined && (await stopPid(pid, graceMs));
  // The PID file may already be gone; whether the process ran is what is returned.
  await Deno.remove(pidFile).catch(() => {});
  return wasRunning;
}

/**
 * Whether a file or directory exists at `path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathExists } from "./process.ts";
 * assert.ok(await pathExists("/"));
 * assert.deepEqual(await pathExists("/nonexistent"), false);
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    // Not there, or not reachable: either way it cannot be used.
    return false;
  }
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * ```ts
 * import { delay } from "./process.ts";
 * await delay(10);
 * ```
 */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The last `maxLines` lines of a text file, or "" if it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tailFile } from "./process.ts";
 * assert.deepEqual(await tailFile("/nonexistent/log", 5), "");
 * ```
 */
export async function tailFile(path: string, maxLines = 40): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    return text.split("\n").slice(-maxLines - 1).join("\n").trimEnd();
  } catch {
    // No log yet: an empty tail.
    return "";
  }
}

/** A port the lab wants, with the setting that chooses it. */
export interface WantedPort {
  /** The port. */
  port: number;
  /** What it is for, e.g. "broker 0". */
  purpose: string;
  /** The environment variable that moves it. */
  setting: string;
}

/**
 * Throws naming the first port on 127.0.0.1 that is already taken, and how to move it.
 *
 * @example
 * ```ts
 * import { assertPortsFree } from "./process.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const port = (listener.addr as Deno.NetAddr).port;
 * try {
 *   assertPortsFree([{ port, purpose: "a test", setting: "TEST_PORT" }]);
 * } catch (error) {
 *   console.log((error as Error).message.includes("TEST_PORT")); // true
 * } finally {
 *   listener.close();
 * }
 * ```
 */
export function assertPortsFree(ports: WantedPort[]): void {
  for (const wanted of ports) {
    try {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: wanted.port });
      listener.close();
    } catch (error) {
      if (error instanceof Deno.errors.AddrInUse) {
        throw new Error(
          `Port ${wanted.port} (${wanted.purpose}) on 127.0.0.1 is already in use. Stop what ` +
            `holds it (is an earlier lab still up? run \`deno task cleanup\`) or choose another ` +
            `port with ${wanted.setting}.`,
        );
      }
      throw error;
    }
  }
}

/**
 * How a terminal task ends: its exit code, and its errors said in one line. Bad input (a
 * setting, an argument: {@linkcode BadInputError}) exits {@linkcode EXIT}`.badInput`, any
 * other failure `EXIT.failed`, an interrupt `EXIT.interrupted`. No error ends in a stack
 * trace, and a promise rejection nobody handled is reported the same way instead of
 * killing the process (a task that listens with `onInterrupt` is also stopped by it, so it
 * stops what it started).
 *
 * @module
 */

import { BadInputError } from "./args.ts";

/** The exit codes of the lab's tasks. */
export const EXIT = {
  /** Done, and what it checked was good. */
  ok: 0,
  /** It failed, or what it checked was not good. */
  failed: 1,
  /** A setting or an argument could not be used: nothing was started. */
  badInput: 2,
  /** Ctrl-C or SIGTERM stopped it. */
  interrupted: 130,
} as const;

/**
 * An error as one line for the terminal: `error: ` and its message, never its stack.
 *
 * @example
 * ```ts
 * import { errorLine } from "./task.ts";
 * const line = errorLine(new TypeError("error sending request"));
 * if (line !== "error: error sending request") throw new Error(line);
 * if (errorLine("plain words") !== "error: plain words") throw new Error("text");
 * ```
 */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Some libraries put their stack in the message; one line is what the user reads.
  const first = message.split("\n").find((l) => !/^\s+at\s/.test(l) && l.trim() !== "") ?? "";
  return `error: ${first.trim() || (error as Error)?.name || "failed"}`;
}

/**
 * The exit code for an error: {@linkcode EXIT}`.badInput` for a {@linkcode BadInputError},
 * else `EXIT.failed`.
 *
 * @example
 * ```ts
 * import { BadInputError } from "./args.ts";
 * import { EXIT, exitCodeOf } from "./task.ts";
 * if (exitCodeOf(new BadInputError("x")) !== EXIT.badInput) throw new Error("bad input");
 * if (exitCodeOf(new Error("x")) !== EXIT.failed) throw new Error("failure");
 * ```
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof BadInputError ? EXIT.badInput : EXIT.failed;
}

/**
 * Runs a task's body and returns its exit code: what the body returns, or, when it
 * throws, the error printed as one line ({@linkcode errorLine}) and
 * {@linkcode exitCodeOf} it. A rejection nobody handled while it runs is printed the same
 * way at once and makes a successful end a failure.
 *
 * @example
 * ```ts
 * import { BadInputError } from "./args.ts";
 * import { EXIT, runTask } from "./task.ts";
 * const quiet = console.error;
 * console.error = () => {};
 * try {
 *   const code = await runTask(() => Promise.reject(new BadInputError("LAB_SKEW: no.")));
 *   if (code !== EXIT.badInput) throw new Error(`exit ${code}`);
 * } finally {
 *   console.error = quiet;
 * }
 * ```
 */
export async function runTask(body: () => Promise<number>): Promise<number> {
  let stray: { error: unknown } | undefined;
  const onStray = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    if (stray) return;
    stray = { error: event.reason };
    console.error(errorLine(event.reason));
  };
  globalThis.addEventListener("unhandledrejection", onStray);
  try {
    const code = await body();
    return stray && code === EXIT.ok ? EXIT.failed : code;
  } catch (error) {
    if (!stray || stray.error !== error) console.error(errorLine(error));
    return exitCodeOf(error);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onStray);
  }
}

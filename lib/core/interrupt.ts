/**
 * Ctrl-C and SIGTERM for the lab's tasks, and failures treated the same way: the first
 * signal, or a failure of something the task started (a load whose promise rejected, a
 * rejection nobody handled), asks the task to stop what it started: an abort signal the
 * task's steps watch, with the reason. A signal says so in a line; a second signal exits
 * at once.
 *
 * @module
 */

/** Thrown by a step that saw the interrupt. */
export class InterruptedError extends Error {
  constructor() {
    super("Interrupted.");
    this.name = "InterruptedError";
  }
}

/** A listener for SIGINT and SIGTERM (and for failures: {@linkcode Interrupt.fail}). */
export interface Interrupt {
  /**
   * Aborted at the first signal (its reason an {@linkcode InterruptedError}) or failure
   * (its reason the error).
   */
  readonly signal: AbortSignal;
  /** Throws the reason the task was stopped, once it was. */
  check(): void;
  /**
   * Stops the task because of `error` (something it started failed), as a signal
   * would; the first reason wins.
   */
  fail(error: unknown): void;
  /** Removes the listeners. */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM: the first aborts `signal` and prints
 * `Interrupted: stopping <what>...`; a second exits with code 130. A promise rejection
 * nobody handled while it listens stops the task too ({@linkcode Interrupt.fail}).
 *
 * @example
 * ```ts
 * import { InterruptedError, onInterrupt } from "./interrupt.ts";
 * const interrupt = onInterrupt("the load");
 * try {
 *   interrupt.check(); // nothing yet
 *   interrupt.fail(new Error("the load failed"));
 *   let reason = "";
 *   try { interrupt.check(); } catch (e) { reason = (e as Error).message; }
 *   if (reason !== "the load failed" || interrupt.signal.reason instanceof InterruptedError) {
 *     throw new Error(reason);
 *   }
 * } finally {
 *   interrupt.dispose();
 * }
 * ```
 */
export function onInterrupt(what: string, onFirst: () => void = () => {}): Interrupt {
  const controller = new AbortController();
  let signalled = false;
  const stop = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    onFirst();
  };
  const handler = (name: Deno.Signal) => () => {
    if (signalled) {
      console.error(`\n${name} again: exiting now; \`deno task cleanup\` stops what is left.`);
      Deno.exit(130);
    }
    signalled = true;
    console.error(`\nInterrupted (${name}): stopping ${what}...`);
    stop(new InterruptedError());
  };
  const listeners = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const listener = handler(name);
    Deno.addSignalListener(name, listener);
    return [name, listener] as const;
  });
  const onStray = (event: PromiseRejectionEvent) => stop(event.reason);
  globalThis.addEventListener("unhandledrejection", onStray);
  return {
    signal: controller.signal,
    check() {
      if (controller.signal.aborted) throw controller.signal.reason;
    },
    fail: stop,
    dispose() {
      for (const [name, listener] of listeners) Deno.removeSignalListener(name, listener);
      globalThis.removeEventListener("unhandledrejection", onStray);
    },
  };
}

/**
 * Ctrl-C and SIGTERM for the lab's tasks: the first signal asks the task to stop what
 * it started (an abort signal the task's steps watch), with a line saying so; a second
 * one exits at once.
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

/** A listener for SIGINT and SIGTERM. */
export interface Interrupt {
  /** Aborted at the first signal. */
  readonly signal: AbortSignal;
  /** Throws {@linkcode InterruptedError} once a signal came. */
  check(): void;
  /** Removes the listeners. */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM: the first aborts `signal` and prints
 * `Interrupted: stopping <what>...`; a second exits with code 130.
 *
 * @example
 * ```ts
 * import { onInterrupt } from "./interrupt.ts";
 * const interrupt = onInterrupt("the load");
 * try {
 *   interrupt.check(); // throws InterruptedError after Ctrl-C
 * } finally {
 *   interrupt.dispose();
 * }
 * ```
 */
export function onInterrupt(what: string, onFirst: () => void = () => {}): Interrupt {
  const controller = new AbortController();
  const handler = (name: Deno.Signal) => () => {
    if (controller.signal.aborted) {
      console.error(`\n${name} again: exiting now; \`deno task cleanup\` stops what is left.`);
      Deno.exit(130);
    }
    console.error(`\nInterrupted (${name}): stopping ${what}...`);
    controller.abort(new InterruptedError());
    onFirst();
  };
  const listeners = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const listener = handler(name);
    Deno.addSignalListener(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    check() {
      if (controller.signal.aborted) throw new InterruptedError();
    },
    dispose() {
      for (const [name, listener] of listeners) Deno.removeSignalListener(name, listener);
    },
  };
}

/**
 * A live output: ONE output of a cell that changes in place, such as a chart redrawn while the
 * balancer works. Inside Deno's Jupyter kernel it is a `display_data` message with a
 * `transient.display_id`, then `update_display_data` messages with the same id (JupyterLab and
 * VS Code both replace the output in place), sent with `Deno.jupyter.broadcast`. Each message's
 * metadata names the display and counts its frames (`lab/live`), so a test can tell how often it
 * changed. Frames are rendered only when sent: at most one per `intervalMs`, the latest state
 * always shown, the final one at once. Outside the kernel there is nothing to show: updates are
 * ignored and {@linkcode liveDisplay} says so with `live: false`.
 *
 * @example Outside the kernel
 * ```ts
 * import { liveDisplay } from "@lab/present/display/live.ts";
 * const live = liveDisplay({ jupyter: null });
 * await live.update(() => ({ "text/plain": "frame" }));
 * if (live.live || live.frames !== 0) throw new Error("nothing is shown outside the kernel");
 * ```
 *
 * @module
 */

import { settle } from "../kernel_settle.ts";
import { jupyter, type JupyterApi, type MimeBundle } from "./mime.ts";

/** Metadata key on every frame: `{ id, frame, status }`. */
export const LIVE_METADATA_KEY = "lab/live";

/** Options of {@linkcode liveDisplay}. */
export interface LiveOptions {
  /** The Jupyter API (default: `Deno.jupyter` inside the kernel). `null`: none. */
  jupyter?: JupyterApi | null;
  /** The display id (default: a random one). */
  displayId?: string;
  /** Least time between two frames, ms (default 1000). The last state always shows. */
  intervalMs?: number;
}

/** One output that changes in place. */
export interface LiveDisplay {
  /** Whether frames are shown (inside the kernel). */
  readonly live: boolean;
  /** Its display id. */
  readonly displayId: string;
  /** Frames sent so far. */
  readonly frames: number;
  /** Shows the state `render` draws, now or, throttled, soon; `render` runs only when sent. */
  update(render: () => MimeBundle): Promise<void>;
  /** Shows the final state now and resolves once the kernel has sent it. */
  finish(bundle: MimeBundle, status: "done" | "failed"): Promise<void>;
}

/** A live output (see the module's documentation). */
export function liveDisplay(options: LiveOptions = {}): LiveDisplay {
  const api = options.jupyter === undefined ? jupyter() : options.jupyter ?? undefined;
  const interval = options.intervalMs ?? 1000;
  const displayId = options.displayId ?? `lab-live-${crypto.randomUUID()}`;
  let frames = 0;
  let lastSent = -Infinity;
  let pending: (() => MimeBundle) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let finished = false;

  const send = (bundle: MimeBundle, status: string): Promise<void> => {
    const msgType = frames === 0 ? "display_data" : "update_display_data";
    frames++;
    lastSent = performance.now();
    const content = {
      data: bundle,
      metadata: { [LIVE_METADATA_KEY]: { id: displayId, frame: frames, status } },
      transient: { display_id: displayId },
    };
    // A frame the kernel refuses is not retried: the next frame (or the final one) replaces it.
    chain = chain.then(() => api!.broadcast(msgType, content)).catch(() => {});
    return chain;
  };
  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const render = pending;
    pending = undefined;
    if (!render || finished) return chain;
    return send(render(), "running");
  };
  return {
    live: api !== undefined,
    displayId,
    get frames() {
      return frames;
    },
    update(render) {
      if (!api || finished) return Promise.resolve();
      pending = render;
      const wait = lastSent + interval - performance.now();
      if (wait <= 0) return flush();
      timer ??= setTimeout(() => void flush(), wait);
      return Promise.resolve();
    },
    async finish(bundle, status) {
      if (!api || finished) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      finished = true;
      await send(bundle, status);
      await settle(api);
    },
  };
}

/**
 * A stand-in for `Deno.jupyter` in the display tests: it records every `display_data` and
 * `update_display_data` it is asked to broadcast (the settle marker included, which answers
 * at once) and refuses `display`, which a live output must not use (it has no display id).
 *
 * @module
 */

import type { JupyterApi } from "../lib/present/display/mime.ts";

/** One broadcast display message, as recorded. */
export interface SentDisplay {
  /** `display_data` (the first frame) or `update_display_data`. */
  msgType: string;
  /** What was sent: the bundle, its metadata and the display id. */
  content: {
    data: Record<string, string>;
    metadata: Record<string, { id: string; frame: number; status: string }>;
    transient: { display_id: string };
  };
}

/** A kernel API that records the display messages broadcast through it, in order. */
export function recordingKernel(): { api: JupyterApi; sent: SentDisplay[] } {
  const sent: SentDisplay[] = [];
  return {
    sent,
    api: {
      broadcast(msgType, content) {
        if (msgType === "display_data" || msgType === "update_display_data") {
          sent.push({ msgType, content: structuredClone(content) as SentDisplay["content"] });
        }
        return Promise.resolve();
      },
      display() {
        throw new Error("a live output uses broadcast with a display_id, not display");
      },
    },
  };
}

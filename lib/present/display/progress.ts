/**
 * Live progress. Inside Deno's Jupyter kernel it keeps ONE output updated in place: a
 * `display_data` message with a `transient.display_id`, then `update_display_data` messages
 * with the same id, sent with `Deno.jupyter.broadcast`. In a terminal it draws a one-line bar
 * on stderr; when stderr is not a terminal it prints only the final line.
 *
 * @example Outside the kernel and a terminal: one final line
 * ```ts
 * import { progress } from "@lab/present/display/progress.ts";
 * const lines: string[] = [];
 * const stream = {
 *   writeSync: (b: Uint8Array) => lines.push(new TextDecoder().decode(b)),
 *   isTerminal: () => false,
 * };
 * const p = progress("warming up", { total: 3, jupyter: null, stream });
 * for (let i = 1; i <= 3; i++) await p.update(i);
 * await p.done("ready");
 * if (lines.length !== 1 || !lines[0].includes("100% (3/3) done")) throw new Error(lines.join());
 * ```
 *
 * @module
 */

import { settle } from "../kernel_settle.ts";
import { escapeHtml, jupyter, type JupyterApi, type MimeBundle } from "./mime.ts";

/** Where terminal progress goes: stderr by default. */
export interface ProgressStream {
  /** Writes bytes. */
  writeSync(bytes: Uint8Array): number;
  /** Whether it is a terminal (then the bar redraws in place). */
  isTerminal(): boolean;
}

/** Options of {@linkcode progress}. */
export interface ProgressOptions {
  /** The count that means done; without it the bar shows counts only. */
  total?: number;
  /** Least time between two redraws/updates, ms (default 100). The last state always shows. */
  intervalMs?: number;
  /** The Jupyter API (default: `Deno.jupyter` when inside the kernel). `null`: terminal. */
  jupyter?: JupyterApi | null;
  /** The terminal stream (default: `Deno.stderr`). */
  stream?: ProgressStream;
  /** The display id (default: a random one). */
  displayId?: string;
  /** Terminal width, columns (default: the console's, else 80). */
  columns?: number;
}

/** A live progress line. */
export interface Progress {
  /** The display id of its output inside the kernel. */
  readonly displayId: string;
  /** Sets the count done so far and an optional note. */
  update(done: number, note?: string): Promise<void>;
  /** Marks it finished (count = total when known) and shows the final state. */
  done(note?: string): Promise<void>;
  /** Marks it failed with a note; shows the final state. */
  fail(note: string): Promise<void>;
  /** The current plain-text line. */
  text(): string;
}

const BAR_WIDTH = 24;

interface ProgressState {
  label: string;
  total?: number;
  count: number;
  note?: string;
  status: "running" | "done" | "failed";
  startedAt: number;
}

function percent(state: ProgressState): number | undefined {
  if (!state.total) return undefined;
  return Math.max(0, Math.min(1, state.count / state.total));
}

/** The progress line without its label and bar: "50% (1/2) 0.4 s - note". */
function progressStatus(state: ProgressState): string {
  const ratio = percent(state);
  const parts: string[] = [];
  if (ratio !== undefined) {
    parts.push(`${Math.round(ratio * 100)}%`, `(${state.count}/${state.total})`);
  } else parts.push(`(${state.count})`);
  if (state.status === "done") parts.push("done");
  if (state.status === "failed") parts.push("FAILED");
  parts.push(`${((performance.now() - state.startedAt) / 1000).toFixed(1)} s`);
  if (state.note) parts.push(`- ${state.note}`);
  return parts.join(" ");
}

function progressText(state: ProgressState): string {
  const ratio = percent(state);
  if (ratio === undefined) return `${state.label} ${progressStatus(state)}`;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
  return `${state.label} ${bar} ${progressStatus(state)}`;
}

function progressHtml(state: ProgressState): string {
  const ratio = percent(state);
  const color = state.status === "failed"
    ? "#e15759"
    : state.status === "done"
    ? "#59a14f"
    : "#4e79a7";
  const width = ratio === undefined ? 100 : ratio * 100;
  const bar = `<div style="display:inline-block;vertical-align:middle;width:240px;height:12px;` +
    `background:#e6e6e6;border-radius:3px;overflow:hidden;margin:0 8px">` +
    `<div style="width:${width.toFixed(1)}%;height:100%;background:${color}"></div></div>`;
  return `<div class="lab-progress" data-status="${state.status}" style="font-family:monospace">` +
    `<b>${escapeHtml(state.label)}</b>${bar}${escapeHtml(progressStatus(state))}</div>`;
}

/** Metadata key the kernel-side progress puts on its output, naming its display id. */
export const PROGRESS_METADATA_KEY = "lab/progress";

/**
 * A live progress line for `label`. Inside the kernel: one output, updated in place. In a
 * terminal: a bar redrawn on stderr. Not a terminal: one final line when it ends.
 */
export function progress(label: string, options: ProgressOptions = {}): Progress {
  if (typeof label !== "string" || !label) throw new Error("progress: give a non-empty label");
  if (options.total !== undefined && !(options.total > 0)) {
    throw new Error(`progress: total must be a positive number, got ${options.total}`);
  }
  const api = options.jupyter === undefined ? jupyter() : options.jupyter ?? undefined;
  const stream = options.stream ?? Deno.stderr;
  const interval = options.intervalMs ?? 100;
  const displayId = options.displayId ?? `lab-progress-${crypto.randomUUID()}`;
  const state: ProgressState = {
    label,
    total: options.total,
    count: 0,
    status: "running",
    startedAt: performance.now(),
  };
  const encoder = new TextEncoder();
  const tty = !api && stream.isTerminal();
  let columns = options.columns;
  if (columns === undefined && tty) {
    try {
      columns = Deno.consoleSize().columns;
    } catch {
      // No console size (a pipe): the usual width.
      columns = 80;
    }
  }
  let shown = false; // the kernel output exists
  let lastSent = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let finished = false;

  const bundle = (): MimeBundle => ({
    "text/html": progressHtml(state),
    "text/plain": progressText(state),
  });

  const sendKernel = (): Promise<void> => {
    const msgType = shown ? "update_display_data" : "display_data";
    shown = true;
    const content = {
      data: bundle(),
      metadata: { [PROGRESS_METADATA_KEY]: displayId },
      transient: { display_id: displayId },
    };
    chain = chain.then(() => api!.broadcast(msgType, content));
    return chain;
  };

  const drawTerminal = (final: boolean): void => {
    if (tty) {
      let line = progressText(state);
      const max = (columns ?? 80) - 1;
      if (line.length > max) line = line.slice(0, Math.max(0, max - 1)) + "…";
      stream.writeSync(encoder.encode(`\r\x1b[2K${line}${final ? "\n" : ""}`));
    } else if (final) {
      stream.writeSync(encoder.encode(progressText(state) + "\n"));
    }
  };

  const flush = (final: boolean): Promise<void> => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    lastSent = performance.now();
    if (api) return sendKernel();
    drawTerminal(final);
    return Promise.resolve();
  };

  const schedule = (): Promise<void> => {
    const wait = lastSent + interval - performance.now();
    if (wait <= 0 || !shown && api) return flush(false);
    if (!api && !tty) return Promise.resolve(); // nothing until the final line
    if (timer === undefined) timer = setTimeout(() => void flush(false), wait);
    return chain;
  };

  const finish = (status: "done" | "failed", note?: string): Promise<void> => {
    if (finished) return chain;
    finished = true;
    state.status = status;
    if (status === "done" && state.total !== undefined) state.count = state.total;
    if (note !== undefined) state.note = note;
    // The final state must reach the frontend before the cell ends (see kernel_settle.ts).
    return flush(true).then(() => api ? settle(api) : undefined);
  };

  return {
    displayId,
    update(count: number, note?: string): Promise<void> {
      if (!Number.isFinite(count) || count < 0) {
        throw new Error(`progress(${label}).update: count must be a number >= 0, got ${count}`);
      }
      if (finished) return chain;
      state.count = count;
      if (note !== undefined) state.note = note;
      return schedule();
    },
    done: (note?: string) => finish("done", note),
    fail: (note: string) => finish("failed", note),
    text: () => progressText(state),
  };
}

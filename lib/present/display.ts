/**
 * Objects Deno's Jupyter kernel displays, and live progress.
 *
 * The kernel shows any value that has a `[Symbol.for("Jupyter.display")]()` method returning
 * a MIME bundle (`{ "text/html": ..., "text/plain": ... }`) — as a cell's last value or through
 * `Deno.jupyter.display(value)`. `Deno.jupyter` exists only inside the kernel, so every object
 * here also works outside it: `toString()` gives the plain text, and {@linkcode show} prints
 * that in a terminal.
 *
 * Live progress ({@linkcode progress}) keeps ONE output updated in place inside the kernel: a
 * `display_data` message with a `transient.display_id`, then `update_display_data` messages
 * with the same id, sent with `Deno.jupyter.broadcast`. In a terminal it draws a one-line bar
 * on stderr; when stderr is not a terminal it prints only the final line.
 *
 * @example In a notebook cell
 * ```ts
 * import { chart, progress, table } from "@lab/present/display.ts";
 * import { bytesInChart } from "@lab/present/charts.ts";
 * const p = progress("warming up", { total: 3 });
 * for (let i = 1; i <= 3; i++) await p.update(i);
 * await p.done("ready");
 * table([{ broker: 0, mbps: 7.2 }, { broker: 1, mbps: 1.5 }]);
 * ```
 *
 * @module
 */

import { svgToPng } from "./charts.ts";
import { settle } from "./kernel_settle.ts";

/** The symbol Deno's kernel looks for. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A MIME bundle: MIME type → content (strings; base64 for binary types). */
export type MimeBundle = Record<string, string>;

/** Something Deno's kernel can display. */
export interface Displayable {
  /** Returns the MIME bundle to show. */
  [JUPYTER_DISPLAY](): MimeBundle;
  /**
   * Per-MIME-type output metadata, e.g. `{ "image/png": { width: 460 } }` to show a PNG
   * rendered at 2x at its natural size. Only {@linkcode show} sends it (a cell's last value
   * cannot carry metadata in Deno's kernel).
   */
  displayMetadata?: Record<string, unknown>;
}

/** The part of `Deno.jupyter` this module uses. */
export interface JupyterApi {
  /** Publishes a message on the IOPub channel. */
  broadcast(
    msgType: string,
    content: Record<string, unknown>,
    extra?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] },
  ): Promise<void>;
  /** Displays a value (raw: a MIME bundle as is). */
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
}

/** `Deno.jupyter` when running inside Deno's Jupyter kernel, else `undefined`. */
export function jupyter(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return api && typeof api.broadcast === "function" ? api : undefined;
  } catch {
    return undefined; // outside the kernel, accessing it may throw
  }
}

/** Base64 of bytes (chunked, so large PNGs do not overflow the call stack). */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** A displayable value with its bundle computed on demand. */
class Display implements Displayable {
  #bundle: () => MimeBundle;
  #cache?: MimeBundle;
  constructor(bundle: () => MimeBundle) {
    this.#bundle = bundle;
  }
  /** The MIME bundle (computed once). */
  get bundle(): MimeBundle {
    return this.#cache ??= this.#bundle();
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle;
  }
  /** The plain-text form. */
  toString(): string {
    return this.bundle["text/plain"] ?? "";
  }
}

/** Options of {@linkcode chart}. */
export interface ChartDisplayOptions {
  /** Include a PNG fallback (default true): exports and frontends without SVG use it. */
  png?: boolean;
  /** Plain-text alternative (default: the SVG's `<title>`, else "chart"). */
  alt?: string;
}

/** A chart (an SVG string) as a displayable: `image/svg+xml`, `image/png`, `text/plain`. */
export function chart(svg: string, options: ChartDisplayOptions = {}): Displayable & {
  bundle: MimeBundle;
} {
  if (typeof svg !== "string" || !svg.trimStart().startsWith("<svg")) {
    throw new Error(
      "chart: expected an SVG string starting with <svg (e.g. from lib/present/charts.ts)",
    );
  }
  const title = svg.match(/<title>([^<]*)<\/title>/)?.[1];
  const alt = options.alt ?? (title ? unescapeXml(title) : "chart");
  return new Display(() => {
    const bundle: MimeBundle = {
      "image/svg+xml": responsiveSvg(svg),
      "text/plain": `[chart] ${alt}`,
    };
    if (options.png ?? true) bundle["image/png"] = base64(svgToPng(svg));
    return bundle;
  });
}

/**
 * The SVG sized to its container: JupyterLab, VS Code and the HTML exports draw an SVG output
 * as an `<img>` with no `max-width`, so a chart with a fixed `width` is cut off in a narrow
 * notebook. With `width="100%"` and its `viewBox` kept, the image takes the output area's width
 * and keeps its aspect ratio. SVGs without a `viewBox` are left as they are.
 */
export function responsiveSvg(svg: string): string {
  const root = svg.match(/<svg\b[^>]*>/)?.[0];
  if (!root || !/\bviewBox="/.test(root)) return svg;
  const sized = root.replace(/\s(width|height)="[^"]*"/g, "").replace(
    /^<svg\b/,
    '<svg width="100%"',
  );
  return svg.replace(root, sized);
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos);/g,
    (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e]!,
  );
}

/** Markdown as a displayable (`text/markdown`, with the same text as plain text). */
export function markdown(text: string): Displayable & { bundle: MimeBundle } {
  if (typeof text !== "string") throw new Error("markdown: expected a string");
  return new Display(() => ({ "text/markdown": text, "text/plain": text }));
}

/** One column of a {@linkcode table}. */
export interface Column<Row> {
  /** The row field. */
  key: keyof Row & string;
  /** The header (default: the key). */
  label?: string;
  /** Formats a value (default: numbers with up to 3 decimals, others as text). */
  format?: (value: Row[keyof Row], row: Row) => string;
  /** Alignment (default: right for numbers, else left). */
  align?: "left" | "right";
}

/** A table's three renderings. */
export interface TableDisplay extends Displayable {
  /** The MIME bundle: `text/html`, `text/markdown`, `text/plain`. */
  bundle: MimeBundle;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Rows as a table: HTML for notebooks, Markdown for exports and reports, aligned plain
 * text for terminals. `columns` picks and orders fields (default: the first row's keys).
 */
export function table<Row extends Record<string, unknown>>(
  rows: readonly Row[],
  columns?: readonly ((keyof Row & string) | Column<Row>)[],
): TableDisplay {
  if (!Array.isArray(rows)) throw new Error("table: rows must be an array of objects");
  const cols: Column<Row>[] = (columns ?? (rows[0] ? Object.keys(rows[0]) : []))
    .map((c) => typeof c === "string" ? { key: c } as Column<Row> : c);
  if (cols.length === 0) {
    throw new Error("table: no columns (give rows with fields, or the columns argument)");
  }
  const headers = cols.map((c) => c.label ?? c.key);
  const cells = rows.map((row) =>
    cols.map((c) => c.format ? c.format(row[c.key], row) : formatCell(row[c.key]))
  );
  const align = cols.map((c) =>
    c.align ??
      (rows.length && rows.every((r) => typeof r[c.key] === "number" || r[c.key] == null) &&
          rows.some((r) => typeof r[c.key] === "number")
        ? "right"
        : "left")
  );
  return new Display(() => ({
    "text/html": tableHtml(headers, cells, align),
    "text/markdown": tableMarkdown(headers, cells, align),
    "text/plain": tableText(headers, cells, align),
  })) as TableDisplay;
}

function tableHtml(headers: string[], cells: string[][], align: string[]): string {
  const style = (i: number) => ` style="text-align:${align[i]}"`;
  const head = headers.map((h, i) => `<th${style(i)}>${escapeHtml(h)}</th>`).join("");
  const body = cells.map((row) =>
    `<tr>${row.map((c, i) => `<td${style(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`
  ).join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function tableMarkdown(headers: string[], cells: string[][], align: string[]): string {
  const esc = (s: string) =>
    s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");
  const line = (row: string[]) => `| ${row.map(esc).join(" | ")} |`;
  const rule = `|${align.map((a) => a === "right" ? " ---: " : " --- ").join("|")}|`;
  return [line(headers), rule, ...cells.map(line)].join("\n");
}

function tableText(headers: string[], cells: string[][], align: string[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const pad = (s: string, i: number) =>
    align[i] === "right" ? s.padStart(widths[i]) : s.padEnd(widths[i]);
  const line = (row: string[]) => row.map(pad).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join(
    "\n",
  );
}

/**
 * Shows a value: inside the kernel through `Deno.jupyter.display` (the kernel picks the
 * richest MIME type), outside it prints the plain text to stdout. Inside the kernel it resolves
 * once the kernel has really sent the output (see `kernel_settle.ts`), so a cell ending with
 * `await show(...)` keeps all its outputs under itself when JupyterLab runs all cells.
 */
export async function show(value: Displayable | string): Promise<void> {
  const api = jupyter();
  const bundle = typeof value === "string" ? { "text/plain": value } : value[JUPYTER_DISPLAY]();
  const metadata = typeof value === "string" ? undefined : value.displayMetadata;
  if (api) {
    if (metadata) {
      await api.broadcast("display_data", { data: bundle, metadata, transient: {} });
    } else {
      await api.display(bundle, { raw: true });
    }
    await settle(api);
  } else {
    console.log(bundle["text/plain"] ?? "");
  }
}

/**
 * Prints lines like `console.log` and, inside the kernel, resolves once the kernel has sent
 * them (and everything the cell output before): end a cell with `await print(...)` rather than
 * `console.log(...)` so Run All keeps the lines under their cell.
 */
export async function print(...values: unknown[]): Promise<void> {
  console.log(...values);
  await settle(jupyter());
}

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

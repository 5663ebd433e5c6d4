/**
 * Rows as a table in three renderings: HTML for notebooks, Markdown for exports and reports,
 * aligned plain text for terminals.
 *
 * @example
 * ```ts
 * import { table } from "@lab/present/display/table.ts";
 * const t = table([{ broker: 0, mbps: 7.2 }, { broker: 1, mbps: 1.5 }]);
 * if (!t.bundle["text/markdown"].startsWith("| broker | mbps |")) throw new Error("markdown");
 * ```
 *
 * @module
 */

import { display, type Displayable, escapeHtml, type MimeBundle } from "./mime.ts";

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
  return display(() => ({
    "text/html": tableHtml(headers, cells, align),
    "text/markdown": tableMarkdown(headers, cells, align),
    "text/plain": tableText(headers, cells, align),
  }));
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

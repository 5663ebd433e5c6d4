/**
 * Type-checks notebooks: each notebook's code cells, in order, become one TypeScript module
 * (top-level `await` is fine) in a temporary directory, checked with `deno check` against the
 * project's `deno.json` (so `@lab/...` imports resolve), and every diagnostic is mapped back
 * to the notebook, cell and line it came from.
 *
 * Relative imports (`./x.ts`, `../lib/x.ts`) are rewritten to absolute `file://` URLs resolved
 * from the notebook's directory, as the kernel (started in that directory) resolves them.
 *
 * @module
 */

import { cellSource, readNotebook } from "./ipynb.ts";
import { runCommand } from "../core/command.ts";

/** Where a line of an extracted module came from. */
export interface SourcePosition {
  /** The notebook path as given. */
  notebook: string;
  /** Cell index in the notebook (0-based, counting every cell). */
  cell: number;
  /** Line within the cell (1-based). */
  line: number;
}

/** One notebook turned into a module. */
export interface ExtractedNotebook {
  /** The notebook path as given. */
  notebook: string;
  /** The module's text. */
  code: string;
  /** For line n of the module (1-based), `lines[n - 1]`: its origin, or null (glue lines). */
  lines: (SourcePosition | null)[];
}

const RELATIVE_IMPORT =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bexport\s*\*\s*from\s*)(["'])(\.\.?\/[^"']+)\2/g;

/** Rewrites relative import specifiers to absolute URLs from `base` (line count unchanged). */
export function absolutizeImports(code: string, base: URL): string {
  return code.replace(
    RELATIVE_IMPORT,
    (_, lead: string, quote: string, spec: string) =>
      `${lead}${quote}${new URL(spec, base).href}${quote}`,
  );
}

/** Turns a notebook's code cells into one module with a line map. */
export async function extractNotebook(path: string): Promise<ExtractedNotebook> {
  const nb = await readNotebook(path);
  const base = new URL(`file://${await Deno.realPath(path)}`);
  const out: string[] = [`// Code cells of ${path}, extracted for type checking.`];
  const lines: (SourcePosition | null)[] = [null];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const source = cellSource(cell);
    if (!source.trim()) return;
    // The leading ";" keeps a cell from continuing the previous cell's last expression.
    out.push(`; // ---- cell ${index + 1} (index ${index}) ----`);
    lines.push(null);
    absolutizeImports(source, base).split(/\r?\n/).forEach((line, i) => {
      out.push(line);
      lines.push({ notebook: path, cell: index, line: i + 1 });
    });
  });
  out.push("export {};");
  lines.push(null);
  return { notebook: path, code: out.join("\n") + "\n", lines };
}

/** A type error found in a notebook. */
export interface NotebookDiagnostic {
  /** Where, when it could be mapped to a cell. */
  position?: SourcePosition;
  /** The diagnostic as `deno check` printed it, with locations rewritten. */
  message: string;
}

/** What {@linkcode checkNotebooks} found. */
export interface CheckResult {
  /** True when `deno check` passed. */
  ok: boolean;
  /** The notebooks checked. */
  checked: string[];
  /** Errors mapped to notebooks and cells. */
  diagnostics: NotebookDiagnostic[];
  /** The whole `deno check` output, with locations rewritten. */
  output: string;
}

/** Options of {@linkcode checkNotebooks}. */
export interface CheckOptions {
  /** The project's deno.json (default: the one beside `lib/`). */
  config?: string;
  /** The deno binary (default: this one). */
  deno?: string;
}

/** Rewrites `file:///tmp/x/03-name.ts:12:5` locations in deno's output to notebook + cell. */
function mapOutput(
  output: string,
  files: Map<string, ExtractedNotebook>,
): { text: string; positions: (SourcePosition | undefined)[] } {
  const positions: (SourcePosition | undefined)[] = [];
  const text = output.replace(
    /(file:\/\/\S+?\.ts):(\d+):(\d+)/g,
    (match, url: string, line: string, column: string) => {
      const extracted = files.get(url);
      if (!extracted) return match;
      const pos = extracted.lines[Number(line) - 1];
      if (!pos) return `${extracted.notebook} (glue line ${line})`;
      positions.push(pos);
      return `${pos.notebook} cell ${pos.cell + 1} (index ${pos.cell}) line ${pos.line}:${column}`;
    },
  );
  return { text, positions };
}

/**
 * Type-checks the code cells of these notebooks with `deno check`; errors name the notebook,
 * the cell (1-based, and its 0-based index) and the line in the cell.
 */
export async function checkNotebooks(
  paths: string[],
  options: CheckOptions = {},
): Promise<CheckResult> {
  if (paths.length === 0) return { ok: true, checked: [], diagnostics: [], output: "" };
  const config = options.config ?? new URL("../../deno.json", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "lab-notebook-check-" });
  try {
    const files = new Map<string, ExtractedNotebook>();
    const targets: string[] = [];
    for (const [i, path] of paths.entries()) {
      const extracted = await extractNotebook(path);
      const name = path.split("/").at(-1)!.replace(/\.ipynb$/, "").replace(/[^\w.-]/g, "_");
      const target = `${dir}/${String(i).padStart(2, "0")}-${name}.ts`;
      await Deno.writeTextFile(target, extracted.code);
      files.set(new URL(`file://${target}`).href, extracted);
      targets.push(target);
    }
    const result = await runCommand(
      [options.deno ?? Deno.execPath(), "check", "--quiet", "--config", config, ...targets],
      { env: { NO_COLOR: "1" } },
    );
    const raw = result.stdout + result.stderr;
    const { text } = mapOutput(raw, files);
    const diagnostics: NotebookDiagnostic[] = [];
    // deno prints each diagnostic as a block that starts with "TSxxxx [ERROR]:".
    for (const block of raw.split(/\n(?=TS\d+ \[ERROR\])/)) {
      if (!/^TS\d+ \[ERROR\]/.test(block.trim())) continue;
      const mapped = mapOutput(block.trim(), files);
      diagnostics.push({ position: mapped.positions[0], message: mapped.text });
    }
    return { ok: result.success, checked: [...paths], diagnostics, output: text.trim() };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

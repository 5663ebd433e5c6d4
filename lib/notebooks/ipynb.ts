/**
 * The Jupyter notebook format (nbformat 4.5), as much of it as the lab reads and writes:
 * types, builders for Deno notebooks, and a checked reader.
 *
 * @module
 */

/** One cell of a notebook. `source` is a string or the lines of one. */
export interface Cell {
  /** Code, Markdown or raw. */
  cell_type: "code" | "markdown" | "raw";
  /** A stable id (required from nbformat 4.5). */
  id?: string;
  /** The cell's text. */
  source: string | string[];
  /** Cell metadata. */
  metadata: Record<string, unknown>;
  /** Outputs of a code cell. */
  outputs?: Record<string, unknown>[];
  /** Execution count of a code cell. */
  execution_count?: number | null;
}

/** A notebook. */
export interface Notebook {
  /** Its cells in order. */
  cells: Cell[];
  /** Notebook metadata (kernelspec, language_info...). */
  metadata: Record<string, unknown>;
  /** Always 4. */
  nbformat: number;
  /** 5 for cell ids. */
  nbformat_minor: number;
}

/** The kernelspec the lab's notebooks declare: Deno's default one (`deno task kernel`). */
export const DENO_KERNELSPEC = {
  name: "deno",
  display_name: "Deno",
  language: "typescript",
} as const;

/** A code cell. */
export function codeCell(source: string, id?: string): Cell {
  return {
    cell_type: "code",
    ...(id ? { id } : {}),
    source,
    metadata: {},
    outputs: [],
    execution_count: null,
  };
}

/** A Markdown cell. */
export function markdownCell(source: string, id?: string): Cell {
  return { cell_type: "markdown", ...(id ? { id } : {}), source, metadata: {} };
}

/** A Deno notebook of these cells; cells without an id get `cell-<n>`. */
export function notebook(cells: Cell[]): Notebook {
  return {
    cells: cells.map((cell, i) => ({ ...cell, id: cell.id ?? `cell-${i}` })),
    metadata: {
      kernelspec: { ...DENO_KERNELSPEC },
      language_info: {
        name: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** A cell's source as one string. */
export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Parses notebook JSON; throws naming `where` when it is not a notebook. */
export function parseNotebook(text: string, where: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not JSON, so not a notebook (${(err as Error).message})`);
  }
  const nb = value as Partial<Notebook>;
  if (
    typeof value !== "object" || value === null || !Array.isArray(nb.cells) ||
    typeof nb.nbformat !== "number"
  ) {
    throw new Error(`${where}: not a Jupyter notebook (no "cells" array or "nbformat" number)`);
  }
  if (nb.nbformat !== 4) {
    throw new Error(`${where}: nbformat ${nb.nbformat} is not supported; save it as nbformat 4`);
  }
  return { metadata: {}, nbformat_minor: 0, ...nb } as Notebook;
}

/** Reads and parses a notebook file. */
export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebook(await Deno.readTextFile(path), path);
}

/**
 * Builds the walkthrough notebooks, `notebooks/00-overview.ipynb` to `07-cleanup.ipynb`, from
 * their literate sources `lib/notebooks/walkthrough/*.md`: each ```` ```ts ```` block becomes a
 * code cell and the text between blocks a Markdown cell. The sources are ordinary Markdown, easy
 * to review and kept `deno fmt`-clean with the rest of `lib/`; the notebooks are reproducible:
 * same sources, same bytes, no outputs (the executed copies go to `results/notebooks/`).
 *
 * `deno task notebooks:build` (`lib/cli/notebooks_build.ts`) writes them; with `--check` it
 * exits 1 when a notebook differs from its source.
 *
 * Every cell's source ends with a newline: `deno fmt --check` wants one at the end of each
 * cell of a notebook.
 *
 * @module
 */

import { type Cell, codeCell, markdownCell, type Notebook, notebook } from "./ipynb.ts";

/** Where the sources are. */
export const SOURCES_DIR: string = decodeURIComponent(
  new URL("./walkthrough/", import.meta.url).pathname,
).replace(/\/$/, "");

/** Where the notebooks go. */
export const NOTEBOOKS_DIR: string = decodeURIComponent(
  new URL("../../notebooks/", import.meta.url).pathname,
).replace(/\/$/, "");

/** The walkthrough's notebooks, in reading order (one per source `*.md`). */
export const WALKTHROUGH: readonly string[] = [
  "00-overview",
  "01-setup",
  "02-imbalance",
  "03-measure-before",
  "04-watch-balancer",
  "05-measure-after",
  "06-screenshots",
  "07-cleanup",
];

/** The other notebook sets built the same way: the scenario notebook, in `notebooks/scenarios/`. */
export const NOTEBOOK_SETS: ReadonlyArray<{ sourcesDir: string; outDir: string }> = [
  { sourcesDir: SOURCES_DIR, outDir: NOTEBOOKS_DIR },
  {
    sourcesDir: decodeURIComponent(new URL("./scenarios", import.meta.url).pathname),
    outDir: `${NOTEBOOKS_DIR}/scenarios`,
  },
];

const CODE_FENCE = /^```(ts|typescript)\s*$/;
const ANY_FENCE = /^(```+|~~~+)/;

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === "") start++;
  while (end > start && lines[end - 1].trim() === "") end--;
  return lines.slice(start, end);
}

/**
 * Splits a literate source into cells: ```` ```ts ```` blocks are code cells, the text between
 * them Markdown cells (other fenced blocks, such as ```` ```sh ````, stay in the Markdown).
 * `where` names the source in errors.
 */
export function cellsFromMarkdown(text: string, where = "source"): Cell[] {
  const cells: Cell[] = [];
  let prose: string[] = [];
  let code: string[] | undefined;
  let codeStart = 0;
  let otherFence: string | undefined;
  const flushProse = () => {
    const lines = trimBlankLines(prose);
    if (lines.length > 0) cells.push(markdownCell(withNewline(lines.join("\n"))));
    prose = [];
  };
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  lines.forEach((line, i) => {
    if (code) {
      if (/^```\s*$/.test(line)) {
        const body = trimBlankLines(code);
        if (body.length === 0) throw new Error(`${where}:${codeStart}: empty ts block`);
        cells.push(codeCell(withNewline(body.join("\n"))));
        code = undefined;
      } else code.push(line);
      return;
    }
    if (otherFence) {
      prose.push(line);
      if (line.startsWith(otherFence) && line.trim() === otherFence) otherFence = undefined;
      return;
    }
    if (CODE_FENCE.test(line)) {
      flushProse();
      code = [];
      codeStart = i + 1;
      return;
    }
    const fence = ANY_FENCE.exec(line);
    if (fence) otherFence = fence[1];
    prose.push(line);
  });
  if (code) throw new Error(`${where}:${codeStart}: the ts block is not closed with \`\`\``);
  if (otherFence) throw new Error(`${where}: a ${otherFence} block is not closed`);
  flushProse();
  return cells;
}

/** A literate source as a Deno notebook (kernelspec `deno`, no outputs). */
export function notebookFromMarkdown(text: string, where = "source"): Notebook {
  const cells = cellsFromMarkdown(text, where);
  if (!cells.some((c) => c.cell_type === "markdown")) {
    throw new Error(`${where}: a walkthrough notebook needs prose, not only code`);
  }
  return notebook(cells);
}

/** A notebook as Jupyter writes it: JSON indented by one space, a newline at the end. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

/** The sources, sorted by name: `[name without .md, path]`. */
export async function listSources(dir: string = SOURCES_DIR): Promise<Array<[string, string]>> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    throw new Error(`No walkthrough sources: ${dir} cannot be read.`);
  }
  const sources = entries.filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e): [string, string] => [e.name.slice(0, -3), `${dir}/${e.name}`])
    .sort(([a], [b]) => a.localeCompare(b));
  if (sources.length === 0) throw new Error(`No walkthrough sources (*.md) in ${dir}.`);
  return sources;
}

/** The notebooks the sources give: `notebook file name → text`. */
export async function renderWalkthrough(
  sourcesDir: string = SOURCES_DIR,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, path] of await listSources(sourcesDir)) {
    out.set(
      `${name}.ipynb`,
      serializeNotebook(notebookFromMarkdown(await Deno.readTextFile(path), path)),
    );
  }
  return out;
}

/** Writes the notebooks into `outDir`; returns the paths written. */
export async function buildWalkthrough(
  options: { sourcesDir?: string; outDir?: string } = {},
): Promise<string[]> {
  const outDir = options.outDir ?? NOTEBOOKS_DIR;
  await Deno.mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of await renderWalkthrough(options.sourcesDir)) {
    const path = `${outDir}/${name}`;
    await Deno.writeTextFile(path, text);
    written.push(path);
  }
  return written;
}

/** What {@linkcode checkWalkthrough} found. */
export interface WalkthroughCheck {
  /** True when every notebook matches its source. */
  ok: boolean;
  /** Notebooks that differ from what their source gives. */
  stale: string[];
  /** Notebooks a source gives that are not in the directory. */
  missing: string[];
}

/** Compares `outDir`'s notebooks with what the sources give (other notebooks are ignored). */
export async function checkWalkthrough(
  options: { sourcesDir?: string; outDir?: string } = {},
): Promise<WalkthroughCheck> {
  const outDir = options.outDir ?? NOTEBOOKS_DIR;
  const stale: string[] = [];
  const missing: string[] = [];
  for (const [name, text] of await renderWalkthrough(options.sourcesDir)) {
    let current: string;
    try {
      current = await Deno.readTextFile(`${outDir}/${name}`);
    } catch {
      // Not built yet: reported as missing.
      missing.push(name);
      continue;
    }
    if (current !== text) stale.push(name);
  }
  return { ok: stale.length === 0 && missing.length === 0, stale, missing };
}

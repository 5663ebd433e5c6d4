/**
 * The stress notebook: many cells, each ending in a value, a display and a log line, so a run
 * can count exactly which outputs arrived. Used by the runner's test and
 * `deno task bench:notebooks` to show that no output is lost when Deno's kernel reports a
 * cell idle before its last outputs.
 *
 * `deno run -A testing/stress_notebook.ts [cells]` rewrites `lib/notebooks/testdata/stress.ipynb`.
 *
 * @module
 */

import { codeCell, type Notebook, notebook } from "./ipynb.ts";

/** The kinds of output every stress cell sends. */
export type StressKind = "log" | "display" | "value";

/** The source of stress cell `i`; the order of its three outputs varies with `i`. */
export function stressCellSource(i: number): string {
  const log = `console.log("stress log ${i}");`;
  const display =
    `await Deno.jupyter.display({ "text/plain": "stress display ${i}" }, { raw: true });`;
  const value = `"stress value ${i}";`;
  const lines = i % 2 === 0 ? [log, display, value] : [display, log, value];
  return [`// stress cell ${i}`, ...lines].join("\n");
}

/** A notebook of `cells` stress cells. */
export function stressNotebook(cells = 40): Notebook {
  if (!Number.isInteger(cells) || cells < 1) {
    throw new Error(`stressNotebook: cells must be a positive integer, got ${cells}`);
  }
  return notebook(Array.from({ length: cells }, (_, i) => codeCell(stressCellSource(i))));
}

/** What a run of the stress notebook received, by kind. */
export interface StressCount {
  /** Outputs the notebook should have: 3 per stress cell. */
  expected: number;
  /** Outputs found. */
  received: number;
  /** Missing outputs as `cell:kind`, e.g. `12:log`. */
  missing: string[];
}

/** Text of one output's `text/plain` or stream text. */
function outputText(output: Record<string, unknown>): string {
  if (output.output_type === "stream") return joinText(output.text);
  const data = output.data as Record<string, unknown> | undefined;
  return data ? joinText(data["text/plain"]) : "";
}

function joinText(text: unknown): string {
  if (Array.isArray(text)) return text.join("");
  return typeof text === "string" ? text : "";
}

/** Counts the stress outputs in an executed notebook (parsed .ipynb JSON). */
export function countStressOutputs(executed: Notebook): StressCount {
  const missing: string[] = [];
  let expected = 0;
  for (const cell of executed.cells) {
    if (cell.cell_type !== "code") continue;
    const source = joinText(cell.source);
    const match = source.match(/^\/\/ stress cell (\d+)/);
    if (!match) continue;
    const i = match[1];
    const outputs = (cell.outputs ?? []) as Record<string, unknown>[];
    const has = (type: string, text: string) =>
      outputs.some((o) =>
        o.output_type === type && outputText(o).includes(text) &&
        (type !== "stream" || o.name === "stdout")
      );
    const checks: [StressKind, boolean][] = [
      ["log", has("stream", `stress log ${i}\n`)],
      ["display", has("display_data", `stress display ${i}`)],
      ["value", has("execute_result", `stress value ${i}`)],
    ];
    for (const [kind, ok] of checks) {
      expected++;
      if (!ok) missing.push(`${i}:${kind}`);
    }
  }
  return { expected, received: expected - missing.length, missing };
}

/**
 * The README's "Settings" table, generated from the settings table (`settings.ts`), and a
 * reader of the README's copy so a test can tell when the two disagree.
 *
 * Regenerate the README's table: `deno task settings:readme` (`lib/cli/settings_readme.ts`
 * rewrites the table under "## Settings" in README.md and formats the file).
 *
 * @module
 */

import type { NumberRange } from "./parse.ts";
import { type Setting, SETTINGS } from "./settings.ts";

/** The columns of the README's settings table. */
export const SETTINGS_COLUMNS = ["variable", "default", "allowed", "meaning"] as const;

/** The README's heading above the table. */
const HEADING = "## Settings";

/** Variable names in running text, put in code spans. */
const VARIABLE = /\b(?:LAB|JAVA|KAFKA|PROMETHEUS|XDG)_[A-Z_]+\b/g;
/** Variable names, and paths starting with `~` or `$`, in a default's words. */
const DEFAULT_WORD = /[~$][^\s,]*|\b(?:LAB|JAVA|KAFKA|PROMETHEUS|XDG)_[A-Z_]+\b/g;

function code(word: string): string {
  return `\`${word}\``;
}

function rangeText(range: NumberRange): string {
  const bounds = [
    range.min === undefined ? undefined : `${range.exclusiveMin ? ">" : "≥"} ${range.min}`,
    range.max === undefined ? undefined : `≤ ${range.max}`,
  ].filter((b) => b !== undefined);
  return `${range.integer ? "whole number" : "number"}${bounds.length ? " " : ""}${
    bounds.join(", ")
  }`;
}

/** What a setting takes, in words: its range, its words, or what kind of text. */
function allowedText(s: Setting): string {
  const words = s.allowed?.map(code).join(", ");
  if (s.range) return words ? `${rangeText(s.range)}, or ${words}` : rangeText(s.range);
  if (s.list) return words ? `comma-separated: ${words}` : "comma-separated list";
  return words ?? "text";
}

/** One setting as the README's table row: variable, default, allowed values, meaning. */
export function settingCells(s: Setting): string[] {
  const fallback = s.default !== undefined
    ? code(s.default)
    : s.defaultText?.replace(DEFAULT_WORD, (v) => code(v)) ?? "—";
  return [code(s.name), fallback, allowedText(s), s.meaning.replace(VARIABLE, (v) => code(v))];
}

/** The README's settings table, as Markdown (unpadded; `deno fmt` aligns it). */
export function settingsMarkdown(settings: readonly Setting[] = SETTINGS): string {
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    row(SETTINGS_COLUMNS),
    row(SETTINGS_COLUMNS.map(() => "---")),
    ...settings.map((s) => row(settingCells(s))),
  ].join("\n");
}

/** Where the table under "## Settings" sits in the README's lines: [first, end). */
function tableLines(lines: string[]): [number, number] {
  const heading = lines.indexOf(HEADING);
  if (heading === -1) throw new Error(`README.md has no "${HEADING}" section.`);
  const first = lines.findIndex((l, i) => i > heading && l.startsWith("|"));
  if (first === -1) throw new Error(`README.md's "${HEADING}" section has no table.`);
  let end = first;
  while (end < lines.length && lines[end].startsWith("|")) end++;
  return [first, end];
}

/** The rows of the README's settings table (header and rule left out), as trimmed cells. */
export function readmeSettingsRows(readme: string): string[][] {
  const lines = readme.split("\n");
  const [first, end] = tableLines(lines);
  return lines.slice(first + 2, end).map((l) =>
    l.replace(/^\|/, "").replace(/\|$/, "").split(" | ").map((c) => c.trim())
  );
}

/** Rewrites the README's settings table from the settings table, then formats the file. */
export async function updateReadmeSettings(path: string): Promise<void> {
  const lines = (await Deno.readTextFile(path)).split("\n");
  const [first, end] = tableLines(lines);
  lines.splice(first, end - first, settingsMarkdown());
  await Deno.writeTextFile(path, lines.join("\n"));
  const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path] }).output();
  if (!fmt.success) {
    throw new Error(`deno fmt ${path} failed: ${new TextDecoder().decode(fmt.stderr)}`);
  }
}

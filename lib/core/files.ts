/**
 * Walking a directory tree: every file below a directory, with its path relative to
 * the top, read with `readdir(dir, { recursive: true })` from "node:fs/promises".
 * The one directory walker of the lab. An unreadable or missing directory yields
 * nothing.
 *
 * @module
 */

import { readdir } from "node:fs/promises";

/** A file found by {@linkcode walkFiles}. */
export interface FoundFile {
  /** Its full path. */
  path: string;
  /** Its path relative to the walked directory, with `/` separators. */
  relative: string;
  /** Its name. */
  name: string;
}

/** Options of {@linkcode walkFiles}. */
export interface WalkOptions {
  /** Directory names not to look into (e.g. "node_modules"). */
  skipDirs?: string[];
}

/**
 * Yields every regular file under `dir` (recursively), sorted by relative path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkFiles } from "./files.ts";
 * const here = new URL(".", import.meta.url).pathname;
 * const names = (await Array.fromAsync(walkFiles(here))).map((f) => f.relative);
 * assert.ok(names.includes("files.ts"));
 * ```
 */
export async function* walkFiles(
  dir: string,
  options: WalkOptions = {},
): AsyncGenerator<FoundFile> {
  const top = dir.replace(/\/+$/, "") || "/";
  let entries;
  try {
    entries = await readdir(top, { recursive: true, withFileTypes: true });
  } catch {
    // A directory that is not there holds no files.
    return;
  }
  const skip = new Set(options.skipDirs ?? []);
  const found: FoundFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = `${entry.parentPath}/${entry.name}`;
    const relative = path.slice(top.length + 1);
    if (relative.split("/").slice(0, -1).some((part) => skip.has(part))) continue;
    found.push({ path, relative, name: entry.name });
  }
  yield* found.sort((a, b) => a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0);
}

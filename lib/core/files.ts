/**
 * Walking a directory tree: every file below a directory, depth first, with its
 * path relative to the top. An unreadable or missing directory yields nothing.
 *
 * @module
 */

/** A file found by {@linkcode walkFiles}. */
export interface FoundFile {
  /** Its full path. */
  path: string;
  /** Its path relative to the walked directory, with `/` separators. */
  relative: string;
  /** Its name. */
  name: string;
}

/** Yields every regular file under `dir` (recursively). */
export async function* walkFiles(dir: string, prefix = ""): AsyncGenerator<FoundFile> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) yield* walkFiles(path, relative);
    else if (entry.isFile) yield { path, relative, name: entry.name };
  }
}

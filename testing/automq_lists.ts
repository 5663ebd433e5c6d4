/**
 * The lists the static AutoMQ checks (`lib/env/automq/compose_static_test.ts`) compare the
 * compose file's `--override` keys and the dashboard's metric names with: every configuration
 * key and every exported metric name of AutoMQ 1.6, taken from its source by our team and kept
 * in the team's shared folder beside the project root (`../shared/`). A clone has no such
 * folder, so the repository carries its own copy (`lib/env/automq/testdata/`) and the checks
 * fail when that copy is missing. `deno task automq:lists` refreshes the copy from `../shared/`
 * when it is there, and says so when it is not.
 *
 * @module
 */

/** The lists, by file name (the same name in `../shared/` and in the copy). */
export const AUTOMQ_LISTS = [
  "automq-1.6-config-keys.txt",
  "automq-1.6-metric-names.txt",
] as const;

/** One of {@linkcode AUTOMQ_LISTS}. */
export type AutomqList = typeof AUTOMQ_LISTS[number];

/** The repository's copy of the lists. */
export const LISTS_DIR: URL = new URL("../lib/env/automq/testdata/", import.meta.url);

/** The team's shared folder, beside the project root. */
export const SHARED_DIR: URL = new URL("../../shared/", import.meta.url);

/**
 * The entries of a list: one a line, blank lines and surrounding spaces left out.
 *
 * @example
 * ```ts
 * import { parseList } from "./automq_lists.ts";
 * const list = parseList("a.b\n\n  c.d \n");
 * if (list.size !== 2 || !list.has("c.d")) throw new Error([...list].join());
 * ```
 */
export function parseList(text: string): Set<string> {
  return new Set(text.split("\n").map((l) => l.trim()).filter((l) => l !== ""));
}

/**
 * A list from the repository's copy; throws, naming the file and the task that
 * restores it, when the copy is missing or empty.
 *
 * @example
 * ```ts
 * import { readAutomqList } from "./automq_lists.ts";
 * const metrics = await readAutomqList("automq-1.6-metric-names.txt");
 * if (!metrics.has("kafka_network_io_bytes_total")) throw new Error("no bytes-in metric");
 * ```
 */
export async function readAutomqList(name: AutomqList, dir: URL = LISTS_DIR): Promise<Set<string>> {
  const file = new URL(name, dir);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `${file.pathname} is missing: the static AutoMQ checks need it. Restore it from git, ` +
        "or run `deno task automq:lists` where the team's ../shared/ folder is beside the project.",
    );
  }
  const list = parseList(text);
  if (list.size === 0) {
    throw new Error(`${file.pathname} is empty; run \`deno task automq:lists\` to copy it again.`);
  }
  return list;
}

/**
 * Whether `dir` exists and is a folder.
 *
 * @example
 * ```ts
 * import { folderExists } from "./automq_lists.ts";
 * if (await folderExists(new URL("file:///no/such/folder/"))) throw new Error("found nothing");
 * ```
 */
export async function folderExists(dir: URL): Promise<boolean> {
  try {
    return (await Deno.stat(dir)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Copies every list, byte for byte, from `from` (default `../shared/`) into `to` (default
 * the repository's copy); returns one line per list saying whether it changed. Throws,
 * saying so, when `from` or a list in it is missing; `to` is then left as it was.
 *
 * @example
 * ```ts
 * import { AUTOMQ_LISTS, copyAutomqLists } from "./automq_lists.ts";
 * const from = await Deno.makeTempDir();
 * const to = await Deno.makeTempDir();
 * for (const name of AUTOMQ_LISTS) await Deno.writeTextFile(`${from}/${name}`, "x\n");
 * const lines = await copyAutomqLists(new URL(`file://${from}/`), new URL(`file://${to}/`));
 * if (!lines.every((l) => l.includes("copied"))) throw new Error(lines.join("\n"));
 * await Deno.remove(from, { recursive: true });
 * await Deno.remove(to, { recursive: true });
 * ```
 */
export async function copyAutomqLists(
  from: URL = SHARED_DIR,
  to: URL = LISTS_DIR,
): Promise<string[]> {
  if (!(await folderExists(from))) {
    throw new Error(
      `${from.pathname} is not there, so the lists were not copied; the repository's copy in ` +
        `${to.pathname} stays as it is. Run this beside the team's shared folder.`,
    );
  }
  const contents = await Promise.all(AUTOMQ_LISTS.map(async (name) => {
    try {
      return await Deno.readFile(new URL(name, from));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new Error(`${new URL(name, from).pathname} is missing; nothing was copied.`);
    }
  }));
  await Deno.mkdir(to, { recursive: true });
  const lines: string[] = [];
  for (const [i, name] of AUTOMQ_LISTS.entries()) {
    const target = new URL(name, to);
    // A missing list is simply not "the same": it is written below.
    const before = await Deno.readFile(target).catch(() => undefined);
    const same = before !== undefined && before.length === contents[i].length &&
      before.every((b, j) => b === contents[i][j]);
    await Deno.writeFile(target, contents[i]);
    const entries = parseList(new TextDecoder().decode(contents[i])).size;
    lines.push(
      `${name}: ${same ? "unchanged" : "copied"} (${entries} entries) into ${to.pathname}`,
    );
  }
  return lines;
}

if (import.meta.main) {
  try {
    for (const line of await copyAutomqLists()) console.log(line);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}

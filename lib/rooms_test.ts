/**
 * The rooms of `lib/` and the one direction imports go: a module may import from its own
 * room and from rooms below it, never from a room above. The order, lowest first, is
 * written once, here, and drawn in the README's data-path picture.
 *
 * Imports are read from the source text: static and dynamic `import`s, `export ... from`,
 * and `new URL("...", import.meta.url)` naming a `.ts` file (a script the module starts
 * counts as a dependency). JSDoc `@example` blocks are left out: an example may use
 * anything; so are tests (`*_test.ts`), which sit above every room and may use the
 * harness in `testing/`. No product module reaches into `testing/`.
 *
 * And modules stay small: at most 500 lines and 15 exported
 * names each.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The rooms, lowest first. */
export const ROOMS = [
  "core",
  "config",
  "cluster",
  "balancer",
  "env",
  "present",
  "lab",
  "cells",
  "notebooks",
  "cli",
] as const;

const LIB = dirname(fileURLToPath(import.meta.url));

/** Every `.ts` file under `dir`, as paths relative to `lib/`. */
function sources(dir = LIB): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts"))
    .map((f) => relative(LIB, join(dir, f)).split(sep).join("/"));
}

/** The source with JSDoc comments removed (examples may import anything). */
function withoutComments(text: string): string {
  return text.replace(/\/\*\*[\s\S]*?\*\//g, "");
}

const SPECIFIER = new RegExp(
  [
    String.raw`(?:import|export)\s[^"';]*?from\s*"(\.{1,2}/[^"]+)"`,
    String.raw`import\s*\(\s*"(\.{1,2}/[^"]+)"`,
    String.raw`import\s*"(\.{1,2}/[^"]+)"`,
    String.raw`new URL\(\s*"(\.{1,2}/[^"]+\.ts)"\s*,\s*import\.meta\.url`,
  ].join("|"),
  "g",
);

/** The relative modules a file depends on, as paths relative to `lib/` (or `../x`). */
export function dependencies(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of withoutComments(text).matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    out.push(relative(LIB, resolve(LIB, dirname(file), spec)).split(sep).join("/"));
  }
  return out;
}

/** The room of a path relative to `lib/`, or undefined outside the rooms. */
function roomOf(path: string): string | undefined {
  const top = path.split("/")[0];
  return (ROOMS as readonly string[]).includes(top) ? top : undefined;
}

Deno.test("every lib/ module lives in a room", () => {
  const loose = sources().filter((f) => f.includes("/") ? !roomOf(f) : f !== "rooms_test.ts");
  assert.deepEqual(loose, [], "modules outside the rooms listed in lib/rooms_test.ts");
});

Deno.test("imports only go down: no room imports a room above it, lib/ never imports testing/", () => {
  const wrong: string[] = [];
  for (const file of sources()) {
    const from = roomOf(file);
    if (!from || file.endsWith("_test.ts")) continue;
    for (const dep of dependencies(file, readFileSync(join(LIB, file), "utf8"))) {
      if (dep.startsWith("../")) {
        if (
          !dep.startsWith("../compose/") && !dep.startsWith("../deno.json") &&
          !dep.startsWith("../notebooks")
        ) {
          wrong.push(`${file} → ${dep} (outside lib/)`);
        }
        continue;
      }
      const to = roomOf(dep);
      if (!to) continue;
      if (ROOMS.indexOf(to as typeof ROOMS[number]) > ROOMS.indexOf(from as typeof ROOMS[number])) {
        wrong.push(`${file} (${from}) → ${dep} (${to})`);
      }
    }
  }
  assert.deepEqual(wrong, [], `upward imports; the order is ${ROOMS.join(" < ")}`);
});

Deno.test("the dependency reader sees static, dynamic and script imports, not examples", () => {
  const text = [
    '/** @example\n * import { x } from "../cli/main.ts";\n */',
    'import { a } from "./a.ts";',
    'export { b } from "../core/b.ts";',
    'const c = await import("../lab/c.ts");',
    'const d = new URL("../cli/d.ts", import.meta.url);',
    'const e = new URL("../../notebooks/", import.meta.url);',
  ].join("\n");
  assert.deepEqual(dependencies("cluster/x.ts", text), [
    "cluster/a.ts",
    "core/b.ts",
    "lab/c.ts",
    "cli/d.ts",
  ]);
});

/** The most lines a non-test module may have. */
const MAX_LINES = 500;
/** The most names a module may export (declarations and re-exports). */
const MAX_EXPORTS = 15;

/** The names a module exports: declarations, `export { a, b as c }` and `export type { ... }`. */
export function exportedNames(text: string): string[] {
  const code = withoutComments(text);
  const names: string[] = [];
  const declared =
    /^export\s+(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum|namespace|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of code.matchAll(declared)) names.push(m[1]);
  for (const m of code.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()!.trim();
      if (name) names.push(name);
    }
  }
  if (/^export\s+\*/m.test(code)) names.push("*");
  return names;
}

Deno.test("modules stay small: at most 500 lines and 15 exports", () => {
  const big: string[] = [];
  for (const file of sources()) {
    if (file.endsWith("_test.ts") || file.includes("/testdata/")) continue;
    const text = readFileSync(join(LIB, file), "utf8");
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > MAX_LINES) big.push(`${file}: ${lines} lines`);
    const exported = exportedNames(text);
    if (exported.length > MAX_EXPORTS) big.push(`${file}: ${exported.length} exports`);
  }
  assert.deepEqual(
    big,
    [],
    `split these modules (at most ${MAX_LINES} lines, ${MAX_EXPORTS} exports)`,
  );
});

Deno.test("exportedNames counts declarations and re-exports, not examples", () => {
  const text = [
    "/** @example\n * export const hidden = 1;\n */",
    "export const a = 1;",
    "export async function b() {}",
    "export interface C {}",
    "export type D = string;",
    'export { e, f as g } from "./x.ts";',
    'export type { H } from "./y.ts";',
    "const i = 1;",
  ].join("\n");
  assert.deepEqual(exportedNames(text), ["a", "b", "C", "D", "e", "g", "H"]);
});

/**
 * Font files on disk for rendering the charts' text to PNG: DejaVu Sans when installed,
 * else the first TrueType/OpenType fonts found.
 *
 * @example
 * ```ts
 * import { findFontFiles } from "@lab/present/charts/fonts.ts";
 * if (!findFontFiles().every((f) => /\.(ttf|otf)$/i.test(f))) throw new Error("not a font");
 * ```
 *
 * @module
 */

/** Directories searched for fonts, in order. */
export const FONT_DIRS: readonly string[] = [
  "/usr/share/fonts/truetype/dejavu",
  "/usr/share/fonts/TTF",
  "/usr/share/fonts/dejavu",
  "/usr/share/fonts",
  "/usr/local/share/fonts",
  "/Library/Fonts",
  "/System/Library/Fonts",
];

const PREFERRED_FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];
const MAX_FONT_FILES = 40;

let cachedFonts: string[] | undefined;

function walkFonts(dir: string, depth: number, found: string[]): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    // An unreadable font directory has no fonts for us.
    return;
  }
  for (const entry of entries) {
    if (found.length >= MAX_FONT_FILES) return;
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && /\.(ttf|otf)$/i.test(entry.name)) found.push(path);
    else if (entry.isDirectory && depth > 0) walkFonts(path, depth - 1, found);
  }
}

/** DejaVu Sans (regular and bold) in the first of `dirs` that has it. */
function preferredFonts(dirs: readonly string[]): string[] {
  const preferred: string[] = [];
  for (const dir of dirs) {
    for (const name of PREFERRED_FONTS) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) preferred.push(`${dir}/${name}`);
      } catch {
        // not here
      }
    }
    if (preferred.length) break;
  }
  return preferred;
}

/**
 * Font files for PNG rendering: DejaVu Sans (regular and bold) when installed, else the
 * first TrueType/OpenType fonts under {@linkcode FONT_DIRS}. Throws when there are none.
 */
export function findFontFiles(dirs: readonly string[] = FONT_DIRS): string[] {
  if (dirs === FONT_DIRS && cachedFonts) return cachedFonts;
  let fonts = preferredFonts(dirs);
  if (!fonts.length) {
    const found: string[] = [];
    for (const dir of dirs) walkFonts(dir, 3, found);
    fonts = found;
  }
  if (!fonts.length) {
    throw new Error(
      `svgToPng: no TrueType/OpenType fonts found in ${dirs.join(", ")}; text would not ` +
        "render. Install fonts (Debian/Ubuntu: apt-get install fonts-dejavu-core) or pass " +
        "fontFiles.",
    );
  }
  if (dirs === FONT_DIRS) cachedFonts = fonts;
  return fonts;
}

/**
 * A run's pictures and files in a notebook: which pictures a run has (Grafana's panel
 * screenshots on AutoMQ, the lab's own charts elsewhere), PNG files as image displays, and
 * every result file with its size.
 *
 * @module
 */

import { walkFiles } from "../core/files.ts";
import {
  base64,
  JUPYTER_DISPLAY,
  markdown,
  type MimeBundle,
  table,
  type TableDisplay,
} from "../present/display.ts";
import { FIGURE_NAMES, FIGURE_TITLES } from "../present/figures.ts";
import { captureGrafanaPanels } from "../present/grafana_panels.ts";
import type { Measurement } from "../present/report.ts";
import type { Lab } from "../lab/lab.ts";
import type { View } from "../present/display.ts";

/**
 * A PNG file as an image display (`image/png`), e.g. a Grafana screenshot. `scale` is how many
 * pixels the file has per CSS pixel (the lab's own charts are rendered at 2): the display's
 * metadata sets the width so the image shows at its natural size.
 */
export async function imageFile(path: string, alt?: string, scale = 1): Promise<View> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new Error(`imageFile: cannot read ${path}: ${(error as Error).message}`);
  }
  if (!(bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)) {
    throw new Error(`imageFile: ${path} is not a PNG file`);
  }
  const bundle: MimeBundle = {
    "image/png": base64(bytes),
    "text/plain": `[image] ${alt ?? path}`,
  };
  const view = { bundle, [JUPYTER_DISPLAY]: () => bundle, toString: () => bundle["text/plain"] };
  const view2 = view as View & { displayMetadata?: Record<string, unknown> };
  if (scale !== 1 && bytes.length >= 24) {
    const header = new DataView(bytes.buffer, bytes.byteOffset, 24); // IHDR: width, height
    view2.displayMetadata = {
      "image/png": {
        width: Math.round(header.getUint32(16) / scale),
        height: Math.round(header.getUint32(20) / scale),
      },
    };
  }
  return view2;
}

/** What a picture of the run shows, in words (its alt text): the chart's title, or the panel's name. */
function pictureAlt(source: string, file: string): string {
  const name = file.replace(/^.*\//, "").replace(/\.png$/, "");
  if (source !== "grafana" && name in FIGURE_TITLES) {
    return FIGURE_TITLES[name as keyof typeof FIGURE_TITLES];
  }
  return `Grafana panel over the whole run: ${name.replace(/^run-/, "").replaceAll("-", " ")}`;
}

/** A run's pictures: why these (Markdown), then each PNG as an image. */
export async function picturesViews(
  pictures: { source: string; reason: string; files: readonly string[] },
): Promise<View[]> {
  const head = markdown(
    `**${pictures.source === "grafana" ? "Grafana panel screenshots" : "The lab's own charts"}** ` +
      `(${pictures.files.length}). ${pictures.reason}`,
  );
  // The lab's charts are saved at 2x (lib/present/figures.ts); Grafana's panels at 1x.
  const scale = pictures.source === "grafana" ? 1 : 2;
  const images = await Promise.all(
    pictures.files.map((f) => imageFile(f, pictureAlt(pictures.source, f), scale)),
  );
  return [head, ...images];
}

/**
 * Every file under `dir` (recursively), with its size; sorted by path. With `since`, only the
 * files modified at or after it (one run's files, not the committed reference exports).
 */
export async function resultFilesTable(
  dir: string,
  options: { since?: Date } = {},
): Promise<TableDisplay> {
  const found: Array<{ file: string; size: string; bytes: number }> = [];
  const since = options.since?.getTime();
  for await (const f of walkFiles(dir.replace(/\/+$/, ""))) {
    if (f.name.endsWith(".tmp")) continue;
    const stat = await Deno.stat(f.path);
    if (since !== undefined && (stat.mtime?.getTime() ?? 0) < since) continue;
    const size = stat.size;
    found.push({
      file: f.relative,
      bytes: size,
      size: size >= 1e6 ? `${(size / 1e6).toFixed(1)} MB` : `${(size / 1e3).toFixed(1)} kB`,
    });
  }
  found.sort((a, b) => a.file.localeCompare(b.file));
  return table(found, ["file", { key: "size", align: "right" }]);
}

function chartRank(file: string): number {
  const at = (FIGURE_NAMES as readonly string[]).indexOf(file.replace(/\.png$/, ""));
  return at === -1 ? FIGURE_NAMES.length : at;
}

/** The pictures of a run and where they came from. */
export interface RunPictures {
  /** `grafana`: panel screenshots; `lab-charts`: the lab's own charts. */
  source: "grafana" | "lab-charts";
  /** One sentence on why these. */
  reason: string;
  /** The PNG files. */
  files: string[];
}

/**
 * The run's pictures. On the AutoMQ environment: every panel of the lab's Grafana
 * dashboard rendered over the run (from the before-window's start to the after-measurement) into `<results>/screenshots/run-<panel>.png`. Elsewhere
 * there is no Grafana: the charts `writeAfterReport` drew into `<results>/charts/`, from the
 * same Prometheus data.
 */
export async function runPictures(
  lab: Lab,
  run: { before: Measurement; after: Measurement },
): Promise<RunPictures> {
  const range = {
    from: new Date(
      run.before.snapshot.takenAt.getTime() - run.before.snapshot.windowSeconds * 1000,
    ),
    to: run.after.snapshot.takenAt,
  };
  const env = lab.environment as { kind: string; grafanaUrl?: () => string };
  if (env.kind === "automq" && typeof env.grafanaUrl === "function") {
    const files = await captureGrafanaPanels({
      grafanaUrl: env.grafanaUrl(),
      phase: "run",
      outDir: `${lab.config.resultsDir}/screenshots`,
      from: range.from,
      to: range.to,
    });
    return {
      source: "grafana",
      reason: "The AutoMQ environment runs Grafana with its image renderer: these are its " +
        "panels over the whole run, as an operator would see them.",
      files,
    };
  }
  const dir = `${lab.config.resultsDir}/charts`;
  let files: string[] = [];
  try {
    files = (await Array.fromAsync(Deno.readDir(dir)))
      .filter((e) => e.isFile && e.name.endsWith(".png"))
      .map((e) => e.name)
      .sort((a, b) => chartRank(a) - chartRank(b) || a.localeCompare(b))
      .map((name) => `${dir}/${name}`);
  } catch {
    // no charts yet
  }
  if (files.length === 0) {
    throw new Error(
      `No charts in ${dir}: run 05-measure-after first (it writes the after-report's charts).`,
    );
  }
  return {
    source: "lab-charts",
    reason: `The ${env.kind} environment has no Grafana, so there is nothing to screenshot; ` +
      "the lab's own charts, drawn from the same Prometheus series, are the pictures.",
    files,
  };
}

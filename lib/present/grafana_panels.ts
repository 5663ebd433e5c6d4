/**
 * Grafana panel screenshots (`deno task screenshots before|after`, `lib/cli/screenshots.ts`,
 * and notebook 06): asks Grafana's
 * image renderer (`/render/d-solo/<uid>/<slug>?panelId=N&from=..&to=..`) for every
 * panel of the lab's dashboard over a time range and writes
 * `results/screenshots/<phase>-<panel>.png`.
 *
 * Needs the AutoMQ environment (Grafana with `grafana/grafana-image-renderer`).
 *
 * @module
 */

/** A Grafana dashboard as far as rendering needs it. */
export interface DashboardJson {
  /** Dashboard uid. */
  uid: string;
  /** Title (its slug goes in the render path). */
  title: string;
  /** Panels; rows and panels without an id are skipped. */
  panels: Array<{ id?: number; title?: string; type?: string }>;
}

/** One panel's render request. */
export interface PanelRender {
  /** Panel id. */
  panelId: number;
  /** Panel title. */
  title: string;
  /** File-name part made from the title, e.g. `bytes-in-per-broker`. */
  name: string;
  /** The full render URL. */
  url: string;
}

/** A time Grafana understands: a Date, epoch milliseconds, or text like `now-15m`. */
export type GrafanaTime = Date | number | string;

/** Options of {@linkcode captureGrafanaPanels}. */
export interface CaptureOptions {
  /** Grafana's base URL, e.g. `http://127.0.0.1:3000`. */
  grafanaUrl: string;
  /** `before` or `after` (any word: it prefixes the file names). */
  phase: string;
  /** Directory for the PNGs, e.g. `results/screenshots`. */
  outDir: string;
  /** Start of the range; default `now-15m`. */
  from?: GrafanaTime;
  /** End of the range; default `now`. */
  to?: GrafanaTime;
  /** Image width, px; default 1000. */
  width?: number;
  /** Image height, px; default 500. */
  height?: number;
  /** The dashboard; default `compose/automq/grafana/dashboards/auto-balancing.json`. */
  dashboard?: DashboardJson;
  /** Basic-auth user and password; default admin/admin. */
  auth?: { user: string; password: string };
  /** Longest wait for Grafana's health answer, ms; default 3000. */
  healthTimeoutMs?: number;
  /** Longest wait for one panel's render, ms; default 60000 (Chromium is slow). */
  renderTimeoutMs?: number;
}

/** The dashboard file the compose project provisions. */
export const DASHBOARD_FILE = new URL(
  "../../compose/automq/grafana/dashboards/auto-balancing.json",
  import.meta.url,
);

/** Reads a dashboard JSON file. */
export async function readDashboard(file: URL | string = DASHBOARD_FILE): Promise<DashboardJson> {
  const dashboard = JSON.parse(await Deno.readTextFile(file)) as DashboardJson;
  if (typeof dashboard.uid !== "string" || !Array.isArray(dashboard.panels)) {
    throw new Error(`${file} is not a Grafana dashboard (no uid or panels).`);
  }
  return dashboard;
}

/** Lower-case words joined by `-`, for URLs and file names. */
export function slugify(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") ||
    "panel";
}

function timeParam(time: GrafanaTime): string {
  if (time instanceof Date) return String(time.getTime());
  return String(time);
}

/** The render URL of every panel of `dashboard` (rows skipped). */
export function panelRenderUrls(
  dashboard: DashboardJson,
  options: Pick<CaptureOptions, "grafanaUrl" | "from" | "to" | "width" | "height">,
): PanelRender[] {
  const base = options.grafanaUrl.replace(/\/+$/, "");
  const slug = slugify(dashboard.title);
  const used = new Set<string>();
  return dashboard.panels
    .filter((p) => typeof p.id === "number" && p.type !== "row")
    .map((p) => {
      const title = p.title ?? `panel ${p.id}`;
      let name = slugify(title);
      if (used.has(name)) name = `${name}-${p.id}`;
      used.add(name);
      const query = new URLSearchParams({
        orgId: "1",
        panelId: String(p.id),
        from: timeParam(options.from ?? "now-15m"),
        to: timeParam(options.to ?? "now"),
        width: String(options.width ?? 1000),
        height: String(options.height ?? 500),
        tz: "UTC",
        theme: "light",
      });
      return {
        panelId: p.id!,
        title,
        name,
        url: `${base}/render/d-solo/${encodeURIComponent(dashboard.uid)}/${slug}?${query}`,
      };
    });
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

async function get(url: string, headers: HeadersInit, timeoutMs: number, what: string) {
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error
      ? error.message
      : String(error);
    throw new Error(`${what}: ${reason}`);
  }
}

/**
 * Renders every panel of the dashboard through Grafana and writes
 * `<outDir>/<phase>-<panel>.png`; returns the files written. Throws within
 * `healthTimeoutMs` when Grafana does not answer, and names the panel whose
 * render failed with Grafana's message.
 */
export async function captureGrafanaPanels(options: CaptureOptions): Promise<string[]> {
  if (!/^[\w-]+$/.test(options.phase)) {
    throw new Error(`phase "${options.phase}" must be a word such as before or after.`);
  }
  const base = options.grafanaUrl.replace(/\/+$/, "");
  const auth = options.auth ?? { user: "admin", password: "admin" };
  const headers = { Authorization: `Basic ${btoa(`${auth.user}:${auth.password}`)}` };
  const health = await get(
    `${base}/api/health`,
    headers,
    options.healthTimeoutMs ?? 3000,
    `Grafana does not answer at ${base} (start the AutoMQ environment: LAB_ENV=automq deno task setup)`,
  );
  await health.body?.cancel();
  if (!health.ok) {
    throw new Error(`Grafana at ${base} is not healthy: /api/health answered ${health.status}.`);
  }
  const dashboard = options.dashboard ?? await readDashboard();
  const renders = panelRenderUrls(dashboard, options);
  if (renders.length === 0) throw new Error(`dashboard ${dashboard.uid} has no panels to render.`);
  await Deno.mkdir(options.outDir, { recursive: true });
  const written: string[] = [];
  for (const render of renders) {
    const what = `rendering panel "${render.title}" (id ${render.panelId})`;
    const response = await get(render.url, headers, options.renderTimeoutMs ?? 60000, what);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const isPng = bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
    if (!response.ok || !isPng) {
      const text = new TextDecoder().decode(bytes.subarray(0, 300)).replace(/\s+/g, " ").trim();
      throw new Error(
        `${what}: Grafana answered ${response.status} ` +
          `${response.headers.get("content-type") ?? ""}${text ? `: ${text}` : ""}. ` +
          "Check that the renderer service runs (docker compose logs renderer) and that " +
          "GF_RENDERING_SERVER_URL points at it.",
      );
    }
    const file = `${options.outDir.replace(/\/+$/, "")}/${options.phase}-${render.name}.png`;
    await Deno.writeFile(file, bytes);
    written.push(file);
  }
  return written;
}

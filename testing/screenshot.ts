/**
 * A screenshot of an HTML file (an exported notebook) with headless Chromium, to check what
 * a person would see: charts drawn, no blank page.
 *
 * Chromium runs in its own session (`setsid`), so on timeout or failure the whole process
 * group — browser, renderer, GPU and utility processes — is killed by the browser's PID. It
 * gets a fresh profile directory (removed afterwards) and no network features.
 *
 * @module
 */

/** Where Chromium is looked for, in order. */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/** The first Chromium found; throws saying how to install one. */
export function findChromium(candidates: readonly string[] = CHROMIUM_CANDIDATES): string {
  for (const path of candidates) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  throw new Error(
    `no Chromium found (looked for ${candidates.join(", ")}); install it ` +
      "(Debian: apt-get install chromium) or pass its path as `chromium`",
  );
}

/** Options of {@linkcode screenshot}. */
export interface ScreenshotOptions {
  /** Window width, px (default 1200). */
  width?: number;
  /** Window height, px (default 1600): the screenshot covers this much of the page. */
  height?: number;
  /** Longest Chromium may take, ms (default 60 000); then it is killed. */
  timeoutMs?: number;
  /** The Chromium binary (default: {@linkcode findChromium}). */
  chromium?: string;
}

/** What a screenshot run did. */
export interface ScreenshotResult {
  /** The PNG written. */
  png: string;
  /** Chromium's PID (its process group is gone when this returns). */
  pid: number;
  /** How long it took, ms. */
  ms: number;
}

function hasSetsid(): boolean {
  try {
    return Deno.statSync("/usr/bin/setsid").isFile;
  } catch {
    return false;
  }
}

function killGroup(pid: number, useGroup: boolean): void {
  try {
    Deno.kill(useGroup ? -pid : pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Takes a screenshot of `htmlPath` into `pngPath` with headless Chromium. */
export async function screenshot(
  htmlPath: string,
  pngPath: string,
  options: ScreenshotOptions = {},
): Promise<ScreenshotResult> {
  const width = options.width ?? 1200;
  const height = options.height ?? 1600;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(width > 0 && height > 0 && timeoutMs > 0)) {
    throw new Error("screenshot: width, height and timeoutMs must be positive");
  }
  let html: string;
  try {
    html = await Deno.realPath(htmlPath);
  } catch {
    throw new Error(`screenshot: no such file ${htmlPath}`);
  }
  const chromium = options.chromium ?? findChromium();
  const target = pngPath.startsWith("/") ? pngPath : `${Deno.cwd()}/${pngPath}`;
  // An old screenshot may not exist; a new one is checked for after Chromium ran.
  await Deno.remove(target).catch(() => {});
  const profile = await Deno.makeTempDir({ prefix: "lab-chromium-" });
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-device-scale-factor=1",
    `--user-data-dir=${profile}`,
    `--screenshot=${target}`,
    `--window-size=${width},${height}`,
    `file://${html}`,
  ];
  const useGroup = hasSetsid();
  const started = performance.now();
  const child = new Deno.Command(useGroup ? "/usr/bin/setsid" : chromium, {
    args: useGroup ? [chromium, ...flags] : flags,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const pid = child.pid;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid, useGroup);
  }, timeoutMs);
  try {
    const [status, , stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    if (timedOut) {
      throw new Error(`screenshot: Chromium did not finish within ${timeoutMs} ms; killed it`);
    }
    let size = 0;
    try {
      size = (await Deno.stat(target)).size;
    } catch {
      // no file
    }
    if (!status.success || size === 0) {
      throw new Error(
        `screenshot: Chromium exited with ${status.code} and ${size ? "" : "no "}screenshot; ` +
          `its stderr ends: ${stderr.trim().split("\n").slice(-5).join(" | ")}`,
      );
    }
    return { png: target, pid, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
    killGroup(pid, useGroup); // leftovers of the group (zygotes, utilities), if any
    // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * Starts a real, throw-away Prometheus for tests: bound to 127.0.0.1 on a free
 * port, with a temporary storage directory and a generated configuration that
 * scrapes the given targets. Stop it in a `finally` with `stop()`, which ends the
 * process by its own PID and deletes the directory.
 *
 * ```ts ignore
 * const prom = await startPrometheus({ scrapeTargets: ["127.0.0.1:39100"] });
 * try {
 *   // query prom.url
 * } finally {
 *   await prom.stop();
 * }
 * ```
 *
 * @module
 */

import { PromClient } from "../lib/cluster/prom.ts";

/** A target to scrape, with extra target labels (e.g. `{ broker: "0" }`). */
export interface ScrapeTarget {
  /** `host:port` of the exporter. */
  address: string;
  /** Target labels added to every series scraped from it. */
  labels?: Record<string, string>;
  /** The metrics path; default `/metrics`. */
  metricsPath?: string;
}

/** Options of {@linkcode startPrometheus}. */
export interface StartPrometheusOptions {
  /** Targets as `host:port` or {@linkcode ScrapeTarget}. */
  scrapeTargets: Array<string | ScrapeTarget>;
  /** Scrape (and evaluation) interval, seconds; default 1. */
  scrapeIntervalSeconds?: number;
  /** Port to listen on; default a free one in 39000-39999. */
  port?: number;
  /** The Prometheus binary; default `prometheus` on PATH. */
  binary?: string;
  /** Longest wait for `/-/ready`, milliseconds; default 30000. */
  readyTimeoutMs?: number;
}

/** A running test Prometheus. */
export interface TestPrometheus {
  /** Its base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Its process id. */
  pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and deletes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Finds a port in `[min, max]` that nothing listens on at 127.0.0.1, starting at a
 * random place so parallel test runs rarely collide.
 */
export function freePort(min = 39000, max = 39999): number {
  const span = max - min + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = min + ((start + i) % span);
    try {
      const listener = Deno.listen({ hostname: "127.0.0.1", port });
      listener.close();
      return port;
    } catch {
      // taken; try the next one
    }
  }
  throw new Error(`No free port in ${min}-${max} on 127.0.0.1; stop what holds them and retry.`);
}

/** Builds the Prometheus configuration (JSON is valid YAML). */
export function prometheusConfig(
  targets: Array<string | ScrapeTarget>,
  scrapeIntervalSeconds: number,
): string {
  const interval = `${scrapeIntervalSeconds}s`;
  const scrapeConfigs = targets.map((target, i) => {
    const t = typeof target === "string" ? { address: target } : target;
    return {
      job_name: `target-${i}`,
      metrics_path: t.metricsPath ?? "/metrics",
      static_configs: [{ targets: [t.address], labels: t.labels ?? {} }],
    };
  });
  return JSON.stringify(
    {
      global: {
        scrape_interval: interval,
        scrape_timeout: interval,
        evaluation_interval: interval,
      },
      scrape_configs: scrapeConfigs,
    },
    null,
    2,
  );
}

/** Keeps the last bytes of a stream, read in the background. */
function tail(stream: ReadableStream<Uint8Array>, limit = 8192) {
  let text = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of stream) {
      text = (text + decoder.decode(chunk, { stream: true })).slice(-limit);
    }
    // The output is only kept for error messages; a closed pipe ends it.
  })().catch(() => {});
  return { text: () => text, done };
}

async function startOnce(
  options: StartPrometheusOptions,
  port: number,
): Promise<TestPrometheus> {
  const interval = options.scrapeIntervalSeconds ?? 1;
  const dir = await Deno.makeTempDir({ prefix: "lab-prometheus-" });
  await Deno.writeTextFile(
    `${dir}/prometheus.yml`,
    prometheusConfig(options.scrapeTargets, interval),
  );
  const binary = options.binary ?? "prometheus";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(binary, {
      args: [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(
      `Could not start ${binary}: ${(error as Error).message}. ` +
        "Install Prometheus (apt-get install prometheus) or pass its path as `binary`.",
    );
  }
  const stderr = tail(child.stderr);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        const killed = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            if (!exited) {
              try {
                child.kill("SIGKILL");
              } catch {
                // already gone
              }
            }
            resolve();
          }, 5000);
        });
        await Promise.race([status, killed]);
        clearTimeout(timer);
      }
      await status;
      await stderr.done;
      // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    })();
    return stopped;
  };
  const url = `http://127.0.0.1:${port}`;
  const client = new PromClient(url, { timeoutMs: 1000 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    while (true) {
      if (exited) {
        const code = (await status).code;
        throw new Error(
          `Prometheus exited with code ${code} before it was ready on port ${port}: ` +
            `${stderr.text().trim().split("\n").slice(-5).join("\n")}`,
        );
      }
      try {
        if (await client.ready()) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Prometheus on port ${port} was not ready after ${
            (options.readyTimeoutMs ?? 30_000) / 1000
          } s: ${stderr.text().trim().split("\n").slice(-5).join("\n")}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid, stop };
}

/**
 * Starts Prometheus scraping `scrapeTargets` and waits until `/-/ready` answers.
 * Without an explicit `port`, a port lost to a race is retried twice on another one.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<TestPrometheus> {
  if (options.port !== undefined) return await startOnce(options, options.port);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options, freePort());
    } catch (error) {
      lastError = error;
      if (!/address already in use/i.test(String(error))) break;
    }
  }
  throw lastError;
}

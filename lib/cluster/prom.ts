/**
 * A small PromQL client over Prometheus's HTTP API: instant and range queries
 * with typed, parsed results, target health and readiness. Every request has a
 * timeout, so a dead or hung Prometheus turns into a {@linkcode PrometheusError}
 * within seconds, naming the URL and what to do.
 *
 * ```ts ignore
 * const prom = new PromClient("http://127.0.0.1:19090");
 * const samples = await prom.queryVector('sum by (broker) (kafka_partition_count)');
 * ```
 *
 * @module
 */

/** Label names to values of one series. */
export type Labels = Record<string, string>;

/** One sample of an instant vector. `timestamp` is Unix time in seconds, as Prometheus gives it. */
export interface InstantSample {
  /** The series' labels (the metric name is under `__name__` when kept). */
  labels: Labels;
  /** Unix time of the evaluation, seconds. */
  timestamp: number;
  /** The value; `NaN`, `Infinity` and `-Infinity` are kept as such. */
  value: number;
}

/** One point of a series: Unix time in seconds and a value. */
export interface Point {
  /** Unix time, seconds. */
  timestamp: number;
  /** The value. */
  value: number;
}

/** One series of a range vector (matrix). */
export interface RangeSeries {
  /** The series' labels. */
  labels: Labels;
  /** Its points, oldest first. */
  points: Point[];
}

/** The result of an instant query, discriminated by `resultType` as in the API. */
export type QueryResult =
  | { resultType: "vector"; result: InstantSample[] }
  | { resultType: "matrix"; result: RangeSeries[] }
  | { resultType: "scalar"; result: Point }
  | { resultType: "string"; result: { timestamp: number; value: string } };

/** One scrape target as `/api/v1/targets` reports it. */
export interface TargetHealth {
  /** The scrape job (pool) it belongs to. */
  scrapePool: string;
  /** The URL Prometheus scrapes. */
  scrapeUrl: string;
  /** Its target labels after relabelling (e.g. `broker`, `job`, `instance`). */
  labels: Labels;
  /** `up`, `down` or `unknown` (not scraped yet). */
  health: "up" | "down" | "unknown";
  /** The last scrape's error, "" when it succeeded. */
  lastError: string;
  /** When it was last scraped, if ever. */
  lastScrape?: Date;
}

/** What went wrong talking to Prometheus. */
export type PrometheusErrorKind = "unreachable" | "timeout" | "http" | "query" | "response";

/** An error from {@linkcode PromClient}; the message says what failed and what to do. */
export class PrometheusError extends Error {
  /** What went wrong. */
  readonly kind: PrometheusErrorKind;
  /** The Prometheus base URL. */
  readonly url: string;
  /** The PromQL query, when one was sent. */
  readonly query?: string;
  /** The HTTP status, when Prometheus answered. */
  readonly status?: number;
  /** Builds the error. */
  constructor(
    kind: PrometheusErrorKind,
    url: string,
    message: string,
    details: { query?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "PrometheusError";
    this.kind = kind;
    this.url = url;
    this.query = details.query;
    this.status = details.status;
  }
}

/** Options of {@linkcode PromClient}. */
export interface PromClientOptions {
  /** Longest wait for one request (connect, answer and body), milliseconds. Default 5000. */
  timeoutMs?: number;
}

/**
 * Parses a Prometheus sample value: a decimal, `NaN`, `+Inf` or `-Inf`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSampleValue } from "./prom.ts";
 * assert.deepEqual(parseSampleValue("1.5e3"), 1500);
 * assert.deepEqual(parseSampleValue("+Inf"), Infinity);
 * ```
 */
export function parseSampleValue(text: string): number {
  if (text === "NaN") return NaN;
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  const value = text.trim() === "" ? NaN : Number(text);
  if (Number.isNaN(value)) {
    throw new TypeError(`"${text}" is not a Prometheus sample value.`);
  }
  return value;
}

/**
 * Quotes a string as a PromQL string literal (for label matchers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { promString } from "./prom.ts";
 * assert.deepEqual(promString('a"b'), '"a\\"b"');
 * ```
 */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/**
 * Formats seconds as a PromQL duration: `30s`, or `1500ms` when not whole seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { promDuration } from "./prom.ts";
 * assert.deepEqual(promDuration(30), "30s");
 * assert.deepEqual(promDuration(1.5), "1500ms");
 * ```
 */
export function promDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`A PromQL duration must be a positive number of seconds, not ${seconds}.`);
  }
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.max(1, Math.round(seconds * 1000))}ms`;
}

/** Why a fetch failed, in a few words (`connection refused`, `host name not found`, ...). */
function networkReason(error: unknown): string {
  const text = `${error instanceof Error ? error.message : error} ${
    error instanceof Error && error.cause ? String(error.cause) : ""
  }`;
  if (/connection refused/i.test(text)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known/i.test(text)) {
    return "host name not found";
  }
  if (/connection reset/i.test(text)) return "connection reset";
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

type RawSample = [number, string];

/** A PromQL client for one Prometheus server. */
export class PromClient {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** The per-request timeout, milliseconds. */
  readonly timeoutMs: number;

  /** Makes a client for the Prometheus at `url` (e.g. `http://127.0.0.1:19090`). */
  constructor(url: string, options: PromClientOptions = {}) {
    const base = url.trim().replace(/\/+$/, "");
    if (!/^https?:\/\/[^/\s]+/.test(base)) {
      throw new TypeError(
        `"${url}" is not a Prometheus URL; use http://host:port (for example http://127.0.0.1:19090).`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(
        `timeoutMs must be a positive number of milliseconds, not ${timeoutMs}.`,
      );
    }
    this.url = base;
    this.timeoutMs = timeoutMs;
  }

  /** Runs an instant query, at `time` (default: now). */
  async query(promql: string, options: { time?: Date } = {}): Promise<QueryResult> {
    const form = new URLSearchParams({ query: promql });
    if (options.time) form.set("time", String(options.time.getTime() / 1000));
    const data = await this.#api("/api/v1/query", form, promql);
    return this.#parseResult(data, promql);
  }

  /** Runs an instant query that must give an instant vector, and returns its samples. */
  async queryVector(promql: string, options: { time?: Date } = {}): Promise<InstantSample[]> {
    const result = await this.query(promql, options);
    if (result.resultType !== "vector") {
      throw new PrometheusError(
        "response",
        this.url,
        `The query \`${promql}\` gave a ${result.resultType}, not an instant vector; ` +
          "wrap it so it yields a vector.",
        { query: promql },
      );
    }
    return result.result;
  }

  /** Runs an instant query that must give a scalar, and returns its value. */
  async queryScalar(promql: string, options: { time?: Date } = {}): Promise<number> {
    const result = await this.query(promql, options);
    if (result.resultType !== "scalar") {
      throw new PrometheusError(
        "response",
        this.url,
        `The query \`${promql}\` gave a ${result.resultType}, not a scalar; wrap it in scalar().`,
        { query: promql },
      );
    }
    return result.result.value;
  }

  /** Runs a range query from `start` to `end` every `stepSeconds`. */
  async queryRange(
    promql: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<RangeSeries[]> {
    if (!(range.stepSeconds > 0) || !Number.isFinite(range.stepSeconds)) {
      throw new RangeError(`stepSeconds must be a positive number, not ${range.stepSeconds}.`);
    }
    if (range.end.getTime() < range.start.getTime()) {
      throw new RangeError(
        `The range ends (${range.end.toISOString()}) before it starts (${range.start.toISOString()}).`,
      );
    }
    const form = new URLSearchParams({
      query: promql,
      start: String(range.start.getTime() / 1000),
      end: String(range.end.getTime() / 1000),
      step: String(range.stepSeconds),
    });
    const data = await this.#api("/api/v1/query_range", form, promql);
    const result = this.#parseResult(data, promql);
    if (result.resultType !== "matrix") {
      throw new PrometheusError(
        "response",
        this.url,
        `The range query \`${promql}\` gave a ${result.resultType}, not a matrix.`,
        { query: promql },
      );
    }
    return result.result;
  }

  /** Lists the active scrape targets and their health. */
  async targets(): Promise<TargetHealth[]> {
    const data = await this.#api("/api/v1/targets", undefined) as {
      activeTargets?: Array<Record<string, unknown>>;
    };
    return (data.activeTargets ?? []).map((t) => ({
      scrapePool: String(t.scrapePool ?? ""),
      scrapeUrl: String(t.scrapeUrl ?? ""),
      labels: (t.labels ?? {}) as Labels,
      health: t.health === "up" || t.health === "down" ? t.health : "unknown",
      lastError: String(t.lastError ?? ""),
      lastScrape: typeof t.lastScrape === "string" && !t.lastScrape.startsWith("0001-")
        ? new Date(t.lastScrape)
        : undefined,
    }));
  }

  /**
   * Asks `/-/ready`: true when Prometheus is ready to serve queries, false while it
   * is starting. Throws {@linkcode PrometheusError} when nothing answers.
   */
  async ready(): Promise<boolean> {
    const { response } = await this.#request("/-/ready");
    return response.ok;
  }

  /**
   * Polls `/-/ready` until it says ready, or throws after `timeoutMs` with the last
   * reason it was not.
   */
  async waitUntilReady(timeoutMs = 30_000, pollMs = 200): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let reason = "it never answered";
    while (true) {
      try {
        if (await this.ready()) return;
        reason = "it answered /-/ready with not ready";
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() + pollMs > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    throw new PrometheusError(
      "timeout",
      this.url,
      `Prometheus at ${this.url} was not ready after ${timeoutMs / 1000} s: ${reason}`,
    );
  }

  /**
   * Sends one request and reads its whole body, both under the timeout; maps network
   * failures and timeouts to clear errors.
   */
  async #request(
    path: string,
    form?: URLSearchParams,
    query?: string,
  ): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(`${this.url}${path}`, {
        method: form ? "POST" : "GET",
        body: form,
        signal: controller.signal,
      });
      return { response, text: await response.text() };
    } catch (error) {
      throw this.#networkError(error, controller.signal.aborted, query);
    } finally {
      clearTimeout(timer);
    }
  }

  #networkError(error: unknown, timedOut: boolean, query?: string): PrometheusError {
    if (timedOut) {
      return new PrometheusError(
        "timeout",
        this.url,
        `Prometheus at ${this.url} did not answer within ${this.timeoutMs / 1000} s. ` +
          "Is the environment up and not overloaded? Run `deno task status`, or `deno task setup`.",
        { query, cause: error },
      );
    }
    return new PrometheusError(
      "unreachable",
      this.url,
      `Prometheus at ${this.url} did not answer: ${networkReason(error)}. ` +
        "Is the environment up? Run `deno task setup`.",
      { query, cause: error },
    );
  }

  /** Calls an API path and returns its `data`, or throws a clear error. */
  async #api(path: string, form: URLSearchParams | undefined, query?: string): Promise<unknown> {
    const { response, text } = await this.#request(path, form, query);
    let body: { status?: string; data?: unknown; errorType?: string; error?: string } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's page, say): reported below with the HTTP status.
      body = undefined;
    }
    if (body?.status === "error" && query !== undefined) {
      throw new PrometheusError(
        "query",
        this.url,
        `Prometheus rejected the query \`${query}\`: ${body.errorType ?? "error"}: ${body.error}`,
        { query, status: response.status },
      );
    }
    if (!response.ok) {
      const detail = body?.error ?? text.slice(0, 200).trim();
      throw new PrometheusError(
        "http",
        this.url,
        `Prometheus at ${this.url} answered HTTP ${response.status} ${response.statusText} to ${path}` +
          `${detail ? `: ${detail}` : ""}. Check that the URL points at Prometheus.`,
        { query, status: response.status },
      );
    }
    if (body?.status !== "success") {
      throw new PrometheusError(
        "response",
        this.url,
        `${this.url}${path} did not answer like the Prometheus API (no "status":"success"): ` +
          `${text.slice(0, 200)}. Check that the URL points at Prometheus.`,
        { query, status: response.status },
      );
    }
    return body.data;
  }

  #parseResult(data: unknown, query: string): QueryResult {
    const { resultType, result } = (data ?? {}) as { resultType?: string; result?: unknown };
    const value = (raw: RawSample): Point => ({
      timestamp: Number(raw[0]),
      value: parseSampleValue(String(raw[1])),
    });
    try {
      switch (resultType) {
        case "vector":
          return {
            resultType,
            result: (result as Array<{ metric: Labels; value: RawSample }>).map((s) => ({
              labels: s.metric ?? {},
              ...value(s.value),
            })),
          };
        case "matrix":
          return {
            resultType,
            result: (result as Array<{ metric: Labels; values: RawSample[] }>).map((s) => ({
              labels: s.metric ?? {},
              points: (s.values ?? []).map(value),
            })),
          };
        case "scalar":
          return { resultType, result: value(result as RawSample) };
        case "string": {
          const raw = result as RawSample;
          return { resultType, result: { timestamp: Number(raw[0]), value: String(raw[1]) } };
        }
      }
    } catch (error) {
      throw new PrometheusError(
        "response",
        this.url,
        `Prometheus's answer to \`${query}\` could not be read: ${(error as Error).message}`,
        { query, cause: error },
      );
    }
    throw new PrometheusError(
      "response",
      this.url,
      `Prometheus answered \`${query}\` with an unknown result type "${resultType}".`,
      { query },
    );
  }
}

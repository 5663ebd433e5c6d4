/**
 * What the clients felt, every few seconds of a load: the producer's acknowledgement
 * latency (p50 and p99 of the records acked in each step), its errors and retries, and
 * the consumer groups' lag. The timeline draws it around each move, and the after-report
 * sums it up per move ({@linkcode impactOfMove}): a move on AutoMQ shows its leaderless
 * gap (retries, a latency spike, lag growing then draining), a move on Apache Kafka its copy.
 *
 * @module
 */

import { LatencyHistogram } from "./load_latency.ts";

/** Seconds per step. */
export const CLIENT_STEP_S = 5;

/** One step of the timeline. */
export interface ClientStep {
  /** The step's start. */
  start: Date;
  /** Records acked in the step. */
  acked: number;
  /** p50 of their latency, milliseconds (0 when none). */
  p50Ms: number;
  /** p99 of their latency, milliseconds (0 when none). */
  p99Ms: number;
  /** Records that failed in the step. */
  errors: number;
  /** Produce requests retried in the step. */
  retries: number;
  /** The largest total lag of a consumer group sampled in the step, records (none: undefined). */
  maxLag?: number;
}

/**
 * Collects the steps while a load runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClientTimeline } from "./client_timeline.ts";
 * const t = new ClientTimeline(0);
 * t.acked(1000, [4, 5, 6]);
 * t.retried(6000);
 * t.lag(7000, [120, 30]);
 * const steps = t.steps();
 * assert.equal(steps.length, 2);
 * assert.equal(steps[0].acked, 3);
 * assert.deepEqual([steps[1].retries, steps[1].maxLag], [1, 120]);
 * ```
 */
export class ClientTimeline {
  readonly #origin: number;
  readonly #steps: Array<
    { latency: LatencyHistogram; errors: number; retries: number; maxLag?: number }
  > = [];

  /** A timeline whose steps start at `originMs` (epoch milliseconds). */
  constructor(originMs: number) {
    this.#origin = originMs;
  }

  #step(atMs: number) {
    const i = Math.max(0, Math.floor((atMs - this.#origin) / (CLIENT_STEP_S * 1000)));
    while (this.#steps.length <= i) {
      this.#steps.push({ latency: new LatencyHistogram(), errors: 0, retries: 0 });
    }
    return this.#steps[i];
  }

  /** Records acked at `atMs` (epoch ms) with these latencies, milliseconds. */
  acked(atMs: number, latenciesMs: readonly number[]): void {
    const step = this.#step(atMs);
    for (const ms of latenciesMs) step.latency.add(ms);
  }

  /** `count` records failed at `atMs`. */
  failed(atMs: number, count: number): void {
    this.#step(atMs).errors += count;
  }

  /** A produce request was retried at `atMs`. */
  retried(atMs: number): void {
    this.#step(atMs).retries++;
  }

  /** The groups' lags sampled at `atMs`, records. */
  lag(atMs: number, lags: readonly number[]): void {
    if (lags.length === 0) return;
    const step = this.#step(atMs);
    step.maxLag = Math.max(step.maxLag ?? 0, ...lags);
  }

  /** The steps so far. */
  steps(): ClientStep[] {
    return this.#steps.map((s, i) => ({
      start: new Date(this.#origin + i * CLIENT_STEP_S * 1000),
      acked: s.latency.count,
      p50Ms: s.latency.percentile(0.5),
      p99Ms: s.latency.percentile(0.99),
      errors: s.errors,
      retries: s.retries,
      ...(s.maxLag === undefined ? {} : { maxLag: s.maxLag }),
    }));
  }
}

/** What one move cost the clients: the steps it touched against the steps before it. */
export interface MoveImpact {
  /** Worst p99 in the steps from the move's issue to its end (plus one step), ms. */
  p99DuringMs: number;
  /** Median of the p99s of the steps before the move (up to six), ms. */
  p99BeforeMs: number;
  /** Median p50 during the move, ms. */
  p50DuringMs: number;
  /** Produce errors during the move. */
  errors: number;
  /** Produce retries during the move. */
  retries: number;
  /** Largest consumer lag during the move, records (undefined without consumers). */
  maxLag?: number;
  /** Largest consumer lag in the steps before, records. */
  lagBefore?: number;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * The impact of a move issued at `start` and done at `end` on `steps` (undefined when no
 * step covers it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { impactOfMove } from "./client_timeline.ts";
 * const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
 * const step = (s: number, p99Ms: number, retries = 0) =>
 *   ({ start: at(s), acked: 10, p50Ms: 2, p99Ms, errors: 0, retries });
 * const steps = [step(0, 5), step(5, 6), step(10, 400, 3), step(15, 5)];
 * const impact = impactOfMove(steps, at(11), at(12))!;
 * assert.deepEqual([impact.p99BeforeMs, impact.p99DuringMs, impact.retries], [6, 400, 3]);
 * ```
 */
export function impactOfMove(
  steps: readonly ClientStep[],
  start: Date,
  end: Date,
): MoveImpact | undefined {
  const stepMs = CLIENT_STEP_S * 1000;
  const during = steps.filter((s) =>
    s.start.getTime() + stepMs > start.getTime() && s.start.getTime() <= end.getTime() + stepMs
  );
  if (during.length === 0) return undefined;
  const before = steps.filter((s) => s.start.getTime() + stepMs <= start.getTime()).slice(-6);
  const lags = during.map((s) => s.maxLag).filter((l): l is number => l !== undefined);
  const lagsBefore = before.map((s) => s.maxLag).filter((l): l is number => l !== undefined);
  return {
    p99DuringMs: Math.max(...during.map((s) => s.p99Ms)),
    p99BeforeMs: median(before.filter((s) => s.acked > 0).map((s) => s.p99Ms)),
    p50DuringMs: median(during.filter((s) => s.acked > 0).map((s) => s.p50Ms)),
    errors: during.reduce((a, s) => a + s.errors, 0),
    retries: during.reduce((a, s) => a + s.retries, 0),
    ...(lags.length ? { maxLag: Math.max(...lags) } : {}),
    ...(lagsBefore.length ? { lagBefore: Math.max(...lagsBefore) } : {}),
  };
}

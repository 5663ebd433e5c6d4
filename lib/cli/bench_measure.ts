/**
 * Measurements for `deno task bench:load`: resident memory of processes sampled
 * from /proc, the CPU time of a child process, and kafka-producer-perf-test's
 * summary line.
 *
 * @module
 */

import process from "node:process";

/** Resident set size of a process, bytes (`undefined` when it is gone or /proc is absent). */
export async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    // The process has ended (no /proc entry): no size to report.
    return undefined;
  }
}

/** Samples the RSS of named processes until stopped and keeps each one's peak. */
export class FootprintSampler {
  readonly #pids: Map<string, number>;
  readonly #peaks = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #sampling: Promise<void> = Promise.resolve();

  /** Samples `pids` (name → PID) every `intervalMs` milliseconds once started. */
  constructor(pids: Map<string, number>, readonly intervalMs = 250) {
    this.#pids = pids;
  }

  /** Takes one sample now. */
  async sample(): Promise<void> {
    for (const [name, pid] of this.#pids) {
      const rss = await rssBytes(pid);
      if (rss !== undefined && rss > (this.#peaks.get(name) ?? 0)) this.#peaks.set(name, rss);
    }
  }

  /** Starts sampling. */
  start(): void {
    this.#timer = setInterval(() => {
      this.#sampling = this.#sampling.then(() => this.sample());
    }, this.intervalMs);
  }

  /** Stops sampling and returns each process's peak RSS, bytes. */
  async stop(): Promise<Map<string, number>> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#sampling;
    await this.sample();
    return new Map(this.#peaks);
  }
}

/** What ProducerPerformance printed at the end. */
export interface PerfSummary {
  /** Records per second. */
  recordsPerSec: number;
  /** MB/s (10^6 bytes) of record values. */
  mbPerSec: number;
  /** Median latency, milliseconds. */
  p50Ms: number;
  /** 99th percentile latency, milliseconds. */
  p99Ms: number;
}

/** Reads ProducerPerformance's summary line. */
export function parsePerfSummary(output: string, recordBytes: number): PerfSummary {
  const match =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\).*?(\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/
      .exec(output);
  if (!match) {
    throw new Error(`kafka-producer-perf-test printed no summary:\n${output.slice(-800)}`);
  }
  const recordsPerSec = Number(match[2]);
  return {
    recordsPerSec,
    mbPerSec: (recordsPerSec * recordBytes) / 1e6,
    p50Ms: Number(match[4]),
    p99Ms: Number(match[6]),
  };
}

/**
 * Reads the children's CPU seconds (user + system) from the output of the shell
 * builtin `times` (its second line: `0m12.340s 0m1.200s`).
 */
export function parseChildCpuSeconds(timesOutput: string): number {
  const lines = timesOutput.trim().split("\n").filter((l) => /\d+m[\d.]+s/.test(l));
  const last = lines.at(-1);
  const parts = last ? [...last.matchAll(/(\d+)m([\d.]+)s/g)] : [];
  if (parts.length !== 2) throw new Error(`Unreadable CPU times from the shell: ${timesOutput}`);
  return parts.reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

/** This process's CPU seconds so far (user + system, all threads). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

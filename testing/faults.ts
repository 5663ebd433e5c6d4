/**
 * The fault-injection harness: the lab's own load, watch and read-back on the shared
 * test cluster, with a way to stop one of its brokers and start it again
 * ({@linkcode sharedEnvironment}) and a proxy that loses or changes produce answers
 * (`fault_proxy.ts`). The tests are in `fault_injection_test.ts`.
 *
 * @module
 */

import type { ISocketFactory } from "kafkajs";
import { loadConfig } from "../lib/config/config.ts";
import { LocalEnvironment } from "../lib/env/local/local.ts";
import { retryTransient, withAdmin } from "../lib/cluster/kafka.ts";
import { type LoadStats, runLoad } from "../lib/cluster/load.ts";
import { PromClient } from "../lib/cluster/prom.ts";
import { readBack, type ReadbackResult, readbackSentence } from "../lib/cluster/readback.ts";
import { watchBalance, type WatchResult } from "../lib/balancer/watch.ts";
import type { SharedCluster } from "./cluster.ts";
import { TEST_CLUSTER_ENV } from "./test_task.ts";

/** The shared test cluster as a local environment, to stop and start its brokers. */
export function sharedEnvironment(cluster: SharedCluster): LocalEnvironment {
  return new LocalEnvironment(loadConfig({
    ...Deno.env.toObject(),
    ...TEST_CLUSTER_ENV,
    LAB_KAFKA_PORT: cluster.bootstrapServers[0].split(":")[1],
    LAB_PROMETHEUS_PORT: new URL(cluster.prometheusUrl).port,
    LAB_STATE_DIR: cluster.stateDir,
    LAB_CACHE_DIR: cluster.cacheDir,
  }));
}

/** A load that runs until {@linkcode RunningLoad.stop}. */
export interface RunningLoad {
  /** Resolves once `records` records are acked. */
  flowing: Promise<void>;
  /** Stops sending (what is in flight is still awaited) and returns the stats. */
  stop(): Promise<LoadStats>;
}

/**
 * The lab's load on `topic` (uniform over brokers 0-2, 10,240-byte records, at
 * `rateMBps`) from the test's own thread, until stopped (at most 5 minutes).
 */
export function startLoad(
  cluster: SharedCluster,
  topic: string,
  options: { rateMBps: number; socketFactory?: ISocketFactory; flowingAt?: number },
): RunningLoad {
  const stopper = new AbortController();
  let flowing: () => void = () => {};
  const started = new Promise<void>((resolve) => (flowing = resolve));
  const load = runLoad({
    bootstrapServers: cluster.bootstrapServers,
    topic,
    recordBytes: 10_240,
    durationSeconds: 300,
    rateMBps: options.rateMBps,
    skew: { kind: "uniform" },
    brokers: [0, 1, 2],
    workers: 0,
    socketFactory: options.socketFactory,
    signal: stopper.signal,
    onProgress: (p) => {
      if (p.acked >= (options.flowingAt ?? 200)) flowing();
    },
  });
  load.catch(() => flowing());
  return {
    flowing: Promise.race([started, load.then(() => {})]),
    stop: () => {
      stopper.abort();
      return load;
    },
  };
}

/**
 * The lab's balance watch on `topic` over brokers 0-2 (10 s window, the ±10% band, no
 * balancer log: the shared cluster's balancer is off), as `deno task verify` runs it.
 */
export function watch(
  cluster: SharedCluster,
  topic: string,
  signal?: AbortSignal,
): Promise<WatchResult> {
  return watchBalance({
    prom: new PromClient(cluster.prometheusUrl),
    bootstrapServers: cluster.bootstrapServers,
    topic,
    brokers: [0, 1, 2],
    deviation: 0.1,
    windowSeconds: 10,
    timeoutMs: 150_000,
    pollMs: 1000,
    readBalancerLog: () => Promise.resolve(""),
    signal,
  });
}

/** Each partition's end offset now. */
export async function endOffsets(cluster: SharedCluster, topic: string): Promise<number[]> {
  const offsets = await withAdmin(
    cluster.bootstrapServers,
    (a) => retryTransient(() => a.fetchTopicOffsets(topic)),
  );
  return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
}

/** The read-back of a finished load of `topic` on the shared cluster, its sentence printed. */
export async function readBackOf(
  cluster: SharedCluster,
  topic: string,
  stats: LoadStats,
): Promise<ReadbackResult> {
  const r = await readBack({
    bootstrapServers: cluster.bootstrapServers,
    topic,
    runId: stats.runId,
    acked: stats.ackedSequences,
    sent: stats.sent,
  });
  console.log(`  ${readbackSentence(r)}`);
  return r;
}

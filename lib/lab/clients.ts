/**
 * The clients beside the load: the consumer groups (`LAB_CONSUMER_GROUPS`, `LAB_FANOUT`),
 * the request-rate load (`LAB_SMALL_RECORDS`) and the timeline of what the clients felt
 * (`client_timeline.ts`). Started once the load runs, finished once it stopped: the groups
 * then read up to the end and are checked against the load's acknowledged records.
 *
 * @module
 */

import type { LabConfig, PerTarget } from "../config/types.ts";
import type { PartitionPlacement } from "../cluster/topic.ts";
import { type ClientStep, ClientTimeline } from "../cluster/client_timeline.ts";
import type { RunState } from "./run_state.ts";
import { groupPartitions, type RunningConsumers, startConsumers } from "../cluster/consumers.ts";
import { type GroupCheck, groupsCheck } from "../cluster/consumer_check.ts";
import { SequenceSet } from "../cluster/load_sequences.ts";
import type { LoadStats } from "../cluster/load.ts";
import {
  type RunningSmallRecords,
  type SmallRecordsStats,
  startSmallRecords,
} from "../cluster/small_records.ts";

/**
 * The value `t` gives partition `p` led by `leader` at the start (`fallback` when unnamed).
 *
 * @example
 * ```ts
 * import { perTargetValue } from "./clients.ts";
 * const t = { kind: "brokers" as const, values: new Map([[0, 5]]) };
 * if (perTargetValue(t, 3, 0, 1) !== 5 || perTargetValue(t, 4, 1, 1) !== 1) throw new Error();
 * ```
 */
export function perTargetValue(t: PerTarget, p: number, leader: number, fallback: number): number {
  if (t.kind === "none") return fallback;
  return t.values.get(t.kind === "brokers" ? leader : p) ?? fallback;
}

/** The partitions each consumer group reads, from the settings and the placement at start. */
export function consumerGroupsOf(
  config: LabConfig,
  placement: readonly PartitionPlacement[],
): number[][] {
  const groups = config.values.LAB_CONSUMER_GROUPS;
  const fanout = config.values.LAB_FANOUT;
  const leaders = new Map(placement.map((p) => [p.partition, p.leader]));
  return groupPartitions(
    groups,
    placement.map((p) => p.partition),
    (p) => fanout.kind === "none" ? groups : perTargetValue(fanout, p, leaders.get(p) ?? -1, 1),
  );
}

/** What the clients beside the load found. */
export interface ClientsResult {
  /** Each consumer group checked against the acknowledged records. */
  groups: GroupCheck[];
  /** The request-rate load, if it ran. */
  smallRecords?: SmallRecordsStats;
  /** The timeline of what the clients felt. */
  timeline: ClientTimeline;
}

/** The clients while they run. */
export interface LoadClients {
  /** The timeline the load reports to (pass it to `Lab.startLoad`). */
  timeline: ClientTimeline;
  /** Starts the consumers and the request-rate load for the topic as placed now. */
  start(placement: readonly PartitionPlacement[]): Promise<void>;
  /** After the load stopped: the groups read to the end and are checked against `stats`. */
  finish(stats: LoadStats): Promise<ClientsResult>;
  /** Stops everything at once (a run that failed or was interrupted). */
  abort(): Promise<void>;
}

/**
 * The clients of a run with `config` against `bootstrapServers`.
 *
 * @example
 * ```ts
 * import { loadClients } from "./clients.ts";
 * import { loadConfig } from "../config/config.ts";
 * const clients = loadClients(loadConfig({}), ["127.0.0.1:9092"]);
 * if (clients.timeline.steps().length !== 0) throw new Error("empty at first");
 * ```
 */
export function loadClients(config: LabConfig, bootstrapServers: string[]): LoadClients {
  const timeline = new ClientTimeline(Date.now());
  let consumers: RunningConsumers | undefined;
  let small: RunningSmallRecords | undefined;
  let lagTimer: ReturnType<typeof setInterval> | undefined;
  return {
    timeline,
    async start(placement) {
      const groups = consumerGroupsOf(config, placement);
      if (groups.length > 0) {
        consumers = await startConsumers({
          bootstrapServers,
          topic: config.topic,
          groups,
          newSet: () => new SequenceSet(),
        });
        lagTimer = setInterval(() => timeline.lag(Date.now(), consumers!.lag()), 1000);
      }
      const target = config.values.LAB_SMALL_RECORDS;
      if (target.kind !== "none") {
        const perPartition = placement.map((p) => ({
          partition: p.partition,
          rate: perTargetValue(target, p.partition, p.leader, 0) /
            (target.kind === "brokers" ? placement.filter((q) => q.leader === p.leader).length : 1),
        })).filter((p) => p.rate > 0);
        small = await startSmallRecords({
          bootstrapServers,
          topic: config.topic,
          partitions: perPartition.map((p) => p.partition),
          requestsPerSecond: perPartition.reduce((a, p) => a + p.rate, 0),
        });
      }
    },
    async finish(stats) {
      const smallRecords = await small?.stop();
      clearInterval(lagTimer);
      const readings = consumers ? await consumers.finish() : [];
      return {
        groups: groupsCheck(readings, stats.ackedSequences, stats.runId, stats.sent),
        ...(smallRecords ? { smallRecords } : {}),
        timeline,
      };
    },
    async abort() {
      clearInterval(lagTimer);
      await small?.stop().catch(() => {});
      await consumers?.abort();
    },
  };
}

/** What a background load's clients found, as saved in the state directory. */
export interface SavedClients {
  /** Each consumer group checked. */
  groups: GroupCheck[];
  /** The request-rate load, if it ran. */
  smallRecords?: SmallRecordsStats;
  /** The client timeline's steps. */
  steps: ClientStep[];
}

/** Saves `result` for the notebook that stops the background load. */
export async function saveClients(state: RunState, result: ClientsResult): Promise<void> {
  const saved: SavedClients = {
    groups: result.groups,
    ...(result.smallRecords ? { smallRecords: result.smallRecords } : {}),
    steps: result.timeline.steps(),
  };
  await state.save("loadClients", saved);
}

/** What {@linkcode saveClients} kept (undefined when nothing was saved). */
export async function savedClients(state: RunState): Promise<SavedClients | undefined> {
  return await state.load<SavedClients>(
    "loadClients",
    (key, value) => key === "start" && typeof value === "string" ? new Date(value) : value,
  );
}

/**
 * Reading AutoMQ's auto-balancer log (`auto-balancer.log`), from the lab or from a real
 * AutoMQ node, into typed events. The log's pieces live beside it: the line layout and
 * sizes in `log_format.ts`, AutoMQ's messages in `log_messages.ts`, and the lines the lab's
 * reference balancer writes for a cycle in `log_writer.ts`.
 *
 * What AutoMQ's source says about these lines (release 1.6/1.7):
 *
 * - with the logger at DEBUG, each `Broker status` line is followed by one
 *   `Replica status TopicPartitionReplica{…}` line per partition of that broker
 *   (`AnomalyDetectorImpl.detect0`, the replica's `shortString()`), both in the order
 *   AutoMQ's hash maps iterate;
 * - every auto-balancer logger is created from the name `kafka.autobalancer`, so `%c` is
 *   always `kafka.autobalancer`, not a class name;
 * - the detector's and the executor's messages carry a context prefix,
 *   `[AnomalyDetector id=N] ` and `[ExecutionManager id=N] `; the goals' messages have none;
 * - sizes are written by AutoMQ's `Utils.formatDataSize`: binary units (1 KB = 1024 bytes),
 *   up to two decimals without trailing zeros, e.g. `NWIn=6.36MB/s`, `0Bytes/s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBalancerLog } from "./log.ts";
 * import { detectCycleLines } from "./log_writer.ts";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const settings = balancerSettingsFrom({});
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: 0,
 *   bytesInPerSec: 2e6,
 *   bytesOutPerSec: 0,
 * }));
 * const plan = planBalance({ brokers: [0, 1], partitions, settings });
 * const text = detectCycleLines(plan, new Date(), settings.detectIntervalMs).join("\n") + "\n";
 * const moved = parseBalancerLog(text).filter((e) => e.kind === "move-executing");
 * assert.equal(moved.length, plan.actions.length); // each planned move, read back from its line
 * assert.ok(moved.length > 0);
 * ```
 *
 * @module
 */

import type { Direction } from "../core/metrics_types.ts";
import { fromWallTime } from "../core/time_zone.ts";
import { type LogTimeZone, parseDataRate } from "./log_format.ts";
import { SKIP_DETECT_MESSAGE, START_DETECT_MESSAGE } from "./log_messages.ts";

/** Fields every event has. */
export interface EventBase {
  /** When it was logged. */
  time: Date;
  /** Its level. */
  level: string;
  /** The node from the `[Component id=N]` prefix, when there is one. */
  node?: number;
  /** 1-based line number in the text. */
  line: number;
}

/** Optional rates as parsed (undefined when absent or `ignored`). */
export interface ParsedLoads {
  /** Bytes/s in. */
  in?: number;
  /** Bytes/s out. */
  out?: number;
}

/** A typed auto-balancer log event. Rates are bytes/s (rounded as the log rounds them). */
export type BalancerEvent =
  | EventBase & { kind: "detect-started" }
  | EventBase & { kind: "detect-skipped" }
  | EventBase & {
    kind: "goal-bound";
    goal: string;
    resource: Direction;
    lower: number;
    upper: number;
  }
  | EventBase & {
    kind: "broker-status";
    broker: number;
    outOfDate: boolean;
    slow: boolean;
    metricsTimestampMs: number;
    loads: ParsedLoads;
    trusted: boolean;
  }
  | EventBase & {
    kind: "replica-status";
    topic: string;
    partition: number;
    outOfDate: boolean;
    metricsTimestampMs: number;
    loads: ParsedLoads;
    trusted: boolean;
  }
  | EventBase & { kind: "goal-violated"; broker: number; goal: string }
  | EventBase & { kind: "balance-failed"; broker: number; resource: Direction }
  | EventBase & {
    kind: "expected-load-change";
    broker: number;
    after: ParsedLoads;
    change: ParsedLoads;
  }
  | EventBase & { kind: "actions-planned"; count: number; batches: number; estimatedMs: number }
  | EventBase & {
    kind: "move-executing";
    topic: string;
    partition: number;
    from: number;
    to: number;
  }
  | EventBase & { kind: "detect-finished"; nextDetectMs: number }
  | EventBase & {
    /** `<Goal> using linearNormalizerThreshold: N`: the score curve's baseline `L`, bytes/s. */
    kind: "normalizer";
    goal: string;
    bytes: number;
  }
  | EventBase & {
    /**
     * DEBUG `try move partition … all possible action score: [...]`: the candidates of one
     * partition that scored above 0.5 (group scores, unrounded), the best of which moves.
     */
    kind: "move-candidates";
    topic: string;
    partition: number;
    goal: string;
    candidates: { from: number; to: number; score: number }[];
  }
  | EventBase & {
    /** A detection that did not plan, in the balancer's words (`… skip planning`). */
    kind: "planning-skipped";
    reason: string;
  };

/** The kinds of {@linkcode BalancerEvent}. */
export type BalancerEventKind = BalancerEvent["kind"];

const HEADER =
  /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3})\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) (.*?)(?: \(([\w.$]+)\))?$/;
const PREFIX = /^\[([A-Za-z]+) id=(\d+)\] (.*)$/;
const LABEL_RESOURCE: Readonly<Record<string, Direction>> = { NWIn: "in", NWOut: "out" };

function parseTime(m: RegExpExecArray, timeZone: LogTimeZone): Date {
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number);
  return timeZone.toLowerCase() === "utc"
    ? new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms))
    : fromWallTime([y, mo, d, h, mi, s, ms], timeZone);
}

const CANDIDATE =
  /Action\{srcTp=(.+?)-(\d+), destTp=\S+?, srcBrokerId=(\d+), destBrokerId=(\d+), type=MOVE\}=([-\d.Ee]+)/g;

/** The DEBUG lines worth reading besides the INFO ones (the goals' candidate scores). */
function parseDebug(message: string): Body[] {
  const m =
    /^try move partition (.+)-(\d+) out for broker \d+, all possible action score: \[(.*)\] on goal (\S+)$/
      .exec(message);
  if (!m) return [];
  const candidates = [...m[3].matchAll(CANDIDATE)].map((c) => ({
    from: Number(c[3]),
    to: Number(c[4]),
    score: Number(c[5]),
  }));
  return [{
    kind: "move-candidates",
    topic: m[1],
    partition: Number(m[2]),
    goal: m[4],
    candidates,
  }];
}

type Body = Record<string, unknown> & { kind: BalancerEventKind };

/** The `Loads={NWIn=... (trusted), NWOut=...}` part of a status line. */
function parseLoads(text: string): { loads: ParsedLoads; trusted: boolean } {
  const loads: ParsedLoads = {};
  let trusted = true;
  for (const e of text.matchAll(/(NWIn|NWOut)=(\S+) \((trusted|untrusted)\)/g)) {
    loads[LABEL_RESOURCE[e[1]]] = parseDataRate(e[2]);
    if (e[3] === "untrusted") trusted = false;
  }
  return { loads, trusted };
}

function parseMessage(message: string): Body[] {
  if (message === START_DETECT_MESSAGE) return [{ kind: "detect-started" }];
  if (message === SKIP_DETECT_MESSAGE) return [{ kind: "detect-skipped" }];
  let m = /^Detect finished, next detect will be after (\d+) ms$/.exec(message);
  if (m) return [{ kind: "detect-finished", nextDetectMs: Number(m[1]) }];
  m = /^(\S+) using linearNormalizerThreshold: (\d+)$/.exec(message);
  if (m) return [{ kind: "normalizer", goal: m[1], bytes: Number(m[2]) }];
  m = /^(.+), skip planning$/.exec(message);
  if (m) return [{ kind: "planning-skipped", reason: m[1] }];
  m = /^Total actions num: (\d+), split to (\d+) batches, estimated time to complete: (\d+)ms$/
    .exec(message);
  if (m) {
    return [{
      kind: "actions-planned",
      count: Number(m[1]),
      batches: Number(m[2]),
      estimatedMs: Number(m[3]),
    }];
  }
  m = /^Executing: Action-MOVE: (.+)-(\d+)@node-(\d+) ---> node-(\d+)$/.exec(message);
  if (m) {
    return [{
      kind: "move-executing",
      topic: m[1],
      partition: Number(m[2]),
      from: Number(m[3]),
      to: Number(m[4]),
    }];
  }
  m = /^Executing: Action-SWAP: (.+)-(\d+)@node-(\d+) <--> (.+)-(\d+)@node-(\d+)$/.exec(message);
  if (m) {
    const [a, b] = [Number(m[3]), Number(m[6])];
    return [
      { kind: "move-executing", topic: m[1], partition: Number(m[2]), from: a, to: b },
      { kind: "move-executing", topic: m[4], partition: Number(m[5]), from: b, to: a },
    ];
  }
  m = /^(\S+) expected dist bound: (NWIn|NWOut)=(\S+?)-\2=(\S+)$/.exec(message);
  if (m) {
    const lower = parseDataRate(m[3]), upper = parseDataRate(m[4]);
    if (lower === undefined || upper === undefined) return [];
    return [{ kind: "goal-bound", goal: m[1], resource: LABEL_RESOURCE[m[2]], lower, upper }];
  }
  m =
    /^Broker status: Broker\{brokerId=(\d+), outOfDate=(true|false), slow=(true|false), timestamp=(\d+), Loads=\{(.*)\}\}$/
      .exec(message);
  if (m) {
    const { loads, trusted } = parseLoads(m[5]);
    return [{
      kind: "broker-status",
      broker: Number(m[1]),
      outOfDate: m[2] === "true",
      slow: m[3] === "true",
      metricsTimestampMs: Number(m[4]),
      loads,
      trusted,
    }];
  }
  m =
    /^Replica status TopicPartitionReplica\{tp=(.+)-(\d+), outOfDate=(true|false), timestamp=(\d+), Loads=\{(.*)\}\}$/
      .exec(message);
  if (m) {
    const { loads, trusted } = parseLoads(m[5]);
    return [{
      kind: "replica-status",
      topic: m[1],
      partition: Number(m[2]),
      outOfDate: m[3] === "true",
      metricsTimestampMs: Number(m[4]),
      loads,
      trusted,
    }];
  }
  m = /^Expected load change: brokerId=(\d+), ?(.*)$/.exec(message);
  if (m) {
    const after: ParsedLoads = {}, change: ParsedLoads = {};
    for (const e of m[2].matchAll(/(NWIn|NWOut)=(\S+) \(([+-])(\S+)\)/g)) {
      const r = LABEL_RESOURCE[e[1]];
      after[r] = parseDataRate(e[2]);
      const size = parseDataRate(e[4]);
      change[r] = size === undefined ? undefined : e[3] === "-" ? -size : size;
    }
    return [{ kind: "expected-load-change", broker: Number(m[1]), after, change }];
  }
  m = /^Broker (\d+) violates goal (\S+)$/.exec(message);
  if (m) return [{ kind: "goal-violated", broker: Number(m[1]), goal: m[2] }];
  m =
    /^Failed to balance broker (\d+) network (inbound|outbound) load after iterating all partitions$/
      .exec(message);
  if (m) {
    return [{
      kind: "balance-failed",
      broker: Number(m[1]),
      resource: m[2] === "inbound" ? "in" : "out",
    }];
  }
  return message.startsWith("try move partition ") ? parseDebug(message) : [];
}

/**
 * Reads an auto-balancer log (the lab's or a real AutoMQ node's) into events, sorted by time
 * (ties keep file order). Lines that are not auto-balancer events are ignored; lines that do
 * not start with `[date]` (stack traces, wrapped messages) belong to the entry above and are
 * skipped. Times are read in UTC unless `timeZone` names the zone the log was written in
 * (`local`, `+02:00`, `Europe/Paris`: see `core/time_zone.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBalancerLog } from "./log.ts";
 * const text = "[2026-11-23 18:58:17,123] INFO [AnomalyDetector id=0] Start detect (kafka.autobalancer)\n" +
 *   "[2026-11-23 18:58:17,130] INFO [ExecutionManager id=0] Executing: Action-MOVE: t-3@node-0 ---> node-1 (kafka.autobalancer)\n";
 * const [start, move] = parseBalancerLog(text);
 * assert.equal(start.kind, "detect-started");
 * assert.equal(start.node, 0);
 * assert.deepEqual(move.kind === "move-executing" && [move.topic, move.partition, move.from, move.to], ["t", 3, 0, 1]);
 * ```
 */
export function parseBalancerLog(
  text: string,
  options: { timeZone?: LogTimeZone } = {},
): BalancerEvent[] {
  const timeZone = options.timeZone ?? "utc";
  const events: BalancerEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(lines[i]);
    if (!header) continue;
    let message = header[9];
    let node: number | undefined;
    const prefix = PREFIX.exec(message);
    if (prefix) {
      node = Number(prefix[2]);
      message = prefix[3];
    }
    for (const body of parseMessage(message)) {
      const base: EventBase = { time: parseTime(header, timeZone), level: header[8], line: i + 1 };
      if (node !== undefined) base.node = node;
      events.push({ ...base, ...body } as BalancerEvent);
    }
  }
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.time.getTime() - b.e.time.getTime() || a.i - b.i)
    .map((x) => x.e);
}

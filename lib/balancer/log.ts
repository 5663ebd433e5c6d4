/**
 * AutoMQ's auto-balancer log (`auto-balancer.log`): a writer that produces the lines the
 * lab's reference balancer appends, laid out as AutoMQ's log4j does (`[%d] %p %m (%c)%n`),
 * and a parser that turns such a log, from the lab or from a real AutoMQ node, into typed
 * events.
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
 * import { detectCycleLines, parseBalancerLog } from "./log.ts";
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
 * for (const e of parseBalancerLog(text)) if (e.kind === "move-executing") console.log(e.topic);
 * ```
 *
 * @module
 */

import {
  type BalancePlan,
  GOAL_RESOURCE,
  type GoalName,
  type Loads,
  type PlanAction,
  type Resource,
} from "./plan.ts";

/** The logger name (`%c`) of every auto-balancer line. */
export const AUTO_BALANCER_LOGGER = "kafka.autobalancer";

/** A log4j level. */
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

/** How times are written and read: UTC (AutoMQ's container default) or local time. */
export type LogTimeZone = "utc" | "local";

/** Options of the line writers. */
export interface LogWriterOptions {
  /** The controller's node id in `[AnomalyDetector id=N] ` (default 0). */
  nodeId?: number;
  /** Time zone of `%d` (default `utc`). */
  timeZone?: LogTimeZone;
}

/** Options of {@linkcode detectPlanLines} and {@linkcode detectCycleLines}. */
export interface CycleLogOptions extends LogWriterOptions {
  /** `timestamp=` of the broker status lines, epoch ms (default: `now`). */
  metricsTimestampMs?: number;
  /**
   * Write the DEBUG `Replica status` lines, as AutoMQ does with the `kafka.autobalancer`
   * logger at DEBUG (default true: the lab's balancer always records its inputs).
   */
  debug?: boolean;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Formats a date as log4j's `%d`: `2026-11-23 18:58:17,123`. */
export function formatLogDate(date: Date, timeZone: LogTimeZone = "utc"): string {
  const utc = timeZone === "utc";
  const y = utc ? date.getUTCFullYear() : date.getFullYear();
  const mo = (utc ? date.getUTCMonth() : date.getMonth()) + 1;
  const d = utc ? date.getUTCDate() : date.getDate();
  const h = utc ? date.getUTCHours() : date.getHours();
  const mi = utc ? date.getUTCMinutes() : date.getMinutes();
  const s = utc ? date.getUTCSeconds() : date.getSeconds();
  const ms = utc ? date.getUTCMilliseconds() : date.getMilliseconds();
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)},${pad(ms, 3)}`;
}

/** One log line, `[%d] %p %m (%c)`, without the trailing newline. */
export function formatLogLine(
  date: Date,
  message: string,
  logger: string = AUTO_BALANCER_LOGGER,
  options: { level?: LogLevel; timeZone?: LogTimeZone } = {},
): string {
  return `[${formatLogDate(date, options.timeZone)}] ${
    options.level ?? "INFO"
  } ${message} (${logger})`;
}

// ---------------------------------------------------------------------------------------
// Messages, as AutoMQ words them

const UNITS: readonly [string, number][] = [
  ["EB", 2 ** 60],
  ["PB", 2 ** 50],
  ["TB", 2 ** 40],
  ["GB", 2 ** 30],
  ["MB", 2 ** 20],
  ["KB", 2 ** 10],
];

/** `#.##` with half-even rounding, as `java.text.DecimalFormat` writes it. */
function twoDecimals(value: number): string {
  const scaled = value * 100;
  let units = Math.floor(scaled);
  const rest = scaled - units;
  if (rest > 0.5 || (rest === 0.5 && units % 2 !== 0)) units += 1;
  const whole = Math.floor(units / 100);
  const cents = units % 100;
  const int = whole === 0 && cents !== 0 ? "" : String(whole); // "#" prints no leading 0
  if (cents === 0) return String(whole);
  return cents % 10 === 0 ? `${int}.${cents / 10}` : `${int}.${pad(cents)}`;
}

/** AutoMQ's `Utils.formatDataSize`: `0Bytes`, `512Bytes`, `1.5KB`, `6.36MB` (binary units). */
export function formatDataSize(bytes: number): string {
  const size = Math.trunc(bytes);
  if (size < 0) return String(size);
  for (const [unit, divider] of UNITS) {
    if (size >= divider) return `${twoDecimals(size / divider)}${unit}`;
  }
  return `${twoDecimals(size)}Bytes`;
}

const RESOURCE_LABEL: Readonly<Record<Resource, string>> = { in: "NWIn", out: "NWOut" };

/** `NWIn=6.36MB/s`: a resource and a rate as AutoMQ writes them. */
export function resourceString(resource: Resource, bytesPerSec: number): string {
  return `${RESOURCE_LABEL[resource]}=${formatDataSize(bytesPerSec)}/s`;
}

/** The detector's context prefix, `[AnomalyDetector id=N] `. */
export function detectorPrefix(nodeId = 0): string {
  return `[AnomalyDetector id=${nodeId}] `;
}

/** The executor's context prefix, `[ExecutionManager id=N] `. */
export function executorPrefix(nodeId = 0): string {
  return `[ExecutionManager id=${nodeId}] `;
}

/** `<Goal> expected dist bound: NWIn=a-NWIn=b` (no prefix: goals log without context). */
export function goalBoundMessage(goal: GoalName, lower: number, upper: number): string {
  const r = GOAL_RESOURCE[goal];
  return `${goal} expected dist bound: ${resourceString(r, lower)}-${resourceString(r, upper)}`;
}

/** What a broker status line says. */
export interface BrokerStatus {
  /** Broker id. */
  broker: number;
  /** Its loads, or undefined when it hosts no partition (AutoMQ then prints `Loads={}`). */
  loads?: Loads;
  /** When its metrics were last updated, epoch ms. */
  timestampMs: number;
  /** Metrics out of date. */
  outOfDate?: boolean;
  /** Marked slow. */
  slow?: boolean;
}

/** `Broker status: Broker{brokerId=0, outOfDate=false, slow=false, timestamp=…, Loads={…}}`. */
export function brokerStatusMessage(status: BrokerStatus): string {
  const loads = status.loads === undefined
    ? ""
    : `${resourceString("in", status.loads.in)} (trusted), ${
      resourceString("out", status.loads.out)
    } (trusted)`;
  return `Broker status: Broker{brokerId=${status.broker}, outOfDate=${
    status.outOfDate ?? false
  }, slow=${status.slow ?? false}, timestamp=${Math.trunc(status.timestampMs)}, Loads={${loads}}}`;
}

/** What a replica status line says (one partition of the snapshot). */
export interface ReplicaStatus {
  /** Topic. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Its loads, bytes/s. */
  loads: Loads;
  /** When its metrics were last updated, epoch ms. */
  timestampMs: number;
  /** Metrics out of date. */
  outOfDate?: boolean;
}

/**
 * `Replica status TopicPartitionReplica{tp=t-0, outOfDate=false, timestamp=…, Loads={…}}`:
 * AutoMQ's detector writes one at DEBUG per partition of each broker, right after that
 * broker's status line, in the order the broker's partition map iterates (note: no colon
 * after "status", unlike the broker line).
 */
export function replicaStatusMessage(status: ReplicaStatus): string {
  return `Replica status TopicPartitionReplica{tp=${status.topic}-${status.partition}, ` +
    `outOfDate=${status.outOfDate ?? false}, timestamp=${Math.trunc(status.timestampMs)}, ` +
    `Loads={${resourceString("in", status.loads.in)} (trusted), ${
      resourceString("out", status.loads.out)
    } (trusted)}}`;
}

/**
 * A rate as the log can say it: `formatDataSize` then read back. A balancer that plans from
 * these values plans from exactly what its `Replica status` lines record, so a replay of its
 * log reproduces its decision bit for bit.
 */
export function asLogged(bytesPerSec: number): number {
  return parseDataRate(`${formatDataSize(bytesPerSec)}/s`)!;
}

/** `Broker N violates goal G` (a WARN line without prefix). */
export function brokerViolatesMessage(broker: number, goal: GoalName): string {
  return `Broker ${broker} violates goal ${goal}`;
}

/** `Failed to balance broker N network inbound load after iterating all partitions` (WARN). */
export function balanceFailedMessage(broker: number, goal: GoalName): string {
  const way = GOAL_RESOURCE[goal] === "in" ? "inbound" : "outbound";
  return `Failed to balance broker ${broker} network ${way} load after iterating all partitions`;
}

function delta(resource: Resource, after: number, before: number | undefined): string {
  const change = after - (before ?? 0);
  return `${resourceString(resource, after)} (${change > 0 ? "+" : "-"}${
    formatDataSize(Math.abs(change))
  }/s)`;
}

/**
 * `Expected load change: brokerId=N, NWIn=a (+d/s), NWOut=b (-e/s)`. `after` undefined means
 * the broker hosts nothing before or after (AutoMQ then prints nothing after `brokerId=N, `).
 */
export function expectedLoadChangeMessage(
  broker: number,
  before: Loads | undefined,
  after: Loads | undefined,
): string {
  const loads = after === undefined
    ? ""
    : `${delta("in", after.in, before?.in)}, ${delta("out", after.out, before?.out)}`;
  return `Expected load change: brokerId=${broker}, ${loads}`;
}

/** `Total actions num: N, split to M batches, estimated time to complete: Tms`. */
export function totalActionsMessage(actions: number, batches: number, estimatedMs: number): string {
  return `Total actions num: ${actions}, split to ${batches} batches, estimated time to complete: ${
    Math.trunc(estimatedMs)
  }ms`;
}

/** `Executing: Action-MOVE: topic-0@node-0 ---> node-1` (AutoMQ's `Action.prettyString()`). */
export function executingMessage(action: PlanAction): string {
  return `Executing: Action-MOVE: ${action.topic}-${action.partition}@node-${action.from} ---> node-${action.to}`;
}

/** `Detect finished, next detect will be after N ms`. */
export function detectFinishedMessage(nextDetectMs: number): string {
  return `Detect finished, next detect will be after ${Math.trunc(nextDetectMs)} ms`;
}

/** `Start detect`. */
export const START_DETECT_MESSAGE = "Start detect";
/** `not running, skip detect` (a controller that is not the active one). */
export const SKIP_DETECT_MESSAGE = "not running, skip detect";

// ---------------------------------------------------------------------------------------
// Lines of a cycle

/**
 * The lines AutoMQ writes while it decides: `Start detect`, one `Broker status` per broker,
 * the goals' bounds, their violation and failure warnings, one `Expected load change` per
 * broker and `Total actions num`. All at `now`.
 */
export function detectPlanLines(
  plan: BalancePlan,
  now: Date,
  options: CycleLogOptions = {},
): string[] {
  const tz = { timeZone: options.timeZone };
  const warn = { timeZone: options.timeZone, level: "WARN" as const };
  const detector = detectorPrefix(options.nodeId);
  const line = (message: string) => formatLogLine(now, message, AUTO_BALANCER_LOGGER, tz);
  const lines = [line(detector + START_DETECT_MESSAGE)];
  const byId = new Map(plan.brokers.map((b) => [b.broker, b]));
  // Brokers and partitions in the order AutoMQ's maps iterate them (the plan's snapshot).
  const brokers = plan.snapshot.map((s) => byId.get(s.broker)!);
  const timestampMs = options.metricsTimestampMs ?? now.getTime();
  const debug = { timeZone: options.timeZone, level: "DEBUG" as const };
  for (const [i, b] of brokers.entries()) {
    lines.push(line(
      detector + brokerStatusMessage({
        broker: b.broker,
        loads: b.partitionsBefore > 0 ? b.before : undefined,
        timestampMs,
        slow: b.slow,
      }),
    ));
    if (options.debug === false) continue;
    for (const p of plan.snapshot[i].partitions) {
      lines.push(formatLogLine(
        now,
        detector + replicaStatusMessage({
          topic: p.topic,
          partition: p.partition,
          loads: { in: p.in, out: p.out },
          timestampMs,
        }),
        AUTO_BALANCER_LOGGER,
        debug,
      ));
    }
  }
  for (const g of plan.goals) lines.push(line(goalBoundMessage(g.goal, g.lower, g.upper)));
  for (const g of plan.goals) {
    for (const v of g.violations) {
      lines.push(formatLogLine(now, brokerViolatesMessage(v.broker, g.goal), undefined, warn));
    }
    for (const broker of g.unresolved) {
      lines.push(formatLogLine(now, balanceFailedMessage(broker, g.goal), undefined, warn));
    }
  }
  for (const b of brokers) {
    const hadLoads = b.partitionsBefore > 0;
    const hasLoads = hadLoads || b.partitionsAfter > 0;
    lines.push(line(
      detector + expectedLoadChangeMessage(
        b.broker,
        hadLoads ? b.before : undefined,
        hasLoads ? b.after : undefined,
      ),
    ));
  }
  lines.push(
    line(
      detector + totalActionsMessage(plan.moves.length, plan.batches.length, plan.estimatedTimeMs),
    ),
  );
  return lines;
}

/** One `Executing:` line per action of a batch, as the executor logs them before submitting. */
export function executingLines(
  batch: readonly PlanAction[],
  now: Date,
  options: LogWriterOptions = {},
): string[] {
  const executor = executorPrefix(options.nodeId);
  return batch.map((a) =>
    formatLogLine(now, executor + executingMessage(a), AUTO_BALANCER_LOGGER, {
      timeZone: options.timeZone,
    })
  );
}

/** `Detect finished, next detect will be after N ms`, closing every cycle. */
export function detectFinishedLine(
  now: Date,
  nextDetectMs: number,
  options: LogWriterOptions = {},
): string {
  return formatLogLine(
    now,
    detectorPrefix(options.nodeId) + detectFinishedMessage(nextDetectMs),
    AUTO_BALANCER_LOGGER,
    { timeZone: options.timeZone },
  );
}

/** A cycle on a controller that is not active: `not running, skip detect`, then `Detect finished`. */
export function skipDetectLines(
  now: Date,
  nextDetectMs: number,
  options: LogWriterOptions = {},
): string[] {
  return [
    formatLogLine(now, detectorPrefix(options.nodeId) + SKIP_DETECT_MESSAGE, AUTO_BALANCER_LOGGER, {
      timeZone: options.timeZone,
    }),
    detectFinishedLine(now, nextDetectMs, options),
  ];
}

/**
 * A whole cycle written at once: {@linkcode detectPlanLines} at `now`, batch i's
 * `Executing:` lines at `now + i * executionIntervalMs`, and `Detect finished` after the last.
 * A live loop rather calls the pieces as it goes.
 */
export function detectCycleLines(
  plan: BalancePlan,
  now: Date,
  nextDetectMs: number,
  options: CycleLogOptions = {},
): string[] {
  const lines = detectPlanLines(plan, now, options);
  const interval = plan.settings.executionIntervalMs;
  plan.batches.forEach((batch, i) => {
    lines.push(...executingLines(batch, new Date(now.getTime() + i * interval), options));
  });
  lines.push(
    detectFinishedLine(new Date(now.getTime() + plan.estimatedTimeMs), nextDetectMs, options),
  );
  return lines;
}

// ---------------------------------------------------------------------------------------
// Parser

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
    resource: Resource;
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
  | EventBase & { kind: "balance-failed"; broker: number; resource: Resource }
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
  | EventBase & { kind: "detect-finished"; nextDetectMs: number };

/** The kinds of {@linkcode BalancerEvent}. */
export type BalancerEventKind = BalancerEvent["kind"];

const HEADER =
  /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3})\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) (.*?)(?: \(([\w.$]+)\))?$/;
const PREFIX = /^\[([A-Za-z]+) id=(\d+)\] (.*)$/;
const SIZE = /^(-?\d*\.?\d*)(Bytes|KB|MB|GB|TB|PB|EB)\/s$/;
const UNIT_BYTES: Readonly<Record<string, number>> = {
  Bytes: 1,
  KB: 2 ** 10,
  MB: 2 ** 20,
  GB: 2 ** 30,
  TB: 2 ** 40,
  PB: 2 ** 50,
  EB: 2 ** 60,
};
const LABEL_RESOURCE: Readonly<Record<string, Resource>> = { NWIn: "in", NWOut: "out" };

/** Reads `6.36MB/s` (AutoMQ's binary units) as bytes/s; undefined for `ignored` or garbage. */
export function parseDataRate(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m || m[1] === "" || m[1] === "." || m[1] === "-") return undefined;
  return Number(m[1]) * UNIT_BYTES[m[2]];
}

function parseTime(m: RegExpExecArray, timeZone: LogTimeZone): Date {
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number);
  return timeZone === "utc"
    ? new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms))
    : new Date(y, mo - 1, d, h, mi, s, ms);
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
  return [];
}

/**
 * Reads an auto-balancer log (the lab's or a real AutoMQ node's) into events, sorted by time
 * (ties keep file order). Lines that are not auto-balancer events are ignored; lines that do
 * not start with `[date]` (stack traces, wrapped messages) belong to the entry above and are
 * skipped. Times are read in UTC unless `timeZone: "local"`.
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

/**
 * `deno task demo`: the whole story of a scenario, headless, told with the same steps
 * as the notebooks (set up with the balancer paused, load, measure before, the
 * scenario's broker joining or leaving, start the balancer and watch, measure after,
 * read every record back, report, clean up).
 *
 * @module
 */

import { explainPlan } from "../balancer/plan.ts";
import { type Interrupt, InterruptedError } from "../core/interrupt.ts";
import type { Lab } from "../lab/lab.ts";
import type { LoadStats } from "../cluster/load.ts";
import type { MoveCost, TimedMove } from "../cluster/move_cost.ts";
import type { Engine } from "../core/engine.ts";
import { moveCostSentence } from "../present/costs.ts";
import { type ReadbackResult, readbackSentence, zeroLoss } from "../cluster/readback.ts";
import { decisionLinesOf } from "../present/decisions.ts";
import type { WatchResult } from "../balancer/watch.ts";
import { eventPrinter, say } from "./print.ts";
import { measureBefore, scenarioChange } from "../lab/story.ts";
import { decisionWindow } from "../lab/reports.ts";
import { type ClientsResult, loadClients } from "../lab/clients.ts";
import { groupsLossless, groupsSentence } from "../cluster/consumer_check.ts";
import { type BrokerRequests, requestRates, requestRateSentence } from "../cluster/request_rate.ts";
import { clientImpactLine } from "../present/client_impact.ts";
import {
  loadPlanText,
  loadSummary,
  measurementLine,
  measurementNote,
  storyEndLine,
  verdictLine,
} from "../present/sentences.ts";

/** Sets the environment up (balancer paused) and says where it is. */
export async function setup(lab: Lab): Promise<void> {
  await lab.setup(say);
  say(
    `Ready. Bootstrap ${
      lab.environment.bootstrapServers().join(",")
    }, Prometheus ${lab.environment.prometheusUrl()}`,
  );
}

/** What one run of the story found (for `bench:scenarios`). */
export interface StoryResult {
  /** The exit code: 0 when balanced (or as balanced as the loads allow) with zero loss. */
  code: number;
  /** Seconds the whole run took. */
  seconds: number;
  /** When the load started. */
  loadStartedAt?: Date;
  /** Brokers before and after. */
  brokersBefore?: number[];
  /** Brokers after. */
  brokersAfter?: number[];
  /** The watch. */
  watch?: WatchResult;
  /** The read-back. */
  readback?: ReadbackResult;
  /** Each move's cost. */
  moveCosts?: MoveCost[];
  /** The engine the moves were measured on. */
  engine?: Engine;
  /** Busiest broker over the mean after (bytes in). */
  maxOverMeanAfter?: number;
  /** Busiest broker over the mean before and after (bytes out; undefined without consumers). */
  outMaxOverMean?: { before: number; after: number };
  /** The consumer groups, the request-rate load and the client timeline. */
  clients?: ClientsResult;
  /** The produce and fetch request rates per broker at the before-measurement. */
  requestRates?: BrokerRequests[];
}

/**
 * The whole story, headless: returns the exit code (0 when balanced, or as balanced as
 * the loads allow, or, with `LAB_BALANCER=off`, a control run, with zero loss; 130 when
 * interrupted). The balancer stays paused until the before-measurement is taken, as in
 * the notebooks. A failure after set-up began (a step, the load) stops what the demo
 * started, says so, and is thrown.
 */
export async function demo(lab: Lab, interrupt?: Interrupt): Promise<number> {
  return (await runStory(lab, interrupt)).code;
}

/** The story of `demo`, with what it found. */
export async function runStory(lab: Lab, interrupt?: Interrupt): Promise<StoryResult> {
  const started = performance.now();
  const result: StoryResult = { code: 1, seconds: 0 };
  // A failure of the load (its promise rejects while other steps run) stops the story the
  // way Ctrl-C does: every step watches `signal`, and `check` throws its reason.
  const failed = new AbortController();
  const signal = interrupt ? AbortSignal.any([interrupt.signal, failed.signal]) : failed.signal;
  const check = () => {
    if (signal.aborted) throw signal.reason;
  };
  lab.checkSettings();
  const scenario = lab.config.scenario;
  const overrides = lab.config.scenarioOverrides;
  say(
    `Scenario ${scenario.name}: ${scenario.title}` +
      (overrides.length ? ` (changed by ${overrides.join(", ")})` : ""),
  );
  let stoppedEarly = false;
  const control = !lab.config.balancer.enabled;
  if (control) {
    say("LAB_BALANCER=off: a control run; the balancer stays off and the imbalance stays.");
  }
  try {
    say(
      `1/7 Setting up the ${lab.environment.kind} environment (balancer ${
        control ? "off" : "paused"
      })`,
    );
    await setup(lab);
    check();
    const window = lab.config.rateWindowSeconds;
    const { maxSeconds } = await lab.checkDisk(
      2 * window + lab.config.verifyTimeoutSeconds + 120,
    );
    say(`2/7 Sustained load: ${loadPlanText(lab.config)}`);
    const clients = loadClients(lab.config, lab.environment.bootstrapServers());
    const running = lab.startLoad({ untilStopped: true, maxSeconds, timeline: clients.timeline });
    running.done.catch((error) => failed.abort(error));
    result.loadStartedAt = running.startedAt;
    let stats: LoadStats;
    let clientsDone = false;
    try {
      await clients.start(await lab.placement());
      const groupCount = lab.config.values.LAB_CONSUMER_GROUPS;
      if (groupCount > 0) {
        say(
          `    ${groupCount} consumer group(s) reading (LAB_FANOUT ${
            lab.config.values.LAB_FANOUT.kind === "none" ? "all" : "per partition"
          })`,
        );
      }
      say(`3/7 Waiting ${window} s for Prometheus's rate window to fill`);
      await lab.waitForFullWindow(running.startedAt, signal);
      check();
      const indented = (line: string) => say(`    ${line}`);
      const joined = await scenarioChange(lab, "before-measure", indented);
      joined.lines.forEach(indented);
      check();
      const { before, report } = await measureBefore(lab, indented);
      result.brokersBefore = before.snapshot.brokers.map((b) => b.broker);
      say(`    Wrote ${report}`);
      say(`    Before: ${measurementLine(before)}`);
      const beforeNote = measurementNote(before);
      if (beforeNote) say(`    ${beforeNote}`);
      for (const line of explainPlan(lab.planFor(before))) say(`    model: ${line}`);
      if (lab.config.values.LAB_SMALL_RECORDS.kind !== "none") {
        const brokers = before.snapshot.brokers.map((b) => b.broker);
        result.requestRates = await requestRates(
          lab.prom,
          brokers,
          window,
          before.snapshot.takenAt,
        );
        say(`    ${requestRateSentence(result.requestRates, before.spreadIn.maxOverMean)}`);
      }
      if (scenario.event === "remove-broker") {
        say("    A broker leaves: its partitions move off first, as AutoMQ's controller does");
      }
      const left = await scenarioChange(lab, "after-measure", indented);
      left.lines.forEach(indented);
      check();
      const membership = [...joined.lines, ...left.lines];
      const drained: TimedMove[] = left.moves;
      say(
        `4/7 ${
          control ? "Watching without the balancer" : "Starting the balancer and watching it"
        }`,
      );
      say(`    ${await lab.startBalancer()}`);
      const watch = await lab.watch({
        onEvent: eventPrinter(),
        since: before.snapshot.takenAt,
        signal,
      });
      check();
      result.watch = watch;
      const told = decisionWindow(before, watch);
      for (const line of await decisionLinesOf(lab, told.since, told.until)) {
        say(`    ${line}`);
      }
      say(`    ${verdictLine(watch)}`);
      const moved = watch.moves.length > 0 || drained.length > 0;
      if (moved) {
        say(`5/7 Waiting ${window} s for a full window after the moves`);
        await lab.waitForFullWindow(watch.balancedAt ?? new Date(), signal);
        check();
      } else {
        say("5/7 Measuring after (nothing moved: the rate window is already full)");
      }
      const after = await lab.measure("after", { onProgress: indented });
      check();
      result.brokersAfter = after.snapshot.brokers.map((b) => b.broker);
      result.maxOverMeanAfter = after.spreadIn.mean > 0 ? after.spreadIn.maxOverMean : undefined;
      result.outMaxOverMean = outSpread(before, after);
      running.stop();
      stats = await running.done;
      say(`    Load: ${loadSummary(stats)}`);
      const clientsResult = await clients.finish(stats);
      clientsDone = true;
      result.clients = clientsResult;
      if (clientsResult.smallRecords) {
        const s = clientsResult.smallRecords;
        say(
          `    Request-rate load: ${s.acked} of ${s.sent} single-record requests acknowledged ` +
            `(${s.achievedPerSecond.toFixed(0)}/s), ${s.failed} failed`,
        );
      }
      say("6/7 Reading every acknowledged record back");
      const readback = await lab.checkZeroLoss(stats, signal);
      check();
      result.readback = readback;
      say(`    ${readbackSentence(readback)}`);
      if (clientsResult.groups.length > 0) say(`    ${groupsSentence(clientsResult.groups)}`);
      const moveCosts = await lab.moveCosts(watch, drained);
      result.moveCosts = moveCosts;
      result.engine = await lab.environment.engine();
      say(`    ${moveCostSentence(result.engine, moveCosts)}`);
      const impact = clientImpactLine(moveCosts, clientsResult.timeline.steps());
      if (impact) say(`    ${impact}`);
      const path = await lab.writeAfterReport(before, after, {
        watch,
        readback,
        moveCosts,
        membership,
        clients: clientsResult,
        requestRates: result.requestRates,
      });
      say(`    Wrote ${path} and charts under ${lab.config.resultsDir}/charts/`);
      say(`    After: ${measurementLine(after)}`);
      const afterNote = measurementNote(after);
      if (afterNote) say(`    ${afterNote}`);
      const settled = watch.outcome?.kind;
      const nothingLost = zeroLoss(readback) && groupsLossless(clientsResult.groups);
      const took = ((performance.now() - started) / 1000).toFixed(0);
      if (control) {
        const outcome = watch.outcome?.kind === "not-balanced" ? "not balanced" : "balanced anyway";
        say(
          `Done in ${took} s: a control run (LAB_BALANCER=off): ${outcome} without the balancer, ` +
            (nothingLost ? "nothing lost" : "FAILED: loss or damage found"),
        );
        result.code = nothingLost ? 0 : 1;
        return result;
      }
      say(`Done in ${took} s: ${storyEndLine(settled, nothingLost)}`);
      const ok = (settled === "balanced" || settled === "best-possible") && nothingLost;
      result.code = ok ? 0 : 1;
      return result;
    } finally {
      running.stop();
      // A load failure already aborted the story (the handler set where the load started).
      await running.done.catch(() => {});
      if (!clientsDone) await clients.abort();
    }
  } catch (error) {
    stoppedEarly = true;
    // Once the story was stopped (Ctrl-C, the load failing), that is why, whatever a step
    // then threw on its way out.
    const reason = signal.aborted ? signal.reason : error;
    if (reason instanceof InterruptedError) {
      say("Interrupted: the load is stopped.");
      result.code = 130;
      return result;
    }
    say("Failed (the error is the last line): stopping what the demo started.");
    throw reason;
  } finally {
    result.seconds = (performance.now() - started) / 1000;
    await endStory(lab, stoppedEarly);
  }
}

/** Bytes out max/mean before and after, when the brokers served any bytes out. */
function outSpread(
  before: { snapshot: { brokers: Array<{ bytesOutPerSec: number }> } },
  after: { snapshot: { brokers: Array<{ bytesOutPerSec: number }> } },
): { before: number; after: number } | undefined {
  const ratio = (loads: number[]) => {
    const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
    return mean > 0 ? Math.max(...loads) / mean : undefined;
  };
  const b = ratio(before.snapshot.brokers.map((x) => x.bytesOutPerSec));
  const a = ratio(after.snapshot.brokers.map((x) => x.bytesOutPerSec));
  return b === undefined || a === undefined ? undefined : { before: b, after: a };
}

/** The story's last step: the cluster kept (`LAB_KEEP_CLUSTER`) or stopped, said either way. */
async function endStory(lab: Lab, early: boolean): Promise<void> {
  if (lab.config.keepCluster) {
    say("7/7 Keeping the cluster (LAB_KEEP_CLUSTER=on); `deno task cleanup` stops it");
    return;
  }
  say("7/7 Cleaning up");
  try {
    await lab.cleanup();
    if (early) say("Stopped the load and the cluster the demo started.");
  } catch (error) {
    say(
      `Could not stop everything: ${
        (error as Error).message
      }; \`deno task cleanup\` stops what is left.`,
    );
  }
}

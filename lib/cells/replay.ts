/**
 * Notebook views of the balancer's decisions (sentences from `present/decisions.ts`): the
 * acting detections as Markdown for notebook 04, and the before-window prediction compared
 * with the actual moves by effect and by name.
 *
 * @module
 */
import type { BalancePlan } from "../balancer/plan.ts";
import {
  compareWithPrediction,
  type PredictionComparison,
  type Replay,
} from "../balancer/replay.ts";
import { type Displayable, markdown, type MimeBundle, table } from "../present/display.ts";
import { actingReplays, decisionLines, describeReplay } from "../present/decisions.ts";
import { clock } from "../present/sentences.ts";
import { mbps } from "../core/format.ts";

/** A display object: shown by the kernel, printable as text. */
export type ReplayView = Displayable & { bundle: MimeBundle };

/** Notebook view: per acting detection, its inputs, band, violators and moves (Markdown). */
export function decisionsView(replays: readonly Replay[]): ReplayView {
  const acting = actingReplays(replays);
  if (acting.length === 0) {
    return markdown(`No detection planned or executed a move (${replays.length} detection(s)).`);
  }
  const parts: string[] = [];
  for (const r of acting) {
    const d = r.detection;
    parts.push(
      `**Detection at ${clock(d.start)} UTC: ${r.verdict}.**` +
        (r.note !== undefined && r.agreement !== "not-replayed" ? ` (${r.note}.)` : ""),
    );
    const counts = new Map<number, number>();
    for (const p of d.partitions) counts.set(p.broker, (counts.get(p.broker) ?? 0) + 1);
    parts.push(
      table(
        d.brokers.map((b) => ({
          broker: b.broker,
          "in (MB/s)": mbps(b.loads.in ?? 0),
          "out (MB/s)": mbps(b.loads.out ?? 0),
          partitions: counts.get(b.broker) ?? 0,
        })),
      ).bundle["text/markdown"] as string,
    );
    const lines = describeReplay(r).slice(2); // partitions, bands, moves, executed
    parts.push(lines.map((l) => `- ${l.trim()}`).join("\n"));
  }
  const tally = decisionLines(replays).at(-1)!;
  parts.push(tally);
  return markdown(parts.join("\n\n"));
}

/** The rows of {@linkcode predictionView}'s effect table. */
function effectRows(c: PredictionComparison) {
  return c.effect.map((e) => ({
    broker: e.broker,
    "predicted off (MB/s)": mbps(e.predicted.off),
    "actual off (MB/s)": mbps(e.actual.off),
    "predicted onto (MB/s)": mbps(e.predicted.on),
    "actual onto (MB/s)": mbps(e.actual.on),
  }));
}

/**
 * The before-window prediction next to what the balancer did, labelled as a prediction
 * from another window: by effect (bytes/s in moved off and onto each broker) and by name.
 */
export function predictionView(prediction: BalancePlan, replays: readonly Replay[]): ReplayView {
  const c = compareWithPrediction(prediction, replays.map((r) => r.detection));
  const names = [
    `same partition and destination: ${c.sameName.length === 0 ? "none" : c.sameName.join(", ")}`,
    `moved elsewhere: ${c.otherDestination.length === 0 ? "none" : c.otherDestination.join(", ")}`,
    `only predicted: ${c.onlyPredicted.length === 0 ? "none" : c.onlyPredicted.join(", ")}`,
    `only the balancer: ${c.onlyActual.length === 0 ? "none" : c.onlyActual.join(", ")}`,
  ];
  return markdown([
    `A **${c.label}**. Partitions of near-equal load are interchangeable, so compare the ` +
    "effect first: bytes/s in moved off and onto each broker.",
    table(effectRows(c)).bundle["text/markdown"] as string,
    `By name (${names.join("; ")}).`,
  ].join("\n\n"));
}

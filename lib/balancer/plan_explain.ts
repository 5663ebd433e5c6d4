/**
 * A plan in plain English: what each goal saw, what moves and why, what was dropped, how
 * it will execute and where the load ends up.
 *
 * @module
 */

import { moveText } from "../core/move.ts";
import { formatRate } from "../core/format.ts";
import { GOAL_RESOURCE } from "./plan_goals.ts";
import type { BalancePlan } from "./plan_types.ts";

function list(items: string[], max: number): string {
  if (items.length <= max) return items.join("; ");
  return `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}

function maxOverMean(values: number[]): number {
  if (values.length === 0) return 1;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean === 0 ? 1 : Math.max(...values) / mean;
}

/**
 * Renders a plan as a few lines of plain English: what each goal saw, what moves and why,
 * what was dropped, how it will execute and where the load ends up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainPlan } from "./plan_explain.ts";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: p < 3 ? 0 : 1,
 *   bytesInPerSec: 2e6,
 *   bytesOutPerSec: 0,
 * }));
 * const lines = explainPlan(planBalance({ brokers: [0, 1], partitions, settings: balancerSettingsFrom({}) }));
 * assert.match(lines.join("\n"), /Moves: t-\d: broker 0 → broker 1/);
 * ```
 */
export function explainPlan(plan: BalancePlan): string[] {
  const lines: string[] = [];
  const model = plan.brokers.filter((b) => !b.excluded);
  const goalWords = plan.goals.map((g) => `bytes ${g.resource}`).join(", then ");
  let scope = `${model.length} broker(s) take part (${
    model.map((b) => b.broker).join(", ")
  }) with ${plan.movablePartitions} movable partition(s); goals in order: ${goalWords}.`;
  if (plan.excludedBrokers.length > 0) {
    scope += ` Excluded brokers: ${plan.excludedBrokers.join(", ")}.`;
  }
  if (plan.excludedTopics.length > 0) {
    scope += ` Excluded topics (their load counts, they never move): ${
      plan.excludedTopics.join(", ")
    }.`;
  }
  lines.push(scope);
  for (const g of plan.goals) {
    const pct = Math.round(g.deviationRatio * 1000) / 10;
    let line = `Bytes ${g.resource} (${g.goal}): average ${
      formatRate(g.average)
    }, acceptable band ${formatRate(g.lower)} to ${formatRate(g.upper)} (±${pct}%).`;
    if (g.averageBelowThreshold) {
      line += ` The average is under the detect threshold ${
        formatRate(g.detectThreshold)
      }, so brokers under it count as fine.`;
    }
    if (g.violations.length === 0 && g.violationsAtStart.length === 0) {
      line += " Every broker is acceptable: nothing to do.";
    } else if (g.violations.length === 0) {
      line += ` Before the plan ${
        list(g.violationsAtStart.map((v) => `broker ${v.broker} was ${v.side} it`), 6)
      }; the earlier goals' moves brought every broker inside before its turn.`;
    } else {
      line += ` Outside the band: ${
        list(
          g.violations.map((v) =>
            `broker ${v.broker} ${v.side} by ${formatRate(v.by)} (at ${formatRate(v.load)})`
          ),
          6,
        )
      }.`;
      line += ` It kept ${g.moves} move(s)`;
      line += g.unresolved.length > 0
        ? `; still outside after its turn: broker(s) ${g.unresolved.join(", ")}.`
        : ".";
    }
    lines.push(line);
  }
  if (plan.moves.length > 0) {
    const moves = plan.moves.map((m) => {
      const r = GOAL_RESOURCE[m.goal];
      const scores = m.goalScores.map((s) => `${GOAL_RESOURCE[s.goal]} ${s.score.toFixed(3)}`)
        .join(", ");
      return `${moveText(m)} (${
        m.mode === "shed" ? `broker ${m.from} above the band` : `broker ${m.to} below the band`
      }; partition ${formatRate(m.load[r])} ${r}; broker ${m.from} ${
        formatRate(m.fromBefore[r])
      } → ${formatRate(m.fromAfter[r])}, broker ${m.to} ${formatRate(m.toBefore[r])} → ${
        formatRate(m.toAfter[r])
      }; scores ${scores}, group ${m.groupScore.toFixed(3)})`;
    });
    lines.push(`Moves: ${list(moves, 5)}.`);
  }
  for (const d of plan.dropped.slice(0, 3)) {
    lines.push(`Dropped ${d.moves.length} move(s) as trivial: ${d.reason}`);
  }
  if (plan.dropped.length > 3) lines.push(`(${plan.dropped.length - 3} more trivial drops.)`);
  if (plan.actions.length === 0) {
    lines.push("No reassignment: the plan is empty.");
  } else {
    // AutoMQ's estimate counts only the pauses between batches, not the moves themselves.
    lines.push(
      plan.batches.length <= 1
        ? `Execution: ${plan.actions.length} reassignment(s) in one batch, issued together; ` +
          "each then takes as long as its move does."
        : `Execution: ${plan.actions.length} reassignment(s) in ${plan.batches.length} ` +
          `batches, ${plan.settings.executionIntervalMs} ms apart: the last batch is issued ` +
          `about ${(plan.estimatedTimeMs / 1000).toFixed(1)} s after the first.`,
    );
    const after = model.map((b) =>
      `broker ${b.broker} in ${formatRate(b.after.in)}, out ${formatRate(b.after.out)}`
    );
    const spread = (["in", "out"] as const).map((r) =>
      `${r} max/mean ${maxOverMean(model.map((b) => b.before[r])).toFixed(2)} → ${
        maxOverMean(model.map((b) => b.after[r])).toFixed(2)
      }`
    ).join(", ");
    lines.push(`Predicted loads after: ${list(after, 6)} (${spread}).`);
  }
  for (const note of plan.notes) lines.push(`Note: ${note}`);
  return lines;
}

/**
 * The balancer model's plan in a notebook: in words (the model's own explanation), its
 * moves with their reasons and scores, and each broker's bytes in now and as predicted.
 *
 * @module
 */

import { type BalancePlan, explainPlan, GOAL_RESOURCE } from "../balancer/plan.ts";
import { sideOfBand } from "../core/band.ts";
import { formatRate, mbps } from "../core/format.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import { fixed } from "../present/sentences.ts";
import type { View } from "../present/display.ts";

/** The plan in words: the model's own explanation (`explainPlan`) as a Markdown list. */
export function planSummary(plan: BalancePlan): View {
  const goal = plan.goals.find((g) => g.resource === "in") ?? plan.goals[0];
  const head = goal
    ? `**The balancer model's plan.** Bytes in: average ${formatRate(goal.average)}, ` +
      `acceptable band ${formatRate(goal.lower)} to ${formatRate(goal.upper)}; ` +
      (goal.violationsAtStart.length === 0
        ? "every broker is inside it."
        : `outside it: ${
          goal.violationsAtStart.map((v) => `broker ${v.broker} (${v.side})`).join(", ")
        }.`) +
      ` ${plan.actions.length} reassignment(s) planned.`
    : `**The balancer model's plan:** ${plan.actions.length} reassignment(s).`;
  return markdown([head, "", ...explainPlan(plan).map((line) => `- ${line}`)].join("\n"));
}

/**
 * The plan's moves: partition, from, to, why, which goal (bytes in or out), the partition's
 * rate and both brokers' rates before and after the move, and the move's group score.
 */
export function planMovesTable(plan: BalancePlan): TableDisplay {
  return table(
    plan.moves.map((m) => {
      const r = GOAL_RESOURCE[m.goal];
      return {
        partition: `${m.topic}-${m.partition}`,
        from: m.from,
        to: m.to,
        why: m.mode === "shed"
          ? `broker ${m.from} above the band`
          : `broker ${m.to} below the band`,
        goal: `bytes ${r}`,
        "partition (MB/s)": mbps(m.load[r]),
        "source (MB/s)": `${mbps(m.fromBefore[r])} → ${mbps(m.fromAfter[r])}`,
        "destination (MB/s)": `${mbps(m.toBefore[r])} → ${mbps(m.toAfter[r])}`,
        score: fixed(m.groupScore),
      };
    }),
    [
      "partition",
      "from",
      "to",
      "why",
      "goal",
      { key: "partition (MB/s)", align: "right" },
      "source (MB/s)",
      "destination (MB/s)",
      { key: "score", align: "right" },
    ],
  );
}

/** Each broker's bytes in now and as the plan predicts, against the band. */
export function planLoadsTable(plan: BalancePlan): TableDisplay {
  const goal = plan.goals.find((g) => g.resource === "in");
  const side = (load: number) =>
    goal ? sideOfBand(load, { average: goal.average, low: goal.lower, high: goal.upper }) : "";
  return table(
    plan.brokers.map((b) => ({
      broker: b.broker,
      "bytes in now (MB/s)": mbps(b.before.in),
      "band now": b.excluded ? "excluded" : side(b.before.in),
      "predicted (MB/s)": mbps(b.after.in),
      "band after": b.excluded ? "excluded" : side(b.after.in),
      "partitions": `${b.partitionsBefore} → ${b.partitionsAfter}`,
    })),
    [
      "broker",
      { key: "bytes in now (MB/s)", align: "right" },
      "band now",
      { key: "predicted (MB/s)", align: "right" },
      "band after",
      "partitions",
    ],
  );
}

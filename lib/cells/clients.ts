/**
 * The notebooks' views of the clients beside the load: the consumer groups' zero-loss check,
 * the request-rate load, each move's cost to the clients, and the request rate per broker.
 *
 * @example
 * ```ts
 * import { clientsView } from "./clients.ts";
 * const text = clientsView(undefined, []).bundle["text/markdown"];
 * if (!/no consumer groups/.test(text)) throw new Error(text);
 * ```
 *
 * @module
 */

import type { MoveCost } from "../cluster/move_cost.ts";
import { groupsSentence } from "../cluster/consumer_check.ts";
import { requestRates, requestRateSentence } from "../cluster/request_rate.ts";
import { clientImpactSection } from "../present/client_impact.ts";
import { markdown } from "../present/display.ts";
import type { SavedClients } from "../lab/clients.ts";
import type { Lab } from "../lab/lab.ts";
import type { Measurement } from "../present/report.ts";
import type { View } from "../present/display.ts";

/** The groups' check, the request-rate load and each move's cost to the clients. */
export function clientsView(saved: SavedClients | undefined, costs: readonly MoveCost[]): View {
  const lines: string[] = [];
  lines.push(
    saved && saved.groups.length > 0
      ? groupsSentence(saved.groups)
      : "The load ran with no consumer groups (LAB_CONSUMER_GROUPS=0): no bytes out to balance.",
  );
  const s = saved?.smallRecords;
  if (s) {
    lines.push(
      "",
      `Request-rate load: ${s.acked} of ${s.sent} single-record produce requests acknowledged ` +
        `(${s.achievedPerSecond.toFixed(0)}/s), ${s.failed} failed.`,
    );
  }
  const impact = saved ? clientImpactSection(costs, saved.steps) : undefined;
  if (impact) lines.push("", impact.replace(/^## /, "**").replace(/\n/, "**\n"));
  return markdown(lines.join("\n"));
}

/** The produce and fetch request rates per broker over the measurement's window, in words. */
export async function requestRateView(lab: Lab, m: Measurement): Promise<View> {
  const brokers = m.snapshot.brokers.map((b) => b.broker);
  const rates = await requestRates(lab.prom, brokers, m.snapshot.windowSeconds, m.snapshot.takenAt);
  return markdown(requestRateSentence(rates, m.spreadIn.maxOverMean));
}

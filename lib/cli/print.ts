/**
 * How the terminal tasks print: one line per thing, stamped with the UTC time. The words
 * are the story's sentences (`present/sentences.ts`), the same the notebooks show.
 *
 * @module
 */

import type { TimelineEvent } from "../balancer/watch.ts";
import { clock, eventLine } from "../present/sentences.ts";

/** Prints `line` after the time of day (UTC). */
export function say(line: string): void {
  console.log(`${clock(new Date())}  ${line}`);
}

/** Prints a timeline event as one line; rates at most every 5 s. */
export function eventPrinter(): (e: TimelineEvent) => void {
  let lastRates = 0;
  return (e) => {
    if (e.kind === "rates") {
      if (e.time.getTime() - lastRates < 5000) return;
      lastRates = e.time.getTime();
    }
    const line = eventLine(e);
    if (line !== undefined) say(line);
  };
}

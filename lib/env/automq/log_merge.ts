/**
 * Merges log files written by several nodes in the log4j layout `[%d] %p %m (%c)%n`
 * into one, ordered by time. Lines without a leading `[timestamp]` (stack traces,
 * wrapped messages) stay with the entry above them.
 *
 * @module
 */

const STAMP = /^\[(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?)\]/;

interface Entry {
  stamp: string;
  source: number;
  order: number;
  text: string;
}

/** Splits one log into entries, each a stamped line with its continuation lines. */
function entries(text: string, source: number): Entry[] {
  const result: Entry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const match = STAMP.exec(line);
    if (match || result.length === 0) {
      result.push({
        stamp: match ? match[1].replace("T", " ").replace(".", ",") : "",
        source,
        order: result.length,
        text: line,
      });
    } else {
      result[result.length - 1].text += `\n${line}`;
    }
  }
  return result;
}

/**
 * Merges logs by timestamp. Entries with the same stamp keep the order of `logs`
 * and, within one log, their own order. The result ends with a newline unless empty.
 */
export function mergeLogs(logs: string[]): string {
  const all = logs.flatMap((text, source) => entries(text, source));
  all.sort((a, b) =>
    a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.source - b.source || a.order - b.order
  );
  return all.length === 0 ? "" : all.map((e) => e.text).join("\n") + "\n";
}

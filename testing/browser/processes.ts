/**
 * Process groups started by the browser test, stopped by PID: the group leader's whole group and
 * every descendant seen before stopping (Jupyter starts each kernel in a session of its own, so a
 * kernel is not in JupyterLab's group).
 *
 * @module
 */

import { isAlive } from "../../lib/core/process.ts";

/** Parent PID of every process, from `/proc/<pid>/stat` (Linux). */
export function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // The command name is in parentheses and may hold spaces: fields follow the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry.name), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  return parents;
}

/** Every descendant of `pid` (children, their children, ...), from a parent map. */
export function descendants(pid: number, parents: Map<number, number>): number[] {
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next: number[] = [];
    for (const [child, parent] of parents) {
      if (frontier.includes(parent) && !found.includes(child)) next.push(child);
    }
    found.push(...next);
    frontier = next;
  }
  return found;
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stops the process group led by `leader` (started with `setsid`) and all its descendants:
 * SIGTERM, up to `graceMs` to exit, then SIGKILL. Returns the PIDs that had to be killed.
 */
export async function stopGroup(leader: number, graceMs = 15_000): Promise<number[]> {
  const pids = [leader, ...descendants(leader, parentPids())];
  signal(-leader, "SIGTERM");
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const killed = pids.filter(isAlive);
  signal(-leader, "SIGKILL");
  for (const pid of killed) signal(pid, "SIGKILL");
  return killed;
}

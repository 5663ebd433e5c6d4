/**
 * A brought cluster's balancer log, read from the files `LAB_BALANCER_LOG` names: paths or
 * globs, comma-separated (`/logs/node*&#47;auto-balancer.log*` takes every node's file and
 * its rotated pieces), their stamps read in `LAB_BALANCER_LOG_ZONE` and rewritten in UTC,
 * merged by time with only the detecting controller's lines kept (`balancer/log_merge.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { balancerLogFiles } from "./balancer_log_files.ts";
 * const dir = await Deno.makeTempDir();
 * for (const name of ["auto-balancer.log", "auto-balancer.log.1", "auto-balancer.log.2"]) {
 *   await Deno.writeTextFile(`${dir}/${name}`, "");
 * }
 * // Oldest first: .2, .1, then the live file.
 * assert.deepEqual(
 *   (await balancerLogFiles(`${dir}/auto-balancer.log*`)).map((f) => f.slice(dir.length + 1)),
 *   ["auto-balancer.log.2", "auto-balancer.log.1", "auto-balancer.log"],
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { mergeLogs } from "../balancer/log_merge.ts";
import { stampsInUtc } from "../balancer/log_format.ts";

const WILD = /[*?[]/;

/** A glob segment as a regular expression: `*`, `?` and `[...]` within one path segment. */
function segmentPattern(segment: string): RegExp {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        const body = segment.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** Files matching one glob (wildcards in any segment), in no particular order. */
async function expand(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s) => s !== "");
  let paths = [absolute ? "/" : "."];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      const join = (name: string) =>
        base === "/" ? `/${name}` : base === "." && !absolute ? name : `${base}/${name}`;
      if (!WILD.test(segment)) {
        next.push(join(segment));
        continue;
      }
      const re = segmentPattern(segment);
      try {
        for await (const entry of Deno.readDir(base)) {
          if (!re.test(entry.name)) continue;
          if (last ? entry.isFile || entry.isSymlink : entry.isDirectory || entry.isSymlink) {
            next.push(join(entry.name));
          }
        }
      } catch {
        // A directory that cannot be listed matches nothing.
      }
    }
    paths = next;
  }
  return paths;
}

/** `auto-balancer.log.3` → [`auto-balancer.log`, 3]; the live file counts as 0. */
function rotation(path: string): [string, number] {
  const m = /^(.*)\.(\d+)$/.exec(path);
  return m ? [m[1], Number(m[2])] : [path, 0];
}

/**
 * The files `spec` names (comma-separated paths or globs), each node's rotated pieces
 * oldest first. Throws one sentence naming the pattern that matches nothing.
 */
export async function balancerLogFiles(spec: string): Promise<string[]> {
  const files = new Set<string>();
  for (const part of spec.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const found = WILD.test(part) ? await expand(part) : [part];
    if (found.length === 0) {
      throw new Error(
        `LAB_BALANCER_LOG: no file matches "${part}"; name each node's auto-balancer.log ` +
          "(comma-separated), or a glob such as /logs/node*/auto-balancer.log* that also " +
          "takes the rotated files.",
      );
    }
    for (const f of found) files.add(f);
  }
  return [...files].sort((a, b) => {
    const [ba, na] = rotation(a), [bb, nb] = rotation(b);
    return ba < bb ? -1 : ba > bb ? 1 : nb - na;
  });
}

/**
 * The balancer log of the files `spec` names, read in `zone`, stamped in UTC, merged by
 * time, the standby controllers' lines left out. Throws one sentence naming the file that
 * cannot be read.
 */
export async function readBalancerLogs(spec: string, zone: string): Promise<string> {
  const files = await balancerLogFiles(spec);
  const texts = await Promise.all(files.map(async (file) => {
    try {
      return stampsInUtc(await Deno.readTextFile(file), zone);
    } catch (error) {
      throw new Error(
        `Cannot read the balancer log ${file} (LAB_BALANCER_LOG): ${(error as Error).message}`,
      );
    }
  }));
  return mergeLogs(texts);
}

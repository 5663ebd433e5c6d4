/**
 * The memory a Compose project reserves, added up from the resolved file itself:
 * for a JVM service, the ceilings in its `KAFKA_HEAP_OPTS` (`-Xmx` plus
 * `-XX:MaxDirectMemorySize`); for any other service, its `mem_limit`. The
 * pre-check compares the sum with the engine's memory, so the number lives in
 * one place (the compose file and its `.env`).
 *
 * @module
 */

import { type ComposeModel, type ComposeService, parseByteValue } from "./compose_cli.ts";

/** What one service reserves. */
export interface ServiceMemory {
  /** Service name. */
  service: string;
  /** Bytes. */
  bytes: number;
  /** Where the figure comes from, for people (`-Xmx1g + MaxDirectMemorySize 384m`). */
  source: string;
}

/** The sum and its parts. */
export interface MemoryBudget {
  /** Bytes, all parts together. */
  totalBytes: number;
  /** One entry per service counted. */
  parts: ServiceMemory[];
}

/** Reads a JVM size as the JVM does (`1g`, `384m`, `1G`, `524288k`, bytes). */
function jvmBytes(raw: string, flag: string, service: string): number {
  try {
    return parseByteValue(raw);
  } catch {
    throw new Error(`service ${service}: cannot read ${flag}${raw} in KAFKA_HEAP_OPTS.`);
  }
}

/**
 * The heap and direct-memory ceilings of a JVM service, from `KAFKA_HEAP_OPTS`;
 * `undefined` when the service sets no `KAFKA_HEAP_OPTS`. Both flags are required
 * when it does: without them the JVM sizes itself from the machine.
 */
export function jvmCeilings(
  service: ComposeService,
): { heapBytes: number; directBytes: number } | undefined {
  const opts = service.environment.KAFKA_HEAP_OPTS;
  if (opts === undefined) return undefined;
  const last = (pattern: RegExp) => [...opts.matchAll(pattern)].at(-1)?.[1];
  const heap = last(/(?:^|\s)-Xmx(\S+)/g);
  const direct = last(/(?:^|\s)-XX:MaxDirectMemorySize=(\S+)/g);
  if (heap === undefined || direct === undefined) {
    throw new Error(
      `service ${service.name}: KAFKA_HEAP_OPTS ("${opts}") must set both -Xmx and ` +
        "-XX:MaxDirectMemorySize, or the memory it takes cannot be known.",
    );
  }
  return {
    heapBytes: jvmBytes(heap, "-Xmx", service.name),
    directBytes: jvmBytes(direct, "-XX:MaxDirectMemorySize=", service.name),
  };
}

const MIB = 1024 ** 2;

function mib(bytes: number): string {
  return bytes % (1024 * MIB) === 0 ? `${bytes / (1024 * MIB)} GiB` : `${bytes / MIB} MiB`;
}

/**
 * Adds up what the project's services reserve. Services under a Compose profile
 * count only when one of their profiles is in `profiles`. A service with neither
 * `KAFKA_HEAP_OPTS` nor `mem_limit` is an error: its need would be unknown.
 */
export function memoryBudget(model: ComposeModel, profiles: string[] = []): MemoryBudget {
  const parts: ServiceMemory[] = [];
  for (const service of model.services) {
    if (service.profiles.length > 0 && !service.profiles.some((p) => profiles.includes(p))) {
      continue;
    }
    const jvm = jvmCeilings(service);
    if (jvm) {
      parts.push({
        service: service.name,
        bytes: jvm.heapBytes + jvm.directBytes,
        source: `heap ${mib(jvm.heapBytes)} + direct ${mib(jvm.directBytes)}`,
      });
    } else if (service.memLimitBytes !== undefined) {
      parts.push({
        service: service.name,
        bytes: service.memLimitBytes,
        source: `mem_limit ${mib(service.memLimitBytes)}`,
      });
    } else {
      throw new Error(
        `service ${service.name} has no mem_limit and no KAFKA_HEAP_OPTS, so the memory the ` +
          "project needs cannot be added up; give it a mem_limit.",
      );
    }
  }
  return { totalBytes: parts.reduce((sum, p) => sum + p.bytes, 0), parts };
}

/** One line for people: `5.7 GiB (server1 heap 1 GiB + direct 384 MiB, ...)`. */
export function describeBudget(budget: MemoryBudget): string {
  return `${(budget.totalBytes / 1024 ** 3).toFixed(1)} GiB (` +
    budget.parts.map((p) => `${p.service} ${p.source}`).join(", ") + ")";
}

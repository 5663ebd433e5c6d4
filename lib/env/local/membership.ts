/**
 * Which nodes the local cluster has: the brokers now, the KRaft controllers fixed at
 * start, the cluster id, and the file (`brokers.json`) a running cluster keeps them in.
 *
 * @module
 */

import { MAX_LOCAL_BROKERS } from "../../config/config.ts";

/** A part of the local environment failed or refused; the message says which and why. */
export class LocalEnvironmentError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "LocalEnvironmentError";
  }
}

/** Which nodes the local cluster has: brokers now, and the KRaft controllers (fixed at start). */
export interface LocalMembership {
  /** Broker ids, in order. */
  brokers: number[];
  /** The nodes that are also KRaft controllers (the first three at start). */
  controllers: number[];
}

/**
 * The membership a cluster of `count` brokers starts with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialMembership } from "./membership.ts";
 * assert.deepEqual(initialMembership(4), { brokers: [0, 1, 2, 3], controllers: [0, 1, 2] });
 * ```
 */
export function initialMembership(count: number): LocalMembership {
  const brokers = Array.from({ length: count }, (_, i) => i);
  return { brokers, controllers: brokers.slice(0, Math.min(3, count)) };
}

/**
 * A fresh KRaft cluster id: 16 random bytes in URL-safe base64. Like Kafka's own
 * `Uuid.randomUuid()`, it never starts with "-", which the storage tool's command line
 * would read as an option (1 id in 64 did, and formatting failed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newClusterId } from "./membership.ts";
 * assert.deepEqual(newClusterId().length, 22);
 * ```
 */
export function newClusterId(): string {
  while (true) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    if (!id.startsWith("-")) return id;
  }
}

/** Reads the membership file of a running cluster (`brokers.json` in its state directory). */
export function readMembership(stateDir: string): LocalMembership | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(`${stateDir}/brokers.json`)) as LocalMembership;
  } catch {
    // No membership file: no cluster was set up in this state directory.
    return undefined;
  }
}

/** Writes the membership file into `stateDir` (created when missing). */
export async function saveMembership(stateDir: string, members: LocalMembership): Promise<void> {
  await Deno.mkdir(stateDir, { recursive: true });
  await Deno.writeTextFile(`${stateDir}/brokers.json`, JSON.stringify(members));
}

/** The cluster id kept in `file`, or a new one written there. */
export async function clusterIdIn(file: string): Promise<string> {
  try {
    return (await Deno.readTextFile(file)).trim();
  } catch {
    // No id kept yet: make one and keep it.
    const id = newClusterId();
    await Deno.writeTextFile(file, id);
    return id;
  }
}

/**
 * The id a new broker gets: the lowest one not in use. Throws when the cluster
 * already runs {@linkcode MAX_LOCAL_BROKERS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextBrokerId } from "./membership.ts";
 * assert.deepEqual(nextBrokerId({ brokers: [0, 2], controllers: [0] }), 1);
 * ```
 */
export function nextBrokerId(members: LocalMembership): number {
  const used = members.brokers;
  if (used.length >= MAX_LOCAL_BROKERS) {
    throw new LocalEnvironmentError(
      `The local cluster already has ${used.length} brokers, the most it runs ` +
        `(${MAX_LOCAL_BROKERS}); remove one first.`,
    );
  }
  return Array.from({ length: MAX_LOCAL_BROKERS }, (_, i) => i).find((i) => !used.includes(i))!;
}

/**
 * Throws, saying why, when broker `id` may not be removed: it is not there, it is
 * the last broker, or it is a controller whose loss would break the KRaft quorum.
 *
 * @example
 * ```ts
 * import { assertRemovable } from "./membership.ts";
 * assertRemovable({ brokers: [0, 1, 2, 3], controllers: [0, 1, 2] }, 3); // fine
 * ```
 */
export function assertRemovable(members: LocalMembership, id: number): void {
  const { brokers, controllers } = members;
  if (!brokers.includes(id)) {
    throw new LocalEnvironmentError(
      `There is no broker ${id} in the local cluster; its brokers are ${brokers.join(", ")}.`,
    );
  }
  if (brokers.length === 1) {
    throw new LocalEnvironmentError(
      `Broker ${id} is the cluster's last broker; the lab will not remove it (deno task cleanup stops the cluster).`,
    );
  }
  if (controllers.includes(id)) {
    const left = controllers.filter((c) => c !== id && brokers.includes(c)).length;
    if (left <= controllers.length / 2) {
      throw new LocalEnvironmentError(
        `Broker ${id} is also one of the ${controllers.length} KRaft controllers; without it ` +
          `${left} would be left, below the quorum. Remove a broker-only node (${
            brokers.filter((b) => !controllers.includes(b)).join(", ") || "none yet: add one"
          }) instead.`,
      );
    }
  }
}

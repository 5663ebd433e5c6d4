/**
 * Who leads each partition of a topic, polled several times a second while the balancer
 * works: the timeline of leader changes, with the moments a partition had no leader.
 *
 * On AutoMQ a move closes the partition on its source, then opens it on its destination;
 * in between (1-3 s on AutoMQ 1.7.3) the partition has no leader and metadata answers
 * LEADER_NOT_AVAILABLE for it. On Apache Kafka leadership passes from the old replica to
 * the new one once the log is copied. Either way this timeline shows it: it is what a
 * move's cost in time is measured from (`move_cost.ts`).
 *
 * The poll is a `Metadata` request (API 3, v4) for the one topic, over one connection
 * (`wire.ts`): kafkajs's metadata call throws on a leaderless partition rather than say
 * which one it is.
 *
 * @module
 */

import {
  type WireConnection,
  type WireReader,
  type WireRequest,
  WireWriter,
  withWire,
} from "./wire.ts";

/** A partition's leader changed (`leader` -1: it had none). */
export interface LeaderChange {
  /** Partition number. */
  partition: number;
  /** When the poll saw it, Unix milliseconds. */
  at: number;
  /** The new leader, or -1 when the partition had no leader. */
  leader: number;
}

/** What a {@linkcode LeaderPoller} saw. */
export interface LeaderTimeline {
  /** The topic. */
  topic: string;
  /** Time between polls, milliseconds (the precision of every time below). */
  pollMs: number;
  /** First and last successful poll, Unix milliseconds (0 when none succeeded). */
  from: number;
  /** Last successful poll, Unix milliseconds. */
  to: number;
  /** Every change, in time order; the first poll records every partition's leader. */
  changes: LeaderChange[];
  /** Polls that failed (broker unreachable, timeout). */
  failedPolls: number;
}

/**
 * The `Metadata` v4 request for one topic (no auto-creation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metadataRequest } from "./leader_poll.ts";
 * const r = metadataRequest("t");
 * assert.deepEqual([r.apiKey, r.apiVersion, [...r.body]], [3, 4, [0, 0, 0, 1, 0, 1, 116, 0]]);
 * ```
 */
export function metadataRequest(topic: string): WireRequest {
  const body = new WireWriter().array([topic], (w, t) => w.string(t)).int8(0).bytes();
  return { apiKey: 3, apiVersion: 4, body };
}

/**
 * Each partition's leader in a `Metadata` v4 response body, for `topic`: the leader id, or
 * -1 when the partition answers LEADER_NOT_AVAILABLE (as during a move on AutoMQ) or has none.
 * Throws when the topic itself answers an error.
 */
export function parseLeaders(reader: WireReader, topic: string): Map<number, number> {
  reader.int32(); // throttle time
  reader.array((r) => {
    r.int32();
    r.string();
    r.int32();
    r.string();
  });
  reader.string(); // cluster id
  reader.int32(); // controller id
  const topics = reader.array((r) => {
    const errorCode = r.int16();
    const name = r.string();
    r.int8(); // is internal
    const partitions = r.array((p) => {
      const error = p.int16();
      const partition = p.int32();
      const leader = p.int32();
      p.array((x) => x.int32());
      p.array((x) => x.int32());
      // LEADER_NOT_AVAILABLE (5): no leader, whatever id came with it. Other partition errors
      // (a follower offline) leave the leader as it is.
      return { partition, leader: error === 5 ? -1 : leader };
    });
    return { errorCode, name, partitions };
  });
  const found = topics.find((t) => t.name === topic);
  if (!found || found.errorCode !== 0) {
    throw new Error(
      `metadata of topic ${topic}: ${
        found ? `error code ${found.errorCode}` : "not in the answer"
      }`,
    );
  }
  return new Map(found.partitions.map((p) => [p.partition, p.leader < 0 ? -1 : p.leader]));
}

/** Polls a topic's leaders until stopped, keeping every change. */
export class LeaderPoller {
  readonly #bootstrap: readonly string[];
  readonly #topic: string;
  readonly #pollMs: number;
  readonly #changes: LeaderChange[] = [];
  readonly #last = new Map<number, number>();
  #from = 0;
  #to = 0;
  #failed = 0;
  #stopped = false;
  #wake?: () => void;
  #loop?: Promise<void>;

  /** Polls `topic`'s leaders through `bootstrap` every `pollMs` (default 250 ms). */
  constructor(bootstrap: readonly string[], topic: string, pollMs = 250) {
    this.#bootstrap = bootstrap;
    this.#topic = topic;
    this.#pollMs = pollMs;
  }

  /** Starts polling (in the background). */
  start(): this {
    this.#loop ??= this.#run();
    return this;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        await withWire(this.#bootstrap, (c) => this.#pollOn(c), {
          clientId: "lab-leader-poll",
          timeoutMs: 3000,
        });
      } catch {
        this.#failed++;
        await this.#sleep();
      }
    }
  }

  /** Polls on one connection until stopped or the connection fails. */
  async #pollOn(connection: WireConnection): Promise<void> {
    while (!this.#stopped) {
      const leaders = parseLeaders(
        await connection.request(metadataRequest(this.#topic), 3000),
        this.#topic,
      );
      this.#record(Date.now(), leaders);
      await this.#sleep();
    }
  }

  #record(at: number, leaders: Map<number, number>): void {
    if (this.#from === 0) this.#from = at;
    this.#to = at;
    for (const [partition, leader] of [...leaders].sort(([a], [b]) => a - b)) {
      if (this.#last.get(partition) === leader) continue;
      this.#last.set(partition, leader);
      this.#changes.push({ partition, at, leader });
    }
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#pollMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops polling and returns what it saw. */
  async stop(): Promise<LeaderTimeline> {
    this.#stopped = true;
    this.#wake?.();
    // #run catches and counts each poll's failure itself; stopping only waits for the loop to end.
    await this.#loop?.catch(() => {});
    return {
      topic: this.#topic,
      pollMs: this.#pollMs,
      from: this.#from,
      to: this.#to,
      changes: [...this.#changes],
      failedPolls: this.#failed,
    };
  }
}

import assert from "node:assert/strict";
import {
  type BatchOutcome,
  mayHaveBeenStored,
  PartitionProducer,
  type ProduceBroker,
  type ProduceTarget,
} from "./load_producer.ts";
import { LeaderlessError } from "./kafka.ts";
import { errorFromCode, KAFKAJS_ERRORS } from "../../testing/kafkajs_errors.ts";

const fromCode = errorFromCode;
const { KafkaJSConnectionClosedError, KafkaJSConnectionError } = KAFKAJS_ERRORS;

/** One produce request as the broker saw it. */
interface Sent {
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  values: number[];
}

type Produce = Parameters<ProduceBroker["produce"]>[0];

function sentOf(request: Produce): Sent {
  const p = request.topicData[0].partitions[0];
  return {
    producerId: request.producerId,
    producerEpoch: request.producerEpoch,
    firstSequence: p.firstSequence,
    values: p.messages.map((m) => m.value[0]),
  };
}

/**
 * A target whose broker answers each attempt from `script` (an error to throw, or
 * undefined to accept), records every request, and hands out producer ids 1, 2, 3...
 */
function scripted(script: Array<Error | undefined>) {
  const requests: Sent[] = [];
  const events: string[] = [];
  let ids = 0;
  const broker: ProduceBroker = {
    produce(request) {
      requests.push(sentOf(request));
      const answer = script.shift();
      return answer ? Promise.reject(answer) : Promise.resolve({});
    },
  };
  const target: ProduceTarget = {
    leader: () => Promise.resolve(broker),
    staleLeader: () => events.push("stale"),
    newProducerId: () => Promise.resolve({ producerId: String(++ids), producerEpoch: 0 }),
  };
  const producer = new PartitionProducer("t", 3, target, {
    onRetry: (p, e) => events.push(`retry p${p}: ${(e as Error).name}`),
    onRenewed: (p, reason) => events.push(`renewed p${p}: ${reason}`),
  }, { retryWaitMs: 1, timeoutMs: 300 });
  return { producer, requests, events };
}

const batch = (...values: number[]) => values.map((v) => new Uint8Array([v]));

Deno.test("success: sequence numbers run on, batch after batch, under one producer id", async () => {
  const { producer, requests, events } = scripted([]);
  assert.deepEqual(await producer.send(batch(1, 2, 3)), { kind: "acked", duplicate: false });
  assert.deepEqual(await producer.send(batch(4, 5)), { kind: "acked", duplicate: false });
  assert.deepEqual(requests.map((r) => [r.producerId, r.firstSequence, r.values]), [
    ["1", 0, [1, 2, 3]],
    ["1", 3, [4, 5]],
  ]);
  assert.deepEqual(events, [], "the first producer id is no renewal");
});

Deno.test("NOT_LEADER_OR_FOLLOWER and LEADER_NOT_AVAILABLE: the same batch again, same numbers", async () => {
  const { producer, requests, events } = scripted([fromCode(6), fromCode(5)]);
  assert.deepEqual(await producer.send(batch(1, 2)), { kind: "acked", duplicate: false });
  assert.equal(requests.length, 3);
  assert.ok(requests.every((r) => r.producerId === "1" && r.firstSequence === 0));
  assert.ok(requests.every((r) => r.values.join() === "1,2"));
  assert.deepEqual(events.filter((e) => e.startsWith("retry")), [
    "retry p3: KafkaJSProtocolError",
    "retry p3: KafkaJSProtocolError",
  ]);
  assert.equal(events.filter((e) => e === "stale").length, 2, "fresh metadata before each retry");
});

Deno.test("an answer lost after the write, then DUPLICATE_SEQUENCE_NUMBER: acked once", async () => {
  const { producer, requests } = scripted([
    new KafkaJSConnectionClosedError("Closed connection"),
    fromCode(46),
  ]);
  assert.deepEqual(await producer.send(batch(7)), { kind: "acked", duplicate: true });
  assert.deepEqual(requests.map((r) => r.firstSequence), [0, 0]);
  // The next batch follows the stored one: no renewal, the sequence moves on.
  assert.deepEqual(await producer.send(batch(8)), { kind: "acked", duplicate: false });
  assert.deepEqual(requests.at(-1), {
    producerId: "1",
    producerEpoch: 0,
    firstSequence: 1,
    values: [8],
  });
});

for (
  const [code, type] of [
    [45, "OUT_OF_ORDER_SEQUENCE_NUMBER"],
    [59, "UNKNOWN_PRODUCER_ID"],
    [47, "INVALID_PRODUCER_EPOCH"],
  ] as const
) {
  Deno.test(`${type}: failed, maybe stored, never sent again; a new producer id follows`, async () => {
    const { producer, requests, events } = scripted([fromCode(code)]);
    const outcome = await producer.send(batch(1, 2));
    assert.equal(outcome.kind, "failed");
    assert.equal((outcome as BatchOutcome & { kind: "failed" }).maybeStored, true);
    assert.match((outcome as { error: Error }).error.message, new RegExp(`^t-3: ${type}`));
    assert.equal(requests.length, 1, "the records are not sent again");
    assert.deepEqual(await producer.send(batch(3)), { kind: "acked", duplicate: false });
    assert.deepEqual(requests.at(-1), {
      producerId: "2",
      producerEpoch: 0,
      firstSequence: 0,
      values: [3],
    });
    assert.deepEqual(events, [`renewed p3: ${type}`]);
  });
}

Deno.test("REQUEST_TIMED_OUT is retried and makes a later failure 'maybe stored'", async () => {
  const retried = scripted([fromCode(7)]);
  assert.deepEqual(await retried.producer.send(batch(1)), { kind: "acked", duplicate: false });
  assert.equal(retried.requests.length, 2);

  // Timed out (written, maybe), then only "no leader" until the bound: maybe stored.
  const ambiguous = scripted([fromCode(7), ...Array(1000).fill(fromCode(5))]);
  const outcome = await ambiguous.producer.send(batch(1));
  assert.equal(outcome.kind, "failed");
  assert.equal((outcome as { maybeStored: boolean }).maybeStored, true);
});

Deno.test("no leader until the bound: failed, not stored, a sentence naming the partition", async () => {
  const { producer, requests, events } = scripted(Array(1000).fill(fromCode(5)));
  const outcome = await producer.send(batch(1, 2));
  assert.equal(outcome.kind, "failed");
  const failed = outcome as BatchOutcome & { kind: "failed" };
  assert.equal(failed.maybeStored, false, "every answer said it was not written");
  // NOT_LEADER_OR_FOLLOWER may come from a partition closing after an append (AutoMQ).
  const closing = scripted(Array(1000).fill(fromCode(6)));
  const closed = await closing.producer.send(batch(1));
  assert.equal((closed as { maybeStored: boolean }).maybeStored, true);
  assert.match(failed.error.message, /^Producing to t-3 failed for \d+ s: no leader for t-3 /);
  assert.ok(requests.length > 3);
  requests.length = 0;
  // The next batch goes out under a new producer id (the old one's next number is unsure).
  await producer.send(batch(3));
  assert.equal(requests[0].producerId, "2");
  assert.equal(requests[0].firstSequence, 0);
  assert.ok(events.includes("renewed p3: a batch given up"));
});

Deno.test("a leader that cannot be found is retried; nothing was sent, so nothing may be stored", async () => {
  let lookups = 0;
  const target: ProduceTarget = {
    leader: () => {
      lookups++;
      return Promise.reject(new LeaderlessError("t", [3]));
    },
    staleLeader: () => {},
    newProducerId: () => Promise.resolve({ producerId: "9", producerEpoch: 0 }),
  };
  const producer = new PartitionProducer("t", 3, target, {}, { retryWaitMs: 1, timeoutMs: 200 });
  const outcome = await producer.send(batch(1));
  assert.equal(outcome.kind, "failed");
  assert.equal((outcome as { maybeStored: boolean }).maybeStored, false);
  assert.ok(lookups > 2);
});

Deno.test("a fatal answer (MESSAGE_TOO_LARGE) fails the batch at once, not stored", async () => {
  const { producer, requests } = scripted([fromCode(10)]);
  const outcome = await producer.send(batch(1));
  assert.equal(outcome.kind, "failed");
  assert.equal((outcome as { maybeStored: boolean }).maybeStored, false);
  assert.equal(requests.length, 1);
});

Deno.test("which failed attempts may have stored their batch", () => {
  assert.equal(mayHaveBeenStored(fromCode(6)), true, "NOT_LEADER_OR_FOLLOWER: maybe closing");
  assert.equal(mayHaveBeenStored(fromCode(5)), false, "LEADER_NOT_AVAILABLE: refused");
  assert.equal(mayHaveBeenStored(fromCode(7)), true, "REQUEST_TIMED_OUT: written, not replicated");
  assert.equal(mayHaveBeenStored(fromCode(20)), true, "NOT_ENOUGH_REPLICAS_AFTER_APPEND");
  assert.equal(mayHaveBeenStored(new KafkaJSConnectionClosedError("Closed connection")), true);
  const refused = new KafkaJSConnectionError("Connection error: connect ECONNREFUSED", {
    code: "ECONNREFUSED",
  });
  assert.equal(mayHaveBeenStored(refused), false, "never sent");
  assert.equal(mayHaveBeenStored(new Error("anything else")), true);
});

/**
 * A partition leader with Kafka's idempotence rules (AutoMQ's answers: a retried
 * batch it already stored gets DUPLICATE_SEQUENCE_NUMBER), and faults drawn from a
 * seeded generator: refused before writing, answer lost after writing, the answer
 * after writing replaced by OUT_OF_ORDER_SEQUENCE_NUMBER (as the fault proxy does) or by
 * NOT_LEADER_OR_FOLLOWER (a partition closing for a move).
 */
class IdempotentLog {
  readonly log: number[] = [];
  readonly #last = new Map<string, { first: number; last: number }>();
  #seed: number;
  constructor(seed: number) {
    this.#seed = seed;
  }
  #random(): number {
    // mulberry32
    let t = (this.#seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  produce(request: Produce): Promise<unknown> {
    const { producerId, firstSequence, values } = sentOf(request);
    const roll = this.#random();
    if (roll < 0.15) return Promise.reject(fromCode(5)); // moving: refused, nothing written
    const last = this.#last.get(producerId);
    const lastSeq = firstSequence + values.length - 1;
    if (last && last.first === firstSequence && last.last === lastSeq) {
      return Promise.reject(fromCode(46));
    }
    const expected = last ? last.last + 1 : 0;
    if (firstSequence !== expected) return Promise.reject(fromCode(45));
    this.log.push(...values);
    this.#last.set(producerId, { first: firstSequence, last: lastSeq });
    if (roll < 0.3) {
      return Promise.reject(new KafkaJSConnectionClosedError("Closed connection"));
    }
    if (roll < 0.36) return Promise.reject(fromCode(45));
    if (roll < 0.4) return Promise.reject(fromCode(6)); // a partition closing after the append
    return Promise.resolve({});
  }
}

Deno.test("through random refusals, lost answers and sequence errors: nothing stored twice, no ack without a copy", async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const broker = new IdempotentLog(seed);
    let ids = 0;
    const producer = new PartitionProducer(
      "t",
      0,
      {
        leader: () => Promise.resolve(broker),
        staleLeader: () => {},
        newProducerId: () => Promise.resolve({ producerId: String(++ids), producerEpoch: 0 }),
      },
      {},
      { retryWaitMs: 0, timeoutMs: 50 },
    );
    const acked = new Set<number>();
    const maybe = new Set<number>();
    const refused = new Set<number>();
    for (let b = 0; b < 60; b++) {
      const values = [3 * b, 3 * b + 1, 3 * b + 2].map((v) => v % 256);
      const outcome = await producer.send(batch(...values));
      const into = outcome.kind === "acked" ? acked : outcome.maybeStored ? maybe : refused;
      values.forEach((v) => into.add(v));
    }
    const copies = new Map<number, number>();
    for (const v of broker.log) copies.set(v, (copies.get(v) ?? 0) + 1);
    for (const [v, n] of copies) assert.equal(n, 1, `seed ${seed}: record ${v} stored ${n} times`);
    for (const v of acked) assert.ok(copies.has(v), `seed ${seed}: record ${v} acked, not stored`);
    for (const v of refused) {
      assert.ok(!copies.has(v), `seed ${seed}: record ${v} counted refused, yet stored`);
    }
    for (const v of copies.keys()) assert.ok(acked.has(v) || maybe.has(v));
    assert.ok(acked.size > 90, `seed ${seed}: most batches got through (${acked.size} of 180)`);
    assert.ok(ids > 1, `seed ${seed}: sequence errors renewed the producer`);
  }
});

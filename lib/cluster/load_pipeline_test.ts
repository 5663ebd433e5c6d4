import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { PartitionPipelines } from "./load_pipeline.ts";
import type { BatchOutcome } from "./load_producer.ts";

/** A fake cluster whose requests finish when the test says so. */
function fakeSender() {
  const pending: Array<{ partition: number; values: Buffer[]; finish: (ok: boolean) => void }> = [];
  const send = (partition: number, values: Buffer[]) =>
    new Promise<BatchOutcome>((resolve) => {
      pending.push({
        partition,
        values,
        finish: (ok) =>
          resolve(
            ok ? { kind: "acked", duplicate: false } : {
              kind: "failed",
              error: new Error(`partition ${partition} failed`),
              maybeStored: false,
            },
          ),
      });
    });
  return { pending, send };
}

const value = (n: number) => Buffer.from([n & 0xff]);
const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("each partition has one request in flight; partitions overlap; order is kept", async () => {
  const { pending, send } = fakeSender();
  const acked: Array<[number, number[]]> = [];
  const pipes = new PartitionPipelines([0, 1], 3, {
    send,
    onAcked: (p, seqs) => acked.push([p, seqs]),
    onFailed: () => assert.fail("nothing fails here"),
  });
  for (let s = 0; s < 8; s++) pipes.enqueue(s % 2, s, value(s), 0);
  pipes.flush();
  pipes.flush(); // a second flush starts nothing while both partitions are busy
  assert.deepEqual(pending.map((r) => r.partition), [0, 1]);
  assert.equal(pipes.inFlight, 2);
  assert.deepEqual(pending[0].values.map((v) => v[0]), [0, 2, 4], "at most 3 records a request");
  assert.equal(pipes.queued, 2);
  pending[1].finish(true);
  await tick();
  assert.deepEqual(acked, [[1, [1, 3, 5]]]);
  assert.equal(pending.length, 3, "partition 1 sent its next batch as soon as the first was acked");
  assert.deepEqual(pending[2].values.map((v) => v[0]), [7]);
  assert.equal(pipes.inFlight, 2);
  const drained = pipes.drain();
  pending[0].finish(true);
  await tick();
  assert.deepEqual(pending[3].values.map((v) => v[0]), [6]);
  pending[2].finish(true);
  pending[3].finish(true);
  await drained;
  assert.deepEqual(acked, [[1, [1, 3, 5]], [0, [0, 2, 4]], [1, [7]], [0, [6]]]);
  assert.equal(pipes.queued + pipes.inFlight, 0);
});

Deno.test("a failed request is reported with its sequences and the partition goes on", async () => {
  const { pending, send } = fakeSender();
  const failed: number[][] = [];
  const acked: number[][] = [];
  const pipes = new PartitionPipelines([4], 2, {
    send,
    onAcked: (_p, seqs, releasedAt, ackedAt) => {
      acked.push(seqs);
      assert.ok(releasedAt.every((t) => t <= ackedAt));
    },
    onFailed: (p, seqs, error, maybeStored) => {
      assert.equal(p, 4);
      assert.match(error.message, /partition 4 failed/);
      assert.equal(maybeStored, false);
      failed.push(seqs);
    },
  });
  for (let s = 0; s < 3; s++) pipes.enqueue(4, s, value(s), performance.now());
  const drained = pipes.drain();
  pending[0].finish(false);
  // The next request waits out a short pause after the failure.
  while (pending.length < 2) await new Promise((r) => setTimeout(r, 20));
  pending[1].finish(true);
  await drained;
  assert.deepEqual(failed, [[0, 1]]);
  assert.deepEqual(acked, [[2]]);
  assert.throws(() => pipes.enqueue(9, 0, value(0), 0), /Partition 9 has no pipeline/);

  // A send that rejects (a bug below) counts as failed, possibly stored, never as acked.
  const outcomes: boolean[] = [];
  const rejecting = new PartitionPipelines([0], 1, {
    send: () => Promise.reject(new Error("boom")),
    onAcked: () => assert.fail("nothing is acked"),
    onFailed: (_p, _s, _e, maybeStored) => outcomes.push(maybeStored),
  });
  rejecting.enqueue(0, 0, value(0), 0);
  await rejecting.drain();
  assert.deepEqual(outcomes, [true]);
  assert.throws(() => new PartitionPipelines([0], 0, { send, onAcked() {}, onFailed() {} }));
});

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import {
  fastEncoderInstalled,
  fastEncoderJoins,
  installFastEncoder,
  kafkajsEncoderClass,
  kafkajsProtocolDir,
  removeFastEncoder,
} from "./kafkajs_encoder.ts";

const require = createRequire(import.meta.url);
const protocolDir = kafkajsProtocolDir();

type Message = {
  partition?: number;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  timestamp: number;
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
};

/** A framed produce request (v7, as kafkajs sends to Kafka 3.9), as the bytes kafkajs writes. */
async function encodeProduce(compression: number, topics: Record<string, Message[][]>) {
  const produce = require(`${protocolDir}requests/produce/index.js`);
  const frame = require(`${protocolDir}request.js`);
  const { request } = produce.protocol({ version: 7 })({
    acks: -1,
    timeout: 30_000,
    compression,
    transactionalId: null,
    producerId: 4242,
    producerEpoch: 3,
    topicData: Object.entries(topics).map(([topic, partitions]) => ({
      topic,
      partitions: partitions.map((messages, partition) => ({
        partition,
        firstSequence: 17 * partition,
        messages,
      })),
    })),
  });
  const encoder = await frame({ correlationId: 99, clientId: "lab-load", request });
  assert.equal(encoder.size(), encoder.buffer.length, "size() agrees with the bytes");
  return Buffer.from(encoder.buffer); // a copy, so later encodes cannot change it
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Partitions with records of many sizes around the patch's thresholds, keys and headers. */
function sampleTopics(): Record<string, Message[][]> {
  const t = 1_780_000_000_000;
  const sizes = [0, 1, 100, 1023, 1024, 1025, 2047, 2048, 4096, 10_240, 70_000, 600_000];
  return {
    "lab-load": [
      sizes.map((n, i) => ({ value: bytes(n, i), timestamp: t + i })),
      Array.from({ length: 51 }, (_, i) => ({ value: bytes(10_240, i), timestamp: t })),
      [
        { key: "k", value: null, timestamp: t },
        { key: bytes(3000, 1), value: "a string value", timestamp: t + 5 },
        { value: bytes(40, 5), timestamp: t + 3e9 }, // a delta above 2^30 ms
        {
          value: bytes(5000, 2),
          timestamp: t + 9,
          headers: { h: "v", big: bytes(2500, 3), many: ["x", bytes(1500, 4)] },
        },
      ],
    ],
    "other-topic": [[{ value: bytes(20_000, 7), timestamp: t - 1 }]],
  };
}

Deno.test("the patched encoder writes the same bytes as kafkajs's own", async () => {
  for (const compression of [0, 1]) { // none, gzip
    removeFastEncoder();
    assert.equal(fastEncoderInstalled(), false);
    const theirs = await encodeProduce(compression, sampleTopics());
    assert.equal(installFastEncoder(), true);
    const ours = await encodeProduce(compression, sampleTopics());
    assert.equal(ours.length, theirs.length, `length, compression ${compression}`);
    assert.ok(ours.equals(theirs), `bytes, compression ${compression}`);
    assert.ok(theirs.length > (compression ? 1_000 : 1_200_000));
  }
});

Deno.test("the patched encoder references large buffers instead of copying them", () => {
  installFastEncoder();
  const Encoder = kafkajsEncoderClass();
  const value = bytes(10_240, 0);
  const inner = new Encoder() as unknown as {
    writeInt8(n: number): typeof inner;
    writeBytes(b: Buffer): typeof inner;
    writeEncoder(e: unknown): typeof inner;
    parts?: Buffer[];
    size(): number;
    buffer: Buffer;
  };
  inner.writeInt8(1).writeBytes(value);
  assert.ok(inner.parts?.includes(value), "the value is a part, not a copy");
  const outer = new Encoder() as unknown as typeof inner;
  outer.writeInt8(2).writeEncoder(inner);
  assert.ok(outer.parts?.includes(value), "nesting keeps the reference");
  assert.equal(outer.size(), 1 + 1 + 4 + 10_240);
  const joined = outer.buffer;
  assert.deepEqual([...joined.subarray(0, 6)], [2, 1, 0, 0, 0x28, 0]);
  assert.ok(joined.subarray(6).equals(value));
  assert.equal(outer.buffer.buffer, joined.buffer, "joined once, then kept");
  assert.equal(installFastEncoder(), false, "installing twice is harmless");
});

Deno.test("a one-partition produce request is joined once, its headers written in front", async () => {
  installFastEncoder();
  const t = 1_780_000_000_000;
  const records = Array.from({ length: 51 }, (_, i) => ({ value: bytes(10_240, i), timestamp: t }));
  const before = fastEncoderJoins();
  const request = await encodeProduce(0, { "lab-load": [records] });
  assert.equal(fastEncoderJoins() - before, 1, "joined once, for the batch's checksum");
  assert.ok(request.length > 51 * 10_240);
});

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { crc32c } from "../core/crc32c.ts";
import {
  fastCrc32cCalls,
  fastCrc32cInUse,
  installFastCrc32c,
  kafkajsRecordBatchDir,
  removeFastCrc32c,
} from "./kafkajs_crc.ts";

const require = createRequire(import.meta.url);

Deno.test("crc32c gives the standard check value and kafkajs's results at every length", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array()), 0);
  const theirs = require(`${kafkajsRecordBatchDir()}crc32C/crc32C.js`) as (b: Uint8Array) => number;
  const bytes = crypto.getRandomValues(new Uint8Array(20_000));
  for (const n of [1, 7, 8, 9, 15, 16, 17, 1000, 20_000]) {
    assert.equal(crc32c(bytes.subarray(0, n)), theirs(bytes.subarray(0, n)), `${n} bytes`);
    assert.equal(crc32c(bytes.subarray(3, n)), theirs(bytes.subarray(3, n)), `offset 3, ${n}`);
  }
});

Deno.test("kafkajs's record-batch encoder takes the faster CRC-32C", async () => {
  assert.equal(installFastCrc32c(), true);
  // What kafkajs loads on its first produce request.
  const { RecordBatch } = require(`${kafkajsRecordBatchDir()}v0/index.js`) as {
    RecordBatch: (options: { records: unknown[] }) => Promise<{ buffer: Uint8Array }>;
  };
  const before = fastCrc32cCalls();
  const encoded = (await RecordBatch({ records: [] })).buffer;
  assert.equal(fastCrc32cCalls(), before + 1, "the encoder called the lab's CRC-32C");
  // Layout: first offset (8), length (4), leader epoch (4), magic (1), CRC (4), then the body.
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  assert.equal(view.getUint32(17), crc32c(encoded.subarray(21)));
  assert.equal(installFastCrc32c(), true, "installing twice is harmless");
});

Deno.test("switched off, the shim computes with kafkajs's own CRC-32C; switched on again, the lab's", async () => {
  const { RecordBatch: batchOf } = require(`${kafkajsRecordBatchDir()}v0/index.js`) as {
    RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Uint8Array }>;
  };
  const record = require(`${kafkajsRecordBatchDir()}record/v0/index.js`) as (
    options: { value: Buffer },
  ) => unknown;
  const RecordBatch = (options: { records: unknown[] }) =>
    batchOf({ ...options, firstTimestamp: 1, maxTimestamp: 1 });
  const checksum = (encoded: Uint8Array) =>
    new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength).getUint32(17);
  const records = [record({ value: Buffer.from("x".repeat(3000)) })];
  try {
    assert.equal(installFastCrc32c(), true);
    assert.equal(removeFastCrc32c(), true, "it was on");
    assert.equal(fastCrc32cInUse(), false);
    const before = fastCrc32cCalls();
    const off = (await RecordBatch({ records })).buffer;
    assert.equal(fastCrc32cCalls(), before, "kafkajs's own function ran");
    assert.equal(checksum(off), crc32c(off.subarray(21)), "and its checksum is right");
    assert.equal(installFastCrc32c(), true);
    assert.equal(fastCrc32cInUse(), true);
    const on = (await RecordBatch({ records })).buffer;
    assert.equal(fastCrc32cCalls(), before + 1, "the lab's function ran");
    assert.deepEqual(on, off, "the same bytes either way");
  } finally {
    installFastCrc32c();
  }
});

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { crc32c } from "../core/crc32c.ts";
import { fastCrc32cCalls, installFastCrc32c, kafkajsRecordBatchDir } from "./kafkajs_crc.ts";

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

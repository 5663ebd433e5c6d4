import assert from "node:assert/strict";
import { crc32, decodeRecord, HEADER_BYTES, newRunId, RecordEncoder } from "./records.ts";

Deno.test("crc32 matches the IEEE check value", () => {
  // The standard check value of CRC-32/ISO-HDLC for "123456789".
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

Deno.test("a record carries its run id and sequence, and a flipped byte is caught", () => {
  const runId = newRunId();
  const encoder = new RecordEncoder(10240, runId);
  const value = encoder.encode(123_456);
  assert.equal(value.length, 10240);
  assert.deepEqual(decodeRecord(value), { runId, sequence: 123_456, intact: true });
  value[5000] ^= 0xff;
  assert.equal(decodeRecord(value)?.intact, false);
  assert.equal(decodeRecord(new Uint8Array(10)), undefined);
  assert.equal(decodeRecord(new TextEncoder().encode("x".repeat(100))), undefined);
});

Deno.test("records smaller than the header are refused with the reason", () => {
  assert.throws(() => new RecordEncoder(HEADER_BYTES - 1, 1), /at least 24 bytes/);
});

Deno.test("records whose payloads repeat (same sequence modulo 256) still check out", () => {
  const runId = newRunId();
  const encoder = new RecordEncoder(4096, runId);
  for (const sequence of [5, 261, 517, 6, 262]) {
    assert.deepEqual(decodeRecord(encoder.encode(sequence)), { runId, sequence, intact: true });
  }
  const corrupt = encoder.encode(261 + 256);
  corrupt[4000] ^= 1;
  assert.equal(decodeRecord(corrupt)?.intact, false);
});

Deno.test("records above 64 KiB are built (getRandomValues fills 64 KiB a call)", () => {
  const value = new RecordEncoder(102_400, 7).encode(3);
  assert.equal(value.length, 102_400);
  const decoded = decodeRecord(value);
  assert.ok(decoded?.intact && decoded.sequence === 3 && decoded.runId === 7);
});

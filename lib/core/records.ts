/**
 * The lab's record layout: every value carries its run id, a sequence number and
 * a CRC-32 of its payload, so an independent reader can tell which acknowledged
 * records came back, which are missing, which are duplicated and which are corrupt.
 *
 * Layout (big-endian): magic "ABL1" (4 bytes), run id (8), sequence (8),
 * payload CRC-32 (4), payload (the rest, up to the record size).
 *
 * @module
 */

const MAGIC = 0x41424c31; // "ABL1"
/** Bytes before the payload. */
export const HEADER_BYTES = 24;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (IEEE) of bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32 } from "./records.ts";
 * assert.deepEqual(crc32(new TextEncoder().encode("123456789")).toString(16), "cbf43926");
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A fresh run id (random 53-bit integer, safe as a JS number).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newRunId } from "./records.ts";
 * assert.ok(Number.isSafeInteger(newRunId()));
 * ```
 */
export function newRunId(): number {
  const [a, b] = crypto.getRandomValues(new Uint32Array(2));
  return (a & 0x1fffff) * 2 ** 32 + b;
}

/**
 * Builds record values of one size. The payload is pseudo-random per sequence
 * number (so it does not compress) and checksummed.
 */
export class RecordEncoder {
  readonly #size: number;
  readonly #pattern: Uint8Array;
  readonly #runIdBig: bigint;
  /** CRC-32 of each of the 256 payloads (the payload depends only on sequence % 256). */
  readonly #payloadCrc = new Map<number, number>();

  /** Values of `recordBytes` bytes for run `runId`. */
  constructor(recordBytes: number, runId: number) {
    if (!Number.isInteger(recordBytes) || recordBytes < HEADER_BYTES) {
      throw new Error(
        `Record size ${recordBytes} is too small: the lab needs at least ${HEADER_BYTES} bytes ` +
          "per record for its sequence number and checksum.",
      );
    }
    this.#size = recordBytes;
    this.#pattern = new Uint8Array(recordBytes + 256);
    // getRandomValues fills at most 65,536 bytes a call.
    for (let at = 0; at < this.#pattern.length; at += 65_536) {
      crypto.getRandomValues(this.#pattern.subarray(at, at + 65_536));
    }
    this.#runIdBig = BigInt(runId);
  }

  /** The value for sequence number `sequence`. */
  encode(sequence: number): Uint8Array {
    const value = new Uint8Array(this.#size);
    const offset = sequence % 256;
    const payload = this.#pattern.subarray(offset, offset + this.#size - HEADER_BYTES);
    value.set(payload, HEADER_BYTES);
    // The payload repeats every 256 sequences, so its checksum is computed once per
    // offset and reused (it was an eighth of the producer's CPU time when computed per record).
    let crc = this.#payloadCrc.get(offset);
    if (crc === undefined) {
      crc = crc32(payload);
      this.#payloadCrc.set(offset, crc);
    }
    const view = new DataView(value.buffer);
    view.setUint32(0, MAGIC);
    view.setBigUint64(4, this.#runIdBig);
    view.setBigUint64(12, BigInt(sequence));
    view.setUint32(20, crc);
    return value;
  }
}

/** What a value says about itself. */
export interface DecodedRecord {
  /** The producing run. */
  runId: number;
  /** Its sequence number in that run. */
  sequence: number;
  /** Whether the payload matches its checksum. */
  intact: boolean;
}

/**
 * Reads a value written by {@linkcode RecordEncoder}; `undefined` if it is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRecord, RecordEncoder } from "./records.ts";
 * const value = new RecordEncoder(64, 7).encode(42);
 * assert.deepEqual(decodeRecord(value), { runId: 7, sequence: 42, intact: true });
 * ```
 */
export function decodeRecord(value: Uint8Array | null | undefined): DecodedRecord | undefined {
  if (!value || value.length < HEADER_BYTES) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  if (view.getUint32(0) !== MAGIC) return undefined;
  return {
    runId: Number(view.getBigUint64(4)),
    sequence: Number(view.getBigUint64(12)),
    intact: view.getUint32(20) === crc32(value.subarray(HEADER_BYTES)),
  };
}

/**
 * Workaround for kafkajs 2.2.4's `src/protocol/encoder.js` (each encoder zero-fills, grows by
 * doubling and is copied into the next; raised upstream in tulios/kafkajs#383 and #475, both
 * closed, 2.2.4 still copies). Cost: it replaces methods of a private kafkajs class, so it is tied
 * to 2.2.4; only `deno task bench:load` turns it on (`kafkajs_patches.ts`). Delete when kafkajs
 * stops copying, or when the benchmark no longer compares CPU per GB with Java's producer.
 *
 * A faster way for kafkajs 2.2.4 to assemble its requests, with the same bytes.
 *
 * kafkajs builds a produce request as nested `Encoder`s (record, batch body,
 * batch, partition, topic, request, frame) and copies each one into the next.
 * Every encoder starts from a zero-filled buffer and grows by doubling into a
 * new zero-filled one, so a 512 KiB request was copied about eight times and
 * allocated (zeroed) about twice that; in Deno `Buffer.allocUnsafe` zero-fills
 * large buffers too, so only allocating less helps.
 *
 * This patch changes the methods of kafkajs's `Encoder` class (one class, shared
 * by every kafkajs module, so it works whenever it is installed) so that an
 * encoder keeps a list of parts: small writes go into a small pooled segment,
 * while a large buffer (a record value, or another encoder's parts) is appended
 * by reference instead of copied. Only reading `encoder.buffer` joins the parts,
 * once, into a buffer with free room in front; an encoder that holds only a few
 * header bytes and then appends such a joined buffer writes its header into that
 * room instead (once per buffer: whoever prepends first owns the room). So a
 * one-partition produce request is joined once, for the batch checksum, and the
 * batch, partition, topic, request and frame headers land in front of it: one
 * allocation and one copy of the records instead of about eight of each.
 * Appended buffers are not copied, so they must not change until the request is
 * sent; kafkajs and the lab never change a record value after handing it over.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
// Makes the npm package resolvable by `require` below, whoever imports this first.
import "kafkajs";

const require = createRequire(import.meta.url);

/** Bytes from which a buffer is referenced rather than copied. */
const REFERENCE_BYTES = 1024;
/** Size of a fresh segment for small writes (pooled by `Buffer.allocUnsafe`). */
const SEGMENT_BYTES = 2048;

/** The state of a kafkajs encoder, with the parts this patch adds. */
interface PatchedEncoder {
  buf: Buffer;
  offset: number;
  parts?: Buffer[];
  partsBytes?: number;
  readonly buffer: Buffer;
  ensureAvailable(length: number): void;
  writeInt32(value: number): PatchedEncoder;
  writeVarInt(value: number): PatchedEncoder;
  writeUVarInt(value: number): PatchedEncoder;
  writeBufferInternal(bytes: Buffer): void;
  writeEncoder(value: PatchedEncoder): PatchedEncoder;
}

/** Bytes of free room in front of a joined buffer, for the headers of the encoders around it. */
const HEADROOM_BYTES = 512;
/** Where the bytes of each joined buffer start: the free room before that is unclaimed. */
const roomEnds = new WeakMap<ArrayBufferLike, number>();

/**
 * Writes `e`'s bytes (one segment, no parts) into the free room in front of
 * `bytes` and makes `e` hold both as one buffer; false when `bytes` has no such room.
 */
function prepend(e: PatchedEncoder, bytes: Buffer): boolean {
  if (e.parts !== undefined || roomEnds.get(bytes.buffer) !== bytes.byteOffset) return false;
  const start = bytes.byteOffset - e.offset;
  if (start < 0) return false;
  const whole = Buffer.from(bytes.buffer, start, e.offset + bytes.length);
  whole.set(e.buf.subarray(0, e.offset), 0);
  roomEnds.set(bytes.buffer, start);
  e.buf = whole;
  e.offset = whole.length;
  return true;
}

/** Moves what the current segment holds into the parts; the rest of it stays writable. */
function seal(e: PatchedEncoder): void {
  if (e.offset === 0) return;
  (e.parts ??= []).push(e.buf.subarray(0, e.offset));
  e.partsBytes = (e.partsBytes ?? 0) + e.offset;
  e.buf = e.buf.subarray(e.offset);
  e.offset = 0;
}

const methods = {
  ensureAvailable(this: PatchedEncoder, length: number): void {
    if (this.offset + length <= this.buf.length) return;
    seal(this);
    this.buf = Buffer.allocUnsafe(Math.max(length, SEGMENT_BYTES));
  },

  writeBufferInternal(this: PatchedEncoder, bytes: Buffer): void {
    if (bytes.length < REFERENCE_BYTES) {
      this.ensureAvailable(bytes.length);
      this.buf.set(bytes, this.offset);
      this.offset += bytes.length;
      return;
    }
    if (prepend(this, bytes)) return;
    seal(this);
    (this.parts ??= []).push(bytes);
    this.partsBytes = (this.partsBytes ?? 0) + bytes.length;
  },

  size(this: PatchedEncoder): number {
    return (this.partsBytes ?? 0) + this.offset;
  },

  writeBytes(this: PatchedEncoder, value: unknown): PatchedEncoder {
    if (!Buffer.isBuffer(value)) return originals.writeBytes.call(this, value) as PatchedEncoder;
    this.writeInt32(value.length);
    this.writeBufferInternal(value);
    return this;
  },

  writeVarIntBytes(this: PatchedEncoder, value: unknown): PatchedEncoder {
    if (!Buffer.isBuffer(value)) {
      return originals.writeVarIntBytes.call(this, value) as PatchedEncoder;
    }
    this.writeVarInt(value.length);
    this.writeBufferInternal(value);
    return this;
  },

  writeEncoder(this: PatchedEncoder, value: PatchedEncoder): PatchedEncoder {
    if (value == null || !Buffer.isBuffer(value.buf)) {
      throw new Error("value should be an instance of Encoder");
    }
    for (const part of value.parts ?? []) this.writeBufferInternal(part);
    if (value.offset > 0) this.writeBufferInternal(value.buf.subarray(0, value.offset));
    return this;
  },

  writeEncoderArray(this: PatchedEncoder, values: PatchedEncoder[]): PatchedEncoder {
    if (!Array.isArray(values) || values.some((v) => v == null || !Buffer.isBuffer(v.buf))) {
      throw new Error("all values should be an instance of Encoder[]");
    }
    for (const value of values) this.writeEncoder(value);
    return this;
  },

  writeVarLong(this: PatchedEncoder, value: unknown): PatchedEncoder {
    // Small whole numbers (a record's timestamp delta): the 64-bit zigzag of a value
    // in [-2^30, 2^30) is its 32-bit zigzag, so no Long and no temporary array.
    if (typeof value !== "number" || !(value >= -0x40000000 && value < 0x40000000)) {
      return originals.writeVarLong.call(this, value) as PatchedEncoder;
    }
    if (!Number.isInteger(value)) return originals.writeVarLong.call(this, value) as PatchedEncoder;
    return this.writeUVarInt(((value << 1) ^ (value >> 31)) >>> 0);
  },

  writeUVarInt(this: PatchedEncoder, value: number): PatchedEncoder {
    this.ensureAvailable(5);
    while ((value & 0xffffff80) !== 0) {
      this.buf[this.offset++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.offset++] = value & 0x7f;
    return this;
  },
};

let joins = 0;

/**
 * How many times encoders have joined their parts into one buffer (each join is
 * one allocation and one copy), since the module loaded.
 *
 * @example
 * ```ts
 * import { fastEncoderJoins } from "./kafkajs_encoder.ts";
 * if (!(fastEncoderJoins() >= 0)) throw new Error("a count");
 * ```
 */
export function fastEncoderJoins(): number {
  return joins;
}

/** Joins the parts once; afterwards the encoder holds one buffer. */
function joinedBuffer(this: PatchedEncoder): Buffer {
  if (this.parts === undefined) return this.buf.subarray(0, this.offset);
  joins++;
  const bytes = this.partsBytes! + this.offset;
  const joined = Buffer.from(new ArrayBuffer(HEADROOM_BYTES + bytes), HEADROOM_BYTES, bytes);
  roomEnds.set(joined.buffer, HEADROOM_BYTES);
  let at = 0;
  for (const part of this.parts) {
    joined.set(part, at);
    at += part.length;
  }
  joined.set(this.buf.subarray(0, this.offset), at);
  this.parts = undefined;
  this.partsBytes = 0;
  this.buf = joined;
  this.offset = joined.length;
  return joined;
}

type Method = (this: PatchedEncoder, ...args: unknown[]) => unknown;
const names = Object.keys(methods) as (keyof typeof methods)[];
let originals = {} as Record<keyof typeof methods, Method>;
let originalBuffer: PropertyDescriptor | undefined;

/**
 * Where kafkajs keeps its protocol code (`src/protocol/`), from its resolved entry point.
 *
 * @example
 * ```ts
 * import { kafkajsProtocolDir } from "./kafkajs_encoder.ts";
 * if (!kafkajsProtocolDir().endsWith("/src/protocol/")) throw new Error(kafkajsProtocolDir());
 * ```
 */
export function kafkajsProtocolDir(): string {
  return require.resolve("kafkajs").replace(/index\.js$/, "src/protocol/");
}

/**
 * kafkajs's `Encoder` class (`src/protocol/encoder.js`), the one its modules share.
 *
 * @example
 * ```ts
 * import { kafkajsEncoderClass } from "./kafkajs_encoder.ts";
 * const Encoder = kafkajsEncoderClass();
 * if (new Encoder().buffer.length !== 0) throw new Error("a new encoder is empty");
 * ```
 */
export function kafkajsEncoderClass(): { prototype: object; new (): { buffer: Uint8Array } } {
  return require(`${kafkajsProtocolDir()}encoder.js`);
}

/**
 * Installs the patch on kafkajs's `Encoder`; returns whether it was not
 * installed before. Harmless to call twice.
 *
 * @example
 * ```ts
 * import { installFastEncoder, removeFastEncoder } from "./kafkajs_encoder.ts";
 * installFastEncoder();
 * if (installFastEncoder()) throw new Error("installed twice");
 * removeFastEncoder();
 * ```
 */
export function installFastEncoder(): boolean {
  const proto = kafkajsEncoderClass().prototype as Record<string, unknown>;
  if (proto.size === methods.size) return false;
  originals = Object.fromEntries(names.map((name) => [name, proto[name]])) as typeof originals;
  originalBuffer = Object.getOwnPropertyDescriptor(proto, "buffer");
  for (const name of names) proto[name] = methods[name];
  Object.defineProperty(proto, "buffer", { get: joinedBuffer, configurable: true });
  return true;
}

/**
 * Puts kafkajs's own `Encoder` methods back (for comparing bytes in tests);
 * returns whether the patch was installed.
 *
 * @example
 * ```ts
 * import { installFastEncoder, removeFastEncoder } from "./kafkajs_encoder.ts";
 * installFastEncoder();
 * if (!removeFastEncoder()) throw new Error("the patch was not installed");
 * if (removeFastEncoder()) throw new Error("removed twice");
 * ```
 */
export function removeFastEncoder(): boolean {
  const proto = kafkajsEncoderClass().prototype as Record<string, unknown>;
  if (proto.size !== methods.size) return false;
  for (const name of names) proto[name] = originals[name];
  Object.defineProperty(proto, "buffer", originalBuffer!);
  return true;
}

/**
 * Whether the patch is in place on kafkajs's `Encoder`.
 *
 * @example
 * ```ts
 * import { fastEncoderInstalled, installFastEncoder } from "./kafkajs_encoder.ts";
 * installFastEncoder();
 * if (!fastEncoderInstalled()) throw new Error("not installed");
 * ```
 */
export function fastEncoderInstalled(): boolean {
  return (kafkajsEncoderClass().prototype as Record<string, unknown>).size === methods.size;
}

/**
 * A minimal Kafka wire client for the two requests kafkajs cannot make the way the lab
 * needs them: `IncrementalAlterConfigs` on the cluster-wide default broker resource (kafkajs
 * refuses an empty resource name and has only the legacy `AlterConfigs`, which replaces a
 * resource's whole dynamic configuration), and `Metadata` polled several times a second
 * with each partition's own error and leader (kafkajs throws on a leaderless partition
 * instead of reporting it). Plain TCP, like the rest of the lab's clients.
 *
 * Workaround for kafkajs 2.2.4: no IncrementalAlterConfigs
 * (https://github.com/tulios/kafkajs/issues/1517, open), `alterConfigs` refuses the name ""
 * (src/admin/index.js), and the metadata response's `parse` throws on the first partition
 * error (src/protocol/requests/metadata/v0/response.js; no upstream issue). Cost: this module
 * and its two request codecs (`broker_configs.ts`, `leader_poll.ts`), plain TCP only. Delete
 * when kafkajs sends IncrementalAlterConfigs with the "" resource and reports each partition's
 * leader error in its metadata.
 *
 * Framing (Kafka protocol guide): a request is its size (int32), a header v1 (api key
 * int16, api version int16, correlation id int32, client id as a nullable string) and the
 * body; a response is its size, the correlation id, then the body. Only non-flexible
 * versions are used, so strings are int16-length and arrays int32-length.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes Kafka's primitive types, big-endian. */
export class WireWriter {
  #bytes: number[] = [];

  /** An int8 (also a boolean: 0 or 1). */
  int8(v: number): this {
    this.#bytes.push(v & 0xff);
    return this;
  }

  /** An int16. */
  int16(v: number): this {
    this.#bytes.push((v >> 8) & 0xff, v & 0xff);
    return this;
  }

  /** An int32. */
  int32(v: number): this {
    this.#bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }

  /** A string (int16 length, UTF-8), or `null` as length -1. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const b = encoder.encode(v);
    this.int16(b.length);
    for (const x of b) this.#bytes.push(x);
    return this;
  }

  /** An array (int32 count), each item written by `item`; `null` as count -1. */
  array<T>(items: readonly T[] | null, item: (w: this, v: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  /** The bytes written. */
  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** Reads Kafka's primitive types, big-endian; throws a clear error past the end. */
export class WireReader {
  #view: DataView;
  #at = 0;

  /** Reads `bytes` from the start. */
  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number): number {
    if (this.#at + n > this.#view.byteLength) {
      throw new Error(`Kafka response ended early (wanted ${n} byte(s) at ${this.#at}).`);
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  /** An int8. */
  int8(): number {
    return this.#view.getInt8(this.#need(1));
  }

  /** An int16. */
  int16(): number {
    return this.#view.getInt16(this.#need(2));
  }

  /** An int32. */
  int32(): number {
    return this.#view.getInt32(this.#need(4));
  }

  /** A nullable string. */
  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    const at = this.#need(n);
    return decoder.decode(new Uint8Array(this.#view.buffer, this.#view.byteOffset + at, n));
  }

  /** An array, each item read by `item`; a null array reads as empty. */
  array<T>(item: (r: this) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

/** A request: which API, which version, and its body. */
export interface WireRequest {
  /** The API key (e.g. 3 Metadata, 44 IncrementalAlterConfigs). */
  apiKey: number;
  /** The API version (non-flexible). */
  apiVersion: number;
  /** The body's bytes. */
  body: Uint8Array;
}

/**
 * The bytes of a whole request: size, header v1 and body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameRequest } from "./wire.ts";
 * const bytes = frameRequest({ apiKey: 3, apiVersion: 4, body: new Uint8Array([9]) }, 7, "x");
 * // size 12 | key 3 | version 4 | correlation 7 | client "x" | body
 * assert.deepEqual([...bytes], [0, 0, 0, 12, 0, 3, 0, 4, 0, 0, 0, 7, 0, 1, 120, 9]);
 * ```
 */
export function frameRequest(
  request: WireRequest,
  correlationId: number,
  clientId: string,
): Uint8Array {
  const header = new WireWriter().int16(request.apiKey).int16(request.apiVersion)
    .int32(correlationId).string(clientId).bytes();
  const size = header.length + request.body.length;
  const out = new Uint8Array(4 + size);
  new DataView(out.buffer).setInt32(0, size);
  out.set(header, 4);
  out.set(request.body, 4 + header.length);
  return out;
}

/** One TCP connection to one broker, one request at a time. */
export class WireConnection {
  readonly #conn: Deno.Conn;
  readonly #clientId: string;
  #correlation = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = new Uint8Array(0);

  private constructor(conn: Deno.Conn, clientId: string) {
    this.#conn = conn;
    this.#clientId = clientId;
  }

  /** Connects to `address` (`host:port`) within `timeoutMs`; throws naming the address. */
  static async open(
    address: string,
    options: { clientId?: string; timeoutMs?: number } = {},
  ): Promise<WireConnection> {
    const at = address.lastIndexOf(":");
    const hostname = address.slice(0, at).replace(/^\[|\]$/g, "");
    const port = Number(address.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port)) {
      throw new Error(`"${address}" is not host:port.`);
    }
    const conn = await withTimeout(
      Deno.connect({ hostname, port }),
      options.timeoutMs ?? 5000,
      `connecting to ${address}`,
    );
    return new WireConnection(conn, options.clientId ?? "auto-balancing-lab");
  }

  /** Sends `request` and returns a reader over the response body (after the correlation id). */
  request(request: WireRequest, timeoutMs = 10_000): Promise<WireReader> {
    const run = this.#queue.then(() => this.#exchange(request, timeoutMs));
    // The queue only orders requests; each caller gets its own request's error from `run`.
    this.#queue = run.catch(() => {});
    return run;
  }

  async #exchange(request: WireRequest, timeoutMs: number): Promise<WireReader> {
    const id = ++this.#correlation;
    const bytes = frameRequest(request, id, this.#clientId);
    try {
      return await this.#send(bytes, id, request, timeoutMs);
    } catch (error) {
      // A half-read answer would confuse the next request: the connection is done.
      this.close();
      throw error;
    }
  }

  async #send(
    bytes: Uint8Array,
    id: number,
    request: WireRequest,
    timeoutMs: number,
  ): Promise<WireReader> {
    return await withTimeout(
      (async () => {
        for (let sent = 0; sent < bytes.length;) {
          sent += await this.#conn.write(bytes.subarray(sent));
        }
        const size = new DataView((await this.#read(4)).buffer).getInt32(0);
        const body = await this.#read(size);
        const reader = new WireReader(body);
        const got = reader.int32();
        if (got !== id) throw new Error(`Kafka answered correlation id ${got}, not ${id}.`);
        return reader;
      })(),
      timeoutMs,
      `Kafka API ${request.apiKey} v${request.apiVersion}`,
    );
  }

  async #read(n: number): Promise<Uint8Array> {
    while (this.#pending.length < n) {
      const chunk = new Uint8Array(64 * 1024);
      const got = await this.#conn.read(chunk);
      if (got === null) throw new Error("the broker closed the connection.");
      const joined = new Uint8Array(this.#pending.length + got);
      joined.set(this.#pending);
      joined.set(chunk.subarray(0, got), this.#pending.length);
      this.#pending = joined;
    }
    const out = this.#pending.slice(0, n);
    this.#pending = this.#pending.slice(n);
    return out;
  }

  /** Closes the connection; safe to call twice. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms.`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens a connection to the first of `addresses` that answers, runs `work`, and closes it.
 * Throws with every address's error when none answers.
 */
export async function withWire<T>(
  addresses: readonly string[],
  work: (connection: WireConnection) => Promise<T>,
  options: { clientId?: string; timeoutMs?: number } = {},
): Promise<T> {
  const errors: string[] = [];
  for (const address of addresses) {
    let connection: WireConnection;
    try {
      connection = await WireConnection.open(address, options);
    } catch (error) {
      errors.push(`${address}: ${(error as Error).message}`);
      continue;
    }
    try {
      return await work(connection);
    } finally {
      connection.close();
    }
  }
  throw new Error(`No broker answered (${errors.join("; ")}).`);
}

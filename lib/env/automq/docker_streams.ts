/**
 * Byte formats the Docker engine speaks: the multiplexed log stream, tar archives
 * (read: the tests write them with `testing/tar.ts`), and collecting a response body.
 *
 * @module
 */

/** The output of a container, split by stream and interleaved in arrival order. */
export interface DemuxedOutput {
  /** What the container wrote to standard output. */
  stdout: string;
  /** What it wrote to standard error. */
  stderr: string;
  /** Both, in the order the engine recorded them. */
  combined: string;
}

/**
 * Splits the engine's multiplexed stream (8-byte frame headers: stream type, three
 * zero bytes, big-endian length) into stdout and stderr. A container started with a
 * TTY has no frames; pass `tty: true` to take the bytes as they are.
 */
export function demuxDockerStream(bytes: Uint8Array, tty = false): DemuxedOutput {
  const decoder = new TextDecoder();
  if (tty) {
    const text = decoder.decode(bytes);
    return { stdout: text, stderr: "", combined: text };
  }
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const all: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 8 <= bytes.length) {
    const kind = bytes[at];
    if (kind > 2 || bytes[at + 1] !== 0 || bytes[at + 2] !== 0 || bytes[at + 3] !== 0) {
      throw new Error(
        `not a multiplexed Docker stream (bad frame header at byte ${at}); ` +
          "was the container started with a TTY? Pass tty=true for such containers.",
      );
    }
    const size = view.getUint32(at + 4);
    const frame = bytes.subarray(at + 8, Math.min(at + 8 + size, bytes.length));
    (kind === 2 ? err : out).push(frame);
    all.push(frame);
    at += 8 + size;
  }
  const join = (parts: Uint8Array[]) => decoder.decode(concatBytes(parts));
  return { stdout: join(out), stderr: join(err), combined: join(all) };
}

/** Joins byte chunks into one array. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  return result;
}

/**
 * Reads a whole response: a byte array as it is, or an async iterable of chunks
 * (dockerode hands back Node streams, which are async iterable). Reading to the end
 * matters: an unread stream keeps its socket, and the process, alive.
 */
export async function collectBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const parts: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      parts.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
    }
    return concatBytes(parts);
  }
  throw new Error(`expected bytes or a stream from the Docker engine, got ${typeof body}`);
}

const BLOCK = 512;

function field(header: Uint8Array, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return new TextDecoder().decode(end === -1 ? raw : raw.subarray(0, end));
}

function octal(header: Uint8Array, start: number, length: number): number {
  if (header[start] & 0x80) {
    // GNU base-256 size, for entries of 8 GiB and more.
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + header[i];
    return value;
  }
  const text = field(header, start, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** One entry of a tar archive. */
export interface TarEntry {
  /** Path inside the archive. */
  name: string;
  /** `file`, `directory`, `symlink` or `other`. */
  type: "file" | "directory" | "symlink" | "other";
  /** Content of a file; empty for other types. */
  data: Uint8Array;
  /** Target of a symbolic link. */
  linkName: string;
}

/** Lists the entries of an uncompressed (ustar, pax or GNU) tar archive. */
export function readTar(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const flag = String.fromCharCode(header[156]);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "L") {
      longName = new TextDecoder().decode(data).replace(/\0.*$/s, "");
      continue;
    }
    if (flag === "x" || flag === "g") {
      const path = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      if (path && flag === "x") longName = path[1];
      continue;
    }
    const prefix = field(header, 345, 155);
    const base = field(header, 0, 100);
    const name = longName ?? (prefix ? `${prefix}/${base}` : base);
    longName = undefined;
    const type = flag === "0" || flag === "\0"
      ? "file"
      : flag === "5"
      ? "directory"
      : flag === "2"
      ? "symlink"
      : "other";
    entries.push({
      name,
      type,
      data: type === "file" ? data.slice() : new Uint8Array(),
      linkName: field(header, 157, 100),
    });
  }
  return entries;
}

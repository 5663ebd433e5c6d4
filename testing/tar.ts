/**
 * Packs a ustar archive, what the tests put into a container through the Docker engine's
 * archive endpoint (the lab itself only reads archives: `readTar` in
 * `lib/env/automq/docker_streams.ts`).
 *
 * @module
 */

import { concatBytes } from "../lib/env/automq/docker_streams.ts";

const BLOCK = 512;

/** What {@linkcode writeTar} packs: a file, a directory or a symbolic link. */
export type TarInput =
  | { name: string; type: "file"; data: Uint8Array; mode?: number }
  | { name: string; type: "directory"; mode?: number }
  | { name: string; type: "symlink"; linkName: string };

function putText(header: Uint8Array, start: number, length: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > length) {
    throw new Error(`tar field "${text}" is longer than ${length} bytes; use a shorter name.`);
  }
  header.set(bytes, start);
}

function putOctal(header: Uint8Array, start: number, length: number, value: number): void {
  putText(header, start, length, value.toString(8).padStart(length - 1, "0"));
}

/** Packs entries into an uncompressed ustar archive (names up to 100 bytes). */
export function writeTar(entries: TarInput[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const entry of entries) {
    const header = new Uint8Array(BLOCK);
    const data = entry.type === "file" ? entry.data : new Uint8Array();
    const mode = entry.type === "symlink"
      ? 0o777
      : entry.mode ?? (entry.type === "file" ? 0o644 : 0o755);
    putText(header, 0, 100, entry.name);
    putOctal(header, 100, 8, mode);
    putOctal(header, 108, 8, 0);
    putOctal(header, 116, 8, 0);
    putOctal(header, 124, 12, data.length);
    putOctal(header, 136, 12, mtime);
    header.fill(0x20, 148, 156);
    header[156] = (entry.type === "file" ? "0" : entry.type === "directory" ? "5" : "2")
      .charCodeAt(0);
    if (entry.type === "symlink") putText(header, 157, 100, entry.linkName);
    putText(header, 257, 6, "ustar");
    putText(header, 263, 2, "00");
    const sum = header.reduce((a, b) => a + b, 0);
    putText(header, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
    parts.push(header, data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return concatBytes(parts);
}

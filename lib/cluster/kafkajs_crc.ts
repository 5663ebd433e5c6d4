/**
 * Workaround for kafkajs 2.2.4's byte-at-a-time `src/protocol/recordBatch/crc32C/crc32C.js`
 * (no upstream issue found). Cost: an entry in kafkajs's module cache under a private file name,
 * tied to 2.2.4; only `deno task bench:load` turns it on (`kafkajs_patches.ts`). Delete with
 * `kafkajs_encoder.ts`, or when kafkajs computes CRC-32C faster.
 *
 * Puts the lab's faster CRC-32C (`lib/core/crc32c.ts`) in place of kafkajs 2.2.4's
 * byte-at-a-time one. kafkajs loads its record-batch encoder, which takes the
 * checksum function from `src/protocol/recordBatch/crc32C/index.js`, only when
 * it first builds a produce request; entering our function in the CommonJS
 * module cache under that file's name before then makes the encoder use it.
 * The checksums are the same (tested against kafkajs's own, and every broker
 * verifies them); only the speed differs.
 *
 * @module
 */

import { createRequire, Module } from "node:module";
// Makes the npm package resolvable by `require` below, whoever imports this first.
import "kafkajs";
import { crc32c } from "../core/crc32c.ts";

const require = createRequire(import.meta.url);

let calls = 0;
/** Whether the installed function computes with the lab's CRC-32C (until switched off). */
let fast = true;
/** kafkajs's own byte-at-a-time CRC-32C (`crc32C/crc32C.js`), loaded on first use. */
let theirs: ((bytes: Uint8Array) => number) | undefined;
/** What kafkajs calls instead of its own checksum: the lab's, or kafkajs's own when switched off. */
function kafkajsCrc32c(bytes: Uint8Array): number {
  if (!fast) {
    theirs ??= require(`${kafkajsRecordBatchDir()}crc32C/crc32C.js`);
    return theirs!(bytes) >>> 0;
  }
  calls++;
  return crc32c(bytes);
}

/**
 * How many checksums kafkajs has asked the faster CRC-32C for (to prove it is in use).
 *
 * @example
 * ```ts
 * import { fastCrc32cCalls } from "./kafkajs_crc.ts";
 * if (!(fastCrc32cCalls() >= 0)) throw new Error("a count");
 * ```
 */
export function fastCrc32cCalls(): number {
  return calls;
}

/**
 * Where kafkajs keeps its record-batch code, from its resolved entry point.
 *
 * @example
 * ```ts
 * import { kafkajsRecordBatchDir } from "./kafkajs_crc.ts";
 * if (!kafkajsRecordBatchDir().endsWith("/recordBatch/")) throw new Error(kafkajsRecordBatchDir());
 * ```
 */
export function kafkajsRecordBatchDir(): string {
  return require.resolve("kafkajs").replace(/index\.js$/, "src/protocol/recordBatch/");
}

/**
 * Installs the faster CRC-32C for kafkajs (or switches it back on); returns whether
 * kafkajs's encoder uses it (false when the encoder was loaded before, which keeps
 * its own).
 *
 * @example
 * ```ts
 * import { installFastCrc32c } from "./kafkajs_crc.ts";
 * if (!installFastCrc32c()) throw new Error("kafkajs's record-batch encoder was loaded first");
 * ```
 */
export function installFastCrc32c(): boolean {
  fast = true;
  const dir = kafkajsRecordBatchDir();
  const crcIndex = `${dir}crc32C/index.js`;
  const cache = require.cache as Record<string, { exports: unknown } | undefined>;
  if (cache[crcIndex]?.exports === kafkajsCrc32c) return true;
  if (cache[`${dir}v0/index.js`] !== undefined) return false;
  const entry = new Module(crcIndex) as Module & { filename: string; loaded: boolean };
  entry.filename = crcIndex;
  entry.loaded = true;
  entry.exports = kafkajsCrc32c;
  cache[crcIndex] = entry;
  return require(crcIndex) === kafkajsCrc32c;
}

/**
 * Switches the faster CRC-32C off: kafkajs's encoder, which keeps the function it took,
 * then computes with kafkajs's own code through it (one extra call per record batch).
 * Returns whether it was on.
 *
 * @example
 * ```ts
 * import { fastCrc32cInUse, installFastCrc32c, removeFastCrc32c } from "./kafkajs_crc.ts";
 * installFastCrc32c();
 * if (!removeFastCrc32c() || fastCrc32cInUse()) throw new Error("still on");
 * installFastCrc32c();
 * ```
 */
export function removeFastCrc32c(): boolean {
  const was = fast;
  fast = false;
  return was;
}

/**
 * Whether kafkajs's record-batch encoder computes its checksums with the lab's CRC-32C.
 *
 * @example
 * ```ts
 * import { fastCrc32cInUse, installFastCrc32c } from "./kafkajs_crc.ts";
 * installFastCrc32c();
 * if (!fastCrc32cInUse()) throw new Error("installed but not in use");
 * ```
 */
export function fastCrc32cInUse(): boolean {
  const cache = require.cache as Record<string, { exports: unknown } | undefined>;
  return fast && cache[`${kafkajsRecordBatchDir()}crc32C/index.js`]?.exports === kafkajsCrc32c;
}

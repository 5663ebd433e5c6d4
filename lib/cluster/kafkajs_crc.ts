/**
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
/** What kafkajs calls instead of its own checksum. */
function kafkajsCrc32c(bytes: Uint8Array): number {
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
 * Installs the faster CRC-32C for kafkajs; returns whether kafkajs's encoder
 * uses it (false when the encoder was loaded before, which keeps its own).
 *
 * @example
 * ```ts
 * import { installFastCrc32c } from "./kafkajs_crc.ts";
 * if (!installFastCrc32c()) throw new Error("kafkajs's record-batch encoder was loaded first");
 * ```
 */
export function installFastCrc32c(): boolean {
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

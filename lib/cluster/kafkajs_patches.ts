/**
 * The one switch for the lab's two kafkajs 2.2.4 patches (`kafkajs_crc.ts`, the checksum;
 * `kafkajs_encoder.ts`, the request encoder): a load turns them on through
 * `LoadOptions.kafkajsPatches`. Off by default: `deno task bench:load` measured stock kafkajs
 * holding the walkthrough's 20 MB/s on 2 cores with room to spare (README, "Load generator
 * performance"), so only the benchmark patches kafkajs. They are per thread (each Web Worker has
 * its own kafkajs), and the load that opened its senders last decides.
 *
 * Turned off after being on, kafkajs runs its own code again, except that its record-batch
 * encoder keeps calling the checksum function it took when first loaded (the lab's, which then
 * calls kafkajs's own). Turned on after kafkajs built a request unpatched, the checksum stays
 * kafkajs's own ({@linkcode useKafkajsPatches} returns false).
 *
 * @module
 */

import { fastCrc32cInUse, installFastCrc32c, removeFastCrc32c } from "./kafkajs_crc.ts";
import { fastEncoderInstalled, installFastEncoder, removeFastEncoder } from "./kafkajs_encoder.ts";

/**
 * Whether a load patches kafkajs when its options do not say.
 *
 * @example
 * ```ts
 * import { KAFKAJS_PATCHES } from "./kafkajs_patches.ts";
 * if (KAFKAJS_PATCHES) throw new Error("the patches are for the benchmark only");
 * ```
 */
export const KAFKAJS_PATCHES = false;

/**
 * Turns both patches on or off for this thread's kafkajs; returns whether they are now
 * as asked (false only when turning on found kafkajs's record-batch encoder loaded
 * before, with its own checksum).
 *
 * @example
 * ```ts
 * import { kafkajsPatchesInUse, useKafkajsPatches } from "./kafkajs_patches.ts";
 * if (!useKafkajsPatches(true) || !kafkajsPatchesInUse()) throw new Error("not on");
 * if (!useKafkajsPatches(false) || kafkajsPatchesInUse()) throw new Error("not off");
 * ```
 */
export function useKafkajsPatches(on: boolean): boolean {
  if (on) {
    const crc = installFastCrc32c();
    installFastEncoder();
    return crc && fastEncoderInstalled();
  }
  removeFastCrc32c();
  removeFastEncoder();
  return !fastCrc32cInUse() && !fastEncoderInstalled();
}

/**
 * Whether both patches are in use in this thread.
 *
 * @example
 * ```ts
 * import { kafkajsPatchesInUse, useKafkajsPatches } from "./kafkajs_patches.ts";
 * useKafkajsPatches(false);
 * if (kafkajsPatchesInUse()) throw new Error("still on");
 * ```
 */
export function kafkajsPatchesInUse(): boolean {
  return fastCrc32cInUse() && fastEncoderInstalled();
}

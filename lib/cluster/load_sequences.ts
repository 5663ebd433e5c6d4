/**
 * The record of which sequence numbers a load got acknowledged, and from which
 * partition: what the read-back (`lib/cluster/readback.ts`) checks against.
 *
 * @module
 */

/**
 * Which sequence numbers were acknowledged, and to which partition each went (so the
 * read-back can tell a record deleted by retention from a lost one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SequenceSet } from "./load_sequences.ts";
 * const acked = new SequenceSet();
 * acked.add(7, 2);
 * assert.ok(acked.has(7));
 * assert.deepEqual(acked.partitionOf(7), 2);
 * assert.deepEqual(acked.size, 1);
 * ```
 */
export class SequenceSet {
  #bits = new Uint8Array(1024);
  #partitions = new Uint16Array(0);
  #count = 0;
  /** Marks `sequence`, acked by `partition` when known. */
  add(sequence: number, partition?: number): void {
    const byte = sequence >>> 3;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const mask = 1 << (sequence & 7);
    if ((this.#bits[byte] & mask) === 0) {
      this.#bits[byte] |= mask;
      this.#count++;
    }
    if (partition === undefined) return;
    if (!Number.isInteger(partition) || partition < 0 || partition >= 0xffff) {
      throw new Error(`Partition ${partition} cannot be recorded (0 to 65534).`);
    }
    if (sequence >= this.#partitions.length) {
      const grown = new Uint16Array(Math.max(sequence + 1, this.#partitions.length * 2, 1024));
      grown.set(this.#partitions);
      this.#partitions = grown;
    }
    this.#partitions[sequence] = partition + 1;
  }
  /** Whether `sequence` is marked. */
  has(sequence: number): boolean {
    const byte = sequence >>> 3;
    return byte < this.#bits.length && (this.#bits[byte] & (1 << (sequence & 7))) !== 0;
  }
  /** The partition that acked `sequence`, if it was recorded. */
  partitionOf(sequence: number): number | undefined {
    const p = sequence < this.#partitions.length ? this.#partitions[sequence] : 0;
    return p === 0 ? undefined : p - 1;
  }
  /** How many are marked. */
  get size(): number {
    return this.#count;
  }
}

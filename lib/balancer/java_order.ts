/**
 * The orders and sums of the JVM that decide AutoMQ's auto-balancer where loads tie.
 *
 * AutoMQ 1.7.3 keeps its model in `java.util.HashMap`s: brokers keyed by `Integer`
 * (`ClusterModelSnapshot.brokerMap`), each broker's partitions keyed by Kafka's
 * `TopicPartition` (`brokerToReplicaMap`), goal scores keyed by the goal (whose hash is its
 * name's `String.hashCode()`). Candidate lists come out of those maps and are sorted with
 * stable sorts (`List.sort`, `Stream.sorted`), and `Stream.max` keeps the first of equal
 * scores, so among equal loads the map's iteration order decides. Averages and weighted
 * scores are `DoubleStream.sum`s, which are compensated (Kahan) sums.
 *
 * What is emulated:
 *
 * - `String.hashCode()` over UTF-16 code units, `Integer.hashCode()`, Kafka's
 *   `TopicPartition.hashCode()` (`31 * (31 + partition) + topic.hashCode()`, in 32 bits);
 * - `HashMap` built with `new HashMap<>()`: no table until the first put, then 16 buckets,
 *   doubling when the size exceeds 0.75 of the capacity (and, as `treeifyBin` does, when a
 *   bucket already holding 8 entries gets another while the table has fewer than 64
 *   buckets); the bucket of a key is `(h ^ (h >>> 16)) & (capacity - 1)`; a bucket lists its
 *   keys in insertion order (a put appends, a resize splits a bucket keeping that order, a
 *   remove keeps the others' order), so iteration is by bucket, then by insertion;
 * - `DoubleStream.sum()` as the JDK 17 in AutoMQ's image computes it (compensated, with the
 *   fix of JDK-8214761: the result is the running sum minus the compensation).
 *
 * Not emulated: a bucket turned into a tree (9 or more colliding keys in a table of 64 or
 * more buckets) iterates in an order this module does not model; {@linkcode JavaHashMap}
 * counts such buckets in `treeBins` so a caller can say so.
 *
 * @example
 * ```ts
 * import { hashMapOrder, javaStringHash, topicPartitionHash } from "./java_order.ts";
 * console.log(javaStringHash("traffic-test"), topicPartitionHash("traffic-test", 0));
 * // Partitions 0-3 of traffic-test, inserted in order: the order a HashMap iterates them in.
 * const order = hashMapOrder([0, 1, 2, 3], (p) => topicPartitionHash("traffic-test", p));
 * console.log(order); // [ 3, 2, 1, 0 ]
 * ```
 *
 * @module
 */

/**
 * Java's `String.hashCode()`: `s[0]·31^(n-1) + … + s[n-1]` over UTF-16 units, as a 32-bit int.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { javaStringHash } from "./java_order.ts";
 * assert.equal(javaStringHash("a"), 97);
 * assert.equal(javaStringHash("ab"), 97 * 31 + 98);
 * ```
 */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Java's `Integer.hashCode()`: the value itself (as a 32-bit int).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integerHash } from "./java_order.ts";
 * assert.equal(integerHash(7), 7);
 * assert.throws(() => integerHash(1.5), RangeError);
 * ```
 */
export function integerHash(n: number): number {
  if (!Number.isInteger(n)) throw new RangeError(`integerHash: ${n} is not a whole number.`);
  return n | 0;
}

/**
 * Kafka's `TopicPartition.hashCode()`: `31 * (31 + partition) + topic.hashCode()`, 32-bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { javaStringHash, topicPartitionHash } from "./java_order.ts";
 * assert.equal(topicPartitionHash("t", 2), 31 * (31 + 2) + javaStringHash("t"));
 * ```
 */
export function topicPartitionHash(topic: string, partition: number): number {
  const result = (31 + integerHash(partition)) | 0;
  return (Math.imul(31, result) + javaStringHash(topic)) | 0;
}

/**
 * `HashMap.hash()`'s spreading of a key's hash: `h ^ (h >>> 16)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadHash } from "./java_order.ts";
 * assert.equal(spreadHash(0x12345678), 0x12345678 ^ 0x1234);
 * ```
 */
export function spreadHash(h: number): number {
  return (h ^ (h >>> 16)) | 0;
}

const DEFAULT_CAPACITY = 16;
const LOAD_FACTOR = 0.75;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

interface Slot<K> {
  key: K;
  hash: number;
  seq: number;
}

/**
 * The iteration order of a `java.util.HashMap` created with `new HashMap<>()`, as keys are
 * put and removed. Keys are told apart by `id(key)` (a string), hashed by `hash(key)`.
 */
export class JavaHashMap<K> {
  #slots = new Map<string, Slot<K>>();
  #counts = new Map<number, number>();
  #capacity = 0;
  #seq = 0;
  /** Buckets that became trees (their order is not modelled); 0 in every ordinary case. */
  treeBins = 0;

  /** Builds an empty map (no table yet, as `new HashMap<>()`). */
  constructor(readonly hash: (key: K) => number, readonly id: (key: K) => string) {}

  /** Table length now (0 before the first put). */
  get capacity(): number {
    return this.#capacity;
  }

  /** Number of keys. */
  get size(): number {
    return this.#slots.size;
  }

  /** True when the key is in the map. */
  has(key: K): boolean {
    return this.#slots.has(this.id(key));
  }

  #bucket(hash: number): number {
    return spreadHash(hash) & (this.#capacity - 1);
  }

  /** `put`: a new key goes to the end of its bucket; an existing key keeps its place. */
  put(key: K): void {
    const id = this.id(key);
    if (this.#slots.has(id)) return;
    if (this.#capacity === 0) this.#capacity = DEFAULT_CAPACITY;
    const hash = this.hash(key);
    const bucket = this.#bucket(hash);
    const inBucket = this.#counts.get(bucket) ?? 0;
    this.#slots.set(id, { key, hash, seq: this.#seq++ });
    this.#counts.set(bucket, inBucket + 1);
    if (inBucket >= TREEIFY_THRESHOLD) {
      if (this.#capacity < MIN_TREEIFY_CAPACITY) this.#resize();
      else this.treeBins++;
    }
    if (this.#slots.size > this.#capacity * LOAD_FACTOR) this.#resize();
  }

  #resize(): void {
    this.#capacity *= 2;
    this.#counts.clear();
    for (const s of this.#slots.values()) {
      const b = this.#bucket(s.hash);
      this.#counts.set(b, (this.#counts.get(b) ?? 0) + 1);
    }
  }

  /** `remove`: the others keep their order; the table never shrinks. */
  remove(key: K): void {
    const id = this.id(key);
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#slots.delete(id);
    const b = this.#bucket(slot.hash);
    this.#counts.set(b, this.#counts.get(b)! - 1);
  }

  /** The keys in iteration order: by bucket, then in insertion order within a bucket. */
  keys(): K[] {
    return [...this.#slots.values()]
      .sort((a, b) => this.#bucket(a.hash) - this.#bucket(b.hash) || a.seq - b.seq)
      .map((s) => s.key);
  }
}

/**
 * The order a `new HashMap<>()` iterates `keys` in after they are put in the given order.
 * Keys must be distinct by `String(key)` unless `id` says otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashMapOrder, integerHash } from "./java_order.ts";
 * // Small Integer keys iterate in bucket order, whatever the insertion order.
 * assert.deepEqual(hashMapOrder([3, 1, 2], integerHash), [1, 2, 3]);
 * ```
 */
export function hashMapOrder<K>(
  keys: readonly K[],
  hash: (key: K) => number,
  id: (key: K) => string = (k) => String(k),
): K[] {
  const map = new JavaHashMap(hash, id);
  for (const k of keys) map.put(k);
  return map.keys();
}

/**
 * `DoubleStream.sum()` of JDK 17: Kahan's compensated sum in stream order; when it gives NaN
 * while the plain sum is infinite, the plain sum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compensatedSum } from "./java_order.ts";
 * assert.equal(compensatedSum([0.1, 0.2, 0.3]), 0.6); // a plain sum gives 0.6000000000000001
 * ```
 */
export function compensatedSum(values: Iterable<number>): number {
  let sum = 0, compensation = 0, simple = 0;
  for (const value of values) {
    const tmp = value - compensation;
    const velvel = sum + tmp;
    compensation = (velvel - sum) - tmp;
    sum = velvel;
    simple += value;
  }
  const result = sum - compensation;
  if (Number.isNaN(result) && !Number.isFinite(simple) && !Number.isNaN(simple)) return simple;
  return result;
}

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
 * Maps are built anew along the way, and the new map has its own order: the controller's
 * `ClusterModel.brokerMap` gets each broker by `compute` as it registers; each detection's
 * `ClusterModel.snapshot()` puts the brokers that are not excluded into a new map in that
 * map's order (fewer brokers can mean fewer bins), and likewise each broker's partitions
 * (the controller's map of them is filled by `put` as partitions are assigned).
 *
 * What is emulated:
 *
 * - `String.hashCode()` over UTF-16 code units, `Integer.hashCode()`, Kafka's
 *   `TopicPartition.hashCode()` (`31 * (31 + partition) + topic.hashCode()`, in 32 bits);
 * - `HashMap` built with `new HashMap<>()` ({@linkcode JavaHashMap}), as JDK 17 keeps it: no
 *   table until the first insertion, then 16 bins, doubling (threshold 0.75 of the table;
 *   every bin split into a low and a high list that keep their order); the bin of a key is
 *   `(h ^ (h >>> 16)) & (capacity - 1)`; `put` appends a new key to its bin and resizes after
 *   it, `compute` (how AutoMQ's controller adds a broker) puts it at the head of its bin and
 *   resizes before it; a long bin in a table of 64 or more becomes a red-black tree
 *   (`java_tree_bin.ts`) whose root leads its iteration; a bin in a smaller table makes the
 *   table double instead;
 * - `DoubleStream.sum()` as the JDK 17 in AutoMQ's image computes it (compensated, with the
 *   fix of JDK-8214761: the result is the running sum minus the compensation).
 *
 * Checked against orders recorded from JDK 17's own `HashMap` (`java_order_test.ts`).
 * Unknowable, so only counted ({@linkcode JavaHashMap.identityTies}): two different keys
 * with the same 32-bit hash in one tree bin, which the JVM orders by identity hash codes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashMapOrder, javaStringHash, topicPartitionHash } from "./java_order.ts";
 * assert.equal(javaStringHash("traffic-test"), 792001122); // Java's "traffic-test".hashCode()
 * assert.equal(topicPartitionHash("traffic-test", 0), 792002083);
 * // Partitions 0-3 of traffic-test, inserted in order: the order a HashMap iterates them in.
 * const order = hashMapOrder([0, 1, 2, 3], (p) => topicPartitionHash("traffic-test", p));
 * assert.deepEqual(order, [ 3, 2, 1, 0 ]);
 * ```
 *
 * @module
 */

import {
  type BinNode,
  newBinNode,
  putTreeNode,
  removeTreeNode,
  splitTreeBin,
  type Table,
  treeify,
} from "./java_tree_bin.ts";

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
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * A `java.util.HashMap` created with `new HashMap<>()`, kept as the JDK 17 keeps it (a table
 * of bins, linked entries, tree bins) so that its iteration order is the JVM's, whatever
 * sequence of `put`, `compute` and `remove` built it. Keys are told apart by `id(key)` (a
 * string) and hashed by `hash(key)` (the key's `hashCode()`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integerHash, JavaHashMap } from "./java_order.ts";
 * const put = new JavaHashMap(integerHash, String);
 * const computed = new JavaHashMap(integerHash, String);
 * for (const id of [1, 17, 2]) {
 *   put.put(id); // appended to its bucket
 *   computed.compute(id); // put at the head of its bucket
 * }
 * assert.deepEqual(put.keys(), [1, 17, 2]);
 * assert.deepEqual(computed.keys(), [17, 1, 2]);
 * ```
 */
export class JavaHashMap<K> {
  #table: Table<K> = [];
  #threshold = 0;
  #nodes = new Map<string, BinNode<K>>();
  /**
   * How many times two different keys with the same hash met in a tree bin, where the JVM
   * orders them by `System.identityHashCode` (unknowable here; 0 in every ordinary case).
   */
  identityTies = 0;
  readonly #onTie = () => {
    this.identityTies++;
  };

  /** Builds an empty map (no table yet, as `new HashMap<>()`). */
  constructor(readonly hash: (key: K) => number, readonly id: (key: K) => string) {}

  /** Table length now (0 before the first insertion). */
  get capacity(): number {
    return this.#table.length;
  }

  /** Number of keys. */
  get size(): number {
    return this.#nodes.size;
  }

  /** Number of bins that are red-black trees now. */
  get treeBins(): number {
    return this.#table.filter((b) => b !== null && b.tree).length;
  }

  /** True when the key is in the map. */
  has(key: K): boolean {
    return this.#nodes.has(this.id(key));
  }

  /**
   * `put` (and `putIfAbsent`): a new key is appended to its bin (or placed in its tree);
   * a bin that already held 8 entries is treeified (or, under 64 bins, the table doubles);
   * then the table doubles if the size exceeds 0.75 of it. An existing key keeps its place.
   */
  put(key: K): void {
    const id = this.id(key);
    if (this.#nodes.has(id)) return;
    if (this.#table.length === 0) this.#resize();
    const node = newBinNode(key, spreadHash(this.hash(key)));
    this.#nodes.set(id, node);
    const tab = this.#table;
    const i = (tab.length - 1) & node.hash;
    const first = tab[i];
    if (first === null) tab[i] = node;
    else if (first.tree) putTreeNode(tab, first, node, this.#onTie);
    else {
      let last = first, held = 1;
      for (; last.next !== null; held++) last = last.next;
      last.next = node;
      if (held >= TREEIFY_THRESHOLD) this.#treeifyBin(node.hash);
    }
    if (this.#nodes.size > this.#threshold) this.#resize();
  }

  /**
   * `compute` returning a value (as `ClusterModel.registerBroker` does): first the table
   * doubles if the size already exceeds 0.75 of it (even for a key already there); then a
   * new key goes to the head of its bin (or into its tree), and a bin that already held 7
   * entries is treeified (or, under 64 bins, the table doubles). No resize after it.
   */
  compute(key: K): void {
    if (this.#nodes.size > this.#threshold || this.#table.length === 0) this.#resize();
    const id = this.id(key);
    if (this.#nodes.has(id)) return;
    const node = newBinNode(key, spreadHash(this.hash(key)));
    this.#nodes.set(id, node);
    const tab = this.#table;
    const i = (tab.length - 1) & node.hash;
    const first = tab[i];
    if (first !== null && first.tree) {
      putTreeNode(tab, first, node, this.#onTie);
      return;
    }
    let held = 0;
    for (let e = first; e !== null; e = e.next) held++;
    node.next = first;
    tab[i] = node;
    if (held >= TREEIFY_THRESHOLD - 1) this.#treeifyBin(node.hash);
  }

  /** `remove`: the others keep their order (a tree bin may become a list); never shrinks. */
  remove(key: K): void {
    const id = this.id(key);
    const node = this.#nodes.get(id);
    if (node === undefined) return;
    this.#nodes.delete(id);
    const tab = this.#table;
    if (node.tree) return removeTreeNode(tab, node);
    const i = (tab.length - 1) & node.hash;
    if (tab[i] === node) tab[i] = node.next;
    else {
      let p = tab[i]!;
      while (p.next !== node) p = p.next!;
      p.next = node.next;
    }
    node.next = null;
  }

  /** The keys in iteration order: bin by bin, along each bin's list. */
  keys(): K[] {
    const out: K[] = [];
    for (const bin of this.#table) for (let e = bin; e !== null; e = e.next) out.push(e.key);
    return out;
  }

  /** `treeifyBin`: a table under 64 bins doubles instead. */
  #treeifyBin(hash: number): void {
    const tab = this.#table;
    if (tab.length < MIN_TREEIFY_CAPACITY) return this.#resize();
    const head = tab[(tab.length - 1) & hash];
    if (head === null) return;
    let prev: BinNode<K> | null = null;
    for (let e: BinNode<K> | null = head; e !== null; e = e.next) {
      e.tree = true;
      e.prev = prev;
      prev = e;
    }
    treeify(tab, head, this.#onTie);
  }

  /** Doubles the table (16 at first), splitting each bin in two keeping its order. */
  #resize(): void {
    const old = this.#table;
    const capacity = old.length === 0 ? DEFAULT_CAPACITY : old.length * 2;
    this.#threshold = capacity * 0.75;
    const tab: Table<K> = new Array(capacity).fill(null);
    for (let j = 0; j < old.length; j++) {
      const e = old[j];
      if (e === null) continue;
      if (e.next === null) tab[e.hash & (capacity - 1)] = e;
      else if (e.tree) splitTreeBin(tab, e, j, old.length, this.#onTie);
      else {
        let lo: BinNode<K> | null = null, hi: BinNode<K> | null = null;
        for (let n: BinNode<K> | null = e; n !== null;) {
          const following: BinNode<K> | null = n.next;
          n.next = null;
          if ((n.hash & old.length) === 0) {
            if (lo === null) tab[j] = n;
            else lo.next = n;
            lo = n;
          } else {
            if (hi === null) tab[j + old.length] = n;
            else hi.next = n;
            hi = n;
          }
          n = following;
        }
      }
    }
    this.#table = tab;
  }
}

/**
 * The order a `new HashMap<>()` iterates `keys` in after they are inserted in the given order
 * with `put` (the default) or `compute`. Keys are told apart by `String(key)` unless `id`
 * says otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashMapOrder, integerHash } from "./java_order.ts";
 * // Small Integer keys iterate in bucket order, whatever the insertion order.
 * assert.deepEqual(hashMapOrder([3, 1, 2], integerHash), [1, 2, 3]);
 * // 0 and 16 share a bucket of 16: put appends, compute puts at the head.
 * assert.deepEqual(hashMapOrder([0, 16], integerHash), [0, 16]);
 * assert.deepEqual(hashMapOrder([0, 16], integerHash, String, "compute"), [16, 0]);
 * ```
 */
export function hashMapOrder<K>(
  keys: readonly K[],
  hash: (key: K) => number,
  id: (key: K) => string = (k) => String(k),
  insert: "put" | "compute" = "put",
): K[] {
  const map = new JavaHashMap(hash, id);
  for (const k of keys) map[insert](k);
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

import assert from "node:assert/strict";
import {
  compensatedSum,
  hashMapOrder,
  integerHash,
  JavaHashMap,
  javaStringHash,
  spreadHash,
  topicPartitionHash,
} from "./java_order.ts";

Deno.test("String.hashCode matches Java's known values, overflow included", () => {
  assert.equal(javaStringHash(""), 0);
  assert.equal(javaStringHash("hello"), 99162322);
  // The classic collision and the classic overflow to Integer.MIN_VALUE.
  assert.equal(javaStringHash("Aa"), 2112);
  assert.equal(javaStringHash("BB"), 2112);
  assert.equal(javaStringHash("polygenelubricants"), -2147483648);
  assert.equal(javaStringHash("é"), 233); // one UTF-16 unit
  assert.equal(javaStringHash("traffic-test"), 792001122);
});

Deno.test("Integer and TopicPartition hashes, and HashMap's spreading", () => {
  assert.equal(integerHash(17), 17);
  assert.equal(integerHash(-1), -1);
  assert.throws(() => integerHash(1.5), /not a whole number/);
  // 31 · (31 + 0) + "t".hashCode() (116)
  assert.equal(topicPartitionHash("t", 0), 1077);
  assert.equal(topicPartitionHash("t", 1), 1108);
  assert.equal(spreadHash(5), 5);
  assert.equal(spreadHash(0x10000), 0x10001);
  assert.equal(spreadHash(-1), -65536);
});

Deno.test("HashMap order: by bucket, then insertion; resizes at 0.75 and for long buckets", () => {
  const byValue = (n: number) => n;
  // 16 buckets: 17 shares bucket 1 with 1 and was put first.
  assert.deepEqual(hashMapOrder([17, 1, 2, 0], byValue), [0, 17, 1, 2]);
  assert.deepEqual(hashMapOrder([1, 17, 2, 0], byValue), [0, 1, 17, 2]);
  // 16 and 0 share bucket 0 of 16 ...
  assert.deepEqual(hashMapOrder([16, 0], byValue), [16, 0]);
  // ... until the 13th key doubles the table to 32 and 16 gets its own bucket.
  const thirteen = [16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  assert.deepEqual(hashMapOrder(thirteen, byValue), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16]);
  // Nine keys in bucket 0 of 16: the 9th makes treeifyBin resize the small table to 32.
  const nine = [0, 16, 32, 48, 64, 80, 96, 112, 128];
  const map = new JavaHashMap(byValue, String);
  for (const k of nine) map.put(k);
  assert.equal(map.capacity, 32);
  assert.deepEqual(map.keys(), [0, 32, 64, 96, 128, 16, 48, 80, 112]);
  assert.equal(map.treeBins, 0);
});

Deno.test("HashMap order after remove and put: the key goes to the end of its bucket", () => {
  const map = new JavaHashMap((n: number) => n, String);
  map.put(1);
  map.put(17);
  assert.deepEqual(map.keys(), [1, 17]);
  map.remove(1);
  map.put(1);
  assert.deepEqual(map.keys(), [17, 1]);
  map.put(17); // an existing key keeps its place
  assert.deepEqual(map.keys(), [17, 1]);
  assert.equal(map.size, 2);
  assert.ok(map.has(17) && !map.has(2));
});

Deno.test("compute: a new key heads its bucket, and the table grows before, not after", () => {
  const map = new JavaHashMap((n: number) => n, String);
  for (const k of [1, 17, 33]) map.compute(k);
  assert.deepEqual(map.keys(), [33, 17, 1]);
  map.compute(17); // an existing key keeps its place
  assert.deepEqual(map.keys(), [33, 17, 1]);
  // 13 keys fit in 16 bins (put would have doubled at the 13th); the 14th doubles first.
  const c = new JavaHashMap((n: number) => n, String);
  for (let k = 0; k < 13; k++) c.compute(k);
  assert.equal(c.capacity, 16);
  c.compute(13);
  assert.equal(c.capacity, 32);
  // An existing key can trigger the pending doubling too (a broker registering again).
  const again = new JavaHashMap((n: number) => n, String);
  for (let k = 0; k < 13; k++) again.compute(k);
  again.compute(0);
  assert.equal(again.capacity, 32);
  // A bucket of 8 (7 before the new key; put waits for 9) doubles a small table.
  const eight = new JavaHashMap((n: number) => n, String);
  for (let i = 0; i < 8; i++) eight.compute(i * 64);
  assert.equal(eight.capacity, 32);
});

Deno.test("tree bins: the root leads, a new key follows its parent (as JDK 17 does)", () => {
  // Ten multiples of 64, computed: the 8th and 9th double the table to 64, the 10th turns
  // bucket 0 into a red-black tree. Orders checked against the JDK (java.util.HashMap).
  const map = new JavaHashMap((n: number) => n, String);
  for (let i = 0; i < 10; i++) map.compute(i * 64);
  assert.equal(map.capacity, 64);
  assert.equal(map.treeBins, 1);
  assert.deepEqual(map.keys(), [384, 576, 512, 448, 320, 256, 192, 128, 64, 0]);
  map.remove(192);
  assert.deepEqual(map.keys(), [384, 576, 512, 448, 320, 256, 128, 64, 0]);
  map.put(640); // linked right after its parent, 576
  assert.deepEqual(map.keys(), [384, 576, 640, 512, 448, 320, 256, 128, 64, 0]);
  assert.equal(map.identityTies, 0);
  // Put the same ten: the 9th and 10th double the table, no tree.
  const put = new JavaHashMap((n: number) => n, String);
  for (let i = 0; i < 10; i++) put.put(i * 64);
  assert.equal(put.treeBins, 0);
  assert.deepEqual(put.keys(), [0, 64, 128, 192, 256, 320, 384, 448, 512, 576]);
});

Deno.test("two keys of equal hash in a tree bin are counted as unknowable", () => {
  // "Aa" and "BB" share String.hashCode; 8 more keys of the same bucket make a tree.
  const map = new JavaHashMap(javaStringHash, (k: string) => k);
  for (let i = 0; i < 64; i++) map.put(`k${i}`);
  const bucket = (h: number) => spreadHash(h) & 127;
  const same: string[] = [];
  for (let i = 0; same.length < 9; i++) {
    if (bucket(javaStringHash(`x${i}`)) === bucket(javaStringHash("Aa"))) same.push(`x${i}`);
  }
  for (const k of ["Aa", ...same, "BB"]) map.put(k);
  assert.ok(map.treeBins >= 1);
  assert.ok(map.identityTies > 0);
});

/** One scenario recorded from the JDK's own HashMap (`testdata/HashMapOrders.java`). */
interface Recorded {
  name: string;
  keys: "int" | "tp";
  ops: string;
  orders: string[];
}

Deno.test("the modelled HashMap iterates as JDK 17's did, on 40 recorded scenarios", () => {
  const text = Deno.readTextFileSync(
    new URL("./testdata/jdk17_hashmap_orders.jsonl", import.meta.url),
  );
  const scenarios: Recorded[] = text.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(scenarios.length, 40);
  let checkpoints = 0, treeBins = 0;
  for (const sc of scenarios) {
    const hash = sc.keys === "int" ? (k: string) => integerHash(Number(k)) : (k: string) => {
      const slash = k.lastIndexOf("/");
      return topicPartitionHash(k.slice(0, slash), Number(k.slice(slash + 1)));
    };
    const maps: JavaHashMap<string>[] = [];
    let current = 0, recorded = 0;
    for (const op of sc.ops.split(" ")) {
      const code = op[0], key = op.slice(1);
      if (code === "M") {
        current = Number(key);
        while (maps.length <= current) maps.push(new JavaHashMap(hash, (k) => k));
      } else if (code === "C") maps[current].compute(key);
      else if (code === "P") maps[current].put(key);
      else if (code === "R") maps[current].remove(key);
      else {
        assert.equal(
          maps[current].keys().join(" "),
          sc.orders[recorded],
          `${sc.name} #${recorded}`,
        );
        recorded++;
        checkpoints++;
        treeBins += maps[current].treeBins;
      }
    }
    assert.equal(recorded, sc.orders.length, sc.name);
    assert.ok(maps.every((m) => m.identityTies === 0), sc.name);
  }
  // The recordings cover resizes, compute and put, and tree bins growing and shrinking.
  assert.ok(checkpoints > 150 && treeBins > 50, `${checkpoints} orders, ${treeBins} tree bins`);
});

Deno.test("TopicPartition keys: traffic-test 0-5 iterate 3, 2, 1, 0, 5, 4", () => {
  const order = hashMapOrder(
    [0, 1, 2, 3, 4, 5],
    (p) => topicPartitionHash("traffic-test", p),
  );
  assert.deepEqual(order, [3, 2, 1, 0, 5, 4]);
});

Deno.test("DoubleStream.sum is compensated", () => {
  const tenths = Array(10).fill(0.1);
  assert.equal(tenths.reduce((a, b) => a + b, 0), 0.9999999999999999);
  assert.equal(compensatedSum(tenths), 1);
  assert.equal(compensatedSum([]), 0);
  assert.equal(compensatedSum([Infinity, 1]), Infinity);
  assert.ok(Number.isNaN(compensatedSum([Infinity, -Infinity])));
});

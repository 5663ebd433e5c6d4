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

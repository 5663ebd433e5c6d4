import assert from "node:assert/strict";
import { parseLogDirName, PartitionBytesCounter, readPartitionLogs } from "./partition_bytes.ts";

Deno.test("log directory names split on the last dash", () => {
  assert.deepEqual(parseLogDirName("traffic-test-5"), { topic: "traffic-test", partition: 5 });
  assert.equal(parseLogDirName("__cluster_metadata-0"), undefined);
  assert.equal(parseLogDirName("traffic-test-5.0b1c-delete"), undefined);
  assert.equal(parseLogDirName("meta.properties"), undefined);
});

Deno.test("only growth on the leader counts; shrinking and follower copies do not", () => {
  const counter = new PartitionBytesCounter();
  let leader = 0;
  const leaderOf = () => leader;
  const at = (b0: number, b1?: number) => [
    { broker: 0, topic: "t", partition: 0, bytes: b0 },
    ...(b1 === undefined ? [] : [{ broker: 1, topic: "t", partition: 0, bytes: b1 }]),
  ];
  counter.observe(at(100), leaderOf); // first sight: baseline only
  counter.observe(at(600), leaderOf); // +500 on the leader
  counter.observe(at(400), leaderOf); // retention deleted a segment: not subtracted
  counter.observe(at(700), leaderOf); // +300
  counter.observe(at(900, 650), leaderOf); // broker 1 copies as a follower: not counted
  leader = 1; // the move completes
  counter.observe(at(900, 1000), leaderOf); // +350 on the new leader
  counter.observe(at(950, 1100), leaderOf); // broker 0 is no longer leader: its +50 is not counted
  const byBroker = Object.fromEntries(counter.counters().map((c) => [c.broker, c.bytes]));
  assert.deepEqual(byBroker, { 0: 1000, 1: 450 });
  counter.observe([{ broker: 1, topic: "t", partition: 0, bytes: 1200 }], leaderOf);
  assert.deepEqual(
    counter.counters().map((c) => c.broker),
    [1],
    "a partition gone from broker 0 drops its series",
  );
  assert.match(
    counter.exposition(),
    /kafka_network_io_bytes_total\{broker="1",topic="t",partition="0",direction="in"\} 550/,
  );
});

Deno.test("partition logs are read from a data directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/orders-2`);
    await Deno.writeFile(`${dir}/orders-2/00000000000000000000.log`, new Uint8Array(1234));
    await Deno.writeFile(`${dir}/orders-2/00000000000000000000.index`, new Uint8Array(99));
    await Deno.mkdir(`${dir}/__cluster_metadata-0`);
    const logs = await readPartitionLogs(3, dir);
    assert.deepEqual(logs, [{ broker: 3, topic: "orders", partition: 2, bytes: 1234 }]);
    assert.deepEqual(await readPartitionLogs(3, `${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

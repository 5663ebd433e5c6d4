// Ties between brokers when their ids are not 0..n-1 or some are excluded: the order AutoMQ
// visits brokers in comes from two maps, the controller's (filled by `HashMap.compute`) and
// the snapshot's (a new map, filled by `put` in the controller's order, which can have fewer
// bins). The vectors are AutoMQ 1.7.3's own answers (its compiled balancer, same inputs).
import { moveKey } from "../core/move.ts";
import assert from "node:assert/strict";
import { type BalancerSettings, balancerSettingsFrom } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { integerHash, JavaHashMap } from "./java_order.ts";
import { planBalance } from "./plan.ts";
import { validateInput } from "./plan_validate.ts";
import { seededRandom } from "../cli/bench_planner.ts";
import { assertSameAsReference, referencePlan } from "../../testing/plan_reference.ts";

const MB = 1e6;

function settings(overrides: Partial<BalancerSettings> = {}): BalancerSettings {
  return { ...balancerSettingsFrom({}), ...overrides };
}

/** A partition of topic `t` with bytes in only, MB/s. */
function tp(partition: number, broker: number, inMB: number): PartitionLoad {
  return { topic: "t", partition, broker, bytesInPerSec: inMB * MB, bytesOutPerSec: 0 };
}

function moves(brokers: number[], partitions: PartitionLoad[], s: BalancerSettings): string[] {
  const plan = planBalance({ brokers, partitions, settings: s });
  const fast = plan.moves.map(moveKey);
  assert.deepEqual(referencePlan(brokers, partitions, s).moves, fast, "the literal reference");
  return fast;
}

Deno.test("AutoMQ's answer: brokers 1, 2, 17 (compute puts 17 before 1 in their bucket)", () => {
  // Bucket 1 of 16 holds 1 and 17; registered 1 then 17, `compute` leaves 17 first, so the
  // map iterates 17, 1, 2 and the lightest destinations tie in that order.
  const partitions = [0, 1, 2].map((p) => tp(p, 2, 10));
  assert.deepEqual(moves([1, 2, 17], partitions, settings()), ["t-2:2->17", "t-1:2->1"]);
});

Deno.test("AutoMQ's answer: 13 brokers 1006..1018, 1017 excluded (the snapshot has 16 bins)", () => {
  // The controller map of 13 brokers iterates 1006, 1007, ... (32 bins: 1006 → 14,
  // 1008 → 16); the snapshot holds 12, so it has 16 bins and iterates 1008 ... 1018, 1006,
  // 1007: 1008 is the first of the empty brokers.
  const brokers = Array.from({ length: 13 }, (_, i) => 1006 + i);
  const partitions = [0, 1].map((p) => tp(p, 1010, 10));
  assert.deepEqual(moves(brokers, partitions, settings({ excludeBrokers: [1017] })), [
    "t-1:1010->1008",
  ]);
  // Without the exclusion the snapshot has 13 brokers and 32 bins, like the controller's.
  assert.deepEqual(moves(brokers, partitions, settings()), ["t-1:1010->1006"]);
});

Deno.test("AutoMQ's answer: brokers 0, 16, 1 with band deviation 0.3", () => {
  // 7 partitions of 2 MB/s on 1, 4 on 0, 4 on 16: average 10, band [7, 13]; broker 1 sheds
  // onto 0 or 16 (8 each): `compute` put 16 before 0 in bucket 0, so 16 comes first.
  const partitions: PartitionLoad[] = [];
  for (const [broker, count] of [[1, 7], [0, 4], [16, 4]]) {
    for (let i = 0; i < count; i++) partitions.push(tp(partitions.length, broker, 2));
  }
  const s = settings({ avgDeviation: { in: 0.3, out: 0.3 } });
  assert.deepEqual(moves([0, 16, 1], partitions, s), ["t-5:1->16"]);
});

/** Broker ids of one of several shapes: scattered, a block, a cluster sharing bins. */
function brokerIds(random: () => number, n: number, shape: number): number[] {
  const ids = new Set<number>();
  const base = Math.floor(random() * 3000);
  while (ids.size < n) {
    const i = ids.size;
    if (shape === 0) ids.add(Math.floor(random() * 5000));
    else if (shape === 1) ids.add(base + i);
    else if (shape === 2) ids.add(base + Math.floor(random() * 3 * n));
    else ids.add(Math.floor(random() * 8) * 65536 + Math.floor(random() * 2 * n));
  }
  // Registered in a random order.
  return [...ids].map((id) => ({ id, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.id);
}

Deno.test("the planner decides like the literal reference with arbitrary ids and exclusions", () => {
  const random = seededRandom(22);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  // Sizes around the resize points of a map's table (12 → 16 bins, 13 → 32, 24/25, 48/49).
  const sizes = [3, 5, 11, 12, 13, 14, 17, 24, 25, 26, 33, 48, 49, 50];
  let withMoves = 0, shrunk = 0;
  for (let round = 0; round < 160; round++) {
    const n = pick(sizes);
    const brokers = brokerIds(random, n, round % 4);
    // Exclude none, one, or up to a third, so a 13, 25 or 49 broker map can lose a doubling.
    const excludeCount = pick([0, 1, 1, 2, Math.floor(n / 3)]);
    const excluded = new Set<number>();
    while (excluded.size < Math.min(excludeCount, n - 2)) excluded.add(pick(brokers));
    const kept = n - excluded.size;
    if ([12, 24, 48].some((c) => n > c && kept <= c)) shrunk++;
    // Equal partitions mostly, so that ties decide; piled on a few brokers.
    const heavy = brokers.filter((id) => !excluded.has(id)).slice(0, 1 + Math.floor(random() * 3));
    const partitions: PartitionLoad[] = [];
    const count = 2 + Math.floor(random() * (n + 20));
    const uniform = random() < 0.7;
    for (let p = 0; p < count; p++) {
      const bytesIn = uniform ? 2 * MB : Math.round(1 + random() * 4) * MB;
      partitions.push({
        topic: pick(["a", "b", "c"]),
        partition: p,
        broker: random() < 0.7 ? pick(heavy) : pick(brokers),
        bytesInPerSec: bytesIn,
        bytesOutPerSec: random() < 0.5 ? bytesIn : 0,
      });
    }
    const s = settings({
      goals: pick([
        ["NetworkInUsageDistributionGoal", "NetworkOutUsageDistributionGoal"],
        ["NetworkInUsageDistributionGoal"],
      ]),
      avgDeviation: { in: pick([0.1, 0.2, 0.3]), out: pick([0.1, 0.3]) },
      trivialChangeRatio: { in: pick([0, 0.05]), out: 0.05 },
      detectThresholdBytes: { in: pick([0, 1048576]), out: 1048576 },
      excludeBrokers: [...excluded],
    });
    const plan = planBalance({ brokers, partitions, settings: s });
    const ref = referencePlan(brokers, partitions, s);
    const what = `round ${round}: brokers ${brokers}, excluded ${[...excluded]}`;
    if (assertSameAsReference(plan, ref, what) > 0) withMoves++;
  }
  assert.ok(withMoves > 80, `only ${withMoves} rounds moved anything; the test is too weak`);
  assert.ok(shrunk > 10, `only ${shrunk} rounds lost a doubling to exclusions`);
});

Deno.test("broker maps as JDK 17 built them, tree bins included: controller and snapshot", () => {
  // The `register` scenarios recorded from the JDK (`testdata/HashMapOrders.java`): broker
  // ids added by `compute`, then the ones not excluded put into a new map in that order.
  const text = Deno.readTextFileSync(
    new URL("./testdata/jdk17_hashmap_orders.jsonl", import.meta.url),
  );
  const scenarios: { name: string; ops: string; orders: string[] }[] = text.trim().split("\n")
    .map((line) => JSON.parse(line)).filter((sc) => sc.name.startsWith("register-"));
  const keysOf = (ops: string, code: string) =>
    ops.split(" ").filter((op) => op[0] === code).map((op) => Number(op.slice(1)));
  let withTrees = 0;
  for (const sc of scenarios) {
    const [controllerOps, snapshotOps] = sc.ops.split(" O ");
    const registered = keysOf(controllerOps, "C");
    const kept = keysOf(snapshotOps, "P");
    const excludeBrokers = registered.filter((id) => !kept.includes(id));
    const input = {
      brokers: registered,
      partitions: [tp(0, kept[0], 1)],
      settings: settings({ excludeBrokers }),
    };
    assert.equal(validateInput(input, []).registered.join(" "), sc.orders[0], sc.name);
    const plan = planBalance(input);
    assert.equal(plan.snapshot.map((b) => b.broker).join(" "), sc.orders[1], sc.name);
    const controller = new JavaHashMap(integerHash, String);
    for (const id of registered) controller.compute(id);
    if (controller.treeBins > 0) withTrees++;
  }
  assert.equal(scenarios.length, 20);
  assert.ok(withTrees > 0, "no scenario with a tree bin in the controller's map");
});

Deno.test("a broker id beyond Java's int is refused, not wrapped", () => {
  const input = { brokers: [0, 2 ** 31], partitions: [], settings: settings() };
  assert.throws(() => planBalance(input), /2147483648 is not a broker id/);
});

Deno.test("brokers given in the snapshot's own order (a log's Broker status lines) are kept", () => {
  // Registered 1, 2, 17, AutoMQ's snapshot iterates 17, 1, 2 and logs its brokers so. Taken
  // as a registration order, 17, 1, 2 would iterate 1, 17, 2 (compute heads the bucket).
  const partitions = [0, 1, 2].map((p) => tp(p, 2, 10));
  const logged = planBalance({
    brokers: [17, 1, 2],
    brokerOrder: "snapshot",
    partitions,
    settings: settings(),
  });
  assert.deepEqual(logged.snapshot.map((b) => b.broker), [17, 1, 2]);
  assert.deepEqual(logged.moves.map((m) => m.to), [17, 1]);
  const registered = planBalance({ brokers: [17, 1, 2], partitions, settings: settings() });
  assert.deepEqual(registered.snapshot.map((b) => b.broker), [1, 17, 2]);
  const bad = { brokers: [1], partitions: [], settings: settings(), brokerOrder: "sorted" };
  // @ts-expect-error: a value the type refuses, as untyped callers could pass it
  assert.throws(() => planBalance(bad), /brokerOrder is "sorted"/);
});

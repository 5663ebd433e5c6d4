/**
 * The shared local cluster that `deno task test` starts for the tests (see
 * `testing/test_task.ts`). Tests that need a real cluster call
 * {@linkcode sharedCluster}; run outside the task, it says how to run them.
 *
 * @module
 */

import { withAdmin } from "../lib/cluster/kafka.ts";
import { assignmentFromCounts, ensureTopic, placePartitions } from "../lib/cluster/topic.ts";

/** Where the shared test cluster is. */
export interface SharedCluster {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** Prometheus base URL. */
  prometheusUrl: string;
  /** The cluster's state directory. */
  stateDir: string;
  /** A directory for anything else a test starts (swept at the end of the task). */
  root: string;
  /** The jar cache the cluster used. */
  cacheDir: string;
}

/** The shared cluster, or an error saying to run the tests with `deno task test`. */
export function sharedCluster(): SharedCluster {
  const bootstrap = Deno.env.get("LAB_TEST_BOOTSTRAP");
  const prometheusUrl = Deno.env.get("LAB_TEST_PROMETHEUS_URL");
  const stateDir = Deno.env.get("LAB_TEST_STATE_DIR");
  const root = Deno.env.get("LAB_TEST_ROOT");
  const cacheDir = Deno.env.get("LAB_TEST_CACHE_DIR");
  if (!bootstrap || !prometheusUrl || !stateDir || !root || !cacheDir) {
    throw new Error(
      "This test needs the shared local cluster that `deno task test` starts; run it with " +
        "`deno task test <file>` instead of `deno test`.",
    );
  }
  return { bootstrapServers: bootstrap.split(","), prometheusUrl, stateDir, root, cacheDir };
}

/** A unique topic name for one test. */
export function testTopic(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Declares a test that starts real things (Kafka clients, processes): they keep
 * timers and sockets past a test, so the resource and op sanitizers are off.
 */
export function realTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn });
}

/**
 * Declares a {@linkcode realTest} against the shared cluster: `fn` gets the cluster
 * (outside `deno task test` the test fails, saying how to run it).
 */
export function clusterTest(name: string, fn: (cluster: SharedCluster) => Promise<void>): void {
  realTest(name, () => fn(sharedCluster()));
}

/**
 * Creates a fresh topic (named from `prefix`) on the shared cluster with one partition
 * per entry of `counts` summed, placed so broker i leads `counts[i]` of them (brokers
 * 0, 1, 2, ...), and returns its name.
 */
export async function placedTopic(
  cluster: SharedCluster,
  prefix: string,
  counts: number[],
): Promise<string> {
  const topic = testTopic(prefix);
  const brokers = counts.map((_, i) => i);
  const partitions = counts.reduce((sum, n) => sum + n, 0);
  await withAdmin(cluster.bootstrapServers, async (admin) => {
    await ensureTopic(admin, { topic, partitions });
    await placePartitions(admin, topic, assignmentFromCounts(counts, brokers), {
      bootstrapServers: cluster.bootstrapServers,
    });
  });
  return topic;
}

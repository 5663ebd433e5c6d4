/**
 * What a cluster says about a topic before the lab creates or loads it: whether it exists
 * and with how many partitions, and the largest record batch it takes
 * (`max.message.bytes`, the broker's `message.max.bytes` for a topic not made yet). The
 * lab checks its settings against them on a cluster you bring, before creating anything.
 *
 * @module
 */

import { type Admin, ConfigResourceTypes } from "kafkajs";
import { retryTransient } from "./kafka.ts";

/** A topic as the cluster has it (or would make it). */
export interface TopicFacts {
  /** Its partitions, when it exists. */
  partitions?: number;
  /** The largest record batch it takes, bytes. */
  maxMessageBytes: number;
}

/** One config value of a resource, or `undefined` when the cluster does not say. */
async function configValue(
  admin: Admin,
  type: ConfigResourceTypes,
  name: string,
  key: string,
): Promise<number | undefined> {
  const described = await retryTransient(() =>
    admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type, name, configNames: [key] }],
    })
  );
  const entry = described.resources[0]?.configEntries.find((e) => e.configName === key);
  const value = Number(entry?.configValue);
  return entry && Number.isFinite(value) ? value : undefined;
}

/**
 * The topic's partitions (if it exists) and `max.message.bytes` (the topic's own, else the
 * broker `broker`'s `message.max.bytes`, which a new topic takes; Kafka's default 1048588
 * when neither says).
 *
 * @example
 * ```ts ignore
 * // Needs a cluster.
 * import { withAdmin } from "./kafka.ts";
 * import { topicFacts } from "./topic_facts.ts";
 * const facts = await withAdmin(["127.0.0.1:9092"], (admin) => topicFacts(admin, "t", 0));
 * console.log(facts.partitions, facts.maxMessageBytes);
 * ```
 */
export async function topicFacts(admin: Admin, topic: string, broker: number): Promise<TopicFacts> {
  let partitions: number | undefined;
  let own: number | undefined;
  if ((await retryTransient(() => admin.listTopics())).includes(topic)) {
    const metadata = await retryTransient(() => admin.fetchTopicMetadata({ topics: [topic] }));
    partitions = metadata.topics[0]?.partitions.length;
    own = await configValue(admin, ConfigResourceTypes.TOPIC, topic, "max.message.bytes");
  }
  const maxMessageBytes = own ??
    await configValue(admin, ConfigResourceTypes.BROKER, String(broker), "message.max.bytes") ??
    1048588;
  return { partitions, maxMessageBytes };
}

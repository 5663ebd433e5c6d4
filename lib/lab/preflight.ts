/**
 * The checks a run makes before it starts anything: the settings against the cluster they
 * will run on (the brokers a skew or placement names, the topic's partitions and largest
 * record). The local and AutoMQ environments know their brokers before set-up; a cluster
 * you bring is asked right after connecting, before the lab creates anything on it.
 *
 * @module
 */

import { checkAgainstCluster } from "../config/checks.ts";
import type { LabConfig } from "../config/config.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { topicFacts } from "../cluster/topic_facts.ts";
import type { LabEnvironment } from "../env/types.ts";

/**
 * The environment in words, for a sentence: "the local environment", "the cluster you
 * brought".
 *
 * @example
 * ```ts
 * import { environmentWords } from "./preflight.ts";
 * if (environmentWords("external") !== "the cluster you brought") throw new Error("words");
 * ```
 */
export function environmentWords(kind: LabEnvironment["kind"]): string {
  return kind === "external" ? "the cluster you brought" : `the ${kind} environment`;
}

/**
 * Checks the settings against the brokers the local or AutoMQ environment starts with;
 * throws a `LabConfigError` naming the setting. A brought cluster is checked after
 * connecting ({@linkcode checkBroughtCluster}).
 */
export function checkBeforeSetup(config: LabConfig, environment: LabEnvironment): void {
  if (environment.kind === "external") return;
  checkAgainstCluster(config, {
    brokers: environment.brokerIds(),
    where: environmentWords(environment.kind),
  });
}

/**
 * Checks the settings against a brought cluster once connected (its brokers known), before
 * the lab creates anything there: the brokers a skew or placement names, the partitions of
 * the topic if it exists, and its `max.message.bytes` (the brokers' default for a topic not
 * made yet).
 */
export async function checkBroughtCluster(
  config: LabConfig,
  environment: LabEnvironment,
): Promise<void> {
  const brokers = environment.brokerIds();
  const facts = await withAdmin(
    environment.bootstrapServers(),
    (admin) => topicFacts(admin, config.topic, brokers[0] ?? 0),
  );
  checkAgainstCluster(config, {
    brokers,
    where: environmentWords(environment.kind),
    maxMessageBytes: facts.maxMessageBytes,
    topicPartitions: facts.partitions,
  });
}

import assert from "node:assert/strict";
import { ConfigResourceTypes } from "kafkajs";
import { LabConfigError } from "../config/config.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { describePlacement } from "../cluster/topic.ts";
import { topicFacts } from "../cluster/topic_facts.ts";
import { clusterTest, type SharedCluster, testTopic } from "../../testing/cluster.ts";
import { Lab } from "./lab.ts";
import { checkBroughtCluster } from "./preflight.ts";

/** A lab on the shared cluster as a cluster you bring, with `settings`. */
function brought(cluster: SharedCluster, settings: Record<string, string>): Promise<Lab> {
  return Lab.open({
    LAB_BOOTSTRAP: cluster.bootstrapServers.join(","),
    LAB_PROMETHEUS_URL: cluster.prometheusUrl,
    LAB_STATE_DIR: `${cluster.root}/preflight-state`,
    ...settings,
  });
}

const topics = (cluster: SharedCluster) =>
  withAdmin(cluster.bootstrapServers, (admin) => admin.listTopics());

clusterTest(
  "real cluster: a brought cluster's settings are checked after connecting, before anything is created",
  async (cluster) => {
    const topic = testTopic("preflight");
    const skewed = await brought(cluster, { LAB_TOPIC: topic, LAB_SKEW: "b7=1" });
    await assert.rejects(
      skewed.setup(),
      (e: unknown) =>
        e instanceof LabConfigError &&
        /^LAB_SKEW: b7 names broker 7, but the cluster you brought has brokers 0, 1, 2/.test(
          e.message,
        ),
    );
    assert.ok(!(await topics(cluster)).includes(topic), "the topic was not created");

    // A topic that takes smaller records than asked, and one with other partitions.
    const small = testTopic("preflight-small");
    await withAdmin(cluster.bootstrapServers, async (admin) => {
      await admin.createTopics({
        // kafkajs's own wait trips on a new topic's transient UNKNOWN_TOPIC_OR_PARTITION.
        waitForLeaders: false,
        topics: [{
          topic: small,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: "max.message.bytes", value: "100000" }],
        }],
      });
      await describePlacement(admin, small);
      // Each broker learns the new topic from the controller in its own time (seconds on a
      // busy machine): wait until the brokers a new client may ask all report its limit.
      const deadline = Date.now() + 20_000;
      for (let agreed = 0; agreed < 6;) {
        const seen = (await topicFacts(admin, small, 0)).maxMessageBytes;
        agreed = seen === 100000 ? agreed + 1 : 0;
        assert.ok(Date.now() < deadline, "the brokers never all reported the new topic's limit");
        if (agreed === 0) await new Promise((r) => setTimeout(r, 200));
      }
    });
    const big = await brought(cluster, {
      LAB_TOPIC: small,
      LAB_PARTITIONS: "3",
      LAB_PLACEMENT: "1-1-1",
      LAB_RECORD_BYTES: "200000",
    });
    await assert.rejects(
      big.setup(),
      /LAB_RECORD_BYTES: 200000 B does not fit .*max\.message\.bytes is 100000 B on the cluster you brought.*use at most 99920\./,
    );
    const fits = await brought(cluster, {
      LAB_TOPIC: small,
      LAB_PARTITIONS: "3",
      LAB_PLACEMENT: "1-1-1",
      LAB_RECORD_BYTES: "99000",
    });
    await fits.environment.up();
    await checkBroughtCluster(fits.config, fits.environment);
    const six = await brought(cluster, { LAB_TOPIC: small });
    await six.environment.up();
    await assert.rejects(
      checkBroughtCluster(six.config, six.environment),
      /LAB_PARTITIONS: topic preflight-small-\w+ already has 3 partitions on the cluster you brought, not 6/,
    );
    // A topic not made yet takes the brokers' message.max.bytes (Kafka's default here).
    const fresh = await brought(cluster, {
      LAB_TOPIC: testTopic("preflight-new"),
      LAB_RECORD_BYTES: "1048509",
    });
    await fresh.environment.up();
    await assert.rejects(
      checkBroughtCluster(fresh.config, fresh.environment),
      /max\.message\.bytes is 1048588 B on the cluster you brought/,
    );
    await withAdmin(cluster.bootstrapServers, async (admin) => {
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: small }],
      });
      assert.ok(configs.resources.length === 1, "the small topic is still there, untouched");
      await admin.deleteTopics({ topics: [small] });
    });
  },
);

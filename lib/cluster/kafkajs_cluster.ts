/**
 * kafkajs 2.2.4's own cluster and broker objects, for the two clients that need more
 * control than its producer and consumer give: the load's idempotent producer
 * (`load_producer.ts`), which must choose each batch's producer id and sequence
 * itself, and the read-back (`readback.ts`), which reads each partition by offset
 * without a consumer group. Connections, metadata, request encoding and decoding
 * stay kafkajs's; only the choice of what to send is the lab's.
 *
 * Also names the partitions behind kafkajs's metadata errors: kafkajs turns an answer
 * in which one partition has no leader into a bare LEADER_NOT_AVAILABLE, saying
 * nothing of which partition it was. Installing this module keeps that behaviour and
 * adds the partitions (`error.partitions`, read by `partitionsNamedBy` in `kafka.ts`).
 *
 * @module
 */

import { createRequire } from "node:module";
import type { Kafka } from "kafkajs";
// Makes the npm package resolvable by `require` below, whoever imports this first.
import "kafkajs";
import { LeaderlessError } from "./kafka.ts";

const require = createRequire(import.meta.url);

/** What a produce answer holds (one topic, one partition in the lab's requests). */
export interface ProduceAnswer {
  /** Per topic, per partition: the offset the batch got. */
  topics: Array<
    { topicName: string; partitions: Array<{ partition: number; baseOffset: string }> }
  >;
}

/** One record read back. */
export interface FetchedRecord {
  /** Its offset, as text. */
  offset: string;
  /** Its value. */
  value: Uint8Array | null;
  /** Whether it is a transaction marker rather than data. */
  isControlRecord?: boolean;
}

/** What a fetch answer holds. */
export interface FetchAnswer {
  /** Per topic, per partition: records and the high watermark. */
  responses: Array<{
    topicName: string;
    partitions: Array<{ partition: number; highWatermark: string; messages: FetchedRecord[] }>;
  }>;
}

/** A produce request as kafkajs's broker connection takes it (the lab's own producer sends it). */
export interface ProduceRequest {
  /** The records, by topic and partition, each partition's batch with its first sequence. */
  topicData: Array<{
    topic: string;
    partitions: Array<
      { partition: number; firstSequence: number; messages: Array<{ value: Uint8Array }> }
    >;
  }>;
  /** The idempotent producer's id, as kafkajs takes it. */
  producerId: string;
  /** The producer's epoch. */
  producerEpoch: number;
  /** Acks required (-1: all in-sync replicas). */
  acks: number;
  /** How long the broker may wait for the acks, ms. */
  timeout: number;
}

/** A kafkajs broker connection: the requests the lab sends itself. */
export interface WireBroker {
  /** The broker's id. */
  nodeId: number;
  /** A produce request; rejects with the first partition error. */
  produce(request: ProduceRequest): Promise<ProduceAnswer>;
  /** A fetch request; rejects with the first partition error. */
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: Array<
      {
        topic: string;
        partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>;
      }
    >;
  }): Promise<FetchAnswer>;
  /** A new producer id and epoch (idempotent, not transactional). */
  initProducerId(request: { transactionTimeout: number }): Promise<
    { producerId: string; producerEpoch: number }
  >;
}

/** A kafkajs cluster: metadata and broker connections. */
export interface WireCluster {
  /** Connects to a bootstrap server. */
  connect(): Promise<void>;
  /** Closes every connection. */
  disconnect(): Promise<void>;
  /** Asks for fresh metadata of the target topics. */
  refreshMetadata(): Promise<void>;
  /** Adds a topic to those whose metadata is kept (and fetches it). */
  addTargetTopic(topic: string): Promise<void>;
  /** The partitions of `topic` in the metadata held now. */
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  /** The connected broker with id `nodeId`. */
  findBroker(args: { nodeId: number }): Promise<WireBroker>;
  /** Some connected broker (the one the metadata names controller). */
  findControllerBroker(): Promise<WireBroker>;
}

/** Options of {@linkcode openCluster}. */
export interface ClusterOptions {
  /** Keep metadata this long before asking again, milliseconds (default 5 minutes). */
  metadataMaxAge?: number;
}

/**
 * A connected kafkajs cluster for `kafka`'s brokers, with its settings (client id,
 * timeouts, socket factory).
 *
 * @example
 * ```ts ignore
 * import { createKafka } from "./kafka.ts";
 * import { openCluster } from "./kafkajs_cluster.ts";
 * const cluster = await openCluster(createKafka(["127.0.0.1:9092"]));
 * await cluster.addTargetTopic("traffic-test");
 * console.log(cluster.findTopicPartitionMetadata("traffic-test"));
 * await cluster.disconnect();
 * ```
 */
export async function openCluster(
  kafka: Kafka,
  options: ClusterOptions = {},
): Promise<WireCluster> {
  installMetadataPartitionNames();
  const key = Object.getOwnPropertySymbols(kafka)
    .find((s) => s.description === "private:Kafka:createCluster");
  const create = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== "function") {
    throw new Error(
      "This kafkajs has no cluster factory where 2.2.4 keeps it; the lab needs 2.2.4.",
    );
  }
  const cluster = create({
    metadataMaxAge: options.metadataMaxAge ?? 300_000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
  }) as WireCluster;
  await cluster.connect();
  return cluster;
}

/**
 * The leaders of one topic's partitions, from the cluster's metadata, asking again
 * (at most one request at a time for every caller) when told the metadata is stale.
 *
 * @example
 * ```ts ignore
 * import { createKafka } from "./kafka.ts";
 * import { openCluster, PartitionLeaders } from "./kafkajs_cluster.ts";
 * const cluster = await openCluster(createKafka(["127.0.0.1:9092"]));
 * const leaders = new PartitionLeaders(cluster, "traffic-test");
 * const broker = await leaders.broker(0);
 * console.log(broker.nodeId);
 * ```
 */
export class PartitionLeaders {
  readonly #cluster: WireCluster;
  readonly #topic: string;
  #targeted = false;
  #stale = false;
  #refreshing: Promise<void> | undefined;

  /** The leaders of `topic`'s partitions in `cluster`. */
  constructor(cluster: WireCluster, topic: string) {
    this.#cluster = cluster;
    this.#topic = topic;
  }

  /** Marks the metadata stale: the next {@linkcode broker} asks for fresh metadata first. */
  invalidate(): void {
    this.#stale = true;
  }

  /**
   * One fetch of `partition` from `offset` at its leader (read uncommitted: the lab writes
   * no transactions), up to `maxBytes`, waiting at most 500 ms for a first byte.
   */
  async fetch(partition: number, offset: bigint, maxBytes: number): Promise<FetchAnswer> {
    const broker = await this.broker(partition);
    return await broker.fetch({
      replicaId: -1,
      isolationLevel: 0,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes,
      topics: [{
        topic: this.#topic,
        partitions: [{ partition, fetchOffset: String(offset), maxBytes }],
      }],
    });
  }

  /**
   * The broker leading `partition`; throws (a `leaderless` error, see `kafka.ts`) when
   * the metadata has no leader for it.
   */
  async broker(partition: number): Promise<WireBroker> {
    await this.#fresh();
    const leader = this.leaderOf(partition);
    if (leader === undefined) {
      this.#stale = true;
      throw new LeaderlessError(this.#topic, [partition]);
    }
    return await this.#cluster.findBroker({ nodeId: leader });
  }

  /**
   * Some connected broker, once the metadata is loaded (for requests any broker answers,
   * such as a new producer id).
   */
  async anyBroker(): Promise<WireBroker> {
    await this.#fresh();
    return await this.#cluster.findControllerBroker();
  }

  /** Loads the topic's metadata the first time, and again when it was marked stale. */
  async #fresh(): Promise<void> {
    if (!this.#targeted) {
      await this.#refresh(() => this.#cluster.addTargetTopic(this.#topic));
      this.#targeted = true;
    } else if (this.#stale) {
      await this.#refresh(() => this.#cluster.refreshMetadata());
    }
  }

  /** The leader the metadata held now names for `partition`, if any. */
  leaderOf(partition: number): number | undefined {
    const p = this.#cluster.findTopicPartitionMetadata(this.#topic)
      .find((m) => m.partitionId === partition);
    return p === undefined || !(p.leader >= 0) ? undefined : p.leader;
  }

  async #refresh(ask: () => Promise<void>): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        await ask();
        this.#stale = false;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    await this.#refreshing;
  }
}

/** A kafkajs request definition: versions and a factory per version. */
interface RequestDefinition {
  protocol: (args: { version: number }) => (options: unknown) => {
    request: unknown;
    response: { parse: (data: unknown) => Promise<unknown> };
  };
  __labNamesPartitions?: boolean;
}

/** kafkajs's decoded metadata answer (the fields read here). */
interface MetadataData {
  topicMetadata?: Array<{
    topic?: string;
    partitionMetadata?: Array<{ partitionErrorCode: number; partitionId: number }>;
  }>;
}

/**
 * Makes kafkajs's metadata errors carry the partitions that had an error (an array of
 * `{ topic, partition, errorCode }` on the thrown error); kafkajs still throws the same
 * error at the same moment. Safe to call more than once.
 *
 * @example
 * ```ts
 * import { installMetadataPartitionNames } from "./kafkajs_cluster.ts";
 * installMetadataPartitionNames();
 * installMetadataPartitionNames();
 * ```
 */
export function installMetadataPartitionNames(): void {
  const src = require.resolve("kafkajs").replace(/index\.js$/, "src/");
  const metadata = require(`${src}protocol/requests/metadata/index.js`) as RequestDefinition;
  if (metadata.__labNamesPartitions) return;
  const original = metadata.protocol;
  metadata.protocol = (args) => {
    const build = original(args);
    return (options) => {
      const built = build(options);
      const parse = built.response.parse;
      return {
        ...built,
        response: {
          ...built.response,
          parse: async (data: unknown) => {
            try {
              return await parse(data);
            } catch (error) {
              if (error && typeof error === "object") {
                Object.assign(error, { partitions: failingPartitions(data as MetadataData) });
              }
              throw error;
            }
          },
        },
      };
    };
  };
  metadata.__labNamesPartitions = true;
}

/** The partitions of a metadata answer that came with an error. */
function failingPartitions(
  data: MetadataData,
): Array<{ topic: string; partition: number; errorCode: number }> {
  return (data.topicMetadata ?? []).flatMap((t) =>
    (t.partitionMetadata ?? []).filter((p) => p.partitionErrorCode !== 0).map((p) => ({
      topic: t.topic ?? "?",
      partition: p.partitionId,
      errorCode: p.partitionErrorCode,
    }))
  );
}

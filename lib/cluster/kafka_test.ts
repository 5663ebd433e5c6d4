import assert from "node:assert/strict";
import {
  classifyKafkaError,
  gaveUpError,
  LeaderlessError,
  partitionsNamedBy,
  retryTransient,
} from "./kafka.ts";
import { installMetadataPartitionNames } from "./kafkajs_cluster.ts";
import { errorFromCode, KAFKAJS_ERRORS, kafkajsSource } from "../../testing/kafkajs_errors.ts";

const fromCode = errorFromCode;
const {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionClosedError,
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
} = KAFKAJS_ERRORS;

/** What kafkajs's retrier throws when its retries run out on `error`. */
const exhausted = (error: Error) =>
  new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 5, retryTime: 2000 });

Deno.test("leaderless errors are recognised bare and in every kafkajs wrapper", () => {
  const leaderNotAvailable = fromCode(5);
  assert.equal(leaderNotAvailable.type, "LEADER_NOT_AVAILABLE");
  for (
    const error of [
      leaderNotAvailable,
      fromCode(6), // NOT_LEADER_OR_FOLLOWER, NOT_LEADER_FOR_PARTITION in kafkajs
      fromCode(3), // UNKNOWN_TOPIC_OR_PARTITION (a topic or partition not there yet)
      fromCode(74), // FENCED_LEADER_EPOCH
      exhausted(leaderNotAvailable),
      new KafkaJSNonRetriableError(leaderNotAvailable, { cause: leaderNotAvailable }),
      // Only the message left, as in the crash captured on AutoMQ.
      new Error(
        "There is no leader for this topic-partition as we are in the middle of a leadership election",
      ),
      new KafkaJSNonRetriableError(
        "There is no leader for this topic-partition as we are in the middle of a leadership election",
      ),
      new KafkaJSBrokerNotFound("Broker 2 not found in the cached metadata"),
      new LeaderlessError("t", [1]),
    ]
  ) {
    assert.equal(classifyKafkaError(error), "leaderless", `${error.name}: ${error.message}`);
  }
});

Deno.test("dropped connections and timeouts are transient; producer-state errors are not", () => {
  assert.equal(
    classifyKafkaError(new KafkaJSConnectionClosedError("Closed connection")),
    "transient",
  );
  assert.equal(classifyKafkaError(new KafkaJSConnectionError("ECONNREFUSED")), "transient");
  assert.equal(
    classifyKafkaError(new KafkaJSRequestTimeoutError("Request timed out")),
    "transient",
  );
  assert.equal(classifyKafkaError(fromCode(7)), "transient"); // REQUEST_TIMED_OUT
  assert.equal(classifyKafkaError(fromCode(41)), "transient"); // NOT_CONTROLLER
  assert.equal(classifyKafkaError(exhausted(fromCode(7))), "transient");

  assert.equal(classifyKafkaError(fromCode(46)), "duplicate"); // DUPLICATE_SEQUENCE_NUMBER
  assert.equal(classifyKafkaError(exhausted(fromCode(46))), "duplicate");
  for (const code of [45, 47, 59]) {
    // OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, UNKNOWN_PRODUCER_ID
    assert.equal(classifyKafkaError(fromCode(code)), "sequence", `code ${code}`);
  }
  assert.equal(classifyKafkaError(fromCode(10)), "fatal"); // MESSAGE_TOO_LARGE
  assert.equal(classifyKafkaError(fromCode(29)), "fatal"); // TOPIC_AUTHORIZATION_FAILED
  assert.equal(classifyKafkaError(new TypeError("x is undefined")), "fatal");
  assert.equal(classifyKafkaError("a string"), "fatal");
  assert.equal(classifyKafkaError(undefined), "fatal");
});

Deno.test("retryTransient retries leaderless calls, and nothing else", async () => {
  let calls = 0;
  const retried: string[] = [];
  const value = await retryTransient(() => {
    calls++;
    if (calls === 1) return Promise.reject(exhausted(fromCode(5)));
    if (calls === 2) return Promise.reject(new KafkaJSConnectionClosedError("Closed connection"));
    return Promise.resolve(42);
  }, { onRetry: (e) => retried.push((e as Error).name) });
  assert.equal(value, 42);
  assert.deepEqual(retried, ["KafkaJSNumberOfRetriesExceeded", "KafkaJSConnectionClosedError"]);

  let fatalCalls = 0;
  const tooLarge = fromCode(10);
  await assert.rejects(
    retryTransient(() => {
      fatalCalls++;
      return Promise.reject(tooLarge);
    }),
    (error) => error === tooLarge,
  );
  assert.equal(fatalCalls, 1, "a fatal error is thrown at once, as it is");
});

Deno.test("retryTransient gives up in bounded time with a sentence naming the partition", async () => {
  const started = Date.now();
  await assert.rejects(
    retryTransient(() => Promise.reject(new LeaderlessError("traffic-test", [3])), {
      timeoutMs: 400,
      what: "Reading where the partitions of traffic-test are",
    }),
    (error: Error) => {
      assert.match(
        error.message,
        /^Reading where the partitions of traffic-test are failed for \d+ s: no leader for traffic-test-3 \(the metadata names no leader\)\. /,
      );
      assert.match(error.message, /deno task status/);
      assert.match(error.message, /on AutoMQ, that the controller finished the move/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 5000, "gave up soon after the bound");
  const stopped = new AbortController();
  stopped.abort();
  await assert.rejects(
    retryTransient(() => Promise.reject(fromCode(5)), { signal: stopped.signal, what: "Listing" }),
    /Listing failed for 0 s: no leader for a partition it needs \(LEADER_NOT_AVAILABLE/,
  );
  assert.match(
    gaveUpError(new KafkaJSConnectionClosedError("Closed connection"), 31_000, {
      what: "Producing to t-1",
    }).message,
    /^Producing to t-1 failed for 31 s: Closed connection\. Check that every broker is up/,
  );
});

Deno.test("kafkajs's metadata errors name the partitions without a leader", async () => {
  installMetadataPartitionNames();
  const metadata = kafkajsSource("protocol/requests/metadata/index.js");
  // An answer as a broker gives it while traffic-test-4 moves: no leader, error 5.
  const answer = {
    brokers: [],
    topicMetadata: [{
      topicErrorCode: 0,
      topic: "traffic-test",
      partitionMetadata: [
        { partitionErrorCode: 0, partitionId: 3, leader: 0, replicas: [0], isr: [0] },
        { partitionErrorCode: 5, partitionId: 4, leader: -1, replicas: [2], isr: [2] },
      ],
    }],
  };
  for (const version of [1, 4, 6]) {
    const { response } = metadata.protocol({ version })({ topics: ["traffic-test"] });
    await assert.rejects(response.parse(answer), (error: Error & { type?: string }) => {
      assert.equal(error.type, "LEADER_NOT_AVAILABLE", "kafkajs still throws its own error");
      assert.deepEqual(partitionsNamedBy(exhausted(error)), ["traffic-test-4"]);
      return true;
    });
  }
  const { response } = metadata.protocol({ version: 6 })({ topics: ["traffic-test"] });
  const fine = {
    ...answer,
    topicMetadata: [{ ...answer.topicMetadata[0], partitionMetadata: [] }],
  };
  assert.equal(await response.parse(fine), fine, "a clean answer passes through");
});

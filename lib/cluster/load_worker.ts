/**
 * A Web Worker that sends some partitions of a load (`lib/cluster/load_workers.ts`
 * starts it), so kafkajs's encoding of requests runs on more than one core.
 *
 * Messages in: `start` (SenderOptions), `release` (records by partition),
 * `drain`. Messages out: `ready`, `acked`, `failed`, `drained`, `error`.
 *
 * @module
 */

import { openSenders, type Senders } from "./load_senders.ts";
import type { WorkerReply, WorkerRequest } from "./load_workers.ts";

const port = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};
let senders: Senders | undefined;
let queue: Promise<void> = Promise.resolve();

const handle = async (message: WorkerRequest) => {
  if (message.type === "start") {
    senders = await openSenders(message.options, {
      onAcked: (partition, sequences, releasedAt, ackedAt) =>
        port.postMessage({ type: "acked", partition, sequences, releasedAt, ackedAt }),
      onFailed: (partition, sequences, error, maybeStored) =>
        port.postMessage({
          type: "failed",
          partition,
          sequences,
          message: error.message,
          maybeStored,
        }),
      onRetry: (partition, reason) => port.postMessage({ type: "retry", partition, reason }),
      onRenewed: (partition, reason) => port.postMessage({ type: "renewed", partition, reason }),
    });
    port.postMessage({ type: "ready" });
  } else if (message.type === "release") {
    for (const [partition, sequences] of message.records) {
      for (const sequence of sequences) senders!.enqueue(partition, sequence, message.releasedAt);
    }
    senders!.flush();
  } else {
    await senders?.drain();
    await senders?.close();
    port.postMessage({ type: "drained" });
  }
};

port.onmessage = (event) => {
  // One message at a time, in order (a release arrives only after `ready`).
  queue = queue.then(() => handle(event.data)).catch((error) =>
    port.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    })
  );
};

/**
 * A TCP proxy on 127.0.0.1 between the lab's Kafka clients and the brokers that loses
 * or changes produce answers after the broker has stored the batch: what a client sees
 * when a connection drops during a move, and the answers AutoMQ 1.7.3 gave the lab's old
 * producer after a move (DUPLICATE_SEQUENCE_NUMBER, OUT_OF_ORDER_SEQUENCE_NUMBER), which
 * Apache Kafka itself does not send in these cases.
 *
 * Clients reach it through kafkajs's `socketFactory` ({@linkcode FaultProxy.socketFactory}):
 * every connection to a broker's advertised address goes to a listener of the proxy,
 * which connects to that broker and passes every byte through, reading the frames on the
 * way. For each produce answer the broker gives with error code 0 (the batch is stored),
 * the proxy asks its plan whether to
 *
 * - `drop-connection`: close the client's connection instead of passing the answer on
 *   (the ack is lost; so are other answers in flight on that connection);
 * - `duplicate-sequence`: pass the answer on with error code 46, DUPLICATE_SEQUENCE_NUMBER;
 * - `out-of-order-sequence`: pass it on with error code 45, OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * It counts the batches and records it did this to, read from the produce requests.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import net from "node:net";
import type { ISocketFactory } from "kafkajs";

/** A fault the proxy puts on a produce answer whose batch the broker stored. */
export type ProduceFault = "drop-connection" | "duplicate-sequence" | "out-of-order-sequence";

/** Which answers get a fault: called with the index of each stored batch's answer (0, 1, ...). */
export type FaultPlan = (answer: number) => ProduceFault | undefined;

/** What the proxy did, per fault. */
export interface FaultCounts {
  /** Produce answers with error code 0 that passed through the proxy, faulted or not. */
  storedAnswers: number;
  /** Batches and records per fault. */
  faults: Record<ProduceFault, { batches: number; records: number }>;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** A kafkajs socket factory that routes every broker connection through the proxy. */
  socketFactory: ISocketFactory;
  /** What it did so far. */
  counts: FaultCounts;
  /** Stops faulting (answers pass unchanged from now on). */
  calm(): void;
  /** Closes every listener and connection. */
  close(): Promise<void>;
}

/** The produce request's batch: where it goes and how many records it carries. */
interface BatchInfo {
  records: number;
}

const PRODUCE = 0;
const ERROR_CODES: Record<Exclude<ProduceFault, "drop-connection">, number> = {
  "duplicate-sequence": 46,
  "out-of-order-sequence": 45,
};

/** Splits a byte stream into Kafka frames (a 4-byte size, then that many bytes). */
class Frames {
  #buffer: Buffer = Buffer.alloc(0);
  /** Adds bytes; returns the whole frames (size included) now complete. */
  push(chunk: Buffer): Buffer[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Buffer[] = [];
    while (this.#buffer.length >= 4) {
      const size = this.#buffer.readInt32BE(0);
      if (this.#buffer.length < 4 + size) break;
      frames.push(this.#buffer.subarray(0, 4 + size));
      this.#buffer = this.#buffer.subarray(4 + size);
    }
    return frames;
  }
}

/**
 * The record count of a produce request frame (v3 to v8, one batch), or undefined when
 * the frame is not a produce request.
 */
function produceBatch(frame: Buffer): { correlationId: number; batch?: BatchInfo } | undefined {
  let at = 4;
  const apiKey = frame.readInt16BE(at);
  const apiVersion = frame.readInt16BE(at + 2);
  const correlationId = frame.readInt32BE(at + 4);
  if (apiKey !== PRODUCE) return undefined;
  if (apiVersion < 3 || apiVersion > 8) return { correlationId };
  at += 8;
  const clientIdLength = frame.readInt16BE(at);
  at += 2 + Math.max(0, clientIdLength);
  const transactionalIdLength = frame.readInt16BE(at);
  at += 2 + Math.max(0, transactionalIdLength);
  at += 2 + 4; // acks, timeout
  at += 4; // topics array length (the lab sends one)
  at += 2 + frame.readInt16BE(at); // topic name
  at += 4; // partitions array length (one)
  at += 4; // partition
  at += 4; // records size
  // Record batch: base offset 8, length 4, leader epoch 4, magic 1, crc 4, attributes 2.
  const lastOffsetDelta = frame.readInt32BE(at + 23);
  return { correlationId, batch: { records: lastOffsetDelta + 1 } };
}

/** Where the error code of a one-partition produce answer (v3 to v8) sits in its frame. */
function produceErrorCodeAt(frame: Buffer): number {
  let at = 4 + 4; // size, correlation id
  at += 4; // topics array length
  at += 2 + frame.readInt16BE(at); // topic name
  at += 4; // partitions array length
  at += 4; // partition
  return at;
}

/**
 * Starts a proxy that applies `plan` to the produce answers of the brokers it is asked to
 * reach (any broker a kafkajs client using {@linkcode FaultProxy.socketFactory} connects to).
 *
 * @example
 * ```ts ignore
 * import { startFaultProxy } from "./fault_proxy.ts";
 * const proxy = await startFaultProxy((n) => n % 50 === 10 ? "drop-connection" : undefined);
 * // runLoad({ ..., socketFactory: proxy.socketFactory, workers: 0 });
 * await proxy.close();
 * ```
 */
export function startFaultProxy(plan: FaultPlan): FaultProxy {
  const counts: FaultCounts = {
    storedAnswers: 0,
    faults: {
      "drop-connection": { batches: 0, records: 0 },
      "duplicate-sequence": { batches: 0, records: 0 },
      "out-of-order-sequence": { batches: 0, records: 0 },
    },
  };
  let calm = false;
  const servers = new Map<string, Promise<number>>();
  const sockets = new Set<net.Socket>();
  const listening: net.Server[] = [];
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  const serve = (host: string, port: number) => (client: net.Socket) => {
    track(client);
    const broker = net.connect({ host, port });
    track(broker);
    const pending = new Map<number, BatchInfo | undefined>();
    const requests = new Frames();
    const answers = new Frames();
    const closeBoth = () => {
      client.destroy();
      broker.destroy();
    };
    client.on("close", () => broker.destroy());
    broker.on("close", () => client.destroy());
    client.on("data", (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        const produce = produceBatch(frame);
        if (produce) pending.set(produce.correlationId, produce.batch);
        broker.write(frame);
      }
    });
    broker.on("data", (chunk: Buffer) => {
      for (const frame of answers.push(chunk)) {
        const correlationId = frame.readInt32BE(4);
        if (!pending.has(correlationId)) {
          client.write(frame);
          continue;
        }
        const batch = pending.get(correlationId);
        pending.delete(correlationId);
        const codeAt = produceErrorCodeAt(frame);
        if (batch === undefined || frame.readInt16BE(codeAt) !== 0) {
          client.write(frame);
          continue;
        }
        const fault = calm ? undefined : plan(counts.storedAnswers);
        counts.storedAnswers++;
        if (fault === undefined) {
          client.write(frame);
          continue;
        }
        counts.faults[fault].batches++;
        counts.faults[fault].records += batch.records;
        if (fault === "drop-connection") {
          closeBoth();
          return;
        }
        frame.writeInt16BE(ERROR_CODES[fault], codeAt);
        client.write(frame);
      }
    });
  };

  const listenerFor = (host: string, port: number): Promise<number> => {
    const key = `${host}:${port}`;
    let listening_ = servers.get(key);
    if (!listening_) {
      const server = net.createServer(serve(host, port));
      listening.push(server);
      listening_ = new Promise<number>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
      });
      servers.set(key, listening_);
    }
    return listening_;
  };

  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    // A socket that connects once the broker's listener is up (at once after the first time).
    const socket = new net.Socket();
    listenerFor(host, port).then(
      (local) => socket.connect({ host: "127.0.0.1", port: local }, onConnect),
      (error) => socket.destroy(error),
    );
    return socket;
  };

  return {
    socketFactory,
    counts,
    calm: () => (calm = true),
    async close() {
      calm = true;
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        listening.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}

import assert from "node:assert/strict";
import {
  connectionFileFromArgs,
  settle,
  zmtpFrames,
  zmtpGreeting,
  zmtpReady,
} from "./kernel_settle.ts";

function reader(bytes: Uint8Array, chunk: number) {
  let at = 0;
  return {
    read(p: Uint8Array): Promise<number | null> {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(chunk, p.length, bytes.length - at);
      p.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
  };
}

function frame(body: Uint8Array, more = false): Uint8Array {
  if (body.length < 256) return Uint8Array.of(more ? 1 : 0, body.length, ...body);
  const head = new Uint8Array(9);
  head[0] = more ? 3 : 2;
  new DataView(head.buffer).setBigUint64(1, BigInt(body.length));
  return new Uint8Array([...head, ...body]);
}

Deno.test("connectionFileFromArgs finds the kernel's --conn file only in a kernel", () => {
  assert.equal(
    connectionFileFromArgs(["/usr/bin/deno", "jupyter", "--kernel", "--conn", "/tmp/k.json"]),
    "/tmp/k.json",
  );
  assert.equal(connectionFileFromArgs(["deno", "test", "-A"]), undefined);
});

Deno.test("ZMTP: greeting, READY and frames short and long, split across reads", async () => {
  const g = zmtpGreeting();
  assert.equal(g.length, 64);
  assert.deepEqual([g[0], g[9], g[10]], [0xff, 0x7f, 3]);
  assert.equal(new TextDecoder().decode(g.subarray(12, 16)), "NULL");
  const ready = zmtpReady("SUB");
  assert.equal(ready[0], 0x04, "a command frame");
  assert.ok(new TextDecoder().decode(ready).includes("\x05READY\x0bSocket-Type"));
  const big = new Uint8Array(70_000).fill(65);
  const stream = new Uint8Array([
    ...g,
    ...ready,
    ...frame(new TextEncoder().encode("a"), true),
    ...frame(big),
  ]);
  const got: number[] = [];
  for await (const f of zmtpFrames(reader(stream, 999), 64)) got.push(f.length);
  assert.deepEqual(got, [1, 70_000]);
});

Deno.test("settle waits until its marker came back on IOPub, retrying if it was missed", async () => {
  // A PUB socket as Deno's kernel runs it: it adds a subscriber only after its subscribe frame,
  // then publishes what `broadcast` queued, in order, after a delay (the kernel's drainer).
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const dir = await Deno.makeTempDir();
  const file = `${dir}/kernel.json`;
  await Deno.writeTextFile(file, JSON.stringify({ ip: "127.0.0.1", iopub_port: port }));
  const published: string[] = [];
  let subscriber: Deno.Conn | undefined;
  let dropFirst = true;
  const server = (async () => {
    const conn = await listener.accept();
    const frames = zmtpFrames(conn, 64); // after the greeting; READY is skipped
    await conn.write(zmtpGreeting());
    await conn.write(zmtpReady("PUB"));
    const subscribe = await frames.next();
    assert.deepEqual(subscribe.value, Uint8Array.of(1), "subscribed to everything");
    subscriber = conn;
  })();
  const api = {
    broadcast(_type: string, content: Record<string, unknown>) {
      const text = JSON.stringify(content);
      setTimeout(async () => {
        if (!subscriber || dropFirst) {
          dropFirst = false; // the first marker is lost, as before the kernel subscribed us
          return;
        }
        published.push(text);
        await subscriber.write(frame(new TextEncoder().encode(text)));
      }, 50);
    },
  };
  try {
    const started = performance.now();
    await settle(api, { connectionFile: file, timeoutMs: 5000 });
    assert.ok(performance.now() - started < 5000, "it did not time out");
    assert.ok(published.length >= 1, "a marker was published before settle returned");
    assert.match(published.at(-1)!, /lab-settle-/);
    await server;
  } finally {
    subscriber?.close();
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

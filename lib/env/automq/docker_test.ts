import assert from "node:assert/strict";
import {
  checkEngine,
  connectDocker,
  DockerUnavailableError,
  resolveDockerHost,
  socketPathOf,
  withDeadline,
} from "./docker.ts";

Deno.test("resolveDockerHost takes an explicit address, a bare path, or the default", () => {
  assert.equal(resolveDockerHost("unix:///run/x.sock"), "unix:///run/x.sock");
  assert.equal(resolveDockerHost("/run/y.sock"), "unix:///run/y.sock");
  assert.equal(resolveDockerHost("tcp://127.0.0.1:2375"), "tcp://127.0.0.1:2375");
  assert.equal(socketPathOf("unix:///run/x.sock"), "/run/x.sock");
  assert.equal(socketPathOf("tcp://127.0.0.1:2375"), undefined);
});

Deno.test("connectDocker refuses addresses it cannot use", () => {
  assert.throws(
    () => connectDocker("ssh://user@host"),
    /DOCKER_HOST=ssh:\/\/user@host is not supported/,
  );
  assert.throws(() => connectDocker("tcp://host"), DockerUnavailableError);
});

Deno.test("checkEngine: a missing socket is reported at once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const started = Date.now();
    await assert.rejects(
      () => checkEngine(`unix://${dir}/docker.sock`),
      (error: Error) => {
        assert.ok(error instanceof DockerUnavailableError);
        assert.match(error.message, /no Docker engine: the socket .*docker\.sock does not exist/);
        assert.match(error.message, /set DOCKER_HOST/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 1000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkEngine: a file that is not a socket is named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/docker.sock`, "");
    await assert.rejects(() => checkEngine(`unix://${dir}/docker.sock`), /is not a socket/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkEngine: a socket that never answers fails within the timeout", async () => {
  const dir = await Deno.makeTempDir();
  const listener = Deno.listen({ transport: "unix", path: `${dir}/docker.sock` });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) held.push(conn); // accept, never reply
    } catch {
      // listener closed
    }
  })();
  try {
    const started = Date.now();
    await assert.rejects(
      () => checkEngine(`unix://${dir}/docker.sock`, 800),
      /does not answer \(.*did not finish within 800 ms\)/,
    );
    const took = Date.now() - started;
    assert.ok(took >= 700 && took < 3000, `took ${took} ms`);
  } finally {
    listener.close();
    for (const conn of held) {
      try {
        conn.close();
      } catch {
        // already closed by the client
      }
    }
    await accepting;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withDeadline passes results through and aborts slow work", async () => {
  assert.equal(await withDeadline("quick", 1000, () => Promise.resolve(7)), 7);
  let aborted = false;
  await assert.rejects(
    () =>
      withDeadline("slow work", 50, (signal) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, 500);
          signal.addEventListener("abort", () => {
            aborted = true;
            clearTimeout(timer);
          });
        })),
    /slow work did not finish within 50 ms/,
  );
  assert.equal(aborted, true);
});

import assert from "node:assert/strict";
import { imageProblems, memoryProblem, portIsFree, portProblems } from "./preflight.ts";

Deno.test("portIsFree and portProblems see a port held on 127.0.0.1", () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  try {
    assert.equal(portIsFree("127.0.0.1", port), false);
    const problems = portProblems([
      { hostIp: "127.0.0.1", published: port, target: 80, protocol: "tcp" },
    ]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken`));
    // The project's own running containers may hold their ports.
    assert.deepEqual(
      portProblems(
        [{ hostIp: "127.0.0.1", published: port, target: 80, protocol: "tcp" }],
        new Set([port]),
      ),
      [],
    );
  } finally {
    listener.close();
  }
  assert.equal(portIsFree("127.0.0.1", port), true);
});

Deno.test("memoryProblem compares against the need and says what to do", () => {
  const gib = 1024 ** 3;
  assert.equal(memoryProblem(8 * gib, 6 * gib, "advice"), undefined);
  const problem = memoryProblem(4 * gib, 6 * gib, "Lower the heap.");
  assert.match(problem!, /has 4\.0 GiB of memory but needs at least 6\.0 GiB/);
  assert.match(problem!, /Settings > Resources\)\. Lower the heap\.$/);
});

Deno.test("imageProblems groups images by the engine's reason", () => {
  const problems = imageProblems([
    { image: "a:1", present: true },
    { image: "b:1", present: false, pullable: true },
    { image: "c:1", present: false, pullable: false, reason: "no such host" },
    { image: "d:1", present: false, pullable: false, reason: "no such host" },
    { image: "e:1", present: false, pullable: false, reason: "manifest unknown" },
  ]);
  assert.equal(problems.length, 2);
  assert.match(problems[0], /none of the images c:1 d:1 and cannot pull them \(no such host\)/);
  assert.match(problems[0], /docker save c:1 d:1 \| docker load/);
  assert.match(problems[1], /no image e:1 and cannot pull it \(manifest unknown\)/);
});

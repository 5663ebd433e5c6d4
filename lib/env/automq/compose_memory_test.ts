// Adding up what a Compose project reserves, from models written here.

import assert from "node:assert/strict";
import { parseComposeConfig } from "./compose_cli.ts";
import { describeBudget, jvmCeilings, memoryBudget } from "./compose_memory.ts";

const MIB = 1024 ** 2;

const MODEL = parseComposeConfig(`
services:
  node1:
    image: a
    environment:
      KAFKA_HEAP_OPTS: -Xms512m -Xmx1g -XX:MetaspaceSize=96m -XX:MaxDirectMemorySize=384m
  node4:
    image: a
    profiles: [scale]
    environment:
      KAFKA_HEAP_OPTS: -Xmx2g -XX:MaxDirectMemorySize=1G
  minio:
    image: b
    mem_limit: 512m
`);

Deno.test("memoryBudget: JVM ceilings plus mem_limit, profiles only when asked", () => {
  const base = memoryBudget(MODEL);
  assert.equal(base.totalBytes, 1024 * MIB + 384 * MIB + 512 * MIB);
  assert.deepEqual(base.parts.map((p) => p.service), ["node1", "minio"]);
  assert.equal(
    describeBudget(base),
    "1.9 GiB (node1 heap 1 GiB + direct 384 MiB, minio mem_limit 512 MiB)",
  );
  const scaled = memoryBudget(MODEL, ["scale"]);
  assert.equal(scaled.totalBytes, base.totalBytes + 3 * 1024 * MIB);
  assert.equal(memoryBudget(MODEL, ["other"]).totalBytes, base.totalBytes);
});

Deno.test("memoryBudget refuses what it cannot count", () => {
  const unlimited = parseComposeConfig("services:\n  grafana:\n    image: g\n");
  assert.throws(() => memoryBudget(unlimited), /grafana has no mem_limit and no KAFKA_HEAP_OPTS/);
  const noDirect = parseComposeConfig(
    "services:\n  n:\n    image: a\n    environment:\n      KAFKA_HEAP_OPTS: -Xmx1g\n",
  );
  assert.throws(() => memoryBudget(noDirect), /must set both -Xmx and -XX:MaxDirectMemorySize/);
});

Deno.test("jvmCeilings: the last flag wins, as in the JVM", () => {
  const [s] = parseComposeConfig(
    "services:\n  n:\n    image: a\n    environment:\n" +
      "      KAFKA_HEAP_OPTS: -Xmx4g -XX:MaxDirectMemorySize=1g -Xmx1g\n",
  ).services;
  assert.deepEqual(jvmCeilings(s), { heapBytes: 1024 * MIB, directBytes: 1024 * MIB });
  assert.equal(jvmCeilings({ ...s, environment: {} }), undefined);
});

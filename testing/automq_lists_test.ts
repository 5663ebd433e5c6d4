import assert from "node:assert/strict";
import {
  AUTOMQ_LISTS,
  copyAutomqLists,
  LISTS_DIR,
  parseList,
  readAutomqList,
  SHARED_DIR,
} from "./automq_lists.ts";

/** `../shared/` is the team's folder beside the project root: a clean clone has none. */
const sharedIsThere = (() => {
  try {
    return Deno.statSync(SHARED_DIR).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("the repository carries both lists, with the entries the static checks rely on", async () => {
  const keys = await readAutomqList("automq-1.6-config-keys.txt");
  const metrics = await readAutomqList("automq-1.6-metric-names.txt");
  assert.ok(keys.size > 1000, `${keys.size} configuration keys`);
  for (const key of ["autobalancer.controller.enable", "node.id", "s3.data.buckets"]) {
    assert.ok(keys.has(key), key);
  }
  assert.ok(metrics.size > 50, `${metrics.size} metric names`);
  for (const name of ["kafka_network_io_bytes_total", "kafka_log_size", "kafka_partition_count"]) {
    assert.ok(metrics.has(name), name);
  }
});

Deno.test({
  name: "the repository's lists equal ../shared/'s (ignored where ../shared/ is not there)",
  ignore: !sharedIsThere,
  fn: async () => {
    for (const name of AUTOMQ_LISTS) {
      assert.equal(
        await Deno.readTextFile(new URL(name, LISTS_DIR)),
        await Deno.readTextFile(new URL(name, SHARED_DIR)),
        `${name} differs from ../shared/'s: run \`deno task automq:lists\``,
      );
    }
  },
});

Deno.test("a missing or empty copy fails, naming the file and the task", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const at = new URL(`file://${dir}/`);
    await assert.rejects(
      readAutomqList("automq-1.6-metric-names.txt", at),
      (e: Error) =>
        e.message.includes(`${dir}/automq-1.6-metric-names.txt is missing`) &&
        e.message.includes("deno task automq:lists"),
    );
    await Deno.writeTextFile(`${dir}/automq-1.6-metric-names.txt`, "\n \n");
    await assert.rejects(readAutomqList("automq-1.6-metric-names.txt", at), /is empty/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the task copies byte for byte, and without a shared folder says so and copies nothing", async () => {
  const from = await Deno.makeTempDir();
  const to = await Deno.makeTempDir();
  try {
    const fromUrl = new URL(`file://${from}/`);
    const toUrl = new URL(`file://${to}/`);
    await assert.rejects(
      copyAutomqLists(new URL(`file://${from}/absent/`), toUrl),
      /absent\/ is not there, so the lists were not copied/,
    );
    await Deno.writeTextFile(`${from}/${AUTOMQ_LISTS[0]}`, "a.b\nc.d\n");
    await assert.rejects(
      copyAutomqLists(fromUrl, toUrl),
      /automq-1\.6-metric-names\.txt is missing/,
    );
    assert.deepEqual([...Deno.readDirSync(to)], [], "nothing copied when a list is missing");
    await Deno.writeTextFile(`${from}/${AUTOMQ_LISTS[1]}`, "kafka_x\n");
    const lines = await copyAutomqLists(fromUrl, toUrl);
    assert.match(lines[0], /^automq-1\.6-config-keys\.txt: copied \(2 entries\)/);
    assert.equal(await Deno.readTextFile(`${to}/${AUTOMQ_LISTS[0]}`), "a.b\nc.d\n");
    assert.deepEqual(
      parseList(await Deno.readTextFile(`${to}/${AUTOMQ_LISTS[1]}`)),
      new Set(["kafka_x"]),
    );
    assert.match((await copyAutomqLists(fromUrl, toUrl))[1], /: unchanged \(1 entries\)/);
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(to, { recursive: true });
  }
});

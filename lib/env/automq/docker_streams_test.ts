import assert from "node:assert/strict";
import { collectBytes, concatBytes, demuxDockerStream, readTar } from "./docker_streams.ts";
import { writeTar } from "../../../testing/tar.ts";

function frame(kind: number, text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const header = new Uint8Array(8);
  header[0] = kind;
  new DataView(header.buffer).setUint32(4, body.length);
  return concatBytes([header, body]);
}

Deno.test("demuxDockerStream splits stdout and stderr and keeps arrival order", () => {
  const bytes = concatBytes([frame(1, "one\n"), frame(2, "two\n"), frame(1, "three\n")]);
  const out = demuxDockerStream(bytes);
  assert.equal(out.stdout, "one\nthree\n");
  assert.equal(out.stderr, "two\n");
  assert.equal(out.combined, "one\ntwo\nthree\n");
});

Deno.test("demuxDockerStream takes TTY output as it is and refuses raw text otherwise", () => {
  const raw = new TextEncoder().encode("plain text from a tty\n");
  assert.equal(demuxDockerStream(raw, true).combined, "plain text from a tty\n");
  assert.throws(() => demuxDockerStream(raw), /not a multiplexed Docker stream.*tty=true/s);
});

Deno.test("demuxDockerStream keeps a frame cut short at the end", () => {
  const whole = frame(1, "abcdef");
  assert.equal(demuxDockerStream(whole.subarray(0, 11)).stdout, "abc");
});

Deno.test("collectBytes reads arrays, strings and async iterables", async () => {
  assert.deepEqual(await collectBytes(new Uint8Array([1, 2])), new Uint8Array([1, 2]));
  assert.equal(new TextDecoder().decode(await collectBytes("hi")), "hi");
  async function* chunks() {
    yield new Uint8Array([1]);
    yield "A";
    yield new Uint8Array([2, 3]);
  }
  assert.deepEqual(await collectBytes(chunks()), new Uint8Array([1, 65, 2, 3]));
  await assert.rejects(() => collectBytes(42), /expected bytes or a stream/);
});

Deno.test("writeTar output unpacks with the system tar", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tar = writeTar([
      { name: "bin/", type: "directory" },
      {
        name: "bin/tool",
        type: "file",
        data: new TextEncoder().encode("#!/bin/sh\n"),
        mode: 0o755,
      },
      { name: "bin/alias", type: "symlink", linkName: "tool" },
      { name: "empty.txt", type: "file", data: new Uint8Array() },
      { name: "big.bin", type: "file", data: new Uint8Array(1500).fill(7) },
    ]);
    assert.equal(tar.length % 512, 0);
    await Deno.writeFile(`${dir}/a.tar`, tar);
    const result = await new Deno.Command("tar", {
      args: ["-xf", "a.tar"],
      cwd: dir,
      stderr: "piped",
    }).output();
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    assert.equal(await Deno.readTextFile(`${dir}/bin/tool`), "#!/bin/sh\n");
    assert.equal((await Deno.stat(`${dir}/bin/tool`)).mode! & 0o777, 0o755);
    assert.equal(await Deno.readLink(`${dir}/bin/alias`), "tool");
    assert.equal((await Deno.stat(`${dir}/empty.txt`)).size, 0);
    assert.deepEqual(await Deno.readFile(`${dir}/big.bin`), new Uint8Array(1500).fill(7));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTar reads archives made by the system tar, long names included", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const longName = `${"d".repeat(60)}/${"f".repeat(70)}.log`;
    await Deno.mkdir(`${dir}/src/${"d".repeat(60)}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/src/${longName}`, "long\n");
    await Deno.writeTextFile(`${dir}/src/short.log`, "x".repeat(700));
    await Deno.symlink("short.log", `${dir}/src/link`);
    for (const format of ["gnu", "pax", "ustar"]) {
      const result = await new Deno.Command("tar", {
        args: [`--format=${format}`, "-cf", `../${format}.tar`, "short.log", "link", longName],
        cwd: `${dir}/src`,
        stderr: "piped",
      }).output();
      assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
      const entries = readTar(await Deno.readFile(`${dir}/${format}.tar`));
      const byName = new Map(entries.map((e) => [e.name, e]));
      assert.equal(new TextDecoder().decode(byName.get("short.log")!.data), "x".repeat(700));
      assert.equal(byName.get("link")!.type, "symlink");
      assert.equal(byName.get("link")!.linkName, "short.log");
      assert.equal(new TextDecoder().decode(byName.get(longName)?.data), "long\n", format);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeTar refuses names longer than a ustar header holds", () => {
  assert.throws(
    () => writeTar([{ name: "n".repeat(101), type: "directory" }]),
    /longer than 100 bytes/,
  );
});

// Starts private Docker engines (needs root, dockerd and busybox-static) and checks
// that stopping one leaves no process, socket or mount behind, also after dockerd
// itself was killed and left containerd, shims and a container running.

import assert from "node:assert/strict";
import { buildBusyboxImage, startTestEngine } from "./docker_engine.ts";
import { checkEngine, connectDocker } from "../lib/env/automq/docker.ts";

const IMAGE = "lab-test/busybox:1";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `dir` (dockerd, containerd, shims). */
function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (cmdline.includes(dir) && alive(Number(entry.name))) {
        found.push(`${entry.name}: ${cmdline}`);
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function mountsUnder(dir: string): string[] {
  return Deno.readTextFileSync("/proc/self/mountinfo").split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point) => point !== undefined && point.startsWith(dir));
}

async function docker(host: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", {
    args,
    env: { DOCKER_HOST: host },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.equal(out.code, 0, `docker ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

async function runSleeper(host: string): Promise<number> {
  const id = await docker(host, "run", "-d", "--network", "none", IMAGE, "sleep", "600");
  const pid = Number(await docker(host, "inspect", "--format", "{{.State.Pid}}", id));
  assert.ok(pid > 0 && alive(pid), "the container's process should run");
  return pid;
}

Deno.test("startTestEngine runs a private dockerd and stop() leaves nothing", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "lab-eng-" });
  try {
    const started = Date.now();
    const engine = await startTestEngine(dir);
    let stopped = false;
    try {
      assert.ok(Date.now() - started < 30000);
      assert.equal(engine.host, `unix://${dir}/docker.sock`);
      assert.equal(Number((await Deno.readTextFile(`${dir}/dockerd.pid`)).trim()), engine.pid);
      const info = await checkEngine(engine.host);
      assert.ok(info.memTotal > 0);

      const id = await buildBusyboxImage(engine.host, IMAGE);
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      const tags = (await connectDocker(engine.host).getImage(IMAGE).inspect()).RepoTags;
      assert.deepEqual(tags, [IMAGE]);
      // The image runs: applets are linked, PATH is set.
      assert.equal(
        await docker(engine.host, "run", "--rm", "--network", "none", IMAGE, "echo", "hi"),
        "hi",
      );

      const sleeper = await runSleeper(engine.host);
      await engine.stop();
      stopped = true;
      assert.equal(alive(engine.pid), false);
      assert.equal(alive(sleeper), false, "the container's process should be gone");
      assert.deepEqual(processesMentioning(dir), []);
      assert.deepEqual(mountsUnder(dir), []);
      await assert.rejects(() => Deno.stat(`${dir}/docker.sock`), Deno.errors.NotFound);
      await engine.stop(); // a second stop is harmless
    } finally {
      if (!stopped) await engine.stop();
    }
  } finally {
    // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("stop() also clears containerd, shims and containers left by a killed dockerd", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "lab-eng-" });
  try {
    const engine = await startTestEngine(dir);
    try {
      await buildBusyboxImage(engine.host, IMAGE);
      const sleeper = await runSleeper(engine.host);
      Deno.kill(engine.pid, "SIGKILL");
      const deadline = Date.now() + 5000;
      while (alive(engine.pid) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // dockerd is gone; its containerd and the shim are still there.
      assert.ok(processesMentioning(dir).length > 0, "containerd should outlive a killed dockerd");
      await engine.stop();
      assert.equal(alive(sleeper), false);
      assert.deepEqual(processesMentioning(dir), []);
      assert.deepEqual(mountsUnder(dir), []);
    } finally {
      await engine.stop();
    }
  } finally {
    // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("startTestEngine refuses a directory too deep for Unix socket paths", async () => {
  const deep = `/tmp/${"d".repeat(120)}`;
  await assert.rejects(() => startTestEngine(deep), /too deep: Unix socket paths/);
  await assert.rejects(() => Deno.stat(deep), Deno.errors.NotFound, "nothing is created");
});

/**
 * A private Docker engine for tests, and a tiny image to run in it.
 *
 * {@linkcode startTestEngine} runs `dockerd` with its own socket, data root, exec
 * root and PID file under a directory, without iptables and without the default
 * bridge (containers then use host networking or none), and stops it by its own
 * PID. {@linkcode buildBusyboxImage} imports an image made from the machine's
 * static busybox, so tests need no registry.
 *
 * @module
 */

import { isAlive } from "../lib/core/process.ts";
import { checkEngine, connectDocker, toBuffer, withDeadline } from "../lib/env/automq/docker.ts";
import { runCommand } from "../lib/core/command.ts";
import { collectBytes } from "../lib/env/automq/docker_streams.ts";
import { type TarInput, writeTar } from "./tar.ts";

/** A running test engine. */
export interface TestEngine {
  /** Its address, `unix://<dir>/docker.sock`. */
  host: string;
  /** The dockerd process id. */
  pid: number;
  /** Removes its containers, stops dockerd and everything it started, and waits. */
  stop(): Promise<void>;
}

const MAX_SOCKET_PATH = 107;

function kill(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Every process id under /proc with its parent id and command line. */
function processTable(): Array<{ pid: number; ppid: number; cmdline: string }> {
  const table = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      table.push({ pid: Number(entry.name), ppid, cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return table;
}

/**
 * The engine's own helpers for `dir`: dockerd, containerd and containerd shims whose
 * command line names `dir`, with all their descendants (the containers' processes).
 * Nothing else is matched, however its arguments read.
 */
function processesOf(dir: string): number[] {
  const table = processTable();
  const program = (cmdline: string) => cmdline.split(" ")[0].split("/").at(-1) ?? "";
  const found = new Set(
    table.filter((p) =>
      p.pid !== Deno.pid && p.cmdline.includes(dir) &&
      /^(dockerd|containerd|containerd-shim.*)$/.test(program(p.cmdline))
    ).map((p) => p.pid),
  );
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (found.has(p.ppid) && !found.has(p.pid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  const mounts: string[] = [];
  for (const line of Deno.readTextFileSync("/proc/self/mountinfo").split("\n")) {
    const point = line.split(" ")[4]?.replace(/\\040/g, " ");
    if (point && (point === dir || point.startsWith(`${dir}/`))) mounts.push(point);
  }
  return mounts.sort((a, b) => b.length - a.length);
}

async function tail(path: string, lines = 15): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Starts `dockerd --iptables=false --bridge=none` with everything under `dir`
 * (created if needed) and waits, at most `timeoutMs`, until it answers. Needs
 * root and the `dockerd` program (Debian: `apt-get install docker.io`).
 */
export async function startTestEngine(dir: string, timeoutMs = 30000): Promise<TestEngine> {
  const absolute = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  if (`${absolute}/exec/containerd/containerd.sock.ttrpc`.length > MAX_SOCKET_PATH) {
    throw new Error(
      `test engine directory ${absolute} is too deep: Unix socket paths under it would pass ` +
        `${MAX_SOCKET_PATH} bytes. Use a shorter directory such as /tmp/lab-engine.`,
    );
  }
  await Deno.mkdir(dir, { recursive: true });
  const root = await Deno.realPath(dir);
  const socket = `${root}/docker.sock`;
  const pidfile = `${root}/dockerd.pid`;
  try {
    const old = Number((await Deno.readTextFile(pidfile)).trim());
    if (old > 0 && isAlive(old)) {
      throw new Error(
        `a dockerd (pid ${old}) already runs for ${root}; stop it first or use another directory.`,
      );
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const log = `${root}/dockerd.log`;
  const args = [
    "--iptables=false",
    "--bridge=none",
    "--data-root",
    `${root}/data`,
    "--exec-root",
    `${root}/exec`,
    "--pidfile",
    pidfile,
    "-H",
    `unix://${socket}`,
  ];
  const logFile = await Deno.open(log, { write: true, create: true, truncate: true });
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("dockerd", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    logFile.close();
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        "dockerd is not installed; on Debian/Ubuntu run `apt-get install docker.io`.",
      );
    }
    throw error;
  }
  // Both streams into the log file; closed when dockerd exits.
  const sink = logFile.writable.getWriter();
  const copy = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) await sink.write(chunk);
  };
  const copied = Promise.all([copy(child.stdout), copy(child.stderr)]).finally(() =>
    // The log is only read after a failure; a failed close loses nothing a test needs.
    sink.close().catch(() => {})
  );
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await copied;
    return s;
  });
  const pid = child.pid;
  const host = `unix://${socket}`;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited) {
        // Remove containers through the API first so dockerd shuts down cleanly.
        try {
          const docker = connectDocker(host);
          await withDeadline("removing the test engine's containers", 30000, async (signal) => {
            const list = await docker.listContainers({ all: true, abortSignal: signal });
            for (const c of list) {
              await docker.getContainer(c.Id).remove({ force: true, v: true, abortSignal: signal });
            }
          });
        } catch {
          // the engine may be wedged; the signals below still stop it
        }
        kill(pid, "SIGTERM");
        const timer = setTimeout(() => kill(pid, "SIGKILL"), 20000);
        await status;
        clearTimeout(timer);
      } else {
        await status;
      }
      // containerd, shims and container processes started for this root.
      const rest = processesOf(root);
      for (const p of rest) kill(p, "SIGKILL");
      const alive = await waitGone(rest, 5000);
      for (const point of mountsUnder(root)) {
        // Unmounting what is already gone fails harmlessly; survivors are the check.
        await runCommand(["umount", "-l", point]).catch(() => {});
      }
      // The socket may already be gone.
      await Deno.remove(socket).catch(() => {});
      if (alive.length > 0) {
        throw new Error(`test engine processes ${alive.join(", ")} survived SIGKILL.`);
      }
    })();
    return stopped;
  };

  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (true) {
    if (exited) {
      await status;
      throw new Error(
        `dockerd exited while starting (is this run as root?). Last lines of ${log}:\n` +
          (await tail(log)),
      );
    }
    try {
      await Deno.stat(socket);
      await checkEngine(host, 2000);
      return { host, pid, stop };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      // Stopping what did not start; the error below says why it did not.
      await stop().catch(() => {});
      throw new Error(
        `dockerd did not answer within ${timeoutMs} ms (${lastError}). Last lines of ${log}:\n` +
          (await tail(log)),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Where a statically linked busybox is looked for, in order. */
export const BUSYBOX_PATHS = ["/bin/busybox", "/usr/bin/busybox"];

/**
 * Imports an image tagged `tag` (e.g. `lab-test/busybox:1`) whose root filesystem is
 * the machine's static busybox with a link per applet. Works offline. Needs
 * busybox-static (Debian: `apt-get install busybox-static`).
 */
export async function buildBusyboxImage(host: string, tag: string): Promise<string> {
  const busyboxPath = BUSYBOX_PATHS.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
  if (!busyboxPath) {
    throw new Error(
      `no busybox at ${BUSYBOX_PATHS.join(" or ")}; install busybox-static ` +
        "(`apt-get install busybox-static`).",
    );
  }
  const busybox = await Deno.readFile(busyboxPath);
  // A dynamically linked busybox cannot run in an empty root filesystem.
  const elf = new TextDecoder("latin1").decode(
    busybox.subarray(0, Math.min(busybox.length, 65536)),
  );
  if (elf.includes("/lib64/ld-linux") || elf.includes("/lib/ld-linux")) {
    throw new Error(
      `${busyboxPath} is dynamically linked; install busybox-static (\`apt-get install busybox-static\`).`,
    );
  }
  const list = await runCommand([busyboxPath, "--list"]);
  const applets = list.stdout.split("\n").map((s) => s.trim())
    .filter((s) => /^[\w.[-]+$/.test(s) && s !== "busybox");
  const entries: TarInput[] = [
    { name: "bin/", type: "directory" },
    { name: "bin/busybox", type: "file", data: busybox, mode: 0o755 },
    ...applets.map((name): TarInput => ({
      name: `bin/${name}`,
      type: "symlink",
      linkName: "busybox",
    })),
    { name: "tmp/", type: "directory", mode: 0o1777 },
    { name: "etc/", type: "directory" },
    { name: "opt/", type: "directory" },
  ];
  const [repo, version = "latest"] = splitTag(tag);
  const docker = connectDocker(host);
  const progress = await withDeadline(`importing image ${tag}`, 60000, async (signal) => {
    const body = await docker.importImage(toBuffer(writeTar(entries)), {
      repo,
      tag: version,
      changes: ["ENV PATH=/bin", 'CMD ["/bin/sh"]'],
      abortSignal: signal,
    });
    return new TextDecoder().decode(await collectBytes(body));
  });
  const failure = /"error"\s*:\s*"([^"]*)"/.exec(progress);
  if (failure) throw new Error(`importing ${tag} failed: ${failure[1]}`);
  const image = await docker.getImage(tag).inspect();
  return image.Id;
}

function splitTag(tag: string): [string, string | undefined] {
  const slash = tag.lastIndexOf("/");
  const colon = tag.lastIndexOf(":");
  return colon > slash ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, undefined];
}

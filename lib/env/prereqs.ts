/**
 * What the lab needs on the machine, and installing it on a fresh one.
 *
 * Each task names what it needs (the demo: Java, Maven, Prometheus; the tests
 * also a Docker engine, the Compose CLI, busybox, Chromium, fonts and Python's
 * venv). What is missing is installed from Debian's packages when the machine
 * has `apt-get` and the lab runs as root (a fresh Debian machine or CI);
 * elsewhere the error lists what to install. `LAB_AUTO_INSTALL=off` turns the
 * installing off.
 *
 * @module
 */

import { programWorks, runCommand } from "../core/command.ts";

/** One program the lab needs, and the Debian package that brings it. */
export interface Prerequisite {
  /** A program on PATH (or an absolute path) that shows it is there. */
  program: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** What it is for, in a few words. */
  purpose: string;
}

/** What the demo and every local-environment task need. */
export const DEMO_PREREQUISITES: readonly Prerequisite[] = [
  { program: "java", debianPackage: "openjdk-17-jre-headless", purpose: "runs Kafka" },
  { program: "mvn", debianPackage: "maven", purpose: "fetches Kafka's jars" },
  { program: "prometheus", debianPackage: "prometheus", purpose: "scrapes the metrics" },
];

/** What the tests need on top of the demo. */
export const TEST_PREREQUISITES: readonly Prerequisite[] = [
  ...DEMO_PREREQUISITES,
  { program: "promtool", debianPackage: "prometheus", purpose: "checks Prometheus configs" },
  { program: "dockerd", debianPackage: "docker.io", purpose: "the real Docker engine tests" },
  { program: "docker-compose", debianPackage: "docker-compose", purpose: "the Compose CLI" },
  { program: "/bin/busybox", debianPackage: "busybox-static", purpose: "a tiny local image" },
  { program: "chromium", debianPackage: "chromium", purpose: "screenshots of exported notebooks" },
  {
    program: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    debianPackage: "fonts-dejavu-core",
    purpose: "text in PNG charts",
  },
  {
    program: "/usr/share/doc/python3-venv",
    debianPackage: "python3-venv",
    purpose: "the notebook runner's Python venv",
  },
];

/** Where system daemons live (`dockerd`); not on every user's PATH. */
export const SBIN_DIRS = "/usr/local/sbin:/usr/sbin:/sbin";

/** PATH with the sbin directories added, for starting daemons such as `dockerd`. */
export function pathWithSbin(path = Deno.env.get("PATH") ?? ""): string {
  const have = new Set(path.split(":"));
  return [path, ...SBIN_DIRS.split(":").filter((d) => !have.has(d))].filter((p) => p !== "").join(
    ":",
  );
}

async function present(program: string): Promise<boolean> {
  if (program.startsWith("/")) {
    try {
      await Deno.stat(program);
      return true;
    } catch {
      // Not there: missing.
      return false;
    }
  }
  return await programWorks("sh", [
    "-c",
    'PATH="$PATH:$2" command -v "$1" >/dev/null 2>&1',
    "sh",
    program,
    SBIN_DIRS,
  ]);
}

/** The prerequisites that are missing. */
export async function missingPrerequisites(
  wanted: readonly Prerequisite[],
): Promise<Prerequisite[]> {
  const missing: Prerequisite[] = [];
  for (const p of wanted) if (!(await present(p.program))) missing.push(p);
  return missing;
}

async function run(command: string[], log: (line: string) => void): Promise<void> {
  log(`$ ${command.join(" ")}`);
  const out = await runCommand(command, { env: { DEBIAN_FRONTEND: "noninteractive" } });
  if (!out.success) {
    const text = out.stdout + out.stderr;
    throw new Error(`${command.join(" ")} failed:\n${text.slice(-2000)}`);
  }
}

/**
 * Makes sure `wanted` are there: installs the missing ones with apt-get when
 * allowed and possible, else throws listing them and the command to run.
 */
export async function ensurePrerequisites(
  wanted: readonly Prerequisite[],
  options: { autoInstall?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const log = options.log ?? ((line) => console.log(line));
  const missing = await missingPrerequisites(wanted);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((p) => p.debianPackage))];
  const list = missing.map((p) => `${p.program} (${p.purpose})`).join(", ");
  const isRoot = Deno.uid?.() === 0;
  const hasApt = await present("apt-get");
  if ((options.autoInstall ?? true) && isRoot && hasApt) {
    log(`Installing what the lab needs and this machine lacks: ${list}`);
    await run(["apt-get", "update", "-qq"], log);
    await run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages], log);
    const still = await missingPrerequisites(missing);
    if (still.length > 0) {
      throw new Error(`Still missing after installing: ${still.map((p) => p.program).join(", ")}.`);
    }
    return;
  }
  throw new Error(
    `This machine lacks ${list}. Install them (Debian/Ubuntu: sudo apt-get install ${
      packages.join(" ")
    }; elsewhere your system's packages), or point the lab at them (JAVA_HOME, PROMETHEUS_BIN).`,
  );
}

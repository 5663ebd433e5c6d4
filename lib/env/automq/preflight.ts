/**
 * Checks made before a Compose project starts, each within seconds: are its images
 * on the engine or can the engine pull them, are its host ports free, does the
 * engine have the memory it needs.
 *
 * Pullability is asked of the engine itself (`GET /distribution/<image>/json`): the
 * engine fetches the image's manifest from its registry, through its own proxy and
 * mirror settings, without downloading any layer. That answers "could `compose
 * pull` work from here" in about a second, and fails fast where no registry is
 * reachable.
 *
 * @module
 */

import type { PublishedPort } from "./compose_cli.ts";
import { engineMessage, statusCodeOf, withDeadline } from "./docker.ts";
import type { DockerApi } from "./docker_api.ts";

/** Problems found before start; the message lists each with its fix. */
export class PreflightError extends Error {
  /** One line per problem. */
  readonly problems: string[];
  /** Builds the error from its problems. */
  constructor(what: string, problems: string[]) {
    super(`${what} cannot start:\n${problems.map((p) => `- ${p}`).join("\n")}`);
    this.name = "PreflightError";
    this.problems = problems;
  }
}

/** What the engine has of one image. */
export interface ImageCheck {
  /** Image reference. */
  image: string;
  /** On the engine already. */
  present: boolean;
  /** When absent: whether the engine can fetch its manifest. */
  pullable?: boolean;
  /** When absent and not pullable: the engine's reason. */
  reason?: string;
}

/** Checks each image: present, else asks the engine whether it could pull it. */
export async function checkImages(
  docker: DockerApi,
  images: string[],
  registryTimeoutMs = 10000,
): Promise<ImageCheck[]> {
  const unique = [...new Set(images.filter((image) => image !== ""))];
  return await Promise.all(unique.map(async (image): Promise<ImageCheck> => {
    try {
      await withDeadline(
        `inspecting image ${image}`,
        10000,
        (signal) => docker.getImage(image).inspect({ abortSignal: signal }),
      );
      return { image, present: true };
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
    try {
      await withDeadline(
        `asking the registry for ${image}`,
        registryTimeoutMs,
        (signal) => docker.getImage(image).distribution({ abortSignal: signal }),
      );
      return { image, present: false, pullable: true };
    } catch (error) {
      return { image, present: false, pullable: false, reason: engineMessage(error) };
    }
  }));
}

/**
 * The problems of images neither present nor pullable: one line per distinct
 * reason the engine gave, naming the images and how to bring them over.
 */
export function imageProblems(checks: ImageCheck[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const c of checks.filter((c) => !c.present && !c.pullable)) {
    const reason = c.reason ?? "no reason given";
    byReason.set(reason, [...(byReason.get(reason) ?? []), c.image]);
  }
  return [...byReason].map(([reason, images]) => {
    const list = images.join(" ");
    const what = images.length === 1 ? `no image ${list}` : `none of the images ${list}`;
    return `the engine has ${what} and cannot pull ${images.length === 1 ? "it" : "them"} ` +
      `(${reason}). Pull where a registry is reachable and bring ` +
      `${images.length === 1 ? "it" : "them"} over with \`docker save ${list} | docker load\`, ` +
      "or fix the engine's network or registry mirror.";
  });
}

/** Whether a TCP port can be bound at `hostname` right now. */
export function portIsFree(hostname: string, port: number): boolean {
  try {
    const listener = Deno.listen({ hostname, port, transport: "tcp" });
    listener.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return false;
    if (error instanceof Deno.errors.AddrNotAvailable) return true; // not an address here
    throw error;
  }
}

/**
 * The problems of host ports already taken. Ports in `ownPorts` (published by the
 * project's own running containers) are skipped.
 */
export function portProblems(ports: PublishedPort[], ownPorts: Set<number> = new Set()): string[] {
  const problems: string[] = [];
  for (const port of ports) {
    if (port.protocol !== "tcp" || ownPorts.has(port.published)) continue;
    const hostname = port.hostIp === "" ? "0.0.0.0" : port.hostIp;
    if (!portIsFree(hostname, port.published)) {
      problems.push(
        `port ${port.published} on ${hostname} is taken by another program; stop it (see ` +
          `\`lsof -i :${port.published}\` or \`ss -ltnp\`) or run \`deno task cleanup\` if it is ` +
          "an older lab cluster.",
      );
    }
  }
  return problems;
}

const GIB = 1024 ** 3;

/**
 * The problem of an engine with less memory than `required` bytes, if it has less;
 * `advice` says what the memory is for and how to lower the need.
 */
export function memoryProblem(
  memTotal: number,
  required: number,
  advice: string,
): string | undefined {
  if (memTotal >= required) return undefined;
  return `the Docker engine has ${(memTotal / GIB).toFixed(1)} GiB of memory but needs at least ` +
    `${(required / GIB).toFixed(1)} GiB. Give Docker more memory (Docker Desktop: Settings > ` +
    `Resources). ${advice}`;
}

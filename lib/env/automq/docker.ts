/**
 * A typed handle on the Docker engine through dockerode: where the engine is,
 * whether it answers (fast, with a clear error), and the few calls the lab makes.
 *
 * @module
 */

import Docker from "dockerode";
import { Buffer } from "node:buffer";
import { collectBytes, demuxDockerStream, readTar } from "./docker_streams.ts";

import type { DockerApi } from "./docker_api.ts";

/** The engine cannot be used: no socket, no answer, or an unsupported address. */
export class DockerUnavailableError extends Error {
  /** Builds the error; the message says what was tried and what to do. */
  constructor(message: string) {
    super(message);
    this.name = "DockerUnavailableError";
  }
}

const DEFAULT_SOCKET = "unix:///var/run/docker.sock";

/**
 * The engine's address: `explicit` if given, else the `DOCKER_HOST` variable (the
 * variable the docker CLI itself honours), else `unix:///var/run/docker.sock`.
 * A bare path is taken as a Unix socket.
 */
export function resolveDockerHost(explicit?: string): string {
  const raw = (explicit ?? Deno.env.get("DOCKER_HOST") ?? "").trim() || DEFAULT_SOCKET;
  return raw.startsWith("/") ? `unix://${raw}` : raw;
}

/** Where a `unix://` address points, or `undefined` for other schemes. */
export function socketPathOf(host: string): string | undefined {
  return host.startsWith("unix://") ? host.slice("unix://".length) : undefined;
}

/** Opens a dockerode client on `host` (`unix://path` or `tcp://host:port` without TLS). */
export function connectDocker(host: string): DockerApi {
  const socketPath = socketPathOf(host);
  if (socketPath !== undefined) {
    return new Docker({ socketPath }) as unknown as DockerApi;
  }
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp) {
    return new Docker({
      host: tcp[1],
      port: Number(tcp[2]),
      protocol: "http",
    }) as unknown as DockerApi;
  }
  throw new DockerUnavailableError(
    `DOCKER_HOST=${host} is not supported; use unix:///path/to/docker.sock ` +
      "or tcp://host:port (plain HTTP).",
  );
}

/**
 * Runs `work` with an abort signal that fires after `ms`; rejects with an error
 * naming `what` when the time is up, so no engine call can hang.
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a reachable engine says about itself. */
export interface EngineInfo {
  /** The address used. */
  host: string;
  /** Engine version, e.g. `28.2.2`. */
  version: string;
  /** Its API version. */
  apiVersion: string;
  /** Memory the engine can give containers, bytes (a VM's size on Docker Desktop). */
  memTotal: number;
  /** CPUs it sees. */
  cpus: number;
}

/**
 * Checks that an engine answers at `host` within `timeoutMs` and returns its facts.
 * Throws {@linkcode DockerUnavailableError} saying whether the socket is missing,
 * refused, or silent.
 */
export async function checkEngine(host: string, timeoutMs = 3000): Promise<EngineInfo> {
  const socketPath = socketPathOf(host);
  if (socketPath !== undefined) {
    try {
      const stat = await Deno.stat(socketPath);
      if (!stat.isSocket) {
        throw new DockerUnavailableError(
          `${socketPath} exists but is not a socket; point DOCKER_HOST at the Docker engine's socket.`,
        );
      }
    } catch (error) {
      if (error instanceof DockerUnavailableError) throw error;
      if (error instanceof Deno.errors.NotFound) {
        throw new DockerUnavailableError(
          `no Docker engine: the socket ${socketPath} does not exist. Start Docker ` +
            "(Docker Desktop, or `sudo systemctl start docker`), or set DOCKER_HOST to its " +
            "socket (Docker Desktop on macOS: unix://$HOME/.docker/run/docker.sock).",
        );
      }
      if (error instanceof Deno.errors.PermissionDenied) {
        throw new DockerUnavailableError(
          `cannot read ${socketPath}: permission denied. Add your user to the docker group ` +
            "or run with access to the socket.",
        );
      }
      throw error;
    }
  }
  const docker = connectDocker(host);
  try {
    return await withDeadline(`the Docker engine at ${host}`, timeoutMs, async (signal) => {
      await docker.ping({ abortSignal: signal });
      const version = await docker.version({ abortSignal: signal });
      const info = await docker.info({ abortSignal: signal });
      return {
        host,
        version: version.Version,
        apiVersion: version.ApiVersion,
        memTotal: info.MemTotal,
        cpus: info.NCPU,
      };
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DockerUnavailableError(
      `the Docker engine at ${host} does not answer (${reason}). Check that Docker is running ` +
        "and that DOCKER_HOST points at it.",
    );
  }
}

/** The HTTP status of a dockerode error, if it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown })?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** The engine's own message inside a dockerode error, else the error's message. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } })?.json;
  if (json && typeof json.message === "string") return json.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads one file out of a container through the engine's archive API (a tar
 * stream), which works whether the container runs or not. Returns `undefined`
 * when the file does not exist.
 */
export async function readContainerFile(
  docker: DockerApi,
  containerId: string,
  path: string,
  timeoutMs = 15000,
): Promise<string | undefined> {
  return await withDeadline(
    `reading ${path} from container ${containerId.slice(0, 12)}`,
    timeoutMs,
    async (signal) => {
      let body: unknown;
      try {
        body = await docker.getContainer(containerId).getArchive({ path, abortSignal: signal });
      } catch (error) {
        if (statusCodeOf(error) === 404) return undefined;
        throw new Error(
          `cannot read ${path} from container ${containerId.slice(0, 12)}: ${engineMessage(error)}`,
        );
      }
      const entries = readTar(await collectBytes(body));
      const file = entries.find((entry) => entry.type === "file");
      if (!file) {
        throw new Error(`${path} in container ${containerId.slice(0, 12)} is not a regular file.`);
      }
      return new TextDecoder().decode(file.data);
    },
  );
}

/** The last `tail` lines a container wrote (stdout and stderr interleaved). */
export async function containerLogs(
  docker: DockerApi,
  containerId: string,
  tail = 500,
  timeoutMs = 15000,
): Promise<string> {
  return await withDeadline(
    `reading the logs of container ${containerId.slice(0, 12)}`,
    timeoutMs,
    async (signal) => {
      const container = docker.getContainer(containerId);
      const details = await container.inspect({ abortSignal: signal });
      const body = await container.logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail,
        abortSignal: signal,
      });
      return demuxDockerStream(await collectBytes(body), details.Config.Tty).combined;
    },
  );
}

/** A `filters` query value for the engine's list calls. */
export function labelFilter(...labels: string[]): string {
  return JSON.stringify({ label: labels });
}

/** Wraps bytes for dockerode's upload calls (it expects a Node Buffer). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

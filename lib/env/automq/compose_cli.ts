/**
 * The Docker Compose command line: finding it (`docker compose` v2, else
 * `docker-compose` v1), running it against a given engine with a time limit, and
 * reading the project model it prints with `config`.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import { runCommand } from "../../core/command.ts";

/** A Compose CLI found on this machine. */
export interface ComposeCli {
  /** `v2` (the docker plugin) or `v1` (the Python `docker-compose`). */
  kind: "v2" | "v1";
  /** The program and leading arguments, e.g. `["docker", "compose"]`. */
  command: string[];
  /** The version it reports. */
  version: string;
}

/** The result of one CLI run. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs a program with a deadline; never throws for a non-zero exit. */
export function runProgram(
  command: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    timeoutMs: number;
    onLine?: (line: string) => void;
  },
): Promise<CliResult> {
  return runCommand(command, options);
}

async function tryVersion(command: string[], env: Record<string, string>) {
  try {
    const result = await runProgram([...command, "version", "--short"], {
      env,
      timeoutMs: 10000,
    });
    if (result.code !== 0) return undefined;
    return result.stdout.trim().replace(/^v/, "");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Finds the Compose CLI: `docker compose` (v2) if the docker CLI has the plugin,
 * else `docker-compose` (v1.29 or v2 standalone). Throws with install advice when
 * neither runs.
 */
export async function findComposeCli(dockerHost: string): Promise<ComposeCli> {
  const env = { DOCKER_HOST: dockerHost };
  const plugin = await tryVersion(["docker", "compose"], env);
  if (plugin) return { kind: "v2", command: ["docker", "compose"], version: plugin };
  const standalone = await tryVersion(["docker-compose"], env);
  if (standalone) {
    return {
      kind: standalone.startsWith("1.") ? "v1" : "v2",
      command: ["docker-compose"],
      version: standalone,
    };
  }
  throw new Error(
    "no Docker Compose CLI: neither `docker compose` nor `docker-compose` runs. Install " +
      "Docker Desktop, or the docker-compose-plugin package (Compose v2), or " +
      "`apt-get install docker-compose` (v1.29).",
  );
}

/** A port a service publishes on the host. */
export interface PublishedPort {
  /** Host address it binds (`0.0.0.0` when none is given). */
  hostIp: string;
  /** Host port. */
  published: number;
  /** Container port. */
  target: number;
  /** `tcp` or `udp`. */
  protocol: string;
}

/** One service of a resolved Compose project. */
export interface ComposeService {
  /** Service name. */
  name: string;
  /** Image reference after variable substitution. */
  image: string;
  /** Host ports. */
  ports: PublishedPort[];
  /** Whether it declares a healthcheck (and does not disable it). */
  healthcheck: boolean;
  /** Labels. */
  labels: Record<string, string>;
  /** `host`, `none`, or undefined for the project's networks. */
  networkMode?: string;
  /** Environment after substitution. */
  environment: Record<string, string>;
  /** Command list after substitution. */
  command: string[];
  /** Compose profiles the service belongs to; empty: it always starts. */
  profiles: string[];
  /** `mem_limit` (or `deploy.resources.limits.memory`) in bytes, if set. */
  memLimitBytes?: number;
  /** Mounts as `source:target[:mode]` (long-form entries are written this way too). */
  volumes: string[];
}

/** A Compose project as `config` resolves it. */
export interface ComposeModel {
  /** Services by name, in file order. */
  services: ComposeService[];
  /** Named volumes declared at the top level. */
  volumes: string[];
}

function parsePort(raw: unknown, service: string): PublishedPort | undefined {
  if (typeof raw === "number") {
    return { hostIp: "0.0.0.0", published: raw, target: raw, protocol: "tcp" };
  }
  if (typeof raw === "string") {
    const [spec, protocol = "tcp"] = raw.split("/");
    const parts = spec.split(":");
    if (parts.length === 1) return undefined; // container port only: nothing on the host
    const target = Number(parts[parts.length - 1]);
    const published = Number(parts[parts.length - 2]);
    const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(":") : "0.0.0.0";
    if (!Number.isInteger(target) || !Number.isInteger(published)) {
      throw new Error(`service ${service}: cannot read port "${raw}" (ranges are not supported).`);
    }
    return { hostIp: hostIp || "0.0.0.0", published, target, protocol };
  }
  if (raw && typeof raw === "object") {
    const port = raw as Record<string, unknown>;
    if (port.published === undefined || port.published === "") return undefined;
    return {
      hostIp: typeof port.host_ip === "string" && port.host_ip !== "" ? port.host_ip : "0.0.0.0",
      published: Number(port.published),
      target: Number(port.target),
      protocol: typeof port.protocol === "string" ? port.protocol : "tcp",
    };
  }
  throw new Error(`service ${service}: unexpected port entry ${JSON.stringify(raw)}.`);
}

function stringMap(raw: unknown): Record<string, string> {
  if (Array.isArray(raw)) {
    const result: Record<string, string> = {};
    for (const item of raw) {
      const text = String(item);
      const at = text.indexOf("=");
      if (at === -1) result[text] = "";
      else result[text.slice(0, at)] = text.slice(at + 1);
    }
    return result;
  }
  if (raw && typeof raw === "object") {
    return Object.fromEntries(
      Object.entries(raw as Record<string, unknown>).map((
        [k, v],
      ) => [k, v == null ? "" : String(v)]),
    );
  }
  return {};
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/**
 * A Compose byte value (`512m`, `1g`, `1.5GB`, `536870912`) in bytes; throws on
 * anything else.
 */
export function parseByteValue(raw: string | number): number {
  if (typeof raw === "number" && Number.isFinite(raw) && raw >= 0) return raw;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(String(raw).trim());
  const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new Error(`"${raw}" is not a byte size; write it like 512m or 1g.`);
  }
  return Math.round(Number(match[1]) * unit);
}

function memLimitOf(raw: Record<string, unknown>): number | undefined {
  const deploy = raw.deploy as
    | { resources?: { limits?: { memory?: string | number } } }
    | undefined;
  const value = raw.mem_limit ?? deploy?.resources?.limits?.memory;
  return value === undefined || value === null ? undefined : parseByteValue(value as string);
}

function volumeOf(raw: unknown): string {
  if (typeof raw === "string") return raw;
  const v = raw as { source?: string; target?: string; read_only?: boolean };
  return `${v.source ?? ""}:${v.target ?? ""}${v.read_only ? ":ro" : ""}`;
}

/**
 * Reads the output of `compose config` (YAML from v1, YAML or JSON from v2) into a
 * {@linkcode ComposeModel}.
 */
export function parseComposeConfig(text: string): ComposeModel {
  const doc = parseYaml(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== "object" || !doc.services || typeof doc.services !== "object") {
    throw new Error("the Compose configuration has no services section.");
  }
  const services = Object.entries(doc.services as Record<string, Record<string, unknown>>).map(
    ([name, raw]) => {
      const health = raw.healthcheck as Record<string, unknown> | undefined;
      const test = health?.test;
      const disabled = health?.disable === true ||
        (Array.isArray(test) && test[0] === "NONE");
      const command = raw.command;
      return {
        name,
        image: typeof raw.image === "string" ? raw.image : "",
        ports: ((raw.ports as unknown[] | undefined) ?? [])
          .map((port) => parsePort(port, name))
          .filter((port): port is PublishedPort => port !== undefined),
        healthcheck: health !== undefined && test !== undefined && !disabled,
        labels: stringMap(raw.labels),
        networkMode: typeof raw.network_mode === "string" ? raw.network_mode : undefined,
        environment: stringMap(raw.environment),
        command: Array.isArray(command)
          ? command.map(String)
          : typeof command === "string"
          ? [command]
          : [],
        profiles: ((raw.profiles as unknown[] | undefined) ?? []).map(String),
        memLimitBytes: memLimitOf(raw),
        volumes: ((raw.volumes as unknown[] | undefined) ?? []).map(volumeOf),
      };
    },
  );
  return {
    services,
    volumes: Object.keys((doc.volumes as Record<string, unknown> | undefined) ?? {}),
  };
}

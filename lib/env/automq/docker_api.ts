/**
 * The part of the Docker engine's API the lab uses, as types over dockerode: the
 * container and image calls, and what they return.
 *
 * @module
 */

import type { Buffer } from "node:buffer";

/** A container as the engine lists it. */
export interface ContainerSummary {
  /** Container id. */
  Id: string;
  /** Names, each with a leading slash. */
  Names: string[];
  /** Image reference it was created from. */
  Image: string;
  /** `created`, `running`, `exited`, ... */
  State: string;
  /** Human text such as `Up 3 minutes (healthy)`. */
  Status: string;
  /** Labels, including Compose's `com.docker.compose.*`. */
  Labels: Record<string, string>;
  /** Published ports. */
  Ports: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
}

/** The parts of `docker inspect` the lab reads. */
export interface ContainerDetails {
  /** Container id. */
  Id: string;
  /** Name with a leading slash. */
  Name: string;
  /** Run state. */
  State: {
    Status: string;
    Running: boolean;
    ExitCode: number;
    Pid: number;
    Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> };
  };
  /** Configuration. */
  Config: { Tty: boolean; Labels: Record<string, string>; Image: string };
}

/** A container handle (a subset of dockerode's). */
export interface ContainerApi {
  /** The container's id. */
  id: string;
  /** `docker inspect`. */
  inspect(opts?: { abortSignal?: AbortSignal }): Promise<ContainerDetails>;
  /** Log bytes (multiplexed unless the container has a TTY). */
  logs(opts: {
    stdout: boolean;
    stderr: boolean;
    follow: false;
    tail?: number;
    abortSignal?: AbortSignal;
  }): Promise<unknown>;
  /** A tar of one path inside the container (works on stopped containers too). */
  getArchive(opts: { path: string; abortSignal?: AbortSignal }): Promise<unknown>;
  /** Stops the container, waiting `t` seconds before killing it. */
  stop(opts?: { t?: number; abortSignal?: AbortSignal }): Promise<unknown>;
  /** Starts it. */
  start(opts?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Kills it. */
  kill(opts?: { signal?: string; abortSignal?: AbortSignal }): Promise<unknown>;
  /** Removes it. */
  remove(opts?: { force?: boolean; v?: boolean; abortSignal?: AbortSignal }): Promise<unknown>;
}

/** An image handle. */
export interface ImageApi {
  /** `docker image inspect`; rejects with status 404 when absent. */
  inspect(opts?: { abortSignal?: AbortSignal }): Promise<{ Id: string; RepoTags?: string[] }>;
  /** Asks the engine to fetch the image's manifest from its registry (no layers). */
  distribution(opts?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Removes the image. */
  remove(opts?: { force?: boolean; abortSignal?: AbortSignal }): Promise<unknown>;
}

/** The engine calls the lab uses (a typed subset of dockerode). */
export interface DockerApi {
  /** `GET /_ping`. */
  ping(opts?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** `GET /version`. */
  version(
    opts?: { abortSignal?: AbortSignal },
  ): Promise<{ Version: string; ApiVersion: string; Os: string; Arch: string }>;
  /** `GET /info`. */
  info(
    opts?: { abortSignal?: AbortSignal },
  ): Promise<{ MemTotal: number; NCPU: number; ServerVersion: string; Name: string }>;
  /** Lists containers. */
  listContainers(
    opts: { all?: boolean; filters?: string; abortSignal?: AbortSignal },
  ): Promise<ContainerSummary[]>;
  /** Lists networks. */
  listNetworks(
    opts: { filters?: string; abortSignal?: AbortSignal },
  ): Promise<Array<{ Id: string; Name: string; Labels?: Record<string, string> }>>;
  /** Lists volumes. */
  listVolumes(
    opts: { filters?: string; abortSignal?: AbortSignal },
  ): Promise<{ Volumes: Array<{ Name: string; Labels?: Record<string, string> }> | null }>;
  /** A container by id or name. */
  getContainer(id: string): ContainerApi;
  /** An image by reference. */
  getImage(name: string): ImageApi;
  /** A network by id. */
  getNetwork(id: string): { remove(opts?: { abortSignal?: AbortSignal }): Promise<unknown> };
  /** A volume by name. */
  getVolume(name: string): { remove(opts?: { abortSignal?: AbortSignal }): Promise<unknown> };
  /** Imports a root filesystem tar as an image; the result is a progress stream. */
  importImage(
    file: Buffer,
    opts: { repo: string; tag: string; changes?: string[]; abortSignal?: AbortSignal },
  ): Promise<unknown>;
}

/**
 * The AutoMQ environment: the real cluster of `compose/automq/docker-compose.yml`
 * (three combined broker+controller nodes, MinIO, Prometheus, Grafana and its
 * renderer), started through the Compose CLI and watched through dockerode.
 *
 * Before anything starts, `up` checks, each within seconds: that the engine
 * answers, that every image is on it or pullable by it, that the host ports are
 * free, and that the engine has the memory the cluster needs (added up from the
 * compose file: see `compose_memory.ts`).
 *
 * The balancer starts paused (`autobalancer.controller.enable=false` in the compose
 * file); {@linkcode AutomqEnvironment.setBalancerEnabled} turns it on at run time.
 *
 * @module
 */

import type { LabConfig } from "../../config/config.ts";
import type { EnvironmentStatus, LabEnvironment, UpOptions } from "../types.ts";
import { ComposeProject, type ServiceState } from "./compose_project.ts";
import { describeBudget, memoryBudget } from "./compose_memory.ts";
import { clusterBalancerEnabled, setClusterBalancer } from "./automq_balancer.ts";
import type { Engine } from "../../core/engine.ts";
import { withAdmin } from "../../cluster/kafka.ts";
import { drainBroker } from "../local/drain.ts";
import { checkEngine, resolveDockerHost, socketPathOf } from "./docker.ts";
import { mergeLogs } from "../../balancer/log_merge.ts";
import {
  checkImages,
  imageProblems,
  memoryProblem,
  portProblems,
  PreflightError,
} from "./preflight.ts";

/** One AutoMQ node: its id, Compose service and host-facing port. */
export interface BrokerSpec {
  /** `node.id`. */
  id: number;
  /** The Compose service running it. */
  service: string;
  /** Host port of its host-facing listener (advertised as `127.0.0.1:<port>`). */
  hostPort: number;
  /** Whether the node is also a controller (a quorum voter); default true. */
  controller?: boolean;
  /** The Compose profile it is under, for a node started only on demand. */
  profile?: string;
}

/**
 * The nodes of the compose file: three combined broker+controller nodes, and a
 * fourth, broker only, under the `scale` profile (see `addBroker`).
 */
export const AUTOMQ_BROKERS: readonly BrokerSpec[] = [
  { id: 0, service: "server1", hostPort: 9092, controller: true },
  { id: 1, service: "server2", hostPort: 9093, controller: true },
  { id: 2, service: "server3", hostPort: 9094, controller: true },
  { id: 3, service: "server4", hostPort: 9095, controller: false, profile: "scale" },
];

/** The Compose project name the lab uses. */
export const AUTOMQ_PROJECT = "automq-lab";
/** Prometheus as published by the compose file. */
export const AUTOMQ_PROMETHEUS_URL = "http://127.0.0.1:9090";
/** Grafana as published by the compose file. */
export const AUTOMQ_GRAFANA_URL = "http://127.0.0.1:3000";
/** Where the `kafka.autobalancer` logger writes inside a node's container. */
export const BALANCER_LOG_PATH = "/opt/automq/kafka/logs/auto-balancer.log";

/** Where the compose file is: `compose/automq/` under the project root. */
export function defaultComposeFile(): string {
  return decodeURIComponent(
    new URL("../../../compose/automq/docker-compose.yml", import.meta.url).pathname,
  );
}

/** Options of {@linkcode AutomqEnvironment}; every one has the lab's default. */
export interface AutomqOptions {
  /** Engine address; default `DOCKER_HOST`, else `unix:///var/run/docker.sock`. */
  dockerHost?: string;
  /** The compose file; default `compose/automq/docker-compose.yml`. */
  composeFile?: string;
  /** Compose project name; default `automq-lab`. */
  projectName?: string;
  /** Extra variables for the compose file's substitutions. */
  env?: Record<string, string>;
  /** The nodes; default {@linkcode AUTOMQ_BROKERS}. */
  brokers?: readonly BrokerSpec[];
  /** Path of the balancer log inside a node; default {@linkcode BALANCER_LOG_PATH}. */
  balancerLogPath?: string;
  /** Least engine memory, bytes; default: what the compose file reserves. */
  minMemoryBytes?: number;
  /** Longest wait for the registry's answer per image, ms; default 10000. */
  registryTimeoutMs?: number;
  /** Longest image pull, ms; default 20 minutes. */
  pullTimeoutMs?: number;
}

/** What `preflight()` found. */
export interface PreflightReport {
  /** Engine version. */
  engineVersion: string;
  /** Images the engine will have to pull. */
  toPull: string[];
}

/** The AutoMQ compose cluster as a {@linkcode LabEnvironment}. */
export class AutomqEnvironment implements LabEnvironment {
  /** Always `automq`. */
  readonly kind = "automq" as const;
  /** The Compose project. */
  readonly project: ComposeProject;
  readonly #brokers: readonly BrokerSpec[];
  readonly #added = new Set<number>();
  readonly #options: AutomqOptions;
  readonly #host: string;

  /**
   * Makes the handle; nothing is contacted until a method runs. Takes explicit
   * options, or the lab's {@linkcode LabConfig} (then every option has its default).
   */
  constructor(options: AutomqOptions | LabConfig = {}) {
    options = automqOptionsOf(options);
    this.#options = options;
    this.#host = resolveDockerHost(options.dockerHost);
    this.#brokers = options.brokers ?? AUTOMQ_BROKERS;
    this.project = new ComposeProject({
      composeFile: options.composeFile ?? defaultComposeFile(),
      projectName: options.projectName ?? AUTOMQ_PROJECT,
      dockerHost: this.#host,
      env: options.env,
    });
  }

  /** The engine address in use. */
  get dockerHost(): string {
    return this.#host;
  }

  /**
   * Bytes of memory the project reserves, added up from the compose file (nodes'
   * -Xmx and direct memory, other services' mem_limit), and the parts as one line.
   * `profiles` adds the services under those profiles (`scale`: the fourth node).
   */
  async requiredMemory(profiles: string[] = []): Promise<{ bytes: number; detail: string }> {
    const budget = memoryBudget(await this.project.model(), profiles);
    return { bytes: budget.totalBytes, detail: describeBudget(budget) };
  }

  /**
   * Checks engine, images, ports and memory; throws {@linkcode PreflightError}
   * listing every problem (or the engine's error when it does not answer).
   */
  async preflight(): Promise<PreflightReport> {
    const engine = await checkEngine(this.#host, 3000);
    const model = await this.project.model();
    const problems: string[] = [];
    const images = await checkImages(
      this.project.docker,
      model.services.map((s) => s.image),
      this.#options.registryTimeoutMs ?? 10000,
    );
    problems.push(...imageProblems(images));
    if (isLocalEngine(this.#host)) {
      const own = new Set<number>();
      for (const c of await this.project.containers()) {
        if (c.State !== "running") continue;
        for (const p of c.Ports) if (p.PublicPort) own.add(p.PublicPort);
      }
      // Services under a profile start on demand (addBroker); their ports are not needed yet.
      const started = model.services.filter((s) => s.profiles.length === 0);
      problems.push(...portProblems(started.flatMap((s) => s.ports), own));
    }
    const need = this.#options.minMemoryBytes !== undefined
      ? { bytes: this.#options.minMemoryBytes, detail: "the minimum the options set" }
      : await this.requiredMemory();
    const memory = memoryProblem(
      engine.memTotal,
      need.bytes,
      `The compose file reserves ${need.detail}. Or lower AUTOMQ_HEAP_OPTS in ` +
        "compose/automq/.env (each node uses it) or the services' mem_limit.",
    );
    if (memory) problems.push(memory);
    if (problems.length > 0) throw new PreflightError("the AutoMQ environment", problems);
    return {
      engineVersion: engine.version,
      toPull: images.filter((i) => !i.present).map((i) => i.image),
    };
  }

  /** Pre-checks, pulls what is missing, `compose up -d`, and waits for health. */
  async up(options: UpOptions = {}): Promise<void> {
    const progress = options.onProgress ?? (() => {});
    progress(`checking the Docker engine at ${this.#host}`);
    const report = await this.preflight();
    if (report.toPull.length > 0) {
      progress(`pulling ${report.toPull.join(", ")}`);
      await this.project.compose(["pull"], {
        timeoutMs: this.#options.pullTimeoutMs ?? 20 * 60000,
        onLine: progress,
      });
    }
    progress("starting the compose project");
    await this.project.up({ timeoutMs: options.timeoutMs ?? 300000, onProgress: progress });
    progress("every service is ready");
  }

  /** `compose down`, with the volumes when `removeData` (the seed's full cleanup). */
  async down(options: { removeData?: boolean } = {}): Promise<void> {
    await checkEngine(this.#host, 3000);
    await this.project.down({ removeData: options.removeData });
  }

  /** Each service's container state; the engine itself when it does not answer. */
  async status(): Promise<EnvironmentStatus> {
    let states: ServiceState[];
    try {
      await checkEngine(this.#host, 3000);
      states = await this.project.states();
    } catch (error) {
      return {
        kind: this.kind,
        healthy: false,
        parts: [{
          name: "docker",
          healthy: false,
          detail: error instanceof Error ? error.message : String(error),
        }],
      };
    }
    // An on-demand node running (started by another handle, or by hand) counts as added.
    for (const b of this.#brokers.filter((b) => b.profile)) {
      const state = states.find((s) => s.service === b.service);
      if (state?.status === "running") this.#added.add(b.id);
      else this.#added.delete(b.id);
    }
    const parts = states.map((s) => {
      const broker = this.#brokers.find((b) => b.service === s.service);
      return {
        name: s.service,
        healthy: s.ready,
        detail: broker ? `broker ${broker.id}, ${s.detail}` : s.detail,
      };
    });
    return { kind: this.kind, healthy: parts.every((p) => p.healthy), parts };
  }

  /** The running nodes: those not under a profile, and those `addBroker` started. */
  #active(): BrokerSpec[] {
    return this.#brokers.filter((b) => !b.profile || this.#added.has(b.id));
  }

  /**
   * `127.0.0.1:9092`, `127.0.0.1:9093`, `127.0.0.1:9094`: the host-facing listeners
   * (127.0.0.1, where the ports are published; `localhost` may resolve to ::1).
   */
  bootstrapServers(): string[] {
    return this.#active().map((b) => `127.0.0.1:${b.hostPort}`);
  }

  /** Prometheus on the host. */
  prometheusUrl(): string {
    return AUTOMQ_PROMETHEUS_URL;
  }

  /** Grafana on the host (admin/admin; anonymous viewers allowed). */
  grafanaUrl(): string {
    return AUTOMQ_GRAFANA_URL;
  }

  /**
   * Node ids 0, 1, 2, and 3 once `addBroker` started it (or `status()` saw it running).
   */
  brokerIds(): number[] {
    return this.#active().map((b) => b.id);
  }

  /** The Compose service of a part name: a service, `broker-N`, `kafka-N` or `N`. */
  serviceOf(part: string): string {
    const id = /^(?:broker-|kafka-|node-)?(\d+)$/.exec(part.trim());
    if (id) {
      const broker = this.#brokers.find((b) => b.id === Number(id[1]));
      if (!broker) {
        throw new Error(
          `no broker ${id[1]}; brokers are ${this.brokerIds().join(", ")}.`,
        );
      }
      return broker.service;
    }
    return part.trim();
  }

  /** The last 500 log lines of a part (a service name, or `broker-N`). */
  async logs(part: string): Promise<string> {
    return await this.project.logs(this.serviceOf(part), 500);
  }

  /**
   * Each node's `auto-balancer.log`, read from inside its container (running or
   * stopped); "" for a node without the file or without a container.
   */
  async balancerLogs(): Promise<Map<number, string>> {
    const path = this.#options.balancerLogPath ?? BALANCER_LOG_PATH;
    const brokers = this.#active();
    const texts = await Promise.all(brokers.map(async (b) => {
      const id = await this.project.containerOf(b.service);
      if (!id) return "";
      return await this.project.readFile(b.service, path) ?? "";
    }));
    return new Map(brokers.map((b, i) => [b.id, texts[i]]));
  }

  /**
   * Whether `autobalancer.controller.enable` is true on every node (false on every node:
   * false; undefined when they differ or it cannot be read).
   */
  async balancerEnabled(): Promise<boolean | undefined> {
    try {
      return await withAdmin(
        this.bootstrapServers(),
        (admin) => clusterBalancerEnabled(admin, this.brokerIds()),
      );
    } catch {
      // The cluster does not answer: the state is unknown (undefined, as documented).
      return undefined;
    }
  }

  /** AutoMQ. */
  engine(): Promise<Engine> {
    return Promise.resolve("automq");
  }

  /**
   * Every node's balancer log merged by time (the containers run in UTC): only the active
   * controller detects, and it can change, so each node's lines count while it detects
   * (`balancer/log_merge.ts`).
   */
  async balancerLog(): Promise<string> {
    return mergeLogs([...(await this.balancerLogs()).values()]);
  }

  /** Stops one node (graceful, up to `graceSeconds`). */
  async stopBroker(id: number, graceSeconds = 60): Promise<void> {
    await this.project.stopService(this.serviceOf(String(id)), graceSeconds);
  }

  /** Starts a stopped node and waits until it is healthy again. */
  async startBroker(id: number, timeoutMs = 180000): Promise<void> {
    await this.project.startService(this.serviceOf(String(id)), timeoutMs);
  }

  /**
   * Runs or pauses AutoMQ's balancer cluster-wide: sets the default
   * `autobalancer.controller.enable` of every broker (see `automq_balancer.ts`), then reads
   * it back from each node. Returns one line saying what was done and seen.
   */
  async setBalancerEnabled(enabled: boolean): Promise<string> {
    return await withAdmin(
      this.bootstrapServers(),
      (admin) => setClusterBalancer(this.bootstrapServers(), admin, this.brokerIds(), enabled),
    );
  }

  /**
   * Starts the next node under a Compose profile (the fourth, broker only) and waits
   * until it is healthy; returns its id. Checks first that the engine has the memory
   * the project then reserves.
   */
  async addBroker(
    onProgress: (line: string) => void = () => {},
    timeoutMs = 180000,
  ): Promise<number> {
    const spec = this.#brokers.find((b) => b.profile && !this.#added.has(b.id));
    if (!spec) throw new Error("every node of the compose file is already running.");
    const engine = await checkEngine(this.#host, 3000);
    const need = this.#options.minMemoryBytes !== undefined
      ? { bytes: this.#options.minMemoryBytes, detail: "the minimum the options set" }
      : await this.requiredMemory([spec.profile!]);
    const memory = memoryProblem(
      engine.memTotal,
      need.bytes,
      `With ${spec.service}: ${need.detail}.`,
    );
    if (memory) throw new PreflightError(`node ${spec.id} (${spec.service})`, [memory]);
    onProgress(`Starting AutoMQ node ${spec.id} (${spec.service}, profile ${spec.profile})`);
    await this.project.compose(
      ["--profile", spec.profile!, "up", "-d", "--no-deps", spec.service],
      {
        timeoutMs,
      },
    );
    await this.project.startService(spec.service, timeoutMs);
    this.#added.add(spec.id);
    return spec.id;
  }

  /**
   * Removes a node `addBroker` started (not one of the controllers): its partitions are
   * reassigned to the other nodes first (on AutoMQ a metadata change: the data stays in
   * S3), then the node is stopped and its container removed.
   */
  async removeBroker(
    id: number,
    onProgress: (line: string) => void = () => {},
    graceSeconds = 60,
  ): Promise<string[]> {
    const spec = this.#brokers.find((b) => b.id === id);
    if (!spec || !spec.profile) {
      throw new Error(
        `node ${id} is not an on-demand node; only ${
          this.#brokers.filter((b) => b.profile).map((b) => b.id).join(", ")
        } can be removed (stopBroker stops any node).`,
      );
    }
    const rest = this.brokerIds().filter((b) => b !== id);
    const lines = await withAdmin(
      this.bootstrapServers(),
      (admin) => drainBroker(admin, id, rest, onProgress),
    );
    await this.stopAddedNode(id, graceSeconds);
    lines.push(`Stopped node ${id} (${spec.service}); the cluster has nodes ${rest.join(", ")}.`);
    return lines;
  }

  /** Stops an on-demand node and removes its container (no partition moves: see `removeBroker`). */
  async stopAddedNode(id: number, graceSeconds = 60): Promise<void> {
    const spec = this.#brokers.find((b) => b.id === id && b.profile);
    if (!spec) throw new Error(`node ${id} is not an on-demand node.`);
    await this.project.stopService(spec.service, graceSeconds);
    await this.project.compose(["--profile", spec.profile!, "rm", "-f", spec.service], {
      timeoutMs: 60000,
    });
    this.#added.delete(id);
  }
}

function automqOptionsOf(options: AutomqOptions | LabConfig): AutomqOptions {
  // A LabConfig carries no AutoMQ option yet; every one keeps its default.
  return "environment" in options && "topic" in options ? {} : options as AutomqOptions;
}

function isLocalEngine(host: string): boolean {
  if (socketPathOf(host) !== undefined) return true;
  return /^tcp:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(host);
}

/**
 * Whether the AutoMQ environment can run here, for `LAB_ENV=auto`: the engine
 * answers, a Compose CLI exists, every image is on the engine or the engine can
 * fetch its manifest, and the engine has enough memory. Answers within seconds.
 */
export async function probeAutomq(
  optionsOrConfig: AutomqOptions | LabConfig = {},
): Promise<{ usable: boolean; reason: string }> {
  const options = automqOptionsOf(optionsOrConfig);
  const env = new AutomqEnvironment({ registryTimeoutMs: 5000, ...options });
  try {
    const engine = await checkEngine(env.dockerHost, 2000);
    const model = await env.project.model();
    const images = await checkImages(
      env.project.docker,
      model.services.map((s) => s.image),
      options.registryTimeoutMs ?? 5000,
    );
    const problems = imageProblems(images);
    const memory = memoryProblem(
      engine.memTotal,
      options.minMemoryBytes ?? (await env.requiredMemory()).bytes,
      "",
    );
    if (memory) problems.push(memory.trim());
    if (problems.length > 0) return { usable: false, reason: problems.join(" ") };
    const toPull = images.filter((i) => !i.present).length;
    return {
      usable: true,
      reason: `Docker ${engine.version} at ${env.dockerHost} answers; ` +
        (toPull === 0 ? "every image is present" : `${toPull} image(s) will be pulled`),
    };
  } catch (error) {
    return { usable: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The local environment: three Apache Kafka nodes in KRaft combined mode from
 * Maven Central jars, each with the Prometheus JMX exporter agent, a real
 * Prometheus, and the lab agent (per-partition metrics and the reference
 * balancer). No Docker needed. Every process binds to 127.0.0.1 and is tracked
 * by a PID file under the state directory.
 *
 * @module
 */

import type { Engine } from "../../core/engine.ts";
import { fileURLToPath as fromFileUrl } from "node:url";
import { type LabConfig, MAX_LOCAL_BROKERS } from "../../config/config.ts";
import { withAdmin } from "../../cluster/kafka.ts";
import { programWorks } from "../../core/command.ts";
import {
  assertPortsFree,
  delay,
  isAlive,
  readPidFile,
  startDetached,
  stopPidFile,
  tailFile,
} from "../../core/process.ts";
import type {
  DownOptions,
  EnvironmentStatus,
  LabEnvironment,
  PartStatus,
  UpOptions,
} from "../types.ts";
import { drainBroker } from "./drain.ts";
import { ensureKafkaDistribution } from "./kafka_dist.ts";
import { prepareNode, serverProperties, startBroker } from "./kafka_node.ts";
import { type LocalPaths, localPaths, type PartFiles, partFiles, wantedPorts } from "./layout.ts";
import {
  assertRemovable,
  clusterIdIn,
  initialMembership,
  LocalEnvironmentError,
  type LocalMembership,
  nextBrokerId,
  readMembership,
  saveMembership,
} from "./membership.ts";
import {
  localPrometheusConfig,
  prometheusTargets,
  reloadLocalPrometheus,
  startLocalPrometheus,
} from "./local_prometheus.ts";

const AGENT_SCRIPT = fromFileUrl(new URL("./agent.ts", import.meta.url));

/** The local environment. */
export class LocalEnvironment implements LabEnvironment {
  /** Always "local". */
  readonly kind = "local" as const;
  readonly #config: LabConfig;
  #members: LocalMembership;

  /**
   * Uses the ports, directories and binaries of `config.local`; a running cluster's
   * membership (brokers added or removed) is read from its state directory.
   */
  constructor(config: LabConfig) {
    this.#config = config;
    this.#members = readMembership(config.local.stateDir) ??
      initialMembership(config.local.brokers);
  }

  get #local() {
    return this.#config.local;
  }

  /** The state directory's layout. */
  paths(): LocalPaths {
    return localPaths(this.#local.stateDir);
  }

  /** {@inheritDoc LabEnvironment.bootstrapServers} */
  bootstrapServers(): string[] {
    return this.#members.brokers.map((id) => `127.0.0.1:${this.#local.kafkaPort + id}`);
  }

  /** {@inheritDoc LabEnvironment.prometheusUrl} */
  prometheusUrl(): string {
    return `http://127.0.0.1:${this.#local.prometheusPort}`;
  }

  /** The lab agent's metrics URL. */
  agentUrl(): string {
    return `http://127.0.0.1:${this.#local.agentPort}`;
  }

  /** {@inheritDoc LabEnvironment.brokerIds} */
  brokerIds(): number[] {
    return [...this.#members.brokers];
  }

  /** The nodes that are also KRaft controllers. */
  controllerIds(): number[] {
    return [...this.#members.controllers];
  }

  #pidFiles(): PartFiles[] {
    return partFiles(this.paths(), this.#members.brokers);
  }

  /** Checks what `up` needs before starting anything: Java, Prometheus, free ports. */
  async preflight(): Promise<void> {
    const l = this.#local;
    await requireProgram(
      [l.javaBin, "-version"],
      `Java was not found (${l.javaBin}). Install a JDK 17+ (apt-get install openjdk-17-jre-headless) ` +
        "or set JAVA_HOME / JAVA_BIN.",
    );
    await requireProgram(
      [l.prometheusBin, "--version"],
      `Prometheus was not found (${l.prometheusBin}). Install it (apt-get install prometheus) ` +
        "or set PROMETHEUS_BIN to its binary.",
    );
    assertPortsFree(wantedPorts(l, this.#members, this.#members.brokers, true));
  }

  /** {@inheritDoc LabEnvironment.up} */
  async up(options: UpOptions = {}): Promise<void> {
    const progress = options.onProgress ?? (() => {});
    const timeoutMs = options.timeoutMs ?? 180_000;
    const running = await this.#runningParts();
    if (running.length === this.#pidFiles().length) {
      progress("The local environment is already running.");
      await this.#waitReady(Date.now() + timeoutMs, progress);
      return;
    }
    if (running.length > 0) {
      throw new LocalEnvironmentError(
        `The local environment is partly running (${running.join(", ")}). ` +
          "Run `deno task cleanup` first.",
      );
    }
    this.#members = initialMembership(this.#local.brokers);
    await this.preflight();
    const dist = await ensureKafkaDistribution(this.#local, progress);
    const p = this.paths();
    await Deno.mkdir(p.pids, { recursive: true });
    await saveMembership(p.root, this.#members);
    await Deno.mkdir(p.prometheus, { recursive: true });
    await Deno.mkdir(p.agent, { recursive: true });
    try {
      const clusterId = await clusterIdIn(p.clusterId);
      for (const id of this.#members.brokers) {
        await prepareNode(this.#local, p, this.#members, id, dist.libsDir, clusterId);
      }
      for (const id of this.#members.brokers) {
        progress(`Starting Kafka broker ${id} on 127.0.0.1:${this.#local.kafkaPort + id}`);
        await startBroker(this.#local, p, id, dist.libsDir, dist.jmxAgentJar);
      }
      progress(`Starting Prometheus on ${this.prometheusUrl()}`);
      await startLocalPrometheus(this.#config, p, this.#members.brokers);
      progress(
        `Starting the lab agent on ${this.agentUrl()} (balancer ${
          this.#config.balancer.enabled ? "on" : "off"
        })`,
      );
      await Deno.writeTextFile(p.agentConfig, JSON.stringify(this.#config, null, 2));
      await startDetached({
        command: [Deno.execPath(), "run", "-A", "--quiet", AGENT_SCRIPT, p.agentConfig],
        logFile: `${p.agent}/agent.log`,
        pidFile: `${p.pids}/agent.pid`,
        env: { NO_COLOR: "1" },
      });
      await this.#waitReady(Date.now() + timeoutMs, progress);
    } catch (error) {
      await this.down();
      throw error;
    }
  }

  /** The `server.properties` of node `id`. */
  serverProperties(id: number): string {
    return serverProperties(this.#local, this.#members, id, this.paths().node(id).data);
  }

  /** The Prometheus configuration: every broker's exporter (labelled `broker`) and the agent. */
  prometheusConfig(): string {
    return localPrometheusConfig(this.#config, this.#members.brokers);
  }

  async #runningParts(): Promise<string[]> {
    const running: string[] = [];
    for (const { part, pidFile } of this.#pidFiles()) {
      const pid = await readPidFile(pidFile);
      if (pid !== undefined && isAlive(pid)) running.push(part);
    }
    return running;
  }

  async #assertAlive(): Promise<void> {
    for (const { part, pidFile, logFile } of this.#pidFiles()) {
      const pid = await readPidFile(pidFile);
      if (pid === undefined || !isAlive(pid)) {
        const extra = part.startsWith("kafka-")
          ? await tailFile(logFile.replace("server.log", "stdout.log"), 15)
          : "";
        throw new LocalEnvironmentError(
          `${part} exited during start-up. The end of its log (${logFile}):\n` +
            `${await tailFile(logFile, 25)}\n${extra}`,
        );
      }
    }
  }

  async #waitReady(deadline: number, progress: (line: string) => void): Promise<void> {
    let brokersOk = false;
    let lastProblem = "not checked yet";
    while (Date.now() < deadline) {
      await this.#assertAlive();
      if (!brokersOk) {
        try {
          const count = await withAdmin(
            this.bootstrapServers(),
            async (admin) => (await admin.describeCluster()).brokers.length,
            { retries: 0, connectionTimeoutMs: 1000 },
          );
          const wanted = this.#members.brokers.length;
          brokersOk = count === wanted;
          lastProblem = `${count} of ${wanted} brokers registered`;
          if (brokersOk) progress(`All ${wanted} brokers are registered.`);
        } catch (error) {
          lastProblem = (error as Error).message;
        }
      }
      if (brokersOk) {
        const targets = await prometheusTargets(this.prometheusUrl());
        if (targets.ok) {
          progress(`Prometheus scrapes all ${targets.up} targets.`);
          return;
        }
        lastProblem = targets.problem;
      }
      await delay(1000);
    }
    throw new LocalEnvironmentError(
      `The local environment was not ready in time: ${lastProblem}. ` +
        "Look at `deno task status` and the logs under " + this.paths().root,
    );
  }

  /** {@inheritDoc LabEnvironment.down} */
  async down(options: DownOptions = {}): Promise<void> {
    // The agent first (it talks to the brokers), Prometheus, then the brokers (and any
    // node a scenario added that the membership file no longer names).
    for (const { pidFile } of this.#pidFiles()) await stopPidFile(pidFile, 20_000);
    for (let id = 0; id < MAX_LOCAL_BROKERS; id++) {
      await stopPidFile(`${this.paths().pids}/kafka-${id}.pid`, 20_000);
    }
    if (options.removeData) {
      // Best effort with every process stopped: a leftover is only disk; `down` must finish.
      await Deno.remove(this.paths().root, { recursive: true }).catch(() => {});
    }
  }

  /** {@inheritDoc LabEnvironment.status} */
  async status(): Promise<EnvironmentStatus> {
    const parts: PartStatus[] = [];
    const targets = await prometheusTargets(this.prometheusUrl());
    for (const { part, pidFile } of this.#pidFiles()) {
      const pid = await readPidFile(pidFile);
      const alive = pid !== undefined && isAlive(pid);
      let detail = alive ? `running, PID ${pid}` : "not running";
      if (alive && part.startsWith("kafka-")) {
        const id = Number(part.slice(6));
        const health = targets.health.get(`127.0.0.1:${this.#local.exporterPort + id}`);
        detail += `, 127.0.0.1:${this.#local.kafkaPort + id}, exporter ${health ?? "unknown"}`;
      } else if (alive && part === "prometheus") {
        detail += `, ${this.prometheusUrl()}, ${targets.ok ? "all targets up" : targets.problem}`;
      } else if (alive && part === "agent") {
        const on = await this.balancerEnabled();
        detail += `, ${this.agentUrl()}, balancer ${
          !this.#config.balancer.enabled ? "off" : on ? "on" : "paused"
        }`;
      }
      parts.push({ name: part, healthy: alive, detail });
    }
    return { kind: "local", healthy: parts.every((p) => p.healthy), parts };
  }

  /** {@inheritDoc LabEnvironment.balancerLog} */
  async balancerLog(): Promise<string> {
    try {
      return await Deno.readTextFile(this.paths().balancerLog);
    } catch {
      // No balancer log yet (the balancer never ran): an empty log.
      return "";
    }
  }

  /**
   * {@inheritDoc LabEnvironment.addBroker}
   *
   * A broker-only KRaft node joins the running cluster with the next free id: formatted
   * with the cluster's id, started with its JMX exporter, registered with the
   * controllers; Prometheus then scrapes it with its `broker` label, and the agent
   * counts its partitions. It starts empty, as a node joining AutoMQ does.
   */
  async addBroker(onProgress: (line: string) => void = () => {}): Promise<number> {
    await this.#assertRunning();
    const used = this.#members.brokers;
    const id = nextBrokerId(this.#members);
    assertPortsFree(wantedPorts(this.#local, this.#members, [id], false));
    const dist = await ensureKafkaDistribution(this.#local, onProgress);
    const p = this.paths();
    const clusterId = await clusterIdIn(p.clusterId);
    await prepareNode(this.#local, p, this.#members, id, dist.libsDir, clusterId);
    onProgress(`Starting Kafka broker ${id} on 127.0.0.1:${this.#local.kafkaPort + id}`);
    await startBroker(this.#local, p, id, dist.libsDir, dist.jmxAgentJar);
    this.#members = { ...this.#members, brokers: [...used, id] };
    await saveMembership(p.root, this.#members);
    await reloadLocalPrometheus(this.#config, p, this.#members.brokers);
    await this.#waitReady(Date.now() + 120_000, onProgress);
    return id;
  }

  /**
   * {@inheritDoc LabEnvironment.removeBroker}
   *
   * As AutoMQ's controller does when a node goes away, the broker's partitions are
   * first reassigned to the other brokers (each to the broker with the fewest of that
   * topic's partitions), and only then is the node stopped: in Apache Kafka a
   * replication-factor-1 partition on a stopped broker would go offline. Refuses,
   * leaving the cluster as it was, to remove a broker that is not there, the last
   * broker, or a controller whose loss would break the KRaft quorum.
   */
  async removeBroker(id: number, onProgress: (line: string) => void = () => {}): Promise<string[]> {
    assertRemovable(this.#members, id);
    const brokers = this.#members.brokers;
    await this.#assertRunning();
    const rest = brokers.filter((b) => b !== id);
    const lines = await withAdmin(
      this.bootstrapServers(),
      (admin) => drainBroker(admin, id, rest, onProgress),
    );
    onProgress(`Stopping Kafka broker ${id}`);
    await stopPidFile(`${this.paths().pids}/kafka-${id}.pid`, 60_000);
    this.#members = { ...this.#members, brokers: rest };
    await saveMembership(this.paths().root, this.#members);
    await reloadLocalPrometheus(this.#config, this.paths(), rest);
    lines.push(`Stopped broker ${id}; the cluster has brokers ${rest.join(", ")}.`);
    return lines;
  }

  /**
   * Stops broker `id` and leaves it down, with its data and its place in the cluster:
   * its replication-factor-1 partitions have no leader until {@linkcode startStoppedBroker}
   * brings it back, as an AutoMQ partition has none while it moves. For fault injection.
   */
  async stopBroker(id: number): Promise<void> {
    if (!this.#members.brokers.includes(id)) {
      throw new LocalEnvironmentError(
        `There is no broker ${id} in the local cluster; its brokers are ${
          this.#members.brokers.join(", ")
        }.`,
      );
    }
    await stopPidFile(`${this.paths().pids}/kafka-${id}.pid`, 60_000);
  }

  /**
   * Starts broker `id` again after {@linkcode stopBroker}, on its own data, and waits
   * until every broker is registered and Prometheus scrapes them all.
   */
  async startStoppedBroker(
    id: number,
    onProgress: (line: string) => void = () => {},
  ): Promise<void> {
    const pid = await readPidFile(`${this.paths().pids}/kafka-${id}.pid`);
    if (pid !== undefined && isAlive(pid)) return;
    const dist = await ensureKafkaDistribution(this.#local, onProgress);
    onProgress(`Starting Kafka broker ${id} again on 127.0.0.1:${this.#local.kafkaPort + id}`);
    await startBroker(this.#local, this.paths(), id, dist.libsDir, dist.jmxAgentJar);
    await this.#waitReady(Date.now() + 120_000, onProgress);
  }

  async #assertRunning(): Promise<void> {
    const running = await this.#runningParts();
    if (running.length !== this.#pidFiles().length) {
      throw new LocalEnvironmentError(
        "The local environment is not running (deno task setup starts it); " +
          `running now: ${running.join(", ") || "nothing"}.`,
      );
    }
  }

  /** {@inheritDoc LabEnvironment.setBalancerEnabled} */
  async setBalancerEnabled(enabled: boolean): Promise<string> {
    if (!this.#config.balancer.enabled) {
      if (!enabled) return "The local balancer is off (LAB_BALANCER=off): nothing to pause.";
      throw new LocalEnvironmentError(
        "The local balancer is off (LAB_BALANCER=off), so it cannot be started; set " +
          "LAB_BALANCER=on and set the environment up again (deno task cleanup, then setup).",
      );
    }
    let response: Response;
    try {
      response = await fetch(`${this.agentUrl()}/balancer?enabled=${enabled}`, {
        method: "POST",
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new Error(
        `The lab agent (${this.agentUrl()}) did not answer: ${(error as Error).message}. ` +
          "Is the local environment up (deno task setup)?",
      );
    }
    const text = (await response.text()).trim();
    if (!response.ok) throw new Error(`The local balancer could not be switched: ${text}.`);
    return enabled
      ? `The local balancer is on: its first detection runs within ${
        this.#config.balancer.detectIntervalMs / 1000
      } s (LAB_DETECT_INTERVAL_S).`
      : "The local balancer is paused: no detection runs until it is switched on.";
  }

  /** Apache Kafka (with the lab's reference balancer). */
  engine(): Promise<Engine> {
    return Promise.resolve("kafka");
  }

  /** {@inheritDoc LabEnvironment.balancerEnabled} */
  async balancerEnabled(): Promise<boolean | undefined> {
    try {
      const response = await fetch(`${this.agentUrl()}/balancer`, {
        signal: AbortSignal.timeout(5000),
      });
      return (await response.text()).trim() === "on";
    } catch {
      // The agent does not answer: the state is unknown (undefined, as documented).
      return undefined;
    }
  }

  /** {@inheritDoc LabEnvironment.logs} */
  async logs(part: string): Promise<string> {
    const entry = this.#pidFiles().find((p) => p.part === part);
    if (!entry) {
      const names = this.#pidFiles().map((p) => p.part).join(", ");
      throw new Error(`No part "${part}" in the local environment; use one of ${names}.`);
    }
    return await tailFile(entry.logFile, 200);
  }
}

async function requireProgram(command: string[], message: string): Promise<void> {
  if (!(await programWorks(command[0], command.slice(1)))) {
    throw new LocalEnvironmentError(message);
  }
}

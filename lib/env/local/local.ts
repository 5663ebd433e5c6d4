/**
 * The local environment: three Apache Kafka nodes in KRaft combined mode from
 * Maven Central jars, each with the Prometheus JMX exporter agent, a real
 * Prometheus, and the lab agent (per-partition metrics and the reference
 * balancer). No Docker needed. Every process binds to 127.0.0.1 and is tracked
 * by a PID file under the state directory.
 *
 * @module
 */

import { fileURLToPath as fromFileUrl } from "node:url";
import { type LabConfig, MAX_LOCAL_BROKERS } from "../../config/config.ts";
import { withAdmin } from "../../cluster/kafka.ts";
import { drainBroker } from "./drain.ts";
import { PromClient } from "../../cluster/prom.ts";
import { ensureKafkaDistribution, LOCAL_FILES_DIR } from "./kafka_dist.ts";
import {
  assertPortsFree,
  delay,
  isAlive,
  pathExists,
  readPidFile,
  startDetached,
  stopPidFile,
  tailFile,
  type WantedPort,
} from "../../core/process.ts";
import type {
  DownOptions,
  EnvironmentStatus,
  LabEnvironment,
  PartStatus,
  UpOptions,
} from "../types.ts";

/** Which nodes the local cluster has: brokers now, and the KRaft controllers (fixed at start). */
export interface LocalMembership {
  /** Broker ids, in order. */
  brokers: number[];
  /** The nodes that are also KRaft controllers (the first three at start). */
  controllers: number[];
}

/** The membership a cluster of `count` brokers starts with. */
export function initialMembership(count: number): LocalMembership {
  const brokers = Array.from({ length: count }, (_, i) => i);
  return { brokers, controllers: brokers.slice(0, Math.min(3, count)) };
}

/**
 * A fresh KRaft cluster id: 16 random bytes in URL-safe base64. Like Kafka's own
 * `Uuid.randomUuid()`, it never starts with "-", which the storage tool's command line
 * would read as an option (1 id in 64 did, and formatting failed).
 *
 * @example
 * ```ts
 * import { newClusterId } from "./local.ts";
 * console.log(newClusterId().length); // 22
 * ```
 */
export function newClusterId(): string {
  while (true) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    if (!id.startsWith("-")) return id;
  }
}

/** Reads the membership file of a running cluster (`brokers.json` in its state directory). */
export function readMembership(stateDir: string): LocalMembership | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(`${stateDir}/brokers.json`)) as LocalMembership;
  } catch {
    return undefined;
  }
}

const AGENT_SCRIPT = fromFileUrl(new URL("./agent.ts", import.meta.url));

/** A part of the local environment failed to start; the message says which and why. */
export class LocalEnvironmentError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "LocalEnvironmentError";
  }
}

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
  paths() {
    const root = this.#local.stateDir;
    return {
      root,
      pids: `${root}/pids`,
      clusterId: `${root}/cluster.id`,
      node: (id: number) => ({
        dir: `${root}/kafka-${id}`,
        data: `${root}/kafka-${id}/data`,
        logs: `${root}/kafka-${id}/logs`,
        properties: `${root}/kafka-${id}/server.properties`,
      }),
      prometheus: `${root}/prometheus`,
      agent: `${root}/agent`,
      balancerLog: `${root}/agent/auto-balancer.log`,
      agentConfig: `${root}/agent/config.json`,
    };
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

  #wantedPorts(ids = this.#members.brokers, shared = true): WantedPort[] {
    const l = this.#local;
    return [
      ...ids.map((id) => ({
        port: l.kafkaPort + id,
        purpose: `Kafka broker ${id}`,
        setting: "LAB_KAFKA_PORT",
      })),
      ...ids.filter((id) => this.#members.controllers.includes(id)).map((id) => ({
        port: l.controllerPort + id,
        purpose: `KRaft controller ${id}`,
        setting: "LAB_CONTROLLER_PORT",
      })),
      ...ids.map((id) => ({
        port: l.exporterPort + id,
        purpose: `JMX exporter of broker ${id}`,
        setting: "LAB_EXPORTER_PORT",
      })),
      ...(shared
        ? [
          { port: l.prometheusPort, purpose: "Prometheus", setting: "LAB_PROMETHEUS_PORT" },
          { port: l.agentPort, purpose: "the lab agent", setting: "LAB_AGENT_PORT" },
        ]
        : []),
    ];
  }

  #pidFiles(): Array<{ part: string; pidFile: string; logFile: string }> {
    const p = this.paths();
    return [
      { part: "agent", pidFile: `${p.pids}/agent.pid`, logFile: `${p.agent}/agent.log` },
      {
        part: "prometheus",
        pidFile: `${p.pids}/prometheus.pid`,
        logFile: `${p.prometheus}/prometheus.log`,
      },
      ...this.#members.brokers.map((id) => ({
        part: `kafka-${id}`,
        pidFile: `${p.pids}/kafka-${id}.pid`,
        logFile: `${p.node(id).logs}/server.log`,
      })),
    ];
  }

  /** Checks what `up` needs before starting anything: Java, Prometheus, free ports. */
  async preflight(): Promise<void> {
    const l = this.#local;
    await requireProgram(
      l.javaBin,
      ["-version"],
      `Java was not found (${l.javaBin}). Install a JDK 17+ (apt-get install openjdk-17-jre-headless) ` +
        "or set JAVA_HOME / JAVA_BIN.",
    );
    await requireProgram(
      l.prometheusBin,
      ["--version"],
      `Prometheus was not found (${l.prometheusBin}). Install it (apt-get install prometheus) ` +
        "or set PROMETHEUS_BIN to its binary.",
    );
    assertPortsFree(this.#wantedPorts());
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
    await this.#saveMembership();
    await Deno.mkdir(p.prometheus, { recursive: true });
    await Deno.mkdir(p.agent, { recursive: true });
    try {
      const clusterId = await this.#clusterId();
      for (const id of this.#members.brokers) await this.#prepareNode(id, dist.libsDir, clusterId);
      for (const id of this.#members.brokers) {
        progress(`Starting Kafka broker ${id} on 127.0.0.1:${this.#local.kafkaPort + id}`);
        await this.#startBroker(id, dist.libsDir, dist.jmxAgentJar);
      }
      progress(`Starting Prometheus on ${this.prometheusUrl()}`);
      await Deno.writeTextFile(`${p.prometheus}/prometheus.yml`, this.prometheusConfig());
      await startDetached({
        command: [
          this.#local.prometheusBin,
          `--config.file=${p.prometheus}/prometheus.yml`,
          `--storage.tsdb.path=${p.prometheus}/data`,
          "--storage.tsdb.retention.time=6h",
          `--web.listen-address=127.0.0.1:${this.#local.prometheusPort}`,
          "--web.enable-lifecycle",
        ],
        logFile: `${p.prometheus}/prometheus.log`,
        pidFile: `${p.pids}/prometheus.pid`,
      });
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
    const l = this.#local;
    const controllers = this.#members.controllers;
    const voters = controllers.map((n) => `${n}@127.0.0.1:${l.controllerPort + n}`).join(",");
    const isController = controllers.includes(id);
    return [
      "# Generated by the auto-balancing lab (lib/env/local/local.ts).",
      `process.roles=${isController ? "broker,controller" : "broker"}`,
      `node.id=${id}`,
      `controller.quorum.voters=${voters}`,
      isController
        ? `listeners=PLAINTEXT://127.0.0.1:${l.kafkaPort + id},CONTROLLER://127.0.0.1:${
          l.controllerPort + id
        }`
        : `listeners=PLAINTEXT://127.0.0.1:${l.kafkaPort + id}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${l.kafkaPort + id}`,
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      `log.dirs=${this.paths().node(id).data}`,
      "num.network.threads=3",
      "num.io.threads=4",
      "num.partitions=1",
      "default.replication.factor=1",
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=6",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "auto.create.topics.enable=false",
      // The lab's balancer is the only thing that moves partitions.
      "auto.leader.rebalance.enable=false",
      "log.retention.check.interval.ms=5000",
      "log.segment.bytes=67108864",
      "",
    ].join("\n");
  }

  /** The Prometheus configuration: every broker's exporter (labelled `broker`) and the agent. */
  prometheusConfig(): string {
    const l = this.#local;
    const interval = `${this.#config.scrapeIntervalSeconds}s`;
    const targets = this.#members.brokers.map((id) =>
      [
        `      - targets: ["127.0.0.1:${l.exporterPort + id}"]`,
        `        labels:`,
        `          broker: "${id}"`,
      ].join("\n")
    ).join("\n");
    return [
      "# Generated by the auto-balancing lab (lib/env/local/local.ts).",
      "global:",
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      "scrape_configs:",
      "  - job_name: kafka",
      "    static_configs:",
      targets,
      "  - job_name: lab-agent",
      "    honor_labels: true",
      "    static_configs:",
      `      - targets: ["127.0.0.1:${l.agentPort}"]`,
      "",
    ].join("\n");
  }

  async #clusterId(): Promise<string> {
    const file = this.paths().clusterId;
    try {
      return (await Deno.readTextFile(file)).trim();
    } catch {
      const id = newClusterId();
      await Deno.writeTextFile(file, id);
      return id;
    }
  }

  async #format(libsDir: string, properties: string, clusterId: string): Promise<void> {
    const output = await new Deno.Command(this.#local.javaBin, {
      args: [
        "-cp",
        `${libsDir}/*`,
        `-Dlog4j.configuration=file:${LOCAL_FILES_DIR}log4j.properties`,
        `-Dkafka.logs.dir=${this.paths().root}`,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        clusterId,
        "-c",
        properties,
        "--ignore-formatted",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const text = new TextDecoder().decode(output.stdout) +
        new TextDecoder().decode(output.stderr);
      throw new LocalEnvironmentError(`Formatting Kafka storage failed:\n${text.slice(-1500)}`);
    }
  }

  async #prepareNode(id: number, libsDir: string, clusterId: string): Promise<void> {
    const node = this.paths().node(id);
    await Deno.mkdir(node.logs, { recursive: true });
    await Deno.writeTextFile(node.properties, this.serverProperties(id));
    if (!(await pathExists(`${node.data}/meta.properties`))) {
      await this.#format(libsDir, node.properties, clusterId);
    }
  }

  async #saveMembership(): Promise<void> {
    await Deno.mkdir(this.paths().root, { recursive: true });
    await Deno.writeTextFile(`${this.paths().root}/brokers.json`, JSON.stringify(this.#members));
  }

  async #startBroker(id: number, libsDir: string, jmxAgentJar: string): Promise<void> {
    const l = this.#local;
    const node = this.paths().node(id);
    await startDetached({
      command: [
        l.javaBin,
        `-Xms${l.brokerHeap}`,
        `-Xmx${l.brokerHeap}`,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        `-javaagent:${jmxAgentJar}=127.0.0.1:${
          l.exporterPort + id
        }:${LOCAL_FILES_DIR}jmx-exporter.yml`,
        `-Dlog4j.configuration=file:${LOCAL_FILES_DIR}log4j.properties`,
        `-Dkafka.logs.dir=${node.logs}`,
        "-cp",
        `${libsDir}/*`,
        "kafka.Kafka",
        node.properties,
      ],
      logFile: `${node.logs}/stdout.log`,
      pidFile: `${this.paths().pids}/kafka-${id}.pid`,
    });
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
    if (used.length >= MAX_LOCAL_BROKERS) {
      throw new LocalEnvironmentError(
        `The local cluster already has ${used.length} brokers, the most it runs ` +
          `(${MAX_LOCAL_BROKERS}); remove one first.`,
      );
    }
    const id = Array.from({ length: MAX_LOCAL_BROKERS }, (_, i) => i).find((i) =>
      !used.includes(i)
    )!;
    assertPortsFree(this.#wantedPorts([id], false));
    const dist = await ensureKafkaDistribution(this.#local, onProgress);
    await this.#prepareNode(id, dist.libsDir, await this.#clusterId());
    onProgress(`Starting Kafka broker ${id} on 127.0.0.1:${this.#local.kafkaPort + id}`);
    await this.#startBroker(id, dist.libsDir, dist.jmxAgentJar);
    this.#members = { ...this.#members, brokers: [...used, id] };
    await this.#saveMembership();
    await this.#reloadPrometheus();
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
    const brokers = this.#members.brokers;
    if (!brokers.includes(id)) {
      throw new LocalEnvironmentError(
        `There is no broker ${id} in the local cluster; its brokers are ${brokers.join(", ")}.`,
      );
    }
    if (brokers.length === 1) {
      throw new LocalEnvironmentError(
        `Broker ${id} is the cluster's last broker; the lab will not remove it (deno task cleanup stops the cluster).`,
      );
    }
    const controllers = this.#members.controllers;
    if (controllers.includes(id)) {
      const left = controllers.filter((c) => c !== id && brokers.includes(c)).length;
      if (left <= controllers.length / 2) {
        throw new LocalEnvironmentError(
          `Broker ${id} is also one of the ${controllers.length} KRaft controllers; without it ` +
            `${left} would be left, below the quorum. Remove a broker-only node (${
              brokers.filter((b) => !controllers.includes(b)).join(", ") || "none yet: add one"
            }) instead.`,
        );
      }
    }
    await this.#assertRunning();
    const rest = brokers.filter((b) => b !== id);
    const lines = await withAdmin(
      this.bootstrapServers(),
      (admin) => drainBroker(admin, id, rest, onProgress),
    );
    onProgress(`Stopping Kafka broker ${id}`);
    await stopPidFile(`${this.paths().pids}/kafka-${id}.pid`, 60_000);
    this.#members = { ...this.#members, brokers: rest };
    await this.#saveMembership();
    await this.#reloadPrometheus();
    lines.push(`Stopped broker ${id}; the cluster has brokers ${rest.join(", ")}.`);
    return lines;
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

  async #reloadPrometheus(): Promise<void> {
    await Deno.writeTextFile(`${this.paths().prometheus}/prometheus.yml`, this.prometheusConfig());
    const response = await fetch(`${this.prometheusUrl()}/-/reload`, {
      method: "POST",
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) {
      throw new LocalEnvironmentError(
        `Prometheus did not reload its targets (${response.status}).`,
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

  /** {@inheritDoc LabEnvironment.balancerEnabled} */
  async balancerEnabled(): Promise<boolean | undefined> {
    try {
      const response = await fetch(`${this.agentUrl()}/balancer`, {
        signal: AbortSignal.timeout(5000),
      });
      return (await response.text()).trim() === "on";
    } catch {
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

async function requireProgram(program: string, args: string[], message: string): Promise<void> {
  try {
    const output = await new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    if (!output.success) throw new Error("exit " + output.code);
  } catch {
    throw new LocalEnvironmentError(message);
  }
}

/** Target health as Prometheus reports it. */
interface TargetsHealth {
  ok: boolean;
  up: number;
  problem: string;
  health: Map<string, string>;
}

async function prometheusTargets(url: string): Promise<TargetsHealth> {
  try {
    const active = await new PromClient(url, { timeoutMs: 2000 }).targets();
    const health = new Map<string, string>();
    for (const t of active) health.set(new URL(t.scrapeUrl).host, t.health);
    const down = active.filter((t) => t.health !== "up");
    const ok = active.length > 0 && down.length === 0;
    const problem = ok
      ? ""
      : down.length > 0
      ? `Prometheus targets not up yet: ${
        down.map((t) => `${t.scrapeUrl} (${t.health}${t.lastError ? ": " + t.lastError : ""})`)
          .join(", ")
      }`
      : "Prometheus has no targets yet";
    return { ok, up: active.length - down.length, problem, health };
  } catch (error) {
    return {
      ok: false,
      up: 0,
      problem: `Prometheus at ${url} did not answer (${(error as Error).message})`,
      health: new Map(),
    };
  }
}

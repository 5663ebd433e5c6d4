/**
 * A cluster the user brings: bootstrap servers and a Prometheus URL are given
 * (`LAB_BOOTSTRAP`, `LAB_PROMETHEUS_URL`), so the lab neither sets it up nor
 * tears it down, and runs everything else against it.
 *
 * The lab recognises the engine it runs (AutoMQ when a broker reports AutoMQ's own
 * configuration keys: `lib/cluster/broker_configs.ts`). On AutoMQ it pauses the balancer at
 * set-up and starts it for the watch, cluster-wide, the same way as on the Docker cluster
 * (`automq/automq_balancer.ts`), unless `LAB_BROUGHT_BALANCER=leave`. Apache Kafka has no
 * auto-balancer to switch.
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { recogniseEngine } from "../cluster/broker_configs.ts";
import { type Engine, engineName } from "../core/engine.ts";
import { readBalancerLogs } from "./balancer_log_files.ts";
import type { EnvironmentStatus, LabEnvironment, PartStatus } from "./types.ts";
import {
  BALANCER_ENABLE_KEY,
  clusterBalancerEnabled,
  setClusterBalancer,
} from "./automq/automq_balancer.ts";

/** A cluster the lab does not manage. */
export class ExternalEnvironment implements LabEnvironment {
  /** Always "external". */
  readonly kind = "external" as const;
  readonly #bootstrap: string[];
  readonly #prometheusUrl: string;
  readonly #balancerLogFile?: string;
  readonly #switchBalancer: boolean;
  readonly #balancerLogZone: string;
  #brokerIds: number[] = [];
  #engine?: { engine: Engine; evidence: string };

  /**
   * Uses `config.bootstrapServers` and `config.prometheusUrl`; the balancer log, if any, is
   * read from the files `balancerLogFile` names (`LAB_BALANCER_LOG`: paths or globs,
   * comma-separated), in the zone `config.balancerLogZone` (`LAB_BALANCER_LOG_ZONE`).
   */
  constructor(config: LabConfig, balancerLogFile?: string) {
    if (!config.bootstrapServers || !config.prometheusUrl) {
      throw new Error(
        "A bring-your-own cluster needs LAB_BOOTSTRAP and LAB_PROMETHEUS_URL; set both.",
      );
    }
    this.#bootstrap = config.bootstrapServers;
    this.#prometheusUrl = config.prometheusUrl;
    this.#balancerLogFile = balancerLogFile;
    this.#switchBalancer = config.broughtBalancer !== "leave";
    this.#balancerLogZone = config.balancerLogZone ?? "UTC";
  }

  /**
   * Checks that Kafka and Prometheus answer, learns the broker ids and recognises the engine;
   * starts nothing.
   */
  async up(options: { onProgress?: (line: string) => void } = {}): Promise<void> {
    this.#brokerIds = await withAdmin(
      this.#bootstrap,
      async (admin) =>
        (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b),
    );
    const status = await this.status();
    const down = status.parts.filter((p) => !p.healthy);
    if (down.length > 0) {
      throw new Error(down.map((p) => `${p.name}: ${p.detail}`).join("; "));
    }
    const engine = await this.#recognise();
    options.onProgress?.(`The cluster runs ${engineName(engine.engine)}: ${engine.evidence}.`);
  }

  async #recognise(): Promise<{ engine: Engine; evidence: string }> {
    this.#engine ??= await withAdmin(this.#bootstrap, recogniseEngine);
    return this.#engine;
  }

  /** The engine the cluster runs, recognised from a broker's configuration (once). */
  async engine(): Promise<Engine> {
    return (await this.#recognise()).engine;
  }

  /** Leaves the cluster as it is. */
  down(): Promise<void> {
    return Promise.resolve();
  }

  /** {@inheritDoc LabEnvironment.status} */
  async status(): Promise<EnvironmentStatus> {
    const parts: PartStatus[] = [];
    try {
      const brokers = await withAdmin(
        this.#bootstrap,
        async (admin) => (await admin.describeCluster()).brokers,
        { retries: 1 },
      );
      this.#brokerIds = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
      parts.push({
        name: "kafka",
        healthy: true,
        detail: `${brokers.length} brokers at ${this.#bootstrap.join(",")}`,
      });
    } catch (error) {
      parts.push({ name: "kafka", healthy: false, detail: (error as Error).message });
    }
    try {
      const response = await fetch(`${this.#prometheusUrl}/-/ready`, {
        signal: AbortSignal.timeout(3000),
      });
      await response.body?.cancel();
      parts.push({
        name: "prometheus",
        healthy: response.ok,
        detail: `${this.#prometheusUrl} answered ${response.status}`,
      });
    } catch (error) {
      parts.push({
        name: "prometheus",
        healthy: false,
        detail:
          `Prometheus at ${this.#prometheusUrl} did not answer (${(error as Error).message}); ` +
          "check LAB_PROMETHEUS_URL.",
      });
    }
    return { kind: "external", healthy: parts.every((p) => p.healthy), parts };
  }

  /** {@inheritDoc LabEnvironment.bootstrapServers} */
  bootstrapServers(): string[] {
    return [...this.#bootstrap];
  }

  /** {@inheritDoc LabEnvironment.prometheusUrl} */
  prometheusUrl(): string {
    return this.#prometheusUrl;
  }

  /** The broker ids seen by the last `up` or `status` (empty before). */
  brokerIds(): number[] {
    return [...this.#brokerIds];
  }

  /**
   * Every file `LAB_BALANCER_LOG` names, stamps read in `LAB_BALANCER_LOG_ZONE` and written
   * in UTC, merged by time with only the detecting controller's lines kept; "" when unset.
   */
  async balancerLog(): Promise<string> {
    if (!this.#balancerLogFile) return "";
    return await readBalancerLogs(this.#balancerLogFile, this.#balancerLogZone);
  }

  /**
   * On AutoMQ, switches the balancer cluster-wide (the default
   * `autobalancer.controller.enable` of every broker), unless `LAB_BROUGHT_BALANCER=leave`;
   * on Apache Kafka there is none to switch. Returns one line saying what was done.
   */
  async setBalancerEnabled(enabled: boolean): Promise<string> {
    const { engine, evidence } = await this.#recognise();
    if (engine !== "automq") {
      return `The cluster you brought runs Apache Kafka (${evidence}): it has no ` +
        "auto-balancer for the lab to switch, so nothing will move partitions.";
    }
    if (!this.#switchBalancer) {
      return `The cluster you brought runs AutoMQ; its balancer is left as it is ` +
        `(LAB_BROUGHT_BALANCER=leave): set ${BALANCER_ENABLE_KEY}=${enabled} yourself ` +
        "(kafka-configs --entity-type brokers --entity-default --alter --add-config) if you " +
        `want it ${enabled ? "on" : "paused"}.`;
    }
    if (this.#brokerIds.length === 0) await this.status();
    return await withAdmin(
      this.#bootstrap,
      (admin) => setClusterBalancer(this.#bootstrap, admin, this.#brokerIds, enabled),
    );
  }

  /** On AutoMQ, whether every broker has the balancer on; undefined elsewhere or unreadable. */
  async balancerEnabled(): Promise<boolean | undefined> {
    try {
      if ((await this.#recognise()).engine !== "automq") return undefined;
      if (this.#brokerIds.length === 0) await this.status();
      return await withAdmin(
        this.#bootstrap,
        (admin) => clusterBalancerEnabled(admin, this.#brokerIds),
      );
    } catch {
      // The cluster does not answer: the state is unknown (undefined, as documented).
      return undefined;
    }
  }

  /** The lab does not start brokers for a cluster it does not run. */
  addBroker(): Promise<number> {
    return Promise.reject(
      new Error(
        "The lab cannot add a broker to a cluster you bring: start one yourself, then run the " +
          "watch (deno task verify) to see the balancer fill it.",
      ),
    );
  }

  /** The lab does not stop brokers of a cluster it does not run. */
  removeBroker(id: number): Promise<string[]> {
    return Promise.reject(
      new Error(
        `The lab cannot remove broker ${id} from a cluster you bring: move its partitions off ` +
          "and stop it yourself (on AutoMQ, stopping the node is enough).",
      ),
    );
  }

  /** The lab has no access to a brought cluster's process logs. */
  logs(part: string): Promise<string> {
    return Promise.reject(
      new Error(`The lab cannot read "${part}" logs of a cluster it does not run.`),
    );
  }
}

/**
 * A cluster the user brings: bootstrap servers and a Prometheus URL are given
 * (`LAB_BOOTSTRAP`, `LAB_PROMETHEUS_URL`), so the lab neither sets it up nor
 * tears it down, and runs everything else against it.
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { readBalancerLogs } from "./balancer_log_files.ts";
import type { EnvironmentStatus, LabEnvironment, PartStatus } from "./types.ts";

/** A cluster the lab does not manage. */
export class ExternalEnvironment implements LabEnvironment {
  /** Always "external". */
  readonly kind = "external" as const;
  readonly #bootstrap: string[];
  readonly #prometheusUrl: string;
  readonly #balancerLogFile?: string;
  readonly #balancerLogZone: string;
  #brokerIds: number[] = [];

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
    this.#balancerLogZone = config.balancerLogZone ?? "UTC";
  }

  /** Checks that Kafka and Prometheus answer and learns the broker ids; starts nothing. */
  async up(): Promise<void> {
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

  /** The lab does not switch the balancer of a cluster it does not run. */
  setBalancerEnabled(enabled: boolean): Promise<string> {
    return Promise.resolve(
      `A cluster you bring keeps its own balancer setting: the lab did not switch it ${
        enabled ? "on" : "off"
      } (on AutoMQ, set autobalancer.controller.enable yourself).`,
    );
  }

  /** Unknown for a cluster the lab does not run. */
  balancerEnabled(): Promise<boolean | undefined> {
    return Promise.resolve(undefined);
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

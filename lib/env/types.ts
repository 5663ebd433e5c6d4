/**
 * The one interface every environment implements: the local cluster, the AutoMQ
 * compose cluster, and a cluster the user brings. Everything above it only sees
 * addresses and a balancer log to read.
 *
 * @module
 */

import type { EnvironmentKind } from "../config/config.ts";
import type { Engine } from "../core/engine.ts";

/** The state of one part of an environment (a broker, Prometheus, the agent...). */
export interface PartStatus {
  /** A short name: `kafka-0`, `prometheus`, `server1`, ... */
  name: string;
  /** Whether it is up and answering. */
  healthy: boolean;
  /** One line on what was seen (PID, port, container state, the error). */
  detail: string;
}

/** What `status()` reports. */
export interface EnvironmentStatus {
  /** Which environment. */
  kind: EnvironmentKind;
  /** True when every part is healthy. */
  healthy: boolean;
  /** Each part. */
  parts: PartStatus[];
}

/** Options of `up()`. */
export interface UpOptions {
  /** Longest wait for every part to be ready, milliseconds. */
  timeoutMs?: number;
  /** Called with one line per step, for progress output. */
  onProgress?: (line: string) => void;
}

/** Options of `down()`. */
export interface DownOptions {
  /** Also delete data (volumes, log dirs): the seed's full cleanup. */
  removeData?: boolean;
}

/** A lab environment: set up, torn down, and asked where things are. */
export interface LabEnvironment {
  /** Which environment this is. */
  readonly kind: EnvironmentKind;
  /** Starts every part and waits until all are ready, or throws within the timeout. */
  up(options?: UpOptions): Promise<void>;
  /** Stops exactly what `up` started; safe to call twice. */
  down(options?: DownOptions): Promise<void>;
  /** Reports each part. */
  status(): Promise<EnvironmentStatus>;
  /** Bootstrap servers a host-side client uses, `host:port`. */
  bootstrapServers(): string[];
  /** Base URL of Prometheus, without a trailing slash. */
  prometheusUrl(): string;
  /** Broker ids the cluster has. */
  brokerIds(): number[];
  /** The text of the auto-balancer log (AutoMQ's `auto-balancer.log` format), or "" if none. */
  balancerLog(): Promise<string>;
  /** Recent log text of one part (a broker, prometheus, ...). */
  logs(part: string): Promise<string>;
  /**
   * Switches the auto-balancer on or off at run time (AutoMQ's
   * `autobalancer.controller.enable`); returns one line saying what was done. Set-up
   * leaves it paused so that the reader measures a clean imbalance first.
   */
  setBalancerEnabled(enabled: boolean): Promise<string>;
  /** Whether the auto-balancer is on now; undefined when the lab cannot tell. */
  balancerEnabled(): Promise<boolean | undefined>;
  /**
   * The engine the cluster runs: Apache Kafka (local) or AutoMQ (Docker; a cluster you bring
   * is recognised from its brokers' configuration). Every cost the lab reports names it.
   */
  engine(): Promise<Engine>;
  /** A broker joins the running cluster, empty; resolves with its id once it is scraped. */
  addBroker(onProgress?: (line: string) => void): Promise<number>;
  /**
   * A broker leaves: its partitions are moved to the others first, then it stops; resolves
   * with one line per step. Refuses (the cluster as it was) an unknown or the last broker.
   */
  removeBroker(id: number, onProgress?: (line: string) => void): Promise<string[]>;
}

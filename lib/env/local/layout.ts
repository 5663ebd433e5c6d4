/**
 * Where the local environment keeps things: the state directory's layout, the
 * PID and log file of every part, and the ports each part wants.
 *
 * @module
 */

import type { LocalSettings } from "../../config/config.ts";
import type { WantedPort } from "../../core/process.ts";
import type { LocalMembership } from "./membership.ts";

/** The files of one Kafka node. */
export interface NodePaths {
  /** Its directory. */
  dir: string;
  /** Its log directory (the data). */
  data: string;
  /** Its own logs. */
  logs: string;
  /** Its `server.properties`. */
  properties: string;
}

/** The state directory's layout. */
export interface LocalPaths {
  /** The state directory. */
  root: string;
  /** The PID files' directory. */
  pids: string;
  /** The file holding the KRaft cluster id. */
  clusterId: string;
  /** The files of node `id`. */
  node: (id: number) => NodePaths;
  /** Prometheus's directory. */
  prometheus: string;
  /** The agent's directory. */
  agent: string;
  /** The balancer's log. */
  balancerLog: string;
  /** The configuration the agent reads. */
  agentConfig: string;
}

/**
 * The layout of the state directory `root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localPaths } from "./layout.ts";
 * assert.deepEqual(localPaths("/tmp/lab").node(1).properties, "/tmp/lab/kafka-1/server.properties");
 * ```
 */
export function localPaths(root: string): LocalPaths {
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

/** One running part: its name, PID file and log. */
export interface PartFiles {
  /** "agent", "prometheus" or "kafka-<id>". */
  part: string;
  /** Its PID file. */
  pidFile: string;
  /** Its log. */
  logFile: string;
}

/**
 * The parts of a cluster with `brokers`, in the order they are stopped: the agent,
 * Prometheus, then the brokers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localPaths, partFiles } from "./layout.ts";
 * assert.deepEqual(partFiles(localPaths("/tmp/lab"), [0]).map((p) => p.part), ["agent", "prometheus", "kafka-0"]);
 * ```
 */
export function partFiles(paths: LocalPaths, brokers: number[]): PartFiles[] {
  return [
    { part: "agent", pidFile: `${paths.pids}/agent.pid`, logFile: `${paths.agent}/agent.log` },
    {
      part: "prometheus",
      pidFile: `${paths.pids}/prometheus.pid`,
      logFile: `${paths.prometheus}/prometheus.log`,
    },
    ...brokers.map((id) => ({
      part: `kafka-${id}`,
      pidFile: `${paths.pids}/kafka-${id}.pid`,
      logFile: `${paths.node(id).logs}/server.log`,
    })),
  ];
}

/**
 * The ports nodes `ids` want (their controller port only if they are controllers),
 * plus Prometheus's and the agent's when `shared`.
 */
export function wantedPorts(
  local: LocalSettings,
  members: LocalMembership,
  ids: number[],
  shared: boolean,
): WantedPort[] {
  return [
    ...ids.map((id) => ({
      port: local.kafkaPort + id,
      purpose: `Kafka broker ${id}`,
      setting: "LAB_KAFKA_PORT",
    })),
    ...ids.filter((id) => members.controllers.includes(id)).map((id) => ({
      port: local.controllerPort + id,
      purpose: `KRaft controller ${id}`,
      setting: "LAB_CONTROLLER_PORT",
    })),
    ...ids.map((id) => ({
      port: local.exporterPort + id,
      purpose: `JMX exporter of broker ${id}`,
      setting: "LAB_EXPORTER_PORT",
    })),
    ...(shared
      ? [
        { port: local.prometheusPort, purpose: "Prometheus", setting: "LAB_PROMETHEUS_PORT" },
        { port: local.agentPort, purpose: "the lab agent", setting: "LAB_AGENT_PORT" },
      ]
      : []),
  ];
}

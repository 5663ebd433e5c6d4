/**
 * The lab agent of the local environment, run as its own process by
 * `LocalEnvironment.up`: it serves per-partition byte counters for Prometheus and,
 * unless switched off, runs the reference balancer loop that stands in for
 * AutoMQ's controller.
 *
 * Usage: `deno run -A lib/env/local/agent.ts <config.json>`
 *
 * @module
 */

import type { LabConfig } from "../../config/config.ts";
import { parseCommandLine } from "../../core/args.ts";
import { createKafka } from "../../cluster/kafka.ts";
import { PartitionBytesCounter, type PartitionLog, readPartitionLogs } from "./partition_bytes.ts";
import { type CommittedOffset, ConsumedBytesCounter } from "./partition_bytes_out.ts";
import { initialMembership, readMembership } from "./membership.ts";
import { startBalancerLoop } from "../../balancer/loop.ts";

/** Runs the agent until SIGTERM or SIGINT. */
export async function runAgent(config: LabConfig): Promise<void> {
  const stateDir = config.local.stateDir;
  // The brokers now: a scenario may add or remove some while the agent runs.
  const members = () => readMembership(stateDir) ?? initialMembership(config.local.brokers);
  const brokers = members().brokers.map((id) => `127.0.0.1:${config.local.kafkaPort + id}`);
  const counter = new PartitionBytesCounter();
  const leaders = new Map<string, number>();
  const admin = createKafka(brokers, { clientId: "lab-agent" }).admin();
  let adminConnected = false;
  let stopping = false;

  const refreshLeaders = async () => {
    try {
      if (!adminConnected) {
        await admin.connect();
        adminConnected = true;
      }
      const topics = (await admin.listTopics()).filter((t) => t !== "__cluster_metadata");
      const metadata = await admin.fetchTopicMetadata({ topics });
      leaders.clear();
      for (const topic of metadata.topics) {
        for (const p of topic.partitions) leaders.set(`${topic.name}/${p.partitionId}`, p.leader);
      }
    } catch (error) {
      console.error(`agent: metadata refresh failed: ${(error as Error).message}`);
    }
  };

  let latestLogs: PartitionLog[] = [];
  const sample = async () => {
    const logs = (await Promise.all(
      members().brokers.map((id) => readPartitionLogs(id, `${stateDir}/kafka-${id}/data`)),
    )).flat();
    latestLogs = logs;
    counter.observe(logs, (topic, partition) => leaders.get(`${topic}/${partition}`));
  };

  // Bytes out per partition, from the lab's consumer groups' committed offsets.
  const consumed = new ConsumedBytesCounter();
  const sampleConsumed = async () => {
    if (!adminConnected) return;
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId)
      .filter((id) => id.startsWith("lab-"));
    if (groups.length === 0) return;
    const offsets: CommittedOffset[] = [];
    for (const group of groups) {
      // The lab's consumers name their groups lab-<topic>-g<N> (consumers.ts).
      const topic = /^lab-(.+)-g\d+$/.exec(group)?.[1];
      if (topic === undefined || !leaders.has(`${topic}/0`)) continue;
      for (const t of await admin.fetchOffsets({ groupId: group, topics: [topic] })) {
        for (const p of t.partitions) {
          offsets.push({ group, topic: t.topic, partition: p.partition, offset: Number(p.offset) });
        }
      }
    }
    const perRecord = new Map<string, number>();
    for (const topic of new Set(offsets.map((o) => o.topic))) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        const records = Number(o.high) - Number(o.low);
        const leader = leaders.get(`${topic}/${o.partition}`);
        const log = latestLogs.find((l) =>
          l.topic === topic && l.partition === o.partition && l.broker === leader
        );
        if (log && records > 0) perRecord.set(`${topic}/${o.partition}`, log.bytes / records);
      }
    }
    consumed.observe(
      offsets,
      (topic, partition) => perRecord.get(`${topic}/${partition}`),
      (topic, partition) => leaders.get(`${topic}/${partition}`),
    );
  };

  await refreshLeaders();
  await sample();
  // A failed sample (a broker restarting, a segment rolling) is taken again 500 ms later.
  const sampler = setInterval(() => sample().catch(() => {}), 500);
  const leaderRefresher = setInterval(() => refreshLeaders(), 2000);
  let consumedBusy = false;
  const consumedSampler = setInterval(() => {
    if (consumedBusy) return;
    consumedBusy = true;
    sampleConsumed().catch((error) =>
      console.error(`agent: reading consumer offsets failed: ${(error as Error).message}`)
    ).finally(() => consumedBusy = false);
  }, 1000);

  // The balancer starts paused: the lab turns it on when the reader says go.
  const balancer = config.balancer.enabled
    ? startBalancerLoop({
      paused: true,
      bootstrapServers: brokers,
      prometheusUrl: `http://127.0.0.1:${config.local.prometheusPort}`,
      // Unset: each detection takes the brokers alive in Kafka's metadata.
      settings: config.balancer,
      windowSeconds: config.rateWindowSeconds,
      scrapeIntervalSeconds: config.scrapeIntervalSeconds,
      logFile: `${stateDir}/agent/auto-balancer.log`,
    })
    : undefined;

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: config.local.agentPort, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/metrics") {
        return new Response(counter.exposition() + consumed.samples(), {
          headers: { "content-type": "text/plain; version=0.0.4" },
        });
      }
      if (path === "/healthz") return new Response("ok\n");
      if (path === "/balancer") return balancerSwitch(request);
      return new Response("not found\n", { status: 404 });
    },
  );

  /** `GET /balancer` says `on`, `paused` or `off`; `POST /balancer?enabled=true|false` switches. */
  async function balancerSwitch(request: Request): Promise<Response> {
    if (request.method === "POST") {
      const wanted = new URL(request.url).searchParams.get("enabled");
      if (wanted !== "true" && wanted !== "false") {
        return new Response("enabled must be true or false\n", { status: 400 });
      }
      if (!balancer) {
        return new Response("the balancer is off (LAB_BALANCER=off)\n", { status: 409 });
      }
      balancer.setEnabled(wanted === "true");
      await request.body?.cancel();
    }
    return new Response(`${!balancer ? "off" : balancer.enabled ? "on" : "paused"}\n`);
  }

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    clearInterval(leaderRefresher);
    clearInterval(consumedSampler);
    await balancer?.stop();
    await server.shutdown();
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    if (adminConnected) await admin.disconnect().catch(() => {});
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  await server.finished;
}

if (import.meta.main) {
  const usage = "usage: deno run -A lib/env/local/agent.ts <config.json>";
  const { positionals } = parseCommandLine({ args: Deno.args, allowPositionals: true }, usage);
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(usage);
    Deno.exit(2);
  }
  await runAgent(JSON.parse(await Deno.readTextFile(file)) as LabConfig);
}

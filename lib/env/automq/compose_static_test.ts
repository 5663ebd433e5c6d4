// Static checks of the AutoMQ environment's files (compose/automq/): what can be
// verified without its images. The Compose CLI resolves the file (no engine needed),
// promtool checks the Prometheus config and every dashboard query, and the override
// keys and metric names are compared with the lists taken from AutoMQ's source, of
// which the repository carries a copy (testing/automq_lists.ts; a missing copy fails).

import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { walkFiles } from "../../core/files.ts";
import {
  AUTOMQ_BROKERS,
  AUTOMQ_GRAFANA_URL,
  AUTOMQ_PROMETHEUS_URL,
  AutomqEnvironment,
  BALANCER_LOG_PATH,
  defaultComposeFile,
} from "./automq.ts";
import { memoryBudget } from "./compose_memory.ts";
import { loadConfig } from "../../config/config.ts";
import type { ComposeModel, ComposeService } from "./compose_cli.ts";
import { ComposeProject } from "./compose_project.ts";
import { readAutomqList } from "../../../testing/automq_lists.ts";

const ROOT = new URL("../../../", import.meta.url);
const DIR = new URL("compose/automq/", ROOT);
const NOWHERE = "unix:///nonexistent/docker.sock";

let cached: ComposeModel | undefined;
async function model(): Promise<ComposeModel> {
  cached ??= await new ComposeProject({
    composeFile: defaultComposeFile(),
    projectName: "automq-lab",
    dockerHost: NOWHERE,
  }).model();
  return cached;
}

function nodes(m: ComposeModel): ComposeService[] {
  return AUTOMQ_BROKERS.map((b) => {
    const s = m.services.find((s) => s.name === b.service);
    assert.ok(s, `service ${b.service} missing`);
    return s;
  });
}

/** The `--override key=value` pairs of a node's command, in order. */
function overrides(service: ComposeService): Map<string, string> {
  const cmd = service.command;
  assert.equal(cmd[0], "/opt/automq/kafka/bin/kafka-server-start.sh", service.name);
  assert.equal(cmd[1], "/opt/automq/kafka/config/kraft/server.properties", service.name);
  const result = new Map<string, string>();
  for (let i = 2; i < cmd.length; i += 2) {
    assert.equal(cmd[i], "--override", `${service.name}: argument ${i} should be --override`);
    const pair = cmd[i + 1];
    const at = pair.indexOf("=");
    assert.ok(at > 0, `${service.name}: "${pair}" is not key=value`);
    const key = pair.slice(0, at);
    assert.ok(!result.has(key), `${service.name}: ${key} is set twice`);
    result.set(key, pair.slice(at + 1));
  }
  return result;
}

async function promtool(args: string[]): Promise<string> {
  let out;
  try {
    out = await new Deno.Command("promtool", { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("promtool is not installed; install it with `apt-get install prometheus`.");
    }
    throw error;
  }
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `promtool ${args.join(" ")} failed:\n${text}`);
  return text;
}

Deno.test("the Compose CLI resolves compose/automq/docker-compose.yml", async () => {
  const m = await model();
  assert.deepEqual(m.services.map((s) => s.name).toSorted(), [
    "grafana",
    "mc",
    "minio",
    "prometheus",
    "renderer",
    "server1",
    "server2",
    "server3",
    "server4",
  ]);
  assert.deepEqual(m.services.find((s) => s.name === "server4")!.profiles, ["scale"]);
  for (const s of m.services.filter((s) => s.name !== "server4")) {
    assert.deepEqual(s.profiles, [], `${s.name} should start with the project`);
  }
  assert.equal(m.services.find((s) => s.name === "mc")!.labels["lab.oneshot"], "true");
  for (const s of m.services.filter((s) => s.name !== "mc" && s.name !== "renderer")) {
    assert.ok(s.healthcheck, `${s.name} should have a healthcheck`);
  }
});

Deno.test("every image is pinned once, in compose/automq/.env", async () => {
  const env = await Deno.readTextFile(new URL(".env", DIR));
  const pinned = new Map(
    env.split("\n").map((l) => /^(\w+_IMAGE)=(\S+)$/.exec(l.trim())).filter((m) => m !== null)
      .map((m) => [m![1], m![2]]),
  );
  assert.equal(pinned.get("AUTOMQ_IMAGE"), "automqinc/automq:1.7.3");
  // The compose file names images only through those variables.
  const raw = await Deno.readTextFile(new URL("docker-compose.yml", DIR));
  const imageLines = raw.split("\n").filter((l) => /^\s*image:/.test(l));
  for (const line of imageLines) {
    assert.match(line, /image: \$\{\w+_IMAGE(:\?[^}]*)?\}$/, `not from .env: ${line.trim()}`);
  }
  // No other configuration file under compose/automq names an AutoMQ image.
  for await (const { path: file } of walkFiles(DIR.pathname)) {
    if (file.endsWith("/.env") || file.endsWith(".md")) continue;
    assert.ok(
      !(await Deno.readTextFile(file)).includes("automqinc/automq:"),
      `${file} names the AutoMQ image; pin it in .env only`,
    );
  }
  const m = await model();
  for (const s of m.services) {
    assert.ok([...pinned.values()].includes(s.image), `${s.name}: ${s.image} not from .env`);
    assert.match(s.image, /:[\w.-]+$/, `${s.name}: ${s.image} has no tag`);
    assert.doesNotMatch(s.image, /:latest$/, `${s.name} uses :latest`);
  }
  for (const n of nodes(m)) assert.equal(n.image, pinned.get("AUTOMQ_IMAGE"));
});

Deno.test("every published port is bound to 127.0.0.1", async () => {
  const m = await model();
  const ports = m.services.flatMap((s) => s.ports.map((p) => ({ service: s.name, ...p })));
  assert.ok(ports.length >= 6);
  for (const p of ports) {
    assert.equal(p.hostIp, "127.0.0.1", `${p.service} publishes ${p.published} on ${p.hostIp}`);
  }
  const published = ports.map((p) => p.published).toSorted();
  assert.deepEqual(published, [3000, 9001, 9090, 9092, 9093, 9094, 9095]);
  assert.equal(AUTOMQ_PROMETHEUS_URL, "http://127.0.0.1:9090");
  assert.equal(AUTOMQ_GRAFANA_URL, "http://127.0.0.1:3000");
});

Deno.test("balancer settings are --override arguments, identical on every node", async () => {
  const m = await model();
  for (const s of m.services) {
    for (const name of Object.keys(s.environment)) {
      assert.doesNotMatch(name, /BALANCER/i, `${s.name} sets ${name}, which the image ignores`);
    }
  }
  const expected: Record<string, string> = {
    // Paused at set-up; the walkthrough turns it on at run time (notebook 04).
    "autobalancer.controller.enable": "false",
    // The balancer's own client uses the internal listener (LoadRetriever would
    // otherwise take any non-controller endpoint, possibly the host-only one).
    "autobalancer.client.listener.name": "PLAINTEXT",
    "autobalancer.controller.goals": "kafka.autobalancer.goals.NetworkInUsageDistributionGoal," +
      "kafka.autobalancer.goals.NetworkOutUsageDistributionGoal",
    "autobalancer.controller.anomaly.detect.interval.ms": "30000",
    "autobalancer.controller.network.in.usage.distribution.detect.threshold": "1048576",
    "autobalancer.controller.network.out.usage.distribution.detect.threshold": "1048576",
    "autobalancer.controller.network.in.distribution.detect.avg.deviation": "0.1",
    "autobalancer.controller.network.out.distribution.detect.avg.deviation": "0.1",
    "autobalancer.controller.network.in.trivial.change.ratio": "0.05",
    "autobalancer.controller.network.out.trivial.change.ratio": "0.05",
    "autobalancer.controller.execution.concurrency": "50",
    "autobalancer.controller.execution.interval.ms": "5000",
    "autobalancer.controller.metrics.delay.ms": "60000",
    "metric.reporters": "kafka.autobalancer.metricsreporter.AutoBalancerMetricsReporter",
  };
  const all = nodes(m).map(overrides);
  for (const [i, o] of all.entries()) {
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(o.get(key), value, `server${i + 1}: ${key}`);
    }
    const balancer = [...o].filter(([k]) => k.startsWith("autobalancer."));
    const first = [...all[0]].filter(([k]) => k.startsWith("autobalancer."));
    assert.deepEqual(balancer, first, `server${i + 1} differs from server1`);
  }
});

Deno.test("every --override key is one AutoMQ defines", async () => {
  const known = await readAutomqList("automq-1.6-config-keys.txt");
  const m = await model();
  for (const n of nodes(m)) {
    for (const key of overrides(n).keys()) {
      assert.match(key, /^[a-z][a-z0-9._-]*$/, `${n.name}: odd key ${key}`);
      assert.ok(known.has(key), `${n.name}: ${key} is not an AutoMQ configuration key`);
    }
  }
});

Deno.test("nodes: ids, quorum, listeners and host ports agree", async () => {
  const m = await model();
  for (const [i, n] of nodes(m).entries()) {
    const o = overrides(n);
    const broker = AUTOMQ_BROKERS[i];
    assert.equal(o.get("node.id"), String(broker.id));
    assert.equal(n.labels["lab.broker.id"], String(broker.id));
    assert.equal(
      o.get("process.roles"),
      broker.controller === false ? "broker" : "broker,controller",
      n.name,
    );
    assert.deepEqual(n.profiles, broker.profile ? [broker.profile] : [], n.name);
    assert.match(o.get("cluster.id")!, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(o.get("controller.quorum.voters"), "0@server1:9093,1@server2:9093,2@server3:9093");
    assert.equal(
      o.get("controller.quorum.bootstrap.servers"),
      "server1:9093,server2:9093,server3:9093",
    );
    const listenerList = o.get("listeners")!.split(",").map((l) =>
      /^(\w+):\/\/:(\d+)$/.exec(l)!.slice(1)
    );
    const listeners = Object.fromEntries(listenerList);
    assert.deepEqual(
      listenerList.map(([name]) => name),
      broker.controller === false
        ? ["PLAINTEXT", "EXTERNAL"]
        : ["PLAINTEXT", "CONTROLLER", "EXTERNAL"],
      `${n.name}: PLAINTEXT must come first (the metrics reporter takes the first ` +
        "non-controller listener)",
    );
    const advertised = Object.fromEntries(
      o.get("advertised.listeners")!.split(",").map((l) => /^(\w+):\/\/(.+)$/.exec(l)!.slice(1)),
    );
    assert.equal(advertised.PLAINTEXT, `${broker.service}:${listeners.PLAINTEXT}`);
    assert.equal(advertised.EXTERNAL, `127.0.0.1:${broker.hostPort}`);
    for (const address of Object.values(advertised) as string[]) {
      assert.doesNotMatch(address, /localhost|::1/, `${n.name} advertises ${address}`);
    }
    assert.deepEqual(n.ports, [{
      hostIp: "127.0.0.1",
      published: broker.hostPort,
      target: Number(listeners.EXTERNAL),
      protocol: "tcp",
    }]);
    assert.equal(o.get("autobalancer.client.listener.name"), "PLAINTEXT", n.name);
    assert.ok(
      listeners[o.get("autobalancer.client.listener.name")!],
      `${n.name}: the balancer's client listener must be one of its listeners`,
    );
    assert.match(o.get("listener.security.protocol.map")!, /EXTERNAL:PLAINTEXT/);
    assert.equal(o.get("inter.broker.listener.name"), "PLAINTEXT");
    assert.equal(o.get("controller.listener.names"), "CONTROLLER");
    for (const key of ["s3.data.buckets", "s3.ops.buckets", "s3.wal.path"]) {
      assert.match(
        o.get(key)!,
        /^\d@s3:\/\/automq-(data|ops)\?region=us-east-1&endpoint=http:\/\/minio:9000&pathStyle=true$/,
      );
    }
    assert.ok(n.environment.KAFKA_S3_ACCESS_KEY && n.environment.KAFKA_S3_SECRET_KEY);
    assert.match(n.environment.KAFKA_HEAP_OPTS, /-Xmx\d+[mg]/);
  }
  // The environment bootstraps through the same addresses the nodes advertise.
  const env = new AutomqEnvironment({ dockerHost: NOWHERE });
  assert.deepEqual(
    env.bootstrapServers(),
    AUTOMQ_BROKERS.filter((b) => !b.profile).map((b) => `127.0.0.1:${b.hostPort}`),
  );
});

Deno.test("Prometheus scrapes every node's exporter with a broker label", async () => {
  await promtool(["check", "config", new URL("prometheus.yml", DIR).pathname]);
  const config = parseYaml(await Deno.readTextFile(new URL("prometheus.yml", DIR))) as {
    scrape_configs: Array<{
      job_name: string;
      honor_labels?: boolean;
      static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
    }>;
  };
  const job = config.scrape_configs.find((j) => j.job_name === "automq");
  assert.ok(job, "no automq scrape job");
  assert.equal(job.honor_labels, true, "the exporter's own job/instance labels must be kept");
  const m = await model();
  const targets = job.static_configs.flatMap((c) => c.targets.map((t) => [t, c.labels?.broker]));
  const expected = nodes(m).map((n, i) => {
    const uri = overrides(n).get("s3.telemetry.metrics.exporter.uri")!;
    const match = /^prometheus:\/\/\?host=0\.0\.0\.0&port=(\d+)$/.exec(uri);
    assert.ok(match, `${n.name}: exporter uri ${uri} must listen on 0.0.0.0`);
    return [`${n.name}:${match[1]}`, String(AUTOMQ_BROKERS[i].id)];
  });
  assert.deepEqual(targets, expected);
});

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: { uid: string };
  targets: Array<{ expr: string; refId: string; datasource: { uid: string } }>;
}

async function dashboard(): Promise<{ uid: string; panels: Panel[] }> {
  return JSON.parse(
    await Deno.readTextFile(new URL("grafana/dashboards/auto-balancing.json", DIR)),
  );
}

Deno.test("Grafana is provisioned with the Prometheus datasource and the dashboard", async () => {
  const prov = (file: string) =>
    Deno.readTextFile(new URL(`grafana/provisioning/${file}`, DIR)).then((t) =>
      parseYaml(t) as Record<string, Array<Record<string, unknown>>>
    );
  const ds = (await prov("datasources/prometheus.yml")).datasources[0];
  assert.equal(ds.type, "prometheus");
  assert.equal(ds.url, "http://prometheus:9090");
  const provider = (await prov("dashboards/lab.yml")).providers[0] as {
    options: { path: string };
  };
  const m = await model();
  const grafana = m.services.find((s) => s.name === "grafana")!;
  assert.equal(grafana.environment.GF_SECURITY_ADMIN_USER, "admin");
  assert.equal(grafana.environment.GF_SECURITY_ADMIN_PASSWORD, "admin");
  assert.equal(grafana.environment.GF_AUTH_ANONYMOUS_ENABLED, "true");
  assert.equal(grafana.environment.GF_AUTH_ANONYMOUS_ORG_ROLE, "Viewer");
  assert.equal(grafana.environment.GF_RENDERING_SERVER_URL, "http://renderer:8081/render");
  assert.equal(grafana.environment.GF_RENDERING_CALLBACK_URL, "http://grafana:3000/");
  const raw = await Deno.readTextFile(new URL("docker-compose.yml", DIR));
  assert.ok(raw.includes(`./grafana/dashboards:${provider.options.path}:ro`));
  assert.ok(raw.includes("./grafana/provisioning:/etc/grafana/provisioning:ro"));
  const dash = await dashboard();
  assert.equal(dash.uid, "auto-balancing");
  for (const p of dash.panels) {
    assert.equal(p.datasource.uid, ds.uid, `panel ${p.title}`);
    for (const t of p.targets) assert.equal(t.datasource.uid, ds.uid, `panel ${p.title}`);
  }
});

Deno.test("dashboard panels cover the lab's views with valid PromQL on exported metrics", async () => {
  const dash = await dashboard();
  const ids = dash.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, "panel ids must be unique");
  const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr));
  const has = (pattern: RegExp) => exprs.some((e) => pattern.test(e.replace(/\s+/g, " ")));
  const perBrokerRate = (dir: string) =>
    new RegExp(
      `^sum by \\(broker\\) \\(rate\\(kafka_broker_network_io_bytes_total\\{direction="${dir}"\\}\\[1m\\]\\)\\)$`,
    );
  assert.ok(has(perBrokerRate("in")), "bytes in per broker");
  assert.ok(has(perBrokerRate("out")), "bytes out per broker");
  assert.ok(has(/^sum by \(broker\) \(kafka_partition_count\)$/), "partitions per broker");
  assert.ok(has(/kafka_request_time_99p_milliseconds\{type="Produce"\}/), "Produce p99");
  assert.ok(has(/^sum by \(broker\) \(kafka_reassign_partition_count\)$/), "partitions moving");
  assert.ok(
    has(/^stddev\(sum by \(broker\) \(rate\(kafka_broker_network_io_bytes_total\{direction="in"\}/),
    "spread of bytes in",
  );
  for (const p of dash.panels) assert.ok(p.targets.length > 0, `panel ${p.title} has no query`);

  const exported = await readAutomqList("automq-1.6-metric-names.txt");
  for (const expr of exprs) {
    const names = expr.match(/\bkafka_[a-z0-9_]+\b/g) ?? [];
    assert.ok(names.length > 0, `${expr} uses no kafka_* metric`);
    for (const name of names) assert.ok(exported.has(name), `${name} is not exported by AutoMQ`);
  }

  // promtool parses every query (as recording rules of a throwaway rules file).
  const dir = await Deno.makeTempDir();
  try {
    const rules = {
      groups: [{
        name: "dashboard",
        rules: exprs.map((expr, i) => ({ record: `lab:dashboard_query_${i}`, expr })),
      }],
    };
    await Deno.writeTextFile(`${dir}/rules.yml`, JSON.stringify(rules));
    const out = await promtool(["check", "rules", `${dir}/rules.yml`]);
    assert.match(out, new RegExp(`SUCCESS: ${exprs.length} rules found`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// The queries about partitions: per-partition series must select the lab topic; the
// per-broker counts that have no topic label are kept only as labelled "all topics".
const PER_PARTITION =
  /\bkafka_(log_size|log_end_offset|network_io_bytes_total|message_count_total)\b/;
const PER_BROKER_PARTITIONS = /\bkafka_(partition_count|reassign_partition_count)\b/;

Deno.test("dashboard: every query on partitions selects the lab topic", async () => {
  const dash = await dashboard() as Awaited<ReturnType<typeof dashboard>> & {
    templating: { list: Array<{ name: string; current: { value: string }; regex?: string }> };
  };
  const topicVar = dash.templating.list.find((v) => v.name === "topic");
  assert.ok(topicVar, "the dashboard needs a `topic` variable");
  assert.equal(topicVar.current.value, loadConfig({}).topic, "default topic = the lab's default");
  const exprs = dash.panels.flatMap((p) =>
    p.targets.map((t) => ({ panel: p.title, ...t } as typeof t & { legendFormat?: string }))
  );
  const partitionPanels = dash.panels.filter((p) => /partition/i.test(p.title));
  assert.ok(partitionPanels.length >= 2);
  for (const t of exprs) {
    if (PER_PARTITION.test(t.expr)) {
      assert.match(t.expr, /topic="\$topic"/, `query ${t.expr} must select topic="$topic"`);
    }
    if (PER_BROKER_PARTITIONS.test(t.expr)) {
      assert.match(
        t.legendFormat ?? "",
        /\(all topics\)/,
        `${t.expr} counts every topic; its legend must say "(all topics)"`,
      );
    }
  }
  const perBroker = dash.panels.find((p) => /^Partitions per broker/.test(p.title));
  assert.ok(perBroker, "a partitions-per-broker panel");
  assert.equal(
    perBroker.targets[0].expr,
    'count by (broker) (kafka_log_size{topic="$topic"})',
    "its first series counts the lab topic's partitions per broker",
  );
});

Deno.test("memory: the pre-check needs what the compose file reserves, and the README says it", async () => {
  const m = await model();
  const unit = (v: string) => {
    const x = /^(\d+)([kmg])$/i.exec(v)!;
    return Number(x[1]) *
      1024 ** ({ k: 1, m: 2, g: 3 } as Record<string, number>)[x[2].toLowerCase()];
  };
  let sum = 0;
  for (const s of m.services.filter((s) => s.profiles.length === 0)) {
    const opts = s.environment.KAFKA_HEAP_OPTS;
    if (opts) {
      sum += unit(/-Xmx(\S+)/.exec(opts)![1]) +
        unit(/-XX:MaxDirectMemorySize=(\S+)/.exec(opts)![1]);
    } else {
      assert.ok(s.memLimitBytes, `${s.name} has no mem_limit: its memory would not be counted`);
      sum += s.memLimitBytes;
    }
  }
  const budget = memoryBudget(m);
  assert.equal(budget.totalBytes, sum);
  assert.equal(budget.parts.length, m.services.filter((s) => s.profiles.length === 0).length);
  const env = new AutomqEnvironment({ dockerHost: NOWHERE });
  assert.equal((await env.requiredMemory()).bytes, sum, "the pre-check's figure");
  const GIB = 1024 ** 3;
  assert.ok(sum <= 6 * GIB, `${sum / GIB} GiB: too much for a laptop with 8 GB`);
  const withFourth = memoryBudget(m, ["scale"]).totalBytes;
  assert.ok(
    withFourth > sum && withFourth < 8 * GIB,
    `${withFourth / GIB} GiB with the fourth node`,
  );
  const figure = `${(sum / GIB).toFixed(1)} GiB`;
  const overview = new URL("lib/notebooks/walkthrough/00-overview.md", ROOT);
  for (const file of [new URL("README-section.md", DIR), new URL("README.md", ROOT), overview]) {
    assert.ok(
      (await Deno.readTextFile(file)).includes(figure),
      `${file.pathname} must say ${figure}`,
    );
  }
});

Deno.test("logging: kafka.autobalancer at DEBUG into auto-balancer.log, through KAFKA_LOG4J_OPTS", async () => {
  const props = new Map(
    (await Deno.readTextFile(new URL("log4j.properties", DIR))).split("\n")
      .map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const [level, appender] = props.get("log4j.logger.kafka.autobalancer")!.split(/\s*,\s*/);
  assert.equal(level, "DEBUG", "the per-partition `Replica status` lines are DEBUG");
  assert.equal(props.get("log4j.additivity.kafka.autobalancer"), "false");
  // Only the balancer's lines at DEBUG: the metrics reporter's (its own class loggers under
  // kafka.autobalancer.metricsreporter) at INFO, in the same file (no appender of its own).
  assert.equal(props.get("log4j.logger.kafka.autobalancer.metricsreporter"), "INFO");
  assert.equal(props.get(`log4j.appender.${appender}.File`), "${kafka.logs.dir}/auto-balancer.log");
  assert.equal(
    props.get(`log4j.appender.${appender}.layout.ConversionPattern`),
    "[%d] %p %m (%c)%n",
    "the layout the lab's parser reads",
  );
  assert.match(BALANCER_LOG_PATH, /^\/opt\/automq\/kafka\/logs\/auto-balancer\.log$/);
  const m = await model();
  for (const n of nodes(m)) {
    const opts = /^-Dlog4j\.configuration=file:(\S+)$/.exec(n.environment.KAFKA_LOG4J_OPTS ?? "");
    assert.ok(opts, `${n.name} must point KAFKA_LOG4J_OPTS at the lab's log4j file`);
    const mount = n.volumes.find((v) => v.split(":")[1] === opts[1]);
    assert.ok(mount, `${n.name} must mount ${opts[1]}`);
    assert.match(mount, /\/compose\/automq\/log4j\.properties:[^:]+:ro$/);
  }
});

Deno.test("the balancer starts paused on every controller node", async () => {
  const m = await model();
  for (const [i, n] of nodes(m).entries()) {
    if (AUTOMQ_BROKERS[i].controller === false) continue;
    assert.equal(overrides(n).get("autobalancer.controller.enable"), "false", n.name);
  }
});

Deno.test("MinIO: `mc ready` healthcheck, and no text says the image lacks curl", async () => {
  const raw = await Deno.readTextFile(new URL("docker-compose.yml", DIR));
  const doc = parseYaml(raw) as { services: Record<string, { healthcheck?: { test: string[] } }> };
  assert.deepEqual(doc.services.minio.healthcheck?.test, ["CMD", "mc", "ready", "local"]);
  for (const file of [new URL("README-section.md", DIR), new URL("docker-compose.yml", DIR)]) {
    const text = await Deno.readTextFile(file);
    assert.doesNotMatch(text, /(has|ships|with)\s+no\s+curl|no\s+curl\s+in/i, file.pathname);
  }
});

// One scrape interval: the AutoMQ environment's Prometheus scrapes at the pace the lab's
// waits and windows assume (LAB_SCRAPE_INTERVAL_S's default). Captured on real AutoMQ: the
// compose file scraped every 5 s while the lab assumed 2 s.

import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../config/config.ts";

const FILE = new URL("../../../compose/automq/prometheus.yml", import.meta.url);
const GRAFANA = new URL(
  "../../../compose/automq/grafana/provisioning/datasources/prometheus.yml",
  import.meta.url,
);

/** Seconds of a Prometheus duration like `2s`, `500ms` or `1m`. */
function seconds(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration);
  assert.ok(m, `"${duration}" is not a duration this test reads`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[m[2]];
}

Deno.test("the compose Prometheus scrapes every LAB_SCRAPE_INTERVAL_S (default), every job", async () => {
  const config = parseYaml(await Deno.readTextFile(FILE)) as {
    global: { scrape_interval: string; scrape_timeout?: string };
    scrape_configs: Array<{ job_name: string; scrape_interval?: string }>;
  };
  const lab = loadConfig({}).scrapeIntervalSeconds;
  assert.equal(
    seconds(config.global.scrape_interval),
    lab,
    "compose/automq/prometheus.yml and LAB_SCRAPE_INTERVAL_S (lib/config/settings.ts) differ",
  );
  assert.ok(seconds(config.global.scrape_timeout ?? "10s") <= lab, "timeout above the interval");
  for (const job of config.scrape_configs.filter((j) => j.scrape_interval !== undefined)) {
    assert.equal(seconds(job.scrape_interval!), lab, `job ${job.job_name} has its own interval`);
  }
  // Grafana's $__rate_interval is built from the datasource's scrape interval: the same one.
  const grafana = parseYaml(await Deno.readTextFile(GRAFANA)) as {
    datasources: Array<{ jsonData?: { timeInterval?: string } }>;
  };
  assert.equal(seconds(grafana.datasources[0].jsonData?.timeInterval ?? "15s"), lab);
});

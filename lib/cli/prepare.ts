/**
 * `deno task prepare`: installs what the lab's tests and demo need on a fresh
 * machine: Debian packages (Java, Maven, Prometheus, the Docker engine and
 * Compose CLI, busybox, Chromium, fonts, Python's venv) when missing, and
 * Kafka's jars with the JMX exporter from Maven Central into the cache. The
 * notebook runner installs Jupyter into its own venv the first time it runs.
 *
 * @module
 */

import { loadConfig } from "../config/config.ts";
import { ensureKafkaDistribution } from "../env/local/kafka_dist.ts";
import { ensurePrerequisites, TEST_PREREQUISITES } from "../env/prereqs.ts";
import { runTask } from "../core/task.ts";

/** Installs everything; returns the exit code (errors said in one line, bad settings 2). */
export async function prepare(): Promise<number> {
  return await runTask(async () => {
    const config = loadConfig();
    const log = (line: string) => console.log(line);
    await ensurePrerequisites(TEST_PREREQUISITES, { autoInstall: config.autoInstall, log });
    const dist = await ensureKafkaDistribution(config.local, log);
    console.log(`Kafka jars: ${dist.libsDir} (${dist.source}); JMX exporter: ${dist.jmxAgentJar}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await prepare());

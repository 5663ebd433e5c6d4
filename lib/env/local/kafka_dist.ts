/**
 * The local environment's Java parts: Apache Kafka's jars and the Prometheus JMX
 * exporter agent, fetched from Maven Central with `mvn` into a cache outside the
 * repository (or taken from `KAFKA_HOME`).
 *
 * @module
 */

import { fileURLToPath as fromFileUrl } from "node:url";
import type { LocalSettings } from "../../config/config.ts";
import { pathExists } from "../../core/process.ts";
import { type CommandResult, runCommand } from "../../core/command.ts";

/** The Kafka version the local environment runs (AutoMQ 1.6/1.7 build on 3.9). */
export const KAFKA_VERSION = "3.9.1";
/** The JMX exporter agent's version. */
export const JMX_EXPORTER_VERSION = "1.0.1";

/** Where the local environment's files (pom, exporter rules, log4j) live. */
export const LOCAL_FILES_DIR = fromFileUrl(new URL("../../../compose/local/", import.meta.url));

/** Jars ready to start Kafka with. */
export interface KafkaDistribution {
  /** A directory of jars (`<dir>/*` is the classpath). */
  libsDir: string;
  /** The JMX exporter java agent jar. */
  jmxAgentJar: string;
  /** Where the jars came from. */
  source: "maven-cache" | "kafka-home";
}

/** A failure to find or fetch the jars, with what to do. */
export class KafkaDistributionError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "KafkaDistributionError";
  }
}

async function findJar(dir: string, prefix: string): Promise<string | undefined> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.startsWith(prefix) && entry.name.endsWith(".jar")) {
        return `${dir}/${entry.name}`;
      }
    }
  } catch {
    // a missing directory has no jar
  }
  return undefined;
}

/**
 * Returns Kafka's jars and the JMX agent, fetching them once with Maven into
 * `<cacheDir>/kafka-<version>/libs`. With `KAFKA_HOME` set, Kafka's jars come
 * from `$KAFKA_HOME/libs` and only the agent is fetched.
 */
export async function ensureKafkaDistribution(
  settings: Pick<LocalSettings, "cacheDir" | "kafkaHome">,
  onProgress: (line: string) => void = () => {},
): Promise<KafkaDistribution> {
  const cached = `${settings.cacheDir}/kafka-${KAFKA_VERSION}/libs`;
  const marker = `${cached}/.complete`;
  if (!(await pathExists(marker))) {
    onProgress(`Fetching Kafka ${KAFKA_VERSION} and the JMX exporter from Maven Central...`);
    await Deno.mkdir(cached, { recursive: true });
    let output: CommandResult;
    try {
      output = await runCommand([
        "mvn",
        "-q",
        "-B",
        "-f",
        `${LOCAL_FILES_DIR}pom.xml`,
        "dependency:copy-dependencies",
        `-DoutputDirectory=${cached}`,
      ]);
    } catch (error) {
      throw new KafkaDistributionError(
        `Could not run mvn (${(error as Error).message}). Install Maven (apt-get install maven) ` +
          `or set KAFKA_HOME to an Apache Kafka ${KAFKA_VERSION} installation.`,
      );
    }
    if (!output.success) {
      const text = output.stdout + output.stderr;
      throw new KafkaDistributionError(
        `mvn could not fetch Kafka's jars from Maven Central:\n${text.slice(-1500)}\n` +
          `Check the network to Maven Central, or set KAFKA_HOME.`,
      );
    }
    await Deno.writeTextFile(marker, new Date().toISOString());
  }
  const jmxAgentJar = await findJar(cached, "jmx_prometheus_javaagent");
  if (!jmxAgentJar) {
    throw new KafkaDistributionError(
      `The JMX exporter jar is missing from ${cached}; delete that directory and run again.`,
    );
  }
  if (settings.kafkaHome) {
    const libsDir = `${settings.kafkaHome}/libs`;
    if (!(await findJar(libsDir, "kafka_2."))) {
      throw new KafkaDistributionError(
        `KAFKA_HOME=${settings.kafkaHome} has no libs/kafka_2.*.jar; point it at an Apache Kafka ` +
          `installation or unset it to use jars from Maven Central.`,
      );
    }
    return { libsDir, jmxAgentJar, source: "kafka-home" };
  }
  return { libsDir: cached, jmxAgentJar, source: "maven-cache" };
}

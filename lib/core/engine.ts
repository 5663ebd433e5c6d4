/**
 * The engine a cluster runs, which decides what moving a partition costs: Apache Kafka
 * copies the partition's log to the new broker; AutoMQ changes only who owns the
 * partition (its data stays in S3), so nothing is copied but the partition has no
 * leader for a moment. Every figure of cost names the engine it was measured on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineName } from "./engine.ts";
 * assert.equal(engineName("automq"), "AutoMQ");
 * assert.equal(engineName("kafka"), "Apache Kafka");
 * ```
 *
 * @module
 */

/** `kafka`: Apache Kafka (the local environment); `automq`: AutoMQ (Docker, or recognised). */
export type Engine = "kafka" | "automq";

/** The engine's name as people read it. */
export function engineName(engine: Engine): string {
  return engine === "automq" ? "AutoMQ" : "Apache Kafka";
}

/**
 * kafkajs's own errors, built by kafkajs itself, for tests of how the lab classifies them: the
 * error a broker's error code becomes, and the classes its clients throw.
 *
 * @module
 */

import { createRequire } from "node:module";
import type { KafkaJSProtocolError } from "kafkajs";

const require = createRequire(import.meta.url);
const SRC = require.resolve("kafkajs").replace(/index\.js$/, "src/");

/** A kafkajs error class (they take the cause, or a message, and options). */
export type ErrorClass = new (e: unknown, options?: unknown) => Error;

/** A module of kafkajs's source, by its path under `src/` (e.g. `protocol/error.js`). */
// deno-lint-ignore no-explicit-any
export function kafkajsSource(path: string): any {
  return require(`${SRC}${path}`);
}

/** kafkajs's own error for a broker's error code, exactly as it builds it from an answer. */
export function errorFromCode(code: number): KafkaJSProtocolError {
  return kafkajsSource("protocol/error.js").createErrorFromCode(code);
}

/** kafkajs's own error classes (the module its clients throw from). */
export const KAFKAJS_ERRORS: Record<string, ErrorClass> = kafkajsSource("errors.js");

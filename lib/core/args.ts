/**
 * Command-line arguments, read with Node's built-in `parseArgs` (strict: unknown
 * options and missing values are errors), with the errors said plainly.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Parses `config.args` as `parseArgs` from "node:util" does, strictly. A bad command
 * line throws an `Error` naming the option ("unknown option --x", "--x needs a
 * value"), followed by `hint` (e.g. the usage line).
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./args.ts";
 * const { values, positionals } = parseCommandLine({
 *   args: ["a.ipynb", "--timeout", "90"],
 *   options: { timeout: { type: "string" } },
 *   allowPositionals: true,
 * }, "see --help");
 * console.log(values.timeout, positionals); // 90 [ "a.ipynb" ]
 * ```
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
  hint: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const name = message.match(/'(-[^' ]+)/)?.[1] ?? message;
    const what = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? `unknown option ${name}`
      : code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
      ? `${name} needs a value`
      : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
      ? `unexpected argument ${message.match(/'([^']+)'/)?.[1] ?? ""}`
      : message;
    throw new Error(`${what} (${hint})`);
  }
}

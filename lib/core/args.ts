/**
 * Command-line arguments, read with Node's built-in `parseArgs` (strict: unknown
 * options and missing values are errors), with the errors said plainly; and the error
 * every task reports as bad input ({@linkcode BadInputError}).
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Input the user gave that cannot be used (a setting, an argument): the message names it,
 * says what was wrong and what to do. Tasks print it as one line and exit with
 * `EXIT.badInput` (see `task.ts`), before starting anything.
 *
 * @example
 * ```ts
 * import { BadInputError } from "./args.ts";
 * const error = new BadInputError("--rounds needs a whole number ≥ 1, not 0.");
 * if (!(error instanceof Error) || error.name !== "BadInputError") throw new Error("kind");
 * ```
 */
export class BadInputError extends Error {
  /** Builds the error from its one-sentence message. */
  constructor(message: string) {
    super(message);
    this.name = "BadInputError";
  }
}

/**
 * Parses `config.args` as `parseArgs` from "node:util" does, strictly. A bad command
 * line throws a {@linkcode BadInputError} naming the option ("unknown option --x",
 * "--x needs a value"), followed by `hint` (e.g. the usage line).
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./args.ts";
 * const { values, positionals } = parseCommandLine({
 *   args: ["a.ipynb", "--timeout", "90"],
 *   options: { timeout: { type: "string" } },
 *   allowPositionals: true,
 * }, "see --help");
 * if (values.timeout !== "90" || positionals[0] !== "a.ipynb") throw new Error("parsed");
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
    throw new BadInputError(`${what} (${hint})`);
  }
}

/**
 * A whole-number option's value, at least `min`; a {@linkcode BadInputError} naming the
 * option otherwise.
 *
 * @example
 * ```ts
 * import { wholeNumberOption } from "./args.ts";
 * if (wholeNumberOption("--rounds", "5", 1) !== 5) throw new Error("five");
 * let said = "";
 * try { wholeNumberOption("--rounds", "0", 1); } catch (e) { said = (e as Error).message; }
 * if (!said.startsWith("--rounds needs a whole number ≥ 1")) throw new Error(said);
 * ```
 */
export function wholeNumberOption(name: string, text: string, min = 0): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min) {
    throw new BadInputError(`${name} needs a whole number ≥ ${min}, not "${text}".`);
  }
  return value;
}

/**
 * Running a program to completion and collecting what it printed: the one place
 * product code calls `Deno.Command` for a short-lived program (long-lived ones use
 * `startDetached` in `process.ts`).
 *
 * @module
 */

/** What a finished program left. */
export interface CommandResult {
  /** Its exit code. */
  code: number;
  /** Whether it exited with 0. */
  success: boolean;
  /** Its standard output. */
  stdout: string;
  /** Its standard error. */
  stderr: string;
}

/** Options of {@linkcode runCommand}. */
export interface RunCommandOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Text written to its standard input (none when absent). */
  input?: string;
  /** Stop it and throw after this long (no limit when absent). */
  timeoutMs?: number;
  /** Called with each non-blank line it prints, as it prints it. */
  onLine?: (line: string) => void;
}

/**
 * Runs `command` (program and arguments) to its end. Never throws for a non-zero
 * exit; throws when the program cannot be started or outlives `timeoutMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCommand } from "./command.ts";
 * const result = await runCommand(["sh", "-c", "echo hi; exit 3"]);
 * assert.deepEqual(result.code, 3);
 * assert.deepEqual(result.stdout.trim(), "hi");
 * ```
 */
export async function runCommand(
  command: string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const controller = new AbortController();
  const timer = options.timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const child = new Deno.Command(command[0], {
      args: command.slice(1),
      env: options.env,
      cwd: options.cwd,
      stdin: options.input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).spawn();
    const writing = options.input === undefined ? Promise.resolve() : (async () => {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.input));
      await writer.close();
    })();
    const [stdout, stderr, status] = await Promise.all([
      readText(child.stdout, options.onLine),
      readText(child.stderr, options.onLine),
      child.status,
      writing,
    ]);
    if (controller.signal.aborted) {
      throw new Error(
        `\`${command.join(" ")}\` did not finish within ${options.timeoutMs} ms and was stopped.`,
      );
    }
    return { code: status.code, success: status.success, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

async function readText(
  stream: ReadableStream<Uint8Array>,
  onLine?: (line: string) => void,
): Promise<string> {
  let text = "";
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (onLine) {
      pending += chunk;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") onLine(line);
    }
  }
  if (onLine && pending.trim() !== "") onLine(pending);
  return text;
}

/**
 * Whether `program` runs and exits with 0 given `args` (false when it is missing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { programWorks } from "./command.ts";
 * assert.ok(await programWorks("sh", ["-c", "true"]));
 * assert.deepEqual(await programWorks("no-such-program-here", []), false);
 * ```
 */
export async function programWorks(program: string, args: string[]): Promise<boolean> {
  try {
    return (await runCommand([program, ...args])).success;
  } catch {
    // The program is not installed (spawn failed): it does not work.
    return false;
  }
}

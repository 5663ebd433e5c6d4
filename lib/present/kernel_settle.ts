/**
 * Workaround for Deno's kernel (checked in 2.9.5, `cli/js/jupyter_kernel.js`: `iopubDrainer`
 * publishes queued outputs under whichever request is current, and idle does not wait for it; no
 * upstream issue found). Cost: every lab output waits for one marker round trip (milliseconds).
 * Delete when that file drains the queue before idle and `deno task bench:notebooks`'s stock
 * rounds lose nothing (the runner's `LossFreeNotebookClient` goes with it).
 *
 * Waits until Deno's Jupyter kernel has really sent a cell's outputs, so that a frontend running
 * all cells (JupyterLab's Run All) places each output under the cell that produced it.
 *
 * **Why this is needed (Deno 2.9.x, `cli/js/jupyter_kernel.js`, `cli/js/40_jupyter.js`,
 * `cli/ops/jupyter.rs`).** The kernel runs the user's code on a REPL thread and speaks the
 * Jupyter protocol from a second worker. Everything a cell outputs — `console.log` (the
 * `op_print` middleware), `Deno.jupyter.display`/`broadcast` (`op_jupyter_broadcast`) and even
 * the cell's last value (`broadcastResult`, the `execute_result`) — is only pushed into an
 * unbounded in-process channel; `broadcast` returns at once, so awaiting it waits for nothing.
 * A separate loop (`iopubDrainer`) takes messages from that channel and publishes them on IOPub
 * with the parent header *current at publish time*. The execute handler sends `execute_reply` and
 * `status: idle` as soon as the evaluation resolves, without waiting for that loop. So the tail
 * of a cell's outputs can reach the frontend after its idle, and when Run All has already sent the
 * next `execute_request`, those outputs carry the next cell's header: JupyterLab draws them under
 * the next cell. The cell's last value is queued only after the evaluation ended, so nothing in
 * the cell can wait for it: lab cells display explicitly (`await show(...)`) instead.
 *
 * **What this module does.** {@linkcode settle} subscribes once per kernel to the kernel's own
 * IOPub socket (its address is in the connection file named on the kernel's command line), then
 * broadcasts a marker (an `update_display_data` for a display id nobody shows, which JupyterLab
 * and nbclient ignore) and waits until the marker comes back on IOPub. The channel is first in,
 * first out and the kernel writes each message to every subscriber in turn, so once the marker
 * arrived every earlier output of the cell has been sent. Waits are bounded; outside the kernel,
 * or if the socket cannot be reached, it returns after a short pause instead of failing the cell.
 *
 * @module
 */

/** The part of `Deno.jupyter` this module needs. */
export interface Broadcaster {
  /** Publishes a message on IOPub (Deno 2.9 queues it and returns at once). */
  broadcast(msgType: string, content: Record<string, unknown>): unknown;
}

/** Options of {@linkcode settle}. */
export interface SettleOptions {
  /** Longest wait for the marker, ms (default 10 000). */
  timeoutMs?: number;
  /** The connection file (default: the one on this process's command line). */
  connectionFile?: string;
}

const ENC = new TextEncoder();
const DEC = new TextDecoder();
/** Pause used when the IOPub socket cannot be reached: a best effort, not a guarantee. */
const FALLBACK_MS = 200;

/** The kernel's connection file from `deno jupyter --kernel --conn FILE`, if this is a kernel. */
export function connectionFileFromArgs(args: readonly string[]): string | undefined {
  const at = args.indexOf("--conn");
  return at >= 0 && args.includes("jupyter") ? args[at + 1] : undefined;
}

function ownArgs(): string[] {
  try {
    return Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  } catch {
    // No /proc (not Linux): no kernel arguments to read.
    return [];
  }
}

/** A ZMTP 3.0 greeting for the NULL mechanism, as a connecting (non-server) peer. */
export function zmtpGreeting(): Uint8Array {
  const buf = new Uint8Array(64);
  buf[0] = 0xff;
  buf[9] = 0x7f;
  buf[10] = 3;
  buf.set(ENC.encode("NULL"), 12);
  return buf;
}

/** A ZMTP READY command announcing `socketType`. */
export function zmtpReady(socketType: string): Uint8Array {
  const name = ENC.encode("READY");
  const key = ENC.encode("Socket-Type");
  const value = ENC.encode(socketType);
  const body = new Uint8Array(1 + name.length + 1 + key.length + 4 + value.length);
  let o = 0;
  body[o++] = name.length;
  body.set(name, o);
  o += name.length;
  body[o++] = key.length;
  body.set(key, o);
  o += key.length;
  new DataView(body.buffer).setUint32(o, value.length);
  body.set(value, o + 4);
  return Uint8Array.of(0x04, body.length, ...body);
}

/**
 * Reads ZMTP frames from a byte stream and yields each message frame's body; command frames
 * (READY) are skipped, and so are the first `skip` bytes (64: the peer's greeting).
 */
export async function* zmtpFrames(
  reader: { read(p: Uint8Array): Promise<number | null> },
  skip = 0,
): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(0);
  const need = async (n: number): Promise<boolean> => {
    while (buf.length < n) {
      const chunk = new Uint8Array(65536);
      const got = await reader.read(chunk);
      if (got === null) return false;
      const next = new Uint8Array(buf.length + got);
      next.set(buf);
      next.set(chunk.subarray(0, got), buf.length);
      buf = next;
    }
    return true;
  };
  if (skip > 0) {
    if (!await need(skip)) return;
    buf = buf.slice(skip);
  }
  while (true) {
    if (!await need(1)) return;
    const long = (buf[0] & 0x02) !== 0;
    const head = long ? 9 : 2;
    if (!await need(head)) return;
    const size = long
      ? Number(new DataView(buf.buffer, buf.byteOffset + 1, 8).getBigUint64(0))
      : buf[1];
    if (!await need(head + size)) return;
    const command = (buf[0] & 0x04) !== 0;
    const body = buf.slice(head, head + size);
    buf = buf.slice(head + size);
    if (!command) yield body;
  }
}

/** One subscription to the kernel's IOPub, kept for the kernel's life. */
class IopubWatch {
  #waiters = new Map<string, () => void>();
  constructor(conn: Deno.Conn) {
    void this.#read(conn);
  }
  async #read(conn: Deno.Conn): Promise<void> {
    try {
      for await (const frame of zmtpFrames(conn, 64)) {
        if (this.#waiters.size === 0 || frame.length > 65536) continue;
        const text = DEC.decode(frame);
        for (const [marker, wake] of this.#waiters) {
          if (text.includes(marker)) {
            this.#waiters.delete(marker);
            wake();
          }
        }
      }
    } catch {
      // the kernel is going away
    }
    watch = undefined;
  }
  /** Resolves true when `marker` is seen on IOPub within `ms`, else false. */
  seen(marker: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(marker);
        resolve(false);
      }, ms);
      this.#waiters.set(marker, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

let watch: Promise<IopubWatch | undefined> | undefined;

async function connect(file: string): Promise<IopubWatch | undefined> {
  try {
    const info = JSON.parse(await Deno.readTextFile(file)) as { ip?: string; iopub_port?: number };
    if (!info.iopub_port) return undefined;
    const hostname = !info.ip || info.ip === "0.0.0.0" ? "127.0.0.1" : info.ip;
    const conn = await Deno.connect({ hostname, port: info.iopub_port });
    await writeAll(conn, zmtpGreeting());
    await writeAll(conn, zmtpReady("SUB"));
    await writeAll(conn, Uint8Array.of(0x00, 0x01, 0x01)); // subscribe to everything
    return new IopubWatch(conn);
  } catch {
    // IOPub unreachable: no watch; the caller settles by time instead.
    return undefined;
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let o = 0; o < bytes.length;) o += await conn.write(bytes.subarray(o));
}

/**
 * Waits until everything this cell has output so far (console lines, displays, progress) has been
 * published by the kernel. Call it as a cell's last step; `show` and progress lines already do.
 * Without `api` (outside the kernel) it returns at once.
 */
export async function settle(
  api: Broadcaster | undefined,
  options: SettleOptions = {},
): Promise<void> {
  if (!api) return;
  const file = options.connectionFile ?? connectionFileFromArgs(ownArgs());
  if (!file) return; // not Deno's kernel (a test's stand-in API): nothing is queued
  const deadline = performance.now() + (options.timeoutMs ?? 10_000);
  const iopub = await (watch ??= connect(file));
  if (!iopub) {
    await new Promise((r) => setTimeout(r, FALLBACK_MS));
    return;
  }
  // The first marker can be sent before the kernel registered the subscription (it adds a
  // subscriber only after reading its subscribe frame): then a later marker gets through.
  for (let wait = 250; performance.now() < deadline; wait = Math.min(wait * 2, 2000)) {
    const marker = `lab-settle-${crypto.randomUUID()}`;
    const arrived = iopubSeen(iopub, marker, Math.min(wait, deadline - performance.now()));
    api.broadcast("update_display_data", {
      data: { "text/plain": "" },
      metadata: {},
      transient: { display_id: marker },
    });
    if (await arrived) return;
  }
}

function iopubSeen(iopub: IopubWatch, marker: string, ms: number): Promise<boolean> {
  return iopub.seen(marker, Math.max(1, ms));
}

/**
 * What Deno's Jupyter kernel displays: any value with a `[Symbol.for("Jupyter.display")]()`
 * method returning a MIME bundle (`{ "text/html": ..., "text/plain": ... }`), shown as a cell's
 * last value or through `Deno.jupyter.display(value)`. `Deno.jupyter` exists only inside the
 * kernel; {@linkcode jupyter} returns it there and `undefined` elsewhere.
 *
 * @example
 * ```ts
 * import { display, JUPYTER_DISPLAY, jupyter } from "@lab/present/display/mime.ts";
 * const hello = display(() => ({ "text/plain": "hello" }));
 * if (hello[JUPYTER_DISPLAY]()["text/plain"] !== "hello" || String(hello) !== "hello") {
 *   throw new Error("bundle");
 * }
 * if (jupyter() !== undefined) throw new Error("not in a kernel");
 * ```
 *
 * @module
 */

/** The symbol Deno's kernel looks for. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A MIME bundle: MIME type → content (strings; base64 for binary types). */
export type MimeBundle = Record<string, string>;

/** Something Deno's kernel can display. */
export interface Displayable {
  /** Returns the MIME bundle to show. */
  [JUPYTER_DISPLAY](): MimeBundle;
  /**
   * Per-MIME-type output metadata, e.g. `{ "image/png": { width: 460 } }` to show a PNG
   * rendered at 2x at its natural size. Only `show` sends it (a cell's last value
   * cannot carry metadata in Deno's kernel).
   */
  displayMetadata?: Record<string, unknown>;
}

/** A display object as the notebook views return it: shown by the kernel, printable as text. */
export type View = Displayable & { bundle: MimeBundle };

/** The part of `Deno.jupyter` the lab uses. */
export interface JupyterApi {
  /** Publishes a message on the IOPub channel. */
  broadcast(
    msgType: string,
    content: Record<string, unknown>,
    extra?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] },
  ): Promise<void>;
  /** Displays a value (raw: a MIME bundle as is). */
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
}

/** `Deno.jupyter` when running inside Deno's Jupyter kernel, else `undefined`. */
export function jupyter(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return api && typeof api.broadcast === "function" ? api : undefined;
  } catch {
    return undefined; // outside the kernel, accessing it may throw
  }
}

/** Base64 of bytes (chunked, so large PNGs do not overflow the call stack). */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** A displayable value with its bundle computed on demand. */
class Display implements Displayable {
  #bundle: () => MimeBundle;
  #cache?: MimeBundle;
  constructor(bundle: () => MimeBundle) {
    this.#bundle = bundle;
  }
  /** The MIME bundle (computed once). */
  get bundle(): MimeBundle {
    return this.#cache ??= this.#bundle();
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle;
  }
  /** The plain-text form. */
  toString(): string {
    return this.bundle["text/plain"] ?? "";
  }
}

/**
 * A displayable whose bundle `bundle()` computes on first use (then kept); its `toString()`
 * is the bundle's `text/plain`.
 */
export function display(bundle: () => MimeBundle): Displayable & { bundle: MimeBundle } {
  return new Display(bundle);
}

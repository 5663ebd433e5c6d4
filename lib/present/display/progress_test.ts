import assert from "node:assert/strict";
import type { JupyterApi } from "./mime.ts";
import { progress, PROGRESS_METADATA_KEY, type ProgressStream } from "./progress.ts";

interface Sent {
  msgType: string;
  content: Record<string, unknown>;
}

function recordingKernel(): { api: JupyterApi; sent: Sent[] } {
  const sent: Sent[] = [];
  const api: JupyterApi = {
    broadcast(msgType, content) {
      sent.push({ msgType, content: structuredClone(content) });
      return new Promise((resolve) => setTimeout(resolve, 1));
    },
    display() {
      throw new Error("progress must use broadcast with a display_id");
    },
  };
  return { api, sent };
}

Deno.test("progress in the kernel: one display_data, then updates with the same display_id", async () => {
  const { api, sent } = recordingKernel();
  const p = progress("loading", { total: 4, jupyter: api, intervalMs: 0, displayId: "p-1" });
  for (let i = 1; i <= 4; i++) await p.update(i, `step ${i}`);
  await p.done("finished");
  assert.equal(sent[0].msgType, "display_data");
  assert.ok(sent.slice(1).every((m) => m.msgType === "update_display_data"));
  assert.equal(sent.length, 5);
  for (const m of sent) {
    assert.deepEqual(m.content.transient, { display_id: "p-1" });
    assert.deepEqual(m.content.metadata, { [PROGRESS_METADATA_KEY]: "p-1" });
  }
  const last = sent.at(-1)!.content.data as Record<string, string>;
  assert.match(last["text/plain"], /^loading \[#{24}\] 100% \(4\/4\) done .* - finished$/);
  assert.ok(last["text/html"].includes('data-status="done"'));
  // After done, updates are ignored.
  await p.update(1);
  assert.equal(sent.length, 5);
});

Deno.test("progress in the kernel throttles updates but always shows the last state", async () => {
  const { api, sent } = recordingKernel();
  const p = progress("many", { total: 1000, jupyter: api, intervalMs: 10_000 });
  for (let i = 1; i <= 1000; i++) await p.update(i);
  await p.fail("broker 2 unreachable");
  assert.equal(sent.length, 2, "the first state and the final one");
  const last = sent[1].content.data as Record<string, string>;
  assert.match(last["text/plain"], /\(1000\/1000\) FAILED .* - broker 2 unreachable$/);
  assert.ok(p.displayId.startsWith("lab-progress-"));
});

function recordingStream(tty: boolean): { stream: ProgressStream; text: () => string } {
  const chunks: Uint8Array[] = [];
  return {
    stream: {
      writeSync(bytes) {
        chunks.push(bytes.slice());
        return bytes.length;
      },
      isTerminal: () => tty,
    },
    text: () => chunks.map((c) => new TextDecoder().decode(c)).join(""),
  };
}

Deno.test("progress on a terminal redraws one line on stderr and ends it", async () => {
  const { stream, text } = recordingStream(true);
  const p = progress("copying", { total: 2, jupyter: null, stream, intervalMs: 0, columns: 200 });
  await p.update(1);
  await p.update(2);
  await p.done();
  const out = text();
  assert.equal(out.split("\r\x1b[2K").length - 1, 3, "three redraws in place");
  assert.equal(out.split("\n").length - 1, 1, "one newline, at the end");
  assert.match(out, /copying \[#{12}-{12}\] 50% \(1\/2\)/);
  assert.match(out, /copying \[#{24}\] 100% \(2\/2\) done/);
});

Deno.test("progress on a narrow terminal is cut to one line", async () => {
  const { stream, text } = recordingStream(true);
  const p = progress("a long label for a narrow terminal", {
    jupyter: null,
    stream,
    intervalMs: 0,
    columns: 30,
  });
  await p.update(5, "with a note that is long as well");
  const line = text().replace("\r\x1b[2K", "");
  assert.equal([...line].length, 29);
  assert.ok(line.endsWith("…"));
});

Deno.test("progress when stderr is not a terminal prints only the final line", async () => {
  const { stream, text } = recordingStream(false);
  const p = progress("quiet", { total: 3, jupyter: null, stream, intervalMs: 0 });
  await p.update(1);
  await p.update(2);
  assert.equal(text(), "");
  await p.done("ok");
  assert.match(text(), /^quiet \[#{24}\] 100% \(3\/3\) done [\d.]+ s - ok\n$/);
});

Deno.test("progress rejects bad arguments", () => {
  assert.throws(() => progress(""), /non-empty label/);
  assert.throws(() => progress("x", { total: 0 }), /total must be a positive number/);
  const { stream } = recordingStream(false);
  const p = progress("x", { jupyter: null, stream });
  assert.throws(() => p.update(-1), /count must be a number >= 0/);
});

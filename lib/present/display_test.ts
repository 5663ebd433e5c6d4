import assert from "node:assert/strict";
import {
  base64,
  chart,
  JUPYTER_DISPLAY,
  type JupyterApi,
  markdown,
  progress,
  PROGRESS_METADATA_KEY,
  show,
  table,
} from "./display.ts";
import { jupyter } from "./display/mime.ts";
import { responsiveSvg } from "./display/chart.ts";
import type { ProgressStream } from "./display/progress.ts";
import { bytesInChart } from "./charts.ts";
import { decodePng, isPng } from "../../testing/png.ts";

const loads = [
  { broker: 0, bytesInPerSec: 7.2e6, bytesOutPerSec: 0, partitions: 4 },
  { broker: 1, bytesInPerSec: 1.5e6, bytesOutPerSec: 0, partitions: 1 },
];

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test("the Jupyter display symbol is the kernel's", () => {
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
});

Deno.test("outside the kernel there is no Deno.jupyter", () => {
  assert.equal(jupyter(), undefined);
});

Deno.test("base64 matches btoa and handles large inputs", () => {
  assert.equal(base64(new TextEncoder().encode("MB/s")), btoa("MB/s"));
  const big = new Uint8Array(200_000).map((_, i) => i % 251);
  assert.deepEqual(fromBase64(base64(big)), big);
});

Deno.test("chart() offers SVG, a PNG fallback and plain text", () => {
  const svg = bytesInChart(loads, { title: "Bytes in <test>" });
  const shown = chart(svg);
  const bundle = shown[JUPYTER_DISPLAY]();
  assert.equal(bundle["image/svg+xml"], responsiveSvg(svg));
  const root = bundle["image/svg+xml"].match(/<svg[^>]*>/)![0];
  assert.match(root, /width="100%"/, "the chart takes the notebook's width");
  assert.doesNotMatch(root, /height="/);
  assert.equal(root.match(/viewBox="([^"]*)"/)?.[1], svg.match(/viewBox="([^"]*)"/)?.[1]);
  assert.equal(bundle["text/plain"], "[chart] Bytes in <test>");
  const png = fromBase64(bundle["image/png"]);
  assert.ok(isPng(png));
  const image = decodePng(png);
  assert.ok(image.width > 300 && image.height > 200);
  assert.equal(String(shown), "[chart] Bytes in <test>");
  assert.equal(chart(svg, { png: false }).bundle["image/png"], undefined);
  assert.equal(
    chart(svg, { png: false, alt: "alt text" }).bundle["text/plain"],
    "[chart] alt text",
  );
  assert.throws(() => chart("<div>no</div>"), /expected an SVG string/);
});

Deno.test("table() renders HTML, Markdown and aligned plain text", () => {
  const rows = [
    { broker: 0, name: "a|b", mbps: 7.2346, note: "<hot>" },
    { broker: 12, name: "c", mbps: 1.5, note: null },
  ];
  const t = table(rows);
  const html = t.bundle["text/html"];
  assert.ok(html.includes('<th style="text-align:right">broker</th>'));
  assert.ok(html.includes('<td style="text-align:left">&lt;hot&gt;</td>'));
  assert.equal(html.match(/<tr>/g)?.length, 3);
  const md = t.bundle["text/markdown"].split("\n");
  assert.equal(md[0], "| broker | name | mbps | note |");
  assert.equal(md[1], "| ---: | --- | ---: | --- |");
  assert.equal(md[2], "| 0 | a\\|b | 7.235 | &lt;hot&gt; |");
  assert.equal(md[3], "| 12 | c | 1.5 |  |");
  const text = t.bundle["text/plain"].split("\n");
  assert.equal(text[0], "broker  name   mbps  note");
  assert.equal(text[2], "     0  a|b   7.235  <hot>");
  assert.equal(text[3], "    12  c       1.5");
  assert.equal(String(t), t.bundle["text/plain"]);
});

Deno.test("table() columns pick, label and format fields", () => {
  const t = table(loads, [
    { key: "broker", label: "Broker" },
    { key: "bytesInPerSec", label: "MB/s", format: (v) => (Number(v) / 1e6).toFixed(1) },
  ]);
  assert.equal(t.bundle["text/markdown"].split("\n")[2], "| 0 | 7.2 |");
  assert.ok(!t.bundle["text/html"].includes("partitions"));
  assert.throws(() => table([]), /no columns/);
  assert.throws(() => table("x" as unknown as []), /rows must be an array/);
});

Deno.test("markdown() is text/markdown with a plain-text twin", () => {
  const m = markdown("**bold**");
  assert.deepEqual(m[JUPYTER_DISPLAY](), { "text/markdown": "**bold**", "text/plain": "**bold**" });
});

Deno.test("show() prints the plain text outside the kernel", async () => {
  const lines: unknown[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await show(markdown("hello"));
    await show("plain");
  } finally {
    console.log = original;
  }
  assert.deepEqual(lines, ["hello", "plain"]);
});

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

import assert from "node:assert/strict";
import { base64, chart, JUPYTER_DISPLAY, markdown, show, table } from "./display.ts";
import { jupyter } from "./display/mime.ts";
import { responsiveSvg } from "./display/chart.ts";
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
  // The plain text (the alt text in exports) says what the chart shows: title, band, values.
  assert.match(bundle["text/plain"], /^\[chart\] Bytes in <test>: acceptable band .* broker 0 /);
  const png = fromBase64(bundle["image/png"]);
  assert.ok(isPng(png));
  const image = decodePng(png);
  assert.ok(image.width > 300 && image.height > 200);
  assert.equal(String(shown), bundle["text/plain"]);
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

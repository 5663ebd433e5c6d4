import assert from "node:assert/strict";
import { svgToPng } from "./png.ts";
import { findFontFiles } from "./fonts.ts";
import { bytesInChart } from "./bytes_in.ts";
import { countPixels, decodePng, isDark, isPng, near } from "../../../testing/png.ts";
import type { BrokerLoad } from "../../core/metrics_types.ts";

const skewed: BrokerLoad[] = [
  { broker: 0, bytesInPerSec: 7.2e6, bytesOutPerSec: 0, partitions: 4 },
  { broker: 1, bytesInPerSec: 1.5e6, bytesOutPerSec: 0, partitions: 1 },
  { broker: 2, bytesInPerSec: 1.3e6, bytesOutPerSec: 0, partitions: 1 },
];

Deno.test("svgToPng renders a PNG with text drawn in real fonts", () => {
  assert.ok(findFontFiles().length > 0);
  const text = (s: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" ` +
    `font-family="sans-serif" font-size="20">${s}</text></svg>`;
  const withText = decodePng(svgToPng(text("MB/s 123")));
  const without = decodePng(svgToPng(text("")));
  assert.equal(withText.width, 200);
  assert.ok(countPixels(withText, isDark) > 100, "text pixels drawn");
  assert.equal(countPixels(without, isDark), 0, "blank without text");
});

Deno.test("a chart's PNG has its title rendered where the title is", () => {
  const a = svgToPng(bytesInChart(skewed, { title: "Bytes in per broker", subtitle: "x" }));
  const b = svgToPng(bytesInChart(skewed, { title: "Spread between them", subtitle: "x" }));
  assert.ok(isPng(a));
  assert.ok(a.length > 10_000, `PNG is non-trivial (${a.length} bytes)`);
  const imageA = decodePng(a);
  const imageB = decodePng(b);
  assert.equal(imageA.width, imageB.width);
  const titleStrip = { x: 0, y: 0, width: imageA.width, height: 38 };
  assert.ok(countPixels(imageA, isDark, titleStrip) > 300, "bold title pixels");
  // Same chart, different title text: the title strip differs, the rest is identical.
  let differentInTitle = 0;
  let differentBelow = 0;
  for (let i = 0; i < imageA.data.length; i += 4) {
    const y = Math.floor(i / 4 / imageA.width);
    if (imageA.data[i] !== imageB.data[i]) y < 38 ? differentInTitle++ : differentBelow++;
  }
  assert.ok(differentInTitle > 200, `title pixels differ (${differentInTitle})`);
  assert.equal(differentBelow, 0);
  // Red bars (brokers outside the band) are drawn.
  assert.ok(countPixels(imageA, (r, g, bl) => near("#e15759")(r, g, bl)) > 5000);
});

Deno.test("svgToPng fails clearly without fonts or with a bad input", () => {
  const empty = Deno.makeTempDirSync({ prefix: "lab-nofonts-" });
  try {
    assert.throws(
      () => findFontFiles([empty]),
      /no TrueType\/OpenType fonts found.*fonts-dejavu-core/,
    );
  } finally {
    Deno.removeSync(empty, { recursive: true });
  }
  assert.throws(() => svgToPng("hello"), /not an SVG/);
  assert.throws(
    () =>
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg"/>', { fontFiles: ["/nonexistent.ttf"] }),
    /font file \/nonexistent.ttf does not exist/,
  );
  const twice = decodePng(svgToPng(bytesInChart(skewed), { scale: 2 }));
  const once = decodePng(svgToPng(bytesInChart(skewed)));
  assert.equal(twice.width, once.width * 2);
});

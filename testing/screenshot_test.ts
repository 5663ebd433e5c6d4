import assert from "node:assert/strict";
import { findChromium, screenshot } from "./screenshot.ts";
import { countPixels, decodePng, isNotWhite, near } from "./png.ts";
import { spreadChart } from "../lib/present/charts.ts";

Deno.test("findChromium says how to install it when there is none", () => {
  assert.throws(
    () => findChromium(["/nonexistent/chromium"]),
    /no Chromium found.*apt-get install chromium/,
  );
});

Deno.test("screenshot of a page with an inline SVG chart shows the chart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-shot-" });
  try {
    const svg = spreadChart({ before: 0.7, after: 0.05, measure: "cv" });
    await Deno.writeTextFile(
      `${dir}/page.html`,
      `<!doctype html><html><body style="margin:0;background:white">${svg}</body></html>`,
    );
    const shot = await screenshot(`${dir}/page.html`, `${dir}/page.png`, {
      width: 600,
      height: 500,
    });
    const image = decodePng(await Deno.readFile(shot.png));
    assert.equal(image.width, 600);
    assert.equal(image.height, 500);
    // The "before" bar is #b07aa1; the page outside the chart is white.
    assert.ok(countPixels(image, (r, g, b) => near("#b07aa1")(r, g, b)) > 5000);
    const bottomRight = { x: 560, y: 440, width: 40, height: 60 };
    assert.equal(countPixels(image, isNotWhite, bottomRight), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("screenshot fails clearly on a missing page or a broken browser", async () => {
  await assert.rejects(() => screenshot("/nonexistent/page.html", "/tmp/x.png"), /no such file/);
  const dir = await Deno.makeTempDir({ prefix: "lab-shot-" });
  try {
    await Deno.writeTextFile(`${dir}/page.html`, "<p>hi</p>");
    await assert.rejects(
      () => screenshot(`${dir}/page.html`, `${dir}/x.png`, { chromium: "/bin/false" }),
      /Chromium exited with 1 and no screenshot/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("screenshot kills a browser that hangs, by its process group", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-shot-" });
  try {
    await Deno.writeTextFile(`${dir}/page.html`, "<p>hi</p>");
    // A stand-in "browser" that starts a child and never exits.
    const fake = `${dir}/hang.sh`;
    await Deno.writeTextFile(fake, `#!/bin/sh\nsleep 300 &\necho $! > ${dir}/child.pid\nwait\n`);
    await Deno.chmod(fake, 0o755);
    const started = performance.now();
    await assert.rejects(
      () => screenshot(`${dir}/page.html`, `${dir}/x.png`, { chromium: fake, timeoutMs: 1000 }),
      /did not finish within 1000 ms; killed it/,
    );
    assert.ok(performance.now() - started < 10_000);
    const child = Number(await Deno.readTextFile(`${dir}/child.pid`));
    // The kill is sent; the kernel may take a moment to reap the child (bounded wait).
    const isGone = async () => {
      try {
        return /^\d+ \(.*\) [ZX]/.test(await Deno.readTextFile(`/proc/${child}/stat`));
      } catch {
        return true;
      }
    };
    let gone = await isGone();
    for (const by = Date.now() + 5000; !gone && Date.now() < by;) {
      await new Promise((r) => setTimeout(r, 100));
      gone = await isGone();
    }
    assert.ok(gone, `the browser's child ${child} was killed with its group`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

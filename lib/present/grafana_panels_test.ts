// No real Grafana (nor its Chromium renderer) can run on this machine: the image
// cannot be pulled. So the render URLs are checked against the real dashboard file,
// the "Grafana does not answer" path against real sockets, and the HTTP error path
// and the file writing against a small Deno.serve stand-in on 127.0.0.1 that
// answers like Grafana's health and render endpoints. Whether a real Grafana renders
// these URLs is not verified here.

import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { captureGrafanaPanels, panelRenderUrls, readDashboard, slugify } from "./grafana_panels.ts";

Deno.test("every panel of the lab's dashboard gets a render URL", async () => {
  const dashboard = await readDashboard();
  const from = new Date("2026-01-01T00:00:00Z");
  const renders = panelRenderUrls(dashboard, {
    grafanaUrl: "http://127.0.0.1:3000/",
    from,
    to: "now",
    width: 800,
    height: 400,
  });
  const panels = dashboard.panels.filter((p) => p.type !== "row");
  assert.equal(renders.length, panels.length);
  assert.deepEqual(renders.map((r) => r.panelId), panels.map((p) => p.id));
  assert.equal(new Set(renders.map((r) => r.name)).size, renders.length, "file names must differ");
  for (const r of renders) {
    const url = new URL(r.url);
    assert.equal(url.origin, "http://127.0.0.1:3000");
    assert.equal(url.pathname, "/render/d-solo/auto-balancing/automq-auto-balancing-lab");
    assert.equal(url.searchParams.get("panelId"), String(r.panelId));
    assert.equal(url.searchParams.get("from"), String(from.getTime()));
    assert.equal(url.searchParams.get("to"), "now");
    assert.equal(url.searchParams.get("width"), "800");
    assert.equal(url.searchParams.get("height"), "400");
    assert.equal(url.searchParams.get("orgId"), "1");
  }
  assert.ok(renders.some((r) => r.name === "bytes-in-per-broker"));
});

Deno.test("slugify makes file-name-safe words", () => {
  assert.equal(slugify("Produce latency p99"), "produce-latency-p99");
  assert.equal(slugify("  Spread (stddev) / bytes in! "), "spread-stddev-bytes-in");
  assert.equal(slugify("***"), "panel");
});

Deno.test("a Grafana that is not there fails within seconds", async (t) => {
  await t.step("nothing listens", async () => {
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const started = Date.now();
    await assert.rejects(
      () =>
        captureGrafanaPanels({
          grafanaUrl: `http://127.0.0.1:${port}`,
          phase: "before",
          outDir: "/nonexistent",
        }),
      /Grafana does not answer at http:\/\/127\.0\.0\.1:\d+ \(start the AutoMQ environment/,
    );
    assert.ok(Date.now() - started < 3000);
  });

  await t.step("something listens but never answers", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      try {
        for await (const conn of listener) held.push(conn);
      } catch {
        // closed
      }
    })();
    try {
      const started = Date.now();
      await assert.rejects(
        () =>
          captureGrafanaPanels({
            grafanaUrl: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
            phase: "before",
            outDir: "/nonexistent",
            healthTimeoutMs: 500,
          }),
        /Grafana does not answer .*: no answer within 500 ms/,
      );
      assert.ok(Date.now() - started < 3000);
    } finally {
      listener.close();
      for (const conn of held) conn.close();
      await accepting;
    }
  });
});

/** A real 2x1 PNG (one red, one blue pixel), built here rather than stored. */
function tinyPng(): Uint8Array<ArrayBuffer> {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array(4 + data.length);
    body.set(new TextEncoder().encode(type));
    body.set(data, 4);
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(body, 4);
    view.setUint32(8 + data.length, crc(body));
    return out;
  };
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 2);
  hv.setUint32(4, 1);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const pixels = new Uint8Array([0, 255, 0, 0, 0, 0, 255]); // filter 0, red, blue
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", new Uint8Array(deflateSync(pixels))),
    chunk("IEND", new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}

Deno.test("panels are written as <phase>-<panel>.png; a failed render names its panel", async () => {
  const png = tinyPng();
  const seen: Array<{ path: string; panelId: string | null; auth: string | null }> = [];
  let failPanel = "";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    seen.push({
      path: url.pathname,
      panelId: url.searchParams.get("panelId"),
      auth: request.headers.get("authorization"),
    });
    if (url.pathname === "/api/health") return Response.json({ database: "ok" });
    if (url.searchParams.get("panelId") === failPanel) {
      return Response.json({ message: "Rendering failed: renderer unavailable" }, { status: 500 });
    }
    return new Response(png, { headers: { "content-type": "image/png" } });
  });
  const out = await Deno.makeTempDir();
  try {
    const grafanaUrl = `http://127.0.0.1:${server.addr.port}`;
    const dashboard = await readDashboard();
    const files = await captureGrafanaPanels({
      grafanaUrl,
      phase: "after",
      outDir: `${out}/shots`,
    });
    const expected = panelRenderUrls(dashboard, { grafanaUrl }).map((r) =>
      `${out}/shots/after-${r.name}.png`
    );
    assert.deepEqual(files, expected);
    for (const file of files) assert.deepEqual(await Deno.readFile(file), png);
    assert.deepEqual(
      seen.filter((s) => s.path.startsWith("/render/")).map((s) => Number(s.panelId)),
      dashboard.panels.map((p) => p.id),
    );
    assert.ok(seen.every((s) => s.auth === `Basic ${btoa("admin:admin")}`));

    failPanel = "3";
    const title = dashboard.panels.find((p) => p.id === 3)!.title!;
    await assert.rejects(
      () => captureGrafanaPanels({ grafanaUrl, phase: "before", outDir: `${out}/shots` }),
      (error: Error) => {
        assert.ok(error.message.includes(`rendering panel "${title}" (id 3)`), error.message);
        assert.match(error.message, /answered 500 .*Rendering failed: renderer unavailable/);
        assert.match(error.message, /renderer service/);
        return true;
      },
    );
    await assert.rejects(
      () => captureGrafanaPanels({ grafanaUrl, phase: "../x", outDir: out }),
      /phase "\.\.\/x" must be a word/,
    );
  } finally {
    await server.shutdown();
    await Deno.remove(out, { recursive: true });
  }
});

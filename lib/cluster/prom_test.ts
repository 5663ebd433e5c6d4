import assert from "node:assert/strict";
import { parseSampleValue, PromClient, promDuration, PrometheusError, promString } from "./prom.ts";
import { freePort, startPrometheus } from "../../testing/prometheus.ts";

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
}

async function rejection(promise: Promise<unknown>): Promise<PrometheusError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PrometheusError, `expected a PrometheusError, got ${error}`);
    return error;
  }
  assert.fail("expected the promise to reject");
}

Deno.test("parseSampleValue reads decimals, NaN and infinities", () => {
  assert.equal(parseSampleValue("12.5"), 12.5);
  assert.equal(parseSampleValue("-3"), -3);
  assert.equal(parseSampleValue("1e+06"), 1e6);
  assert.ok(Number.isNaN(parseSampleValue("NaN")));
  assert.equal(parseSampleValue("+Inf"), Infinity);
  assert.equal(parseSampleValue("-Inf"), -Infinity);
  assert.throws(() => parseSampleValue("abc"), /"abc" is not a Prometheus sample value/);
  assert.throws(() => parseSampleValue(""), /not a Prometheus sample value/);
});

Deno.test("promString and promDuration format PromQL literals", () => {
  assert.equal(promString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(promDuration(30), "30s");
  assert.equal(promDuration(1.5), "1500ms");
  assert.throws(() => promDuration(0), /positive number of seconds/);
});

Deno.test("PromClient refuses a URL that is not http(s)", () => {
  assert.throws(() => new PromClient("localhost:9090"), /not a Prometheus URL/);
  assert.equal(new PromClient("http://127.0.0.1:9090//").url, "http://127.0.0.1:9090");
});

Deno.test("PromClient gives a clear error within seconds when nothing listens", async () => {
  const url = `http://127.0.0.1:${freePort()}`;
  const client = new PromClient(url);
  const started = Date.now();
  const error = await rejection(client.query("up"));
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assert.equal(error.kind, "unreachable");
  assert.equal(
    error.message,
    `Prometheus at ${url} did not answer: connection refused. Is the environment up? ` +
      "Run `deno task setup`.",
  );
  await rejection(client.ready());
});

Deno.test("PromClient times out on a server that never answers", async () => {
  let release = () => {};
  const hold = new Promise<void>((resolve) => release = resolve);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async () => {
      await hold;
      return new Response("late");
    },
  );
  try {
    const client = new PromClient(`http://127.0.0.1:${server.addr.port}`, { timeoutMs: 300 });
    const started = Date.now();
    const error = await rejection(client.query("up"));
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
    assert.equal(error.kind, "timeout");
    assert.match(error.message, /did not answer within 0\.3 s/);
    assert.match(error.message, /deno task/);
  } finally {
    release();
    await server.shutdown();
  }
});

Deno.test("PromClient reports HTTP errors and non-Prometheus answers", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      new URL(request.url).pathname === "/api/v1/targets"
        ? new Response("<html>hello</html>")
        : new Response("no such page", { status: 404, statusText: "Not Found" }),
  );
  try {
    const client = new PromClient(`http://127.0.0.1:${server.addr.port}`);
    const http = await rejection(client.query("up"));
    assert.equal(http.kind, "http");
    assert.equal(http.status, 404);
    assert.match(http.message, /answered HTTP 404 Not Found to \/api\/v1\/query: no such page/);
    const odd = await rejection(client.targets());
    assert.equal(odd.kind, "response");
    assert.match(odd.message, /did not answer like the Prometheus API/);
    assert.equal(await client.ready(), false);
  } finally {
    await server.shutdown();
  }
});

Deno.test("PromClient against a real Prometheus", async (t) => {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const exporter = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      if (new URL(request.url).pathname !== "/metrics") {
        return new Response("not found", { status: 404 });
      }
      const s = elapsed();
      return new Response(
        [
          "# TYPE lab_test_bytes_total counter",
          `lab_test_bytes_total{direction="in"} ${100 * s}`,
          `lab_test_bytes_total{direction="out"} ${250 * s}`,
          "# TYPE lab_test_gauge gauge",
          "lab_test_gauge 42.5",
          "# TYPE lab_test_special gauge",
          'lab_test_special{kind="nan"} NaN',
          'lab_test_special{kind="inf"} +Inf',
          'lab_test_special{kind="neginf"} -Inf',
          "",
        ].join("\n"),
        { headers: { "content-type": "text/plain; version=0.0.4" } },
      );
    },
  );
  let pid: number | undefined;
  try {
    const prometheus = await startPrometheus({
      scrapeTargets: [{ address: `127.0.0.1:${exporter.addr.port}`, labels: { broker: "0" } }],
      scrapeIntervalSeconds: 1,
    });
    pid = prometheus.pid;
    try {
      const port = Number(new URL(prometheus.url).port);
      assert.ok(port >= 39000 && port <= 39999, `port ${port}`);
      const client = new PromClient(prometheus.url);

      await t.step("ready and targets", async () => {
        assert.equal(await client.ready(), true);
        const target = await waitFor("a scraped target", async () => {
          const [first] = await client.targets();
          return first?.health === "up" ? first : undefined;
        });
        assert.equal(target.labels.broker, "0");
        assert.equal(target.scrapeUrl, `http://127.0.0.1:${exporter.addr.port}/metrics`);
        assert.equal(target.lastError, "");
        assert.ok(target.lastScrape instanceof Date);
      });

      await t.step("instant vector with labels and values", async () => {
        const [sample] = await client.queryVector("lab_test_gauge");
        assert.equal(sample.value, 42.5);
        assert.equal(sample.labels.__name__, "lab_test_gauge");
        assert.equal(sample.labels.broker, "0");
        assert.ok(Math.abs(sample.timestamp - Date.now() / 1000) < 5);
      });

      await t.step("NaN and infinities come back as numbers", async () => {
        const samples = await client.queryVector("lab_test_special");
        const byKind = Object.fromEntries(samples.map((s) => [s.labels.kind, s.value]));
        assert.ok(Number.isNaN(byKind.nan));
        assert.equal(byKind.inf, Infinity);
        assert.equal(byKind.neginf, -Infinity);
      });

      await t.step("rates match the exporter's counters", async () => {
        await waitFor("five samples in the window", async () => {
          const [s] = await client.queryVector(
            'count_over_time(lab_test_bytes_total{direction="in"}[5s])',
          );
          return s && s.value >= 5 ? s : undefined;
        });
        const samples = await client.queryVector(
          "sum by (direction) (rate(lab_test_bytes_total[5s]))",
        );
        const rates = Object.fromEntries(samples.map((s) => [s.labels.direction, s.value]));
        assert.ok(Math.abs(rates.in - 100) / 100 < 0.05, `in rate ${rates.in}`);
        assert.ok(Math.abs(rates.out - 250) / 250 < 0.05, `out rate ${rates.out}`);
      });

      await t.step("scalar, matrix and string results", async () => {
        assert.equal(await client.queryScalar("scalar(lab_test_gauge) * 2"), 85);
        const matrix = await client.query("lab_test_gauge[3s]");
        assert.equal(matrix.resultType, "matrix");
        if (matrix.resultType === "matrix") {
          assert.equal(matrix.result.length, 1);
          assert.ok(matrix.result[0].points.length >= 2);
          assert.ok(matrix.result[0].points.every((p) => p.value === 42.5));
        }
        const text = await client.query('"hello"');
        assert.deepEqual(text.resultType === "string" && text.result.value, "hello");
      });

      await t.step("range query over time", async () => {
        // Every step's 4 s window must lie where the series has samples: wait until it
        // covers the last 8 s, and end a second ago so no step waits on a scrape in flight.
        await waitFor("eight samples", async () => {
          const [s] = await client.queryVector(
            'count_over_time(lab_test_bytes_total{direction="in"}[8s])',
          );
          return s && s.value >= 8 ? s : undefined;
        });
        const end = new Date(Date.now() - 1000);
        const series = await client.queryRange('rate(lab_test_bytes_total{direction="in"}[4s])', {
          start: new Date(end.getTime() - 3000),
          end,
          stepSeconds: 1,
        });
        assert.equal(series.length, 1);
        assert.equal(series[0].points.length, 4);
        for (const point of series[0].points) {
          assert.ok(Math.abs(point.value - 100) < 10, `rate ${point.value} at ${point.timestamp}`);
        }
        const steps = series[0].points.map((p) => p.timestamp);
        assert.deepEqual(steps.slice(1).map((ts, i) => Math.round(ts - steps[i])), [1, 1, 1]);
      });

      await t.step("a bad query names the query and Prometheus's error", async () => {
        const query = "sum(rate(lab_test_bytes_total[5s])";
        const error = await rejection(client.query(query));
        assert.equal(error.kind, "query");
        assert.equal(error.query, query);
        assert.equal(error.status, 400);
        assert.ok(error.message.includes(`\`${query}\``), error.message);
        assert.match(error.message, /bad_data: .*parse error/);
      });

      await t.step("asking for the wrong result type is an error", async () => {
        const error = await rejection(client.queryVector("1 + 1"));
        assert.match(error.message, /gave a scalar, not an instant vector/);
      });
    } finally {
      await prometheus.stop();
    }
  } finally {
    await exporter.shutdown();
  }
  assert.ok(pid !== undefined);
  let alive = true;
  try {
    await Deno.stat(`/proc/${pid}`);
  } catch {
    alive = false;
  }
  assert.equal(alive, false, `Prometheus ${pid} still runs after stop()`);
});

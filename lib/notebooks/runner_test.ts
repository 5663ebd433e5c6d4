/**
 * The headless runner with the real Deno kernel: no lost outputs, failures named, progress
 * updated in place, exports with images, a screenshot of an export, timeouts and signals
 * that leave no kernel behind. Needs Python 3 with venv and PyPI on first run (the venv is
 * then reused from .venv/), and Chromium for the screenshot.
 */

import assert from "node:assert/strict";
import { defaultPython, runnerArgs, runNotebooks } from "../cli/notebooks.ts";
import { cellSource, codeCell, notebook, readNotebook } from "./ipynb.ts";
import { countStressOutputs } from "./stress.ts";
import { screenshot } from "../../testing/screenshot.ts";
import { countPixels, decodePng, isPng, near } from "../../testing/png.ts";
import { PROGRESS_METADATA_KEY } from "../present/display.ts";

const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

/** Whether a process is running (a zombie or no /proc entry counts as gone). */
function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** Runs `fn` with a fresh directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lab-runner-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("stress notebook: 3 rounds with the real kernel lose no output", async () => {
  await withTempDir(async (dir) => {
    const result = await runNotebooks({
      notebooks: [`${TESTDATA}stress.ipynb`],
      rounds: 3,
      noExport: true,
      executedDir: dir,
      capture: true,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.notebooks.length, 3);
    for (const entry of result.notebooks) {
      const count = countStressOutputs(await readNotebook(entry.executed!));
      assert.equal(count.expected, 120);
      assert.deepEqual(count.missing, [], `round ${entry.round} lost outputs`);
      assert.equal(alive(entry.kernel_pid), false, `kernel ${entry.kernel_pid} still running`);
    }
  });
});

Deno.test("a failing cell makes the runner exit 1 naming the notebook and the cell", async () => {
  await withTempDir(async (dir) => {
    const result = await runNotebooks({
      notebooks: [`${TESTDATA}failing.ipynb`, `${TESTDATA}display.ipynb`],
      out: dir,
      capture: true,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /FAILED: lib\/notebooks\/testdata\/failing\.ipynb: cell 3 \(index 2, first line: '\/\/ this cell fails on purpose'\) failed: Error: deliberate failure for the runner test/,
    );
    assert.equal(result.notebooks.length, 1, "stops at the first failing notebook");
    const [entry] = result.notebooks;
    assert.equal(entry.ok, false);
    assert.equal(entry.error?.cell, 2);
    assert.equal(alive(entry.kernel_pid), false);
    // The failed notebook is still exported, with the error and the outputs before it.
    const md = await Deno.readTextFile(`${dir}/failing.md`);
    assert.ok(md.includes("before the failure 42"));
    assert.ok(md.includes("Error: deliberate failure for the runner test"));
  });
});

Deno.test("display notebook: progress updated in place, a chart as image, exports, screenshot", async () => {
  await withTempDir(async (dir) => {
    const result = await runNotebooks({
      notebooks: [`${TESTDATA}display.ipynb`],
      out: `${dir}/out`,
      executedDir: `${dir}/executed`,
      capture: true,
    });
    assert.equal(result.code, 0, result.stderr);
    const executed = await readNotebook(`${dir}/executed/display.ipynb`);
    const progressCell = executed.cells.find((c) =>
      cellSource(c).includes("progress: one output")
    )!;
    assert.equal(progressCell.outputs!.length, 1, "one output, updated in place");
    const [progressOutput] = progressCell.outputs!;
    assert.equal(progressOutput.output_type, "display_data");
    assert.deepEqual(progressOutput.metadata, { [PROGRESS_METADATA_KEY]: "lab-test-progress" });
    const progressText = [(progressOutput.data as Record<string, string[] | string>)["text/plain"]]
      .flat().join("");
    assert.match(progressText, /^loading \[#{24}\] 100% \(5\/5\) done [\d.]+ s - all 5 steps$/);

    const chartCell = executed.cells.find((c) => cellSource(c).includes("chart: an image output"))!;
    assert.equal(chartCell.outputs!.length, 1);
    const chartData = chartCell.outputs![0].data as Record<string, string | string[]>;
    assert.equal(chartCell.outputs![0].output_type, "execute_result");
    const png = [chartData["image/png"]].flat().join("").replace(/\s/g, "");
    assert.ok(isPng(Uint8Array.from(atob(png), (c) => c.charCodeAt(0))));
    assert.ok([chartData["image/svg+xml"]].flat().join("").includes("bytes-in-bar"));

    const html = await Deno.readTextFile(`${dir}/out/display.html`);
    assert.ok(html.includes("Bytes in per broker (display check)"));
    assert.ok(!/<script[^>]+src="http/.test(html), "no network scripts in the export");
    const md = await Deno.readTextFile(`${dir}/out/display.md`);
    // The image's alt text is the chart's description, for a reader who cannot see it.
    const image = md.match(/!\[Bytes in per broker[^\]]+\]\((display_files\/[^)]+\.svg)\)/);
    assert.ok(image, "the Markdown links the chart's SVG with its description");
    assert.ok((await Deno.stat(`${dir}/out/${image[1]}`)).size > 1000);
    assert.ok(md.includes("| broker | MB/s | partitions |"), "the table as Markdown");

    // What a person sees: Chromium renders the export with the chart's red bars.
    const shot = await screenshot(`${dir}/out/display.html`, `${dir}/display.png`, {
      width: 1000,
      height: 1400,
    });
    assert.equal(alive(shot.pid), false, "Chromium is gone");
    const picture = decodePng(await Deno.readFile(shot.png));
    assert.equal(picture.width, 1000);
    const red = countPixels(picture, (r, g, b) => near("#e15759")(r, g, b));
    assert.ok(red > 10_000, `chart bars visible in the screenshot (${red} red pixels)`);
  });
});

Deno.test("a cell over the timeout fails within seconds and its kernel is killed", async () => {
  await withTempDir(async (dir) => {
    const nb = notebook([
      codeCell(`console.log("start");`),
      codeCell(
        `// sleeps far longer than the timeout\nawait new Promise((r) => setTimeout(r, 120_000));`,
      ),
    ]);
    await Deno.writeTextFile(`${dir}/slow.ipynb`, JSON.stringify(nb));
    const started = performance.now();
    const result = await runNotebooks({
      notebooks: [`${dir}/slow.ipynb`],
      noExport: true,
      timeoutSeconds: 2,
      capture: true,
    });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 1);
    assert.ok(seconds < 30, `took ${seconds} s`);
    assert.match(
      result.stderr,
      /slow\.ipynb: cell 2 \(index 1, first line: '\/\/ sleeps far longer than the timeout'\) failed: Timeout: the cell ran longer than 2 s/,
    );
    assert.equal(alive(result.notebooks[0].kernel_pid), false);
  });
});

Deno.test("SIGTERM stops the runner and the kernel it started", async () => {
  await withTempDir(async (dir) => {
    const nb = notebook([codeCell(`await new Promise((r) => setTimeout(r, 120_000));`)]);
    await Deno.writeTextFile(`${dir}/hang.ipynb`, JSON.stringify(nb));
    const report = `${dir}/report.json`;
    const child = new Deno.Command(defaultPython(), {
      args: runnerArgs({ notebooks: [`${dir}/hang.ipynb`], noExport: true }, report),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    // Wait until the kernel runs the cell: its PID appears as a child process.
    const deadline = Date.now() + 30_000;
    let kernel: number | undefined;
    while (!kernel && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      const children = await new Deno.Command("pgrep", {
        args: ["-P", String(child.pid), "-f", "jupyter --kernel"],
      })
        .output();
      kernel = Number(new TextDecoder().decode(children.stdout).trim().split("\n")[0]) || undefined;
    }
    assert.ok(kernel, "the kernel started");
    await new Promise((r) => setTimeout(r, 1000));
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 143, await stderr);
    assert.match(await stderr, /stopped by SIGTERM/);
    assert.equal(alive(kernel), false, `kernel ${kernel} still running`);
  });
});

Deno.test("runNotebooks rejects bad options and missing notebooks clearly", async () => {
  await assert.rejects(() => runNotebooks({ rounds: 0 }), /rounds must be a positive number/);
  const result = await runNotebooks({ notebooks: ["/nonexistent/x.ipynb"], capture: true });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no such notebook: \/nonexistent\/x\.ipynb/);
});

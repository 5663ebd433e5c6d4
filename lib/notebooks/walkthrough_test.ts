/**
 * The whole walkthrough, headless, on the local environment: notebooks 00 to 07 run in order
 * (each in its own Deno kernel) against their own local cluster, on ports apart from the test
 * task's shared cluster (21xxx) and a developer's default lab (19xxx). Runs only under
 * `deno task test`, which gives it `LAB_TEST_ROOT` and sweeps that directory at the end.
 * With `LAB_TEST_WALKTHROUGH_EXECUTED` set, the executed notebooks are copied there once they
 * passed: CI's browser test compares with them instead of running the walkthrough again.
 *
 * Needs what the runner and the local environment need: Python 3 with venv (and PyPI on the
 * first run), Java, Prometheus, Chromium.
 */

import assert from "node:assert/strict";
import { runNotebooks } from "../cli/notebooks.ts";
import { loadConfig } from "../config/config.ts";
import { PROGRESS_METADATA_KEY } from "../present/display.ts";
import { LIVE_METADATA_KEY } from "../present/display/live.ts";
import { LocalEnvironment } from "../env/local/local.ts";
import { isAlive, stopPidFile } from "../core/process.ts";
import { RunState } from "../lab/run_state.ts";
import { countPixels, decodePng, isNotWhite, near } from "../../testing/png.ts";
import { clusterTest } from "../../testing/cluster.ts";
import { cellSource, type Notebook, readNotebook } from "./ipynb.ts";
import { screenshot } from "../../testing/screenshot.ts";
import { WALKTHROUGH } from "./walkthrough.ts";

const NOTEBOOKS = WALKTHROUGH;

type Output = {
  output_type?: string;
  data?: Record<string, unknown>;
  metadata?: unknown;
  text?: string | string[];
};

function outputsOf(nb: Notebook): Output[] {
  return nb.cells.flatMap((c) => (c.outputs ?? []) as Output[]);
}

function isImage(o: Output): boolean {
  return o.data !== undefined && ("image/svg+xml" in o.data || "image/png" in o.data);
}

function progressOutputs(nb: Notebook, cellText: string): Output[] {
  const cell = nb.cells.find((c) => cellSource(c).includes(cellText));
  assert.ok(cell, `a cell with ${cellText}`);
  return ((cell.outputs ?? []) as Output[]).filter((o) =>
    typeof o.metadata === "object" && o.metadata !== null &&
    PROGRESS_METADATA_KEY in (o.metadata as Record<string, unknown>)
  );
}

function plain(o: Output, type = "text/html"): string {
  return [o.data?.[type] ?? ""].flat().join("");
}

/** What a reader reads of an output: printed lines, else the plain text. */
function readable(o: Output): string {
  return o.output_type === "stream" ? [o.text ?? ""].flat().join("") : plain(o, "text/plain");
}

clusterTest(
  "walkthrough: notebooks 00-07 run headless on their own local cluster, charts included",
  async (shared) => {
    const dir = `${shared.root}/walkthrough`;
    const env: Record<string, string> = {
      LAB_ENV: "local",
      LAB_KAFKA_PORT: "25092",
      LAB_PROMETHEUS_PORT: "25090",
      LAB_STATE_DIR: `${dir}/state`,
      LAB_RESULTS_DIR: `${dir}/results`,
      LAB_CACHE_DIR: shared.cacheDir,
      LAB_KEEP_CLUSTER: "off",
    };
    const config = loadConfig({ ...Deno.env.toObject(), ...env });
    const started = performance.now();
    try {
      const result = await runNotebooks({
        // The walkthrough only: the scenario notebook (in the runner's default list) is not
        // run here (it would add minutes; its cells are type-checked by `deno task check`).
        notebooks: NOTEBOOKS.map((n) =>
          decodeURIComponent(new URL(`../../notebooks/${n}.ipynb`, import.meta.url).pathname)
        ),
        out: `${dir}/results/notebooks`,
        executedDir: `${dir}/executed`,
        env,
        capture: true,
      });
      const seconds = (performance.now() - started) / 1000;
      console.log(`  walkthrough wall time: ${seconds.toFixed(0)} s (target: 300 s on 2 cores)`);
      for (const entry of result.notebooks) {
        console.log(`    ${entry.notebook}: ${entry.ok ? "ok" : "FAILED"} in ${entry.seconds} s`);
      }
      assert.equal(result.code, 0, `the runner failed:\n${result.stderr.slice(-3000)}`);
      assert.deepEqual(
        result.notebooks.map((e) => [e.notebook, e.ok]),
        NOTEBOOKS.map((n) => [`notebooks/${n}.ipynb`, true]),
      );

      const executed = new Map<string, Notebook>();
      for (const name of NOTEBOOKS) {
        executed.set(name, await readNotebook(`${dir}/executed/${name}.ipynb`));
      }
      // No cell raised, every notebook produced something.
      for (const [name, nb] of executed) {
        const outputs = outputsOf(nb);
        assert.ok(outputs.length > 0, `${name} has outputs`);
        assert.ok(!outputs.some((o) => o.output_type === "error"), `${name} has no error output`);
      }

      // Live progress: ONE output per progress cell, finished in place.
      for (
        const [name, cellText] of [
          ["02-imbalance", "waitForWindowWithProgress(lab, load)"],
          ["05-measure-after", "waitForWindowWithProgress(lab, {"],
        ]
      ) {
        const progress = progressOutputs(executed.get(name)!, cellText);
        assert.equal(progress.length, 1, `${name}: one progress output, updated in place`);
        assert.match(plain(progress[0]), /data-status="done"/, `${name}: the progress finished`);
      }

      // 04's live chart: ONE output, redrawn in place (at least five frames), ending with the
      // verdict written on it and a PNG for the exports.
      const watchCell = executed.get("04-watch-balancer")!.cells
        .find((c) => cellSource(c).includes("watchLive(lab"));
      assert.ok(watchCell, "04 has the live watch cell");
      const live = ((watchCell.outputs ?? []) as Output[]).filter((o) =>
        typeof o.metadata === "object" && o.metadata !== null &&
        LIVE_METADATA_KEY in (o.metadata as Record<string, unknown>)
      );
      assert.equal(live.length, 1, "04: one live chart, updated in place");
      const frame = (live[0].metadata as Record<string, { frame: number; status: string }>)[
        LIVE_METADATA_KEY
      ];
      console.log(`    04's live chart: ${frame.frame} frames, ${frame.status}`);
      assert.ok(
        frame.frame >= 5,
        `04's chart changed in place at least five times (${frame.frame})`,
      );
      assert.equal(frame.status, "done");
      assert.match(plain(live[0], "image/svg+xml"), /Balanced at \d\d:\d\d:\d\d UTC/);
      assert.match(plain(live[0], "image/svg+xml"), /class="mark-move-start"/);
      assert.ok(plain(live[0], "image/png").length > 1000, "the last frame carries a PNG");

      // Charts: image outputs in 03 (bytes in) and 05 (the four figures).
      const images03 = outputsOf(executed.get("03-measure-before")!).filter(isImage);
      const images05 = outputsOf(executed.get("05-measure-after")!).filter(isImage);
      assert.ok(images03.length >= 1, "03 shows the bytes-in chart");
      assert.ok(images05.length >= 4, `05 shows bytes in, timeline, placement, spread`);
      for (const o of [...images03, ...images05]) {
        assert.ok(plain(o, "image/svg+xml").includes("<svg"), "an SVG chart");
      }

      // The story's numbers: balanced, nothing lost.
      const text04 = outputsOf(executed.get("04-watch-balancer")!).map(readable).join("\n");
      assert.match(text04, /The local balancer is on/, "04 starts the paused balancer");
      assert.match(text04, /\*\*Balanced\*\*/);
      const text03 = outputsOf(executed.get("03-measure-before")!)
        .map((o) => plain(o, "text/markdown") || plain(o, "text/plain")).join("\n");
      assert.match(
        text03,
        /The balancer has not moved anything yet/,
        "03 measures a clean imbalance",
      );
      const text05 = outputsOf(executed.get("05-measure-after")!)
        .map((o) => plain(o, "text/markdown") || plain(o, "text/plain")).join("\n");
      assert.match(text05, /\*\*Zero loss:\*\* \d+ of \d+ acknowledged records read back intact/);
      assert.match(text05, /\| partitions led per broker \| 4-1-1 \| 2-2-2 \|/);
      // The cost of balancing, in Kafka's words, in 05 and in the after-report.
      assert.match(text05, /\*\*The cost of balancing, per move\.\*\*/);
      assert.match(text05, /Moves on Apache Kafka: [1-9]\d*; Kafka copied [\d.]+ MB/);
      const report = await Deno.readTextFile(`${dir}/results/after-balancing.md`);
      assert.match(report, /## The cost of the moves/);
      // 03's what-if planned the measurement again; 07 recaps the run and re-plans with the
      // cluster already stopped (the what-if asks the cluster nothing).
      assert.match(text03, /\*\*What if: band ±60% \(today ±10%\)\.\*\*/);
      const text07 = outputsOf(executed.get("07-cleanup")!)
        .map((o) => plain(o, "text/markdown") || readable(o)).join("\n");
      assert.match(text07, /\| busiest broker \/ mean \| 2\.\d{3} → 1\.\d{3} \|/);
      assert.match(text07, /\| zero loss \| \d+ of \d+ acknowledged records read back intact/);
      assert.ok(
        text07.indexOf("nothing is running") < text07.indexOf("**What if: broker(s) 2 left alone"),
        "07's what-if runs after the environment is down",
      );

      // The exports exist and carry the charts (nbconvert embeds each SVG as a data URI).
      for (const [name, min] of [["03-measure-before", 1], ["05-measure-after", 4]] as const) {
        const html = await Deno.readTextFile(`${dir}/results/notebooks/${name}.html`);
        const charts = [...html.matchAll(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/g)]
          .map((m) => new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0))))
          .filter((svg) => /MB\/s|coefficient of variation/.test(svg));
        assert.ok(charts.length >= min, `${name}.html embeds ${min}+ charts (${charts.length})`);
        assert.ok(charts.some((svg) => svg.includes("bytes-in-bar")), `${name}: the bytes-in bars`);
        // Every image says what it shows.
        assert.ok(!html.includes("No description has been provided"), `${name}: alt text`);
        assert.match(html, /<img[^>]*alt="Bytes in per broker[^"]*broker 0 [\d.]+ MB\/s/);
      }

      // What a reader sees: Chromium renders the exported 05 with its charts drawn.
      const shot = await screenshot(
        `${dir}/results/notebooks/05-measure-after.html`,
        `${dir}/05-measure-after.png`,
        // Tall enough for the whole page: 05 shows the cost table and four charts.
        { width: 1100, height: 9000 },
      );
      assert.equal(isAlive(shot.pid), false, "Chromium is gone");
      const picture = decodePng(await Deno.readFile(shot.png));
      const red = countPixels(picture, near("#e15759"));
      const blue = countPixels(picture, near("#4e79a7"));
      const purple = countPixels(picture, near("#b07aa1"));
      // The lower half of the page's content (the page may end before the window does).
      let bottom = picture.height;
      while (
        bottom > 1 &&
        countPixels(picture, isNotWhite, {
            x: 0,
            y: bottom - 1,
            width: picture.width,
            height: 1,
          }) ===
          0
      ) bottom--;
      const chartArea = {
        x: 0,
        y: Math.floor(bottom / 2),
        width: picture.width,
        height: Math.ceil(bottom / 2),
      };
      const inked = countPixels(picture, isNotWhite, chartArea);
      console.log(
        `  screenshot of 05: ${red} red, ${blue} blue, ${purple} purple pixels; ` +
          `${inked} non-white in the lower half of ${bottom} px of content (${shot.ms} ms)`,
      );
      assert.ok(red > 5_000, `the before chart's red bar is drawn (${red} px)`);
      assert.ok(blue > 10_000, `the after chart's blue bars are drawn (${blue} px)`);
      assert.ok(purple > 2_000, `the spread chart's bar is drawn (${purple} px)`);
      assert.ok(
        inked > 0.05 * chartArea.width * chartArea.height,
        `the chart area is not blank (${inked} px)`,
      );

      // 07 cleaned up: nothing of the walkthrough's cluster runs.
      const status = await new LocalEnvironment(config).status();
      assert.ok(status.parts.every((p) => !p.healthy), JSON.stringify(status.parts));

      // The executed notebooks, once they passed, for the browser test to compare with
      // (`.ci/run` passes them as its --headless-dir instead of running them again).
      const handOff = Deno.env.get("LAB_TEST_WALKTHROUGH_EXECUTED");
      if (handOff) {
        await Deno.mkdir(handOff, { recursive: true });
        for (const name of NOTEBOOKS) {
          await Deno.copyFile(`${dir}/executed/${name}.ipynb`, `${handOff}/${name}.ipynb`);
        }
      }
    } finally {
      await stopPidFile(new RunState(config.local.stateDir).path("loadPid"), 10_000).catch(() =>
        false
      );
      await new LocalEnvironment(config).down({ removeData: true });
    }
  },
);

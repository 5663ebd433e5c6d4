import assert from "node:assert/strict";
import {
  cleanupUnlessKept,
  openLab,
  PROJECT_ROOT,
  requireBackgroundLoad,
  requireMeasurement,
  savedWatchResult,
  saveWatchResult,
  stopBackgroundLoadIfRunning,
} from "./notebook_lab.ts";
import { runPictures } from "./pictures.ts";
import { Lab } from "../lab/lab.ts";
import { stopPid } from "../core/process.ts";
import { type Measurement, measurement } from "../present/report.ts";
import type { WatchResult } from "../balancer/watch.ts";
import { FIGURE_NAMES } from "../present/figures.ts";

async function withLab(
  overrides: Record<string, string>,
  body: (lab: Lab, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lab-notebook-test-" });
  try {
    const lab = await Lab.open({
      LAB_ENV: "local",
      LAB_STATE_DIR: `${dir}/state`,
      LAB_RESULTS_DIR: `${dir}/results`,
      ...overrides,
    });
    await body(lab, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function measured(phase: "before" | "after", takenAt: Date): Measurement {
  return measurement(
    phase,
    {
      takenAt,
      windowSeconds: 30,
      brokers: [{ broker: 0, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 }],
      partitions: [],
    },
    [],
    { kind: "local", reason: "test" },
    {},
  );
}

Deno.test("openLab makes the project root the working directory", async () => {
  const cwd = Deno.cwd();
  const elsewhere = await Deno.makeTempDir({ prefix: "lab-notebook-cwd-" });
  try {
    Deno.chdir(elsewhere);
    const lab = await openLab({ LAB_ENV: "local", LAB_STATE_DIR: "/tmp/lab-notebook-unused" });
    assert.equal(Deno.cwd(), PROJECT_ROOT);
    assert.ok((await Deno.stat(`${PROJECT_ROOT}/deno.json`)).isFile);
    assert.equal(lab.environment.kind, "local");
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("a watch result survives the trip through the state directory, dates included", async () => {
  await withLab({}, async (lab) => {
    assert.equal(await savedWatchResult(lab), undefined);
    const t = (s: number) => new Date(Date.UTC(2026, 8, 1, 10, 0, s));
    const result: WatchResult = {
      balanced: true,
      balancedAt: t(50),
      firstActingDetection: t(30),
      timeToBalanceSeconds: 20,
      events: [
        { kind: "detect", time: t(30), actions: 2, batches: 1 },
        { kind: "move-start", time: t(31), topic: "t", partition: 0, from: 0, to: 1 },
        { kind: "balanced", time: t(50) },
      ],
      moves: [{ time: t(31), topic: "t", partition: 0, from: 0, to: 1 }],
      lastSnapshot: { takenAt: t(50), windowSeconds: 10, brokers: [], partitions: [] },
      balancerEvents: [],
    };
    await saveWatchResult(lab, result);
    const back = await savedWatchResult(lab);
    assert.deepEqual(back, result);
    assert.ok(back!.moves[0].time instanceof Date);
  });
});

Deno.test("requireMeasurement and requireBackgroundLoad name the notebook to run", async () => {
  await withLab({}, async (lab) => {
    await assert.rejects(() => requireMeasurement(lab, "before"), /run 03-measure-before\.ipynb/);
    await assert.rejects(() => requireMeasurement(lab, "after"), /run 05-measure-after\.ipynb/);
    await assert.rejects(() => requireBackgroundLoad(lab), /run 02-imbalance\.ipynb first/);
    await Deno.mkdir(lab.stateDir, { recursive: true });
    const m = measured("before", new Date("2026-09-01T10:00:00Z"));
    await Deno.writeTextFile(lab.state.path("beforeMeasurement"), JSON.stringify(m));
    assert.deepEqual(await requireMeasurement(lab, "before"), m);
  });
});

Deno.test("backgroundLoadPid follows the load's PID file; nothing to stop when it is gone", async () => {
  await withLab({}, async (lab) => {
    assert.equal(await lab.backgroundLoadPid(), undefined);
    assert.equal(await stopBackgroundLoadIfRunning(lab), undefined);
    const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
    try {
      await Deno.mkdir(lab.stateDir, { recursive: true });
      await Deno.writeTextFile(lab.state.path("loadPid"), `${sleeper.pid}\n`);
      assert.equal(await lab.backgroundLoadPid(), sleeper.pid);
      assert.equal(await requireBackgroundLoad(lab), sleeper.pid);
    } finally {
      await stopPid(sleeper.pid, 2000);
      await sleeper.status;
    }
    assert.equal(await lab.backgroundLoadPid(), undefined, "a dead PID is not a running load");
  });
});

Deno.test("cleanupUnlessKept keeps the cluster when LAB_KEEP_CLUSTER is on", async () => {
  await withLab({ LAB_KEEP_CLUSTER: "on" }, async (lab) => {
    await Deno.mkdir(lab.stateDir, { recursive: true });
    assert.match(await cleanupUnlessKept(lab), /LAB_KEEP_CLUSTER is on/);
    assert.ok((await Deno.stat(lab.stateDir)).isDirectory, "the state directory is left alone");
  });
  await withLab({}, async (lab) => {
    await Deno.mkdir(lab.stateDir, { recursive: true });
    assert.match(await cleanupUnlessKept(lab), /Stopped the local environment and removed/);
    await assert.rejects(() => Deno.stat(lab.stateDir), Deno.errors.NotFound);
  });
});

Deno.test("runPictures on the local environment: the lab's charts, in story order", async () => {
  await withLab({}, async (lab, dir) => {
    const run = {
      before: measured("before", new Date("2026-09-01T10:00:00Z")),
      after: measured("after", new Date("2026-09-01T10:03:00Z")),
    };
    await assert.rejects(() => runPictures(lab, run), /run 05-measure-after first/);
    await Deno.mkdir(`${dir}/results/charts`, { recursive: true });
    for (const name of [...FIGURE_NAMES.toReversed(), "notes.txt"]) {
      await Deno.writeTextFile(
        `${dir}/results/charts/${name}${name.includes(".") ? "" : ".png"}`,
        "",
      );
    }
    const pictures = await runPictures(lab, run);
    assert.equal(pictures.source, "lab-charts");
    assert.match(pictures.reason, /local environment has no Grafana/);
    assert.deepEqual(
      pictures.files.map((f) => f.split("/").at(-1)),
      FIGURE_NAMES.map((name) => `${name}.png`),
    );
  });
});

"""Drives a running JupyterLab in Chromium through the walkthrough, as a reader would.

Started by ``testing/browser/task.ts`` (``deno task test:browser``) with the venv's Python; it
does not start or stop JupyterLab or the cluster (the task does, by PID). For each notebook it
opens the notebook, runs JupyterLab's own "Run All Cells" command, watches the page until every
cell ran, reads the outputs per cell from JupyterLab's notebook model (where JupyterLab placed
them), samples the live outputs while they run (02's progress line, 04's chart redrawn in place), takes
screenshots scrolled to what matters (03's what-if, 04's live chart and its verdict, 05's cost
of the moves and its timeline, 07's recap), shuts the kernel down and pauses like a reader
before the next notebook. In 03 it also edits the what-if cell and runs it again. It writes a JSON report; the checks are made
here and listed per notebook in that report.

JupyterLab must run with ``--expose-app-in-browser`` (the script calls its commands and reads its
model through ``window.jupyterapp``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

# JavaScript run in the page. `panel()` is the notebook panel whose path ends with `path`.
JS_PANEL = """
(path) => {
  const app = window.jupyterapp;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path && w.context.path.endsWith(path)) return w;
  }
  return null;
}
"""

JS_STATE = (
    "(path) => { const panel = (" + JS_PANEL + ")(path); if (!panel) return null;"
    """
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = [];
  for (const cell of panel.content.widgets) {
    const m = cell.model;
    if (m.type !== 'code') continue;
    cells.push({
      source: m.sharedModel.getSource(),
      count: m.executionCount,
      state: m.executionState || null,
      outputs: m.outputs.toJSON(),
    });
  }
  return { kernel: kernel ? kernel.status : null, kernelId: kernel ? kernel.id : null,
           busy: panel.sessionContext.kernelDisplayStatus, cells };
}
"""
)

# The live progress outputs as JupyterLab's model holds them (updated in place by
# `update_display_data`), whether or not their cell is scrolled into view.
JS_PROGRESS = (
    "(path) => { const panel = (" + JS_PANEL + ")(path); if (!panel) return [];"
    """
  const found = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const o of cell.model.outputs.toJSON()) {
      if (!o.metadata || !o.metadata['lab/progress']) continue;
      const html = [o.data['text/html'] || ''].flat().join('');
      const status = (html.match(/data-status="([a-z]+)"/) || [])[1] || null;
      found.push({ status, text: [o.data['text/plain'] || ''].flat().join('') });
    }
  }
  return found;
}
"""
)

# The live outputs (a chart redrawn in place, `lib/present/display/live.ts`) as JupyterLab's
# model holds them: their frame number and status, from the metadata every frame carries.
JS_LIVE = (
    "(path) => { const panel = (" + JS_PANEL + ")(path); if (!panel) return [];"
    """
  const found = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const o of cell.model.outputs.toJSON()) {
      const live = o.metadata && o.metadata['lab/live'];
      if (!live) continue;
      found.push({ frame: live.frame, status: live.status,
                   text: [o.data['text/plain'] || ''].flat().join('') });
    }
  }
  return found;
}
"""
)

# Edits the code cell whose source contains `needle` (replacing `from` by `to`) and runs that
# cell alone, as a reader changing a setting would; returns its index among the code cells.
JS_EDIT_AND_RUN = (
    "([path, needle, from, to]) => { const panel = (" + JS_PANEL + ")(path); if (!panel) return -1;"
    """
  const cells = panel.content.widgets;
  const i = cells.findIndex((c) => c.model.type === 'code' &&
    c.model.sharedModel.getSource().includes(needle));
  if (i < 0) return -1;
  const m = cells[i].model;
  m.sharedModel.setSource(m.sharedModel.getSource().replace(from, to));
  panel.content.activeCellIndex = i;
  void window.jupyterapp.commands.execute('notebook:run-cell');
  return cells.slice(0, i).filter((c) => c.model.type === 'code').length;
}
"""
)

# Scrolls the visible notebook so that an output of the cell whose code contains `needle` is at
# the top: the `nth` chart (`svg`; negative counts from the end) or the output with `text`.
JS_SCROLL_TO = """
([needle, what, arg]) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const cell = [...panel.querySelectorAll('.jp-CodeCell')].find((c) => {
    const input = c.querySelector('.jp-InputArea');
    return input && input.textContent.includes(needle);
  });
  if (!cell) return false;
  let el = null;
  if (what === 'svg') {
    const charts = [...cell.querySelectorAll('.jp-RenderedSVG, .jp-RenderedImage')];
    el = charts[arg < 0 ? charts.length + arg : arg];
  } else {
    el = [...cell.querySelectorAll('.jp-OutputArea-output')]
      .find((o) => o.textContent.includes(arg));
  }
  (el || cell).scrollIntoView({ block: 'start' });
  return !!el;
}
"""

JS_SVG_IMAGES = """
() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedSVG img, ' +
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedSVG svg')]
  .map((e) => ({ tag: e.tagName.toLowerCase(),
                 svg: e.tagName.toLowerCase() === 'svg' || (e.src || '').startsWith('data:image/svg+xml'),
                 width: e.getBoundingClientRect().width, natural: e.naturalWidth || 0,
                 complete: e.tagName.toLowerCase() === 'svg' || e.complete }))
"""

# Notebooks with a live progress line (one output updated in place).
PROGRESS_NOTEBOOKS = {"02-imbalance"}


def log(line: str) -> None:
    print(f"browser: {line}", file=sys.stderr, flush=True)


def kind(output: dict[str, Any]) -> str:
    """An output's kind for comparing two runs: its type, plus the stream name or main MIME type."""
    t = output.get("output_type", "?")
    if t == "stream":
        return f"stream:{output.get('name')}"
    if t in ("display_data", "execute_result"):
        data = output.get("data", {})
        for mime in ("image/svg+xml", "image/png", "text/html", "text/markdown", "text/plain"):
            if mime in data:
                return f"{t}:{mime}"
    return t


def kinds_per_cell(cells: list[dict[str, Any]]) -> list[list[str]]:
    """Per code cell, its outputs' kinds, consecutive streams of one name counted once."""
    result = []
    for cell in cells:
        ks: list[str] = []
        for o in cell.get("outputs", []):
            k = kind(o)
            if k.startswith("stream:") and ks and ks[-1] == k:
                continue
            ks.append(k)
        result.append(ks)
    return result


def headless_cells(path: Path) -> list[dict[str, Any]]:
    nb = json.loads(path.read_text())
    return [c for c in nb["cells"] if c.get("cell_type") == "code"]


def plain(output: dict[str, Any], mime: str = "text/plain") -> str:
    value = output.get("data", {}).get(mime, output.get("text", ""))
    return "".join(value) if isinstance(value, list) else str(value)


def moves_started(text: str) -> int | None:
    m = re.search(r"moves (\d+) started, (\d+) done", text)
    return int(m.group(1)) if m else None


def moves_in_flight(text: str) -> bool:
    m = re.search(r"moves (\d+) started, (\d+) done", text)
    return bool(m) and int(m.group(1)) > int(m.group(2))


def shoot(page: Page, path: str, needle: str, what: str, arg: Any) -> bool:
    """Scrolls to an output of the cell with `needle` in its code, then takes a screenshot."""
    found = page.evaluate(JS_SCROLL_TO, [needle, what, arg])
    page.wait_for_timeout(400)
    page.screenshot(path=path)
    return bool(found)


def cell_text(cells: list[dict[str, Any]], needle: str) -> str:
    """Everything the code cell with `needle` in its source shows, as text."""
    for c in cells:
        if needle in c["source"]:
            return "\n".join(plain(o, "text/markdown") or plain(o) for o in c["outputs"])
    return ""


def run_notebook(page: Page, args: argparse.Namespace, name: str) -> dict[str, Any]:
    rel = f"{args.dir}/{name}.ipynb"
    checks: list[tuple[str, bool, str]] = []
    started = time.monotonic()
    page.goto(f"{args.url}/lab/tree/{rel}?token={args.token}&reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    page.wait_for_function(
        "(p) => { const s = (" + JS_STATE + ")(p); return s && s.kernel === 'idle'; }",
        arg=rel, timeout=args.kernel_timeout * 1000, polling=250,
    )
    # Not awaited in the page: the command's promise ends only when every cell ran, and the
    # live outputs are sampled meanwhile.
    page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    samples: list[dict[str, Any]] = []
    live_shot = None
    shots: list[str] = []
    deadline = time.monotonic() + args.notebook_timeout
    while True:
        state = page.evaluate(JS_STATE, rel)
        progress = page.evaluate(JS_PROGRESS, rel)
        live = page.evaluate(JS_LIVE, rel)
        samples.append({"t": round(time.monotonic() - started, 1), "progress": progress,
                        "live": live})
        if name == "04-watch-balancer" and live_shot is None:
            if any(p["status"] == "running" and moves_in_flight(p["text"]) for p in live):
                live_shot = str(Path(args.shots) / f"{name}.png")
                shoot(page, live_shot, "watchLive(lab", "svg", 0)
                shots.append(live_shot)
                log(f"{name}: screenshot of the live chart with a move in progress")
        # Done: the kernel idle, no cell queued or running, and every cell ran (Run All stops at
        # the first error: then the cells after it never run).
        failed = any(o.get("output_type") == "error" for c in (state or {}).get("cells", [])
                     for o in c["outputs"])
        done = state and state["kernel"] == "idle" and \
            all(c["state"] != "running" for c in state["cells"]) and \
            (failed or all(c["count"] is not None for c in state["cells"]))
        if done:
            break
        if time.monotonic() > deadline:
            checks.append(("finished within the timeout", False, f"{args.notebook_timeout} s"))
            break
        time.sleep(0.5)
    # Outputs that a kernel sends after idle would land now: give them a moment, then read.
    time.sleep(args.settle)
    state = page.evaluate(JS_STATE, rel)
    cells = state["cells"] if state else []
    seconds = round(time.monotonic() - started, 1)

    errors = [plain(o, "text/plain") or o.get("evalue", "") for c in cells
              for o in c["outputs"] if o.get("output_type") == "error"]
    checks.append(("no error output", not errors, "; ".join(e[:200] for e in errors)))

    # Every output under the cell that produced it: the same kinds per cell as the headless run.
    if args.headless_dir:
        reference = kinds_per_cell(headless_cells(Path(args.headless_dir) / f"{name}.ipynb"))
        actual = kinds_per_cell(cells)
        diff = [f"cell {i + 1}: browser {a} vs headless {r}"
                for i, (a, r) in enumerate(zip(actual, reference)) if a != r]
        if len(actual) != len(reference):
            diff.append(f"{len(actual)} code cells vs {len(reference)}")
        checks.append(("outputs per cell match the headless run", not diff, " | ".join(diff)))

    svg_outputs = sum(1 for c in cells for o in c["outputs"] if "image/svg+xml" in o.get("data", {}))
    if svg_outputs:
        images = page.evaluate(JS_SVG_IMAGES)
        drawn = [i for i in images if i["svg"] and i["complete"] and i["width"] > 50]
        checks.append((f"{svg_outputs} chart(s) rendered as SVG", len(drawn) >= svg_outputs,
                       f"{len(drawn)} drawn of {len(images)} SVG elements"))
        panel_width = page.evaluate(
            "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
            ".jp-OutputArea').getBoundingClientRect().width")
        too_wide = [i for i in drawn if i["width"] > panel_width + 1]
        checks.append(("charts fit the notebook's width", not too_wide,
                       f"output area {panel_width:.0f} px, widest {max((i['width'] for i in drawn), default=0):.0f} px"))

    if name in PROGRESS_NOTEBOOKS:
        final = page.evaluate(JS_PROGRESS, rel)
        texts = {p["text"] for s in samples for p in s["progress"]}
        checks.append(("exactly one live output", len(final) == 1, f"{len(final)} progress outputs"))
        checks.append(("the live output changed over time", len(texts) >= 3,
                       f"{len(texts)} distinct states seen"))
    if name == "04-watch-balancer":
        final = page.evaluate(JS_LIVE, rel)
        frames = {p["frame"] for s in samples for p in s["live"] if p["status"] == "running"}
        checks.append(("exactly one live chart", len(final) == 1, f"{len(final)} live outputs"))
        checks.append(("the chart changed in place 5+ times while the watch ran", len(frames) >= 5,
                       f"{len(frames)} distinct frames seen running; last frame "
                       f"{final[0]['frame'] if final else '-'} ({final[0]['status'] if final else '-'})"))
        checks.append(("the chart ends with the verdict", bool(final) and final[0]["status"] == "done",
                       final[0]["text"][:160] if final else "no live chart"))
        running = [moves_started(p["text"]) for s in samples for p in s["live"]
                   if p["status"] == "running"]
        running = [n for n in running if n is not None]
        live_move = bool(running) and running[0] == 0 and max(running) >= 1
        checks.append(("a move observed live", live_move,
                       f"moves started while watching: {running[0] if running else '-'} -> "
                       f"{max(running) if running else '-'}"))
        verdict_shot = str(Path(args.shots) / f"{name}-verdict.png")
        shoot(page, verdict_shot, "watchLive(lab", "svg", 0)
        shots.append(verdict_shot)
    if name == "05-measure-after":
        cost = cell_text(cells, "moveCostView(")
        checks.append(("05 shows the cost of each move",
                       "The cost of balancing, per move" in cost and "copied" in cost,
                       cost[:200].replace("\n", " ")))
        shot_cost = str(Path(args.shots) / f"{name}.png")
        shots.append(shot_cost)
        shoot(page, shot_cost, "moveCostView(", "text", "The cost of balancing")
        shot_charts = str(Path(args.shots) / f"{name}-charts.png")
        shots.append(shot_charts)
        shoot(page, shot_charts, "storyFigureViews(", "svg", 1)  # the timeline
    if name == "07-cleanup":
        recap = cell_text(cells, "recapTable(")
        checks.append(("07 recaps the run in one table",
                       "busiest broker / mean" in recap and "zero loss" in recap, recap[:200]))
        status = cell_text(cells, "statusSummary(status)")
        after = cell_text(cells, "whatIfView(whatIf(")
        checks.append(("the what-if re-plans without a cluster call (after it stopped)",
                       "nothing is running" in status and "What if:" in after and
                       "| broker |" in after,
                       f"status: {status[:80]!r}; what-if: {after[:120]!r}"))
        shot = str(Path(args.shots) / f"{name}.png")
        shots.append(shot)
        shoot(page, shot, "recapTable(", "text", "busiest broker")
    if name == "03-measure-before":
        cv = None
        for c in cells:
            for o in c["outputs"]:
                m = re.search(r"coefficient of variation\s+([0-9.]+)", plain(o))
                if m:
                    cv = float(m.group(1))
        checks.append(("the before-measurement shows the imbalance", cv is not None and cv >= 0.5,
                       f"coefficient of variation {cv}"))

    if name == "03-measure-before":
        # A reader tries another band: the what-if cell, edited and run again, re-plans the
        # measurement in this kernel's memory.
        index = page.evaluate(JS_EDIT_AND_RUN, [rel, "whatIf(lab.config, before", "deviation: 0.6",
                                               "deviation: 0.3"])
        replanned = ""
        if index >= 0:
            try:
                page.wait_for_function(
                    "([p, i]) => { const s = (" + JS_STATE + ")(p); if (!s) return false;"
                    " const c = s.cells[i]; return c && s.kernel === 'idle' &&"
                    " JSON.stringify(c.outputs).includes('band ±30%'); }",
                    arg=[rel, index], timeout=60_000, polling=250)
                replanned = cell_text(page.evaluate(JS_STATE, rel)["cells"], "whatIf(lab.config")
            except Exception as error:  # noqa: BLE001 - reported as the check's detail
                replanned = f"{type(error).__name__}: {error}"
        checks.append(("the what-if cell re-plans with another setting when run again",
                       "What if: band ±30%" in replanned and "| broker |" in replanned,
                       replanned[:160].replace("\n", " ")))
        shot_before = str(Path(args.shots) / f"{name}.png")
        shoot(page, shot_before, "bytesInView(before", "svg", 0)
        shot_what_if = str(Path(args.shots) / f"{name}-what-if.png")
        shoot(page, shot_what_if, "whatIf(lab.config", "svg", -1)
        shots.extend([shot_before, shot_what_if])

    shot = str(Path(args.shots) / f"{name}.png")
    if not shots:
        page.screenshot(path=shot)
    # The reader closes the notebook: its kernel is shut down.
    if state and state.get("kernelId"):
        page.evaluate(
            "async (id) => { const s = window.jupyterapp.serviceManager; "
            "await s.kernels.shutdown(id); }", state["kernelId"])
    # Keep what JupyterLab shows (the copy under .lab/, not the committed notebook), then close.
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
    return {
        "notebook": name,
        "seconds": seconds,
        "ok": all(ok for _, ok, _ in checks),
        "checks": [{"check": c, "ok": ok, "detail": d} for c, ok, d in checks],
        "screenshots": shots or [shot],
        "live": [{"t": s["t"], "progress": [p["text"][:120] for p in s["progress"]],
                  "frames": [p["frame"] for p in s["live"]]}
                 for s in samples if s["progress"] or s["live"]][:400],
        "cells": [{"source": c["source"][:80], "kinds": k}
                  for c, k in zip(cells, kinds_per_cell(cells))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--dir", required=True, help="the notebooks' folder, relative to the root")
    parser.add_argument("--notebooks", nargs="+", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--headless-dir", help="executed notebooks of the headless runner")
    parser.add_argument("--pause", type=float, default=20.0, help="seconds between notebooks")
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--notebook-timeout", type=float, default=900.0)
    parser.add_argument("--kernel-timeout", type=float, default=120.0)
    args = parser.parse_args()
    Path(args.shots).mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            for i, name in enumerate(args.notebooks):
                if i > 0:
                    log(f"pausing {args.pause:.0f} s like a reader")
                    time.sleep(args.pause)
                log(f"{name}: Run All Cells")
                try:
                    result = run_notebook(page, args, name)
                except Exception as error:  # noqa: BLE001 - reported as this notebook's failure
                    result = {"notebook": name, "ok": False, "seconds": None, "checks": [
                        {"check": "ran", "ok": False, "detail": f"{type(error).__name__}: {error}"}]}
                results.append(result)
                for c in result["checks"]:
                    log(f"  {'ok  ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}")
                Path(args.report).write_text(json.dumps(results, indent=1))
        finally:
            browser.close()
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

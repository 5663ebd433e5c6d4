"""The part of the notebook runner that needs the venv's packages (nbclient, nbconvert).

Workaround: ``LossFreeNotebookClient`` below keeps outputs Deno's kernel publishes after a cell's
idle (Deno 2.9.5 ``cli/js/jupyter_kernel.js``, see ``lib/present/kernel_settle.ts``), which stock
nbclient 0.10's ``_async_poll_output_msg`` drops. Cost: each cell waits ``--quiet-ms`` (30 ms)
after idle. Delete with ``kernel_settle.ts``, when the benchmark's stock rounds lose nothing.

``run_notebooks.py`` bootstraps the venv and imports ``run_all`` from here; this module
imports only ``runner_common`` of the two (the dependency goes one way).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import (
    CellExecutionComplete,
    CellExecutionError,
    CellTimeoutError,
    DeadKernelError,
)
from nbclient.util import ensure_async

from runner_common import (
    KERNEL_NAME,
    ROOT,
    TEMPLATES,
    SetupError,
    default_notebooks,
    display_path,
    first_line,
    log,
)

OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error", "update_display_data"}


class LossFreeNotebookClient(NotebookClient):
    """A NotebookClient that keeps the outputs Deno's kernel sends after its idle status.

    Why: Deno's kernel (seen from 2.8.2 on) can publish a cell's ``status: idle`` on IOPub
    before the last outputs of that cell (a ``stream`` from a late ``console.log`` flush, a
    ``display_data``, even the ``execute_result``). Stock nbclient stops reading a cell's IOPub
    messages at ``idle`` and, while running the next cell, ignores messages whose parent is
    another request, so those outputs are silently lost: a notebook exported in CI misses
    charts or lines that JupyterLab shows.

    What it does, in two layers:

    1. After a cell's ``idle`` it keeps reading IOPub for that cell until ``quiet_seconds``
       pass without a message (every message resets the wait), appending what comes.
    2. Any message that still arrives later, while a following cell runs, is routed by its
       parent ``msg_id`` to the cell that sent it instead of being dropped; after the last
       cell a final drain does the same. Cells that got such outputs have their streams
       coalesced again, as nbclient does.

    ``late_outputs`` and ``stray_outputs`` count the outputs each layer kept.
    """

    def __init__(self, nb: Any, quiet_seconds: float, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self.quiet_seconds = quiet_seconds
        self.late_outputs = 0
        self.stray_outputs = 0
        self.max_late_seconds = 0.0
        self._cells_by_parent: dict[str, tuple[Any, int]] = {}
        self._touched: set[int] = set()

    async def _async_poll_output_msg(
        self, parent_msg_id: str, cell: Any, cell_index: int
    ) -> None:
        assert self.kc is not None
        self._cells_by_parent[parent_msg_id] = (cell, cell_index)
        idle = False
        idle_at = 0.0
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=self.quiet_seconds if idle else None)
                )
            except Empty:
                return  # idle seen and quiet for quiet_seconds: the cell is done
            parent = msg["parent_header"].get("msg_id")
            if parent != parent_msg_id:
                self._route_stray(msg)
                continue
            if idle and msg["msg_type"] in OUTPUT_TYPES:
                self.late_outputs += 1
                self.max_late_seconds = max(self.max_late_seconds, time.monotonic() - idle_at)
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True
                idle_at = time.monotonic()

    def _route_stray(self, msg: dict[str, Any]) -> None:
        """Gives a message of an earlier cell to that cell."""
        target = self._cells_by_parent.get(msg["parent_header"].get("msg_id"))
        if target is None:
            return
        cell, cell_index = target
        if msg["msg_type"] in OUTPUT_TYPES:
            self.stray_outputs += 1
            self._touched.add(cell_index)
        try:
            self.process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            pass

    async def drain(self) -> None:
        """After the last cell: routes what is still queued, then re-coalesces streams."""
        assert self.kc is not None
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=max(self.quiet_seconds, 0.25))
                )
            except Empty:
                break
            self._route_stray(msg)
        for cell_index in sorted(self._touched):
            coalesce_streams(self.nb.cells[cell_index])


def coalesce_streams(cell: Any) -> None:
    """Merges a cell's stream outputs of one name into the first, as nbclient does."""
    merged: list[Any] = []
    streams: dict[str, Any] = {}
    for output in cell.outputs:
        if output.get("output_type") == "stream":
            if output["name"] in streams:
                streams[output["name"]]["text"] += output["text"]
                continue
            streams[output["name"]] = output
        merged.append(output)
    cell.outputs = merged


def die_with_parent() -> None:
    """Runs in the kernel's child process before exec: SIGKILL it when the runner dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the finally blocks and signal handlers still stop kernels


def count_outputs(nb: Any) -> int:
    """All outputs of all code cells."""
    return sum(len(cell.get("outputs", [])) for cell in nb.cells if cell.cell_type == "code")


async def stop_kernel(km: AsyncKernelManager, kc: Any) -> None:
    """Shuts the kernel down, then kills its process group if anything is left."""
    pgid = None
    provisioner = getattr(km, "provisioner", None)
    if provisioner is not None:
        pgid = getattr(provisioner, "pgid", None)
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:  # noqa: BLE001 - best effort while stopping
            pass
    try:
        if km.has_kernel:
            await asyncio.wait_for(km.shutdown_kernel(now=False), timeout=8)
    except Exception:  # noqa: BLE001 - fall through to the kill below
        pass
    if pgid:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        await ensure_async(km.cleanup_resources())
    except Exception:  # noqa: BLE001
        pass


def export(nb: Any, path: Path, out_dir: Path) -> dict[str, str]:
    """Writes <out>/<stem>.html (images embedded) and <out>/<stem>.md (+ <stem>_files/).

    Both carry alt text on every image: the output's plain text (the lab's charts describe
    themselves there), through the templates in lib/notebooks/templates/.
    """
    from nbconvert import HTMLExporter, MarkdownExporter
    from traitlets.config import Config

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    resources = {"metadata": {"name": stem, "path": str(path.parent)}}

    html_exporter = HTMLExporter(
        template_name="lab_offline", extra_template_basedirs=[str(TEMPLATES)]
    )
    html, _ = html_exporter.from_notebook_node(nb, resources=dict(resources))
    html_path = out_dir / f"{stem}.html"
    write_atomic(html_path, html.encode())

    files_dir_name = f"{stem}_files"
    # Prefer a table's own Markdown over its HTML; images go to <stem>_files/.
    md_exporter = MarkdownExporter(
        template_name="lab_markdown",
        extra_template_basedirs=[str(TEMPLATES)],
        config=Config({"NbConvertBase": {"display_data_priority": [
            "text/markdown", "text/html", "image/svg+xml", "image/png", "image/jpeg",
            "text/latex", "text/plain",
        ]}}),
    )
    md, md_resources = md_exporter.from_notebook_node(
        nb, resources={**resources, "output_files_dir": files_dir_name}
    )
    files_dir = out_dir / files_dir_name
    if files_dir.exists():
        for old in files_dir.iterdir():
            old.unlink()
    for name, data in (md_resources.get("outputs") or {}).items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data if isinstance(data, bytes) else data.encode())
    md_path = out_dir / f"{stem}.md"
    write_atomic(md_path, md.encode())
    return {"html": str(html_path), "markdown": str(md_path)}


def write_atomic(path: Path, data: bytes) -> None:
    """Writes through a .tmp file and a rename, so readers never see half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


async def run_notebook(path: Path, args: argparse.Namespace, round_no: int) -> dict[str, Any]:
    """Executes one notebook with a fresh Deno kernel; returns its report entry."""
    started = time.monotonic()
    name = display_path(path)
    entry: dict[str, Any] = {"notebook": name, "round": round_no, "ok": False}
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as err:  # noqa: BLE001 - any unreadable file is the same failure
        entry["error"] = {"message": f"{name}: not a readable notebook: {err}"}
        return entry

    kernel_log = tempfile.NamedTemporaryFile(
        prefix="lab-kernel-", suffix=".log", delete=False, mode="w+b"
    )
    km = AsyncKernelManager(kernel_name=KERNEL_NAME)
    kc = None
    client: NotebookClient | None = None
    current: tuple[int, str] | None = None
    try:
        await km.start_kernel(
            cwd=str(path.parent),
            stdout=kernel_log,
            stderr=kernel_log,
            preexec_fn=die_with_parent,
        )
        entry["kernel_pid"] = getattr(km.provisioner, "pid", None)
        kc = km.client()
        kc.start_channels()
        await asyncio.wait_for(kc.wait_for_ready(timeout=args.startup_timeout),
                               args.startup_timeout + 5)
        common = dict(
            km=km,
            kernel_name=KERNEL_NAME,
            timeout=int(max(1, round(args.timeout))),
            iopub_timeout=30,
            raise_on_iopub_timeout=True,
            allow_errors=False,
            interrupt_on_timeout=False,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        if args.stock:
            client = NotebookClient(nb, **common)
        else:
            client = LossFreeNotebookClient(nb, quiet_seconds=args.quiet_ms / 1000, **common)
        client.kc = kc
        info_id = await ensure_async(kc.kernel_info())
        info = await client.async_wait_for_reply(info_id)
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(nb.cells):
            current = (index, first_line(cell.source))
            await client.async_execute_cell(
                cell, index, execution_count=client.code_cells_executed + 1
            )
        current = None
        if isinstance(client, LossFreeNotebookClient):
            await client.drain()
        entry["ok"] = True
    except CellExecutionError as err:
        entry["error"] = cell_error(name, current, err.ename, err.evalue)
    except CellTimeoutError as err:
        if "IOPub" in str(err):
            entry["error"] = cell_error(name, current, "Timeout",
                                        "the kernel replied but never reported the cell idle "
                                        "(30 s)" + kernel_tail(kernel_log.name))
        else:
            entry["error"] = cell_error(name, current, "Timeout",
                                        f"the cell ran longer than {args.timeout:g} s (--timeout)")
    except DeadKernelError:
        entry["error"] = cell_error(name, current, "DeadKernel",
                                    "the Deno kernel died" + kernel_tail(kernel_log.name))
    except (asyncio.TimeoutError, RuntimeError) as err:
        if current is None:
            entry["error"] = {"message": f"{name}: the Deno kernel did not start within "
                              f"{args.startup_timeout:g} s: {err}{kernel_tail(kernel_log.name)}"}
        else:
            entry["error"] = cell_error(name, current, type(err).__name__, str(err))
    except Exception as err:  # noqa: BLE001 - anything else still names the notebook and cell
        entry["error"] = cell_error(name, current, f"runner error ({type(err).__name__})",
                                    str(err) + kernel_tail(kernel_log.name))
    finally:
        pending = getattr(client, "task_poll_for_reply", None)
        if pending is not None and not pending.done():
            pending.cancel()
        await stop_kernel(km, kc)
        kernel_log.close()
        try:
            os.unlink(kernel_log.name)
        except OSError:
            pass

    entry["cells"] = len(nb.cells)
    entry["outputs"] = count_outputs(nb)
    if isinstance(client, LossFreeNotebookClient):
        entry["late_outputs"] = client.late_outputs
        entry["stray_outputs"] = client.stray_outputs
        entry["max_late_ms"] = round(client.max_late_seconds * 1000, 1)
    entry["seconds"] = round(time.monotonic() - started, 3)
    if args.executed_dir:
        args.executed_dir.mkdir(parents=True, exist_ok=True)
        executed = args.executed_dir / path.name
        if args.rounds > 1:
            executed = args.executed_dir / f"{path.stem}.round{round_no}.ipynb"
        write_atomic(executed, nbformat.writes(nb).encode())
        entry["executed"] = str(executed)
    if not args.no_export and client is not None:
        entry.update(export(nb, path, args.out))
    return entry


def cell_error(name: str, current: tuple[int, str] | None, ename: str, evalue: str) -> dict:
    """The report's error entry for a failing cell, with the one-line message."""
    if current is None:
        return {"message": f"{name}: {ename}: {evalue}", "ename": ename, "evalue": evalue}
    index, line = current
    evalue = (evalue or "").strip()
    return {
        "cell": index,
        "first_line": line,
        "ename": ename,
        "evalue": evalue,
        "message": f"{name}: cell {index + 1} (index {index}, first line: {line!r}) failed: "
                   f"{ename}: {evalue}",
    }


def kernel_tail(log_path: str) -> str:
    """The end of the kernel's own log, for messages about a dead or silent kernel."""
    try:
        text = Path(log_path).read_text(errors="replace").strip()
    except OSError:
        return ""
    return f"\nkernel log (last lines):\n{text[-1500:]}" if text else ""


def watch_parent() -> None:
    """Sends SIGTERM to this process when its parent goes away (the Deno wrapper died)."""
    parent = os.getppid()

    def loop() -> None:
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=loop, daemon=True, name="watch-parent").start()


def resolve_notebooks(args: argparse.Namespace) -> list[Path]:
    """The notebooks to run, checked to exist."""

    paths = [Path(p).resolve() for p in args.notebooks] if args.notebooks else default_notebooks()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SetupError("no such notebook: " + ", ".join(missing))
    not_ipynb = [str(p) for p in paths if p.suffix != ".ipynb"]
    if not_ipynb:
        raise SetupError("not an .ipynb file: " + ", ".join(not_ipynb))
    return paths


async def run_all(args: argparse.Namespace) -> int:
    """Runs the notebooks (rounds times); prints one line each; writes the JSON report."""

    try:
        paths = resolve_notebooks(args)
    except SetupError as err:
        log(f"notebooks: {err}")
        return 2
    if not paths:
        log(f"notebooks: nothing to run (no .ipynb in {display_path(ROOT / 'notebooks')})")
        write_report(args, [])
        return 0
    args.out = Path(args.out).resolve()
    if args.exit_with_parent:
        watch_parent()

    main_task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    received: list[int] = []

    def on_signal(signum: int) -> None:
        received.append(signum)
        if main_task is not None:
            main_task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal, signum)

    entries: list[dict[str, Any]] = []
    failed = False
    try:
        for round_no in range(1, args.rounds + 1):
            for path in paths:
                entry = await run_notebook(path, args, round_no)
                if received:
                    # nbclient turns a cancelled cell into DeadKernelError: the signal wins.
                    raise asyncio.CancelledError()
                entries.append(entry)
                print_entry(entry, args.rounds)
                if not entry["ok"]:
                    failed = True
                    if not args.keep_going:
                        break
            if failed and not args.keep_going:
                break
    except asyncio.CancelledError:
        signum = received[0] if received else signal.SIGINT
        log(f"notebooks: stopped by {signal.Signals(signum).name}; kernels shut down")
        write_report(args, entries)
        return 128 + signum
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    write_report(args, entries)
    if failed:
        first = next(e for e in entries if not e["ok"])
        log(f"notebooks: FAILED: {first['error']['message']}")
        return 1
    return 0


def print_entry(entry: dict[str, Any], rounds: int) -> None:
    """One line per executed notebook."""
    prefix = f"[round {entry['round']}] " if rounds > 1 else ""
    if entry["ok"]:
        kept = entry.get("late_outputs", 0) + entry.get("stray_outputs", 0)
        extra = f", kept {kept} late output(s)" if kept else ""
        where = f" -> {display_path(Path(entry['html']))}" if "html" in entry else ""
        log(f"notebooks: {prefix}ok {entry['notebook']}: {entry['cells']} cells, "
            f"{entry['outputs']} outputs, {entry['seconds']:.1f} s{extra}{where}")
    else:
        log(f"notebooks: {prefix}FAIL {entry['error']['message']}")


def write_report(args: argparse.Namespace, entries: list[dict[str, Any]]) -> None:
    """The JSON report for the Deno wrapper and the benchmark."""
    if args.report is None:
        return
    args.report.parent.mkdir(parents=True, exist_ok=True)
    report = {"ok": all(e["ok"] for e in entries), "notebooks": entries}
    write_atomic(Path(args.report), json.dumps(report, indent=2).encode())


if __name__ == "__main__":
    sys.exit("run lib/notebooks/run_notebooks.py, not this module")

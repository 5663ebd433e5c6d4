"""What the notebook runner's two halves share: the project's paths, the kernel's name,
the setup error, and how progress and paths are printed. Standard library only.

``run_notebooks.py`` (the bootstrap) and ``lab_runner.py`` (the runner, inside the venv)
both import this module; neither imports the other at load time, and only the bootstrap
imports the runner (after the venv is ready).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TEMPLATES = HERE / "templates"
KERNEL_NAME = "lab-deno"


class SetupError(Exception):
    """The runner cannot start: the message says what is missing and what to do."""


def log(line: str) -> None:
    """One line of progress on stderr."""
    print(line, file=sys.stderr, flush=True)


def default_notebooks() -> list[Path]:
    """notebooks/*.ipynb sorted by name (the walkthrough, 00 to 07), then
    notebooks/scenarios/*.ipynb (the scenario notebook sets up its own cluster after 07 tore the
    walkthrough's down)."""
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "notebooks" / "scenarios").glob("*.ipynb")
    )


def first_line(source: str) -> str:
    """The first non-blank line of a cell, shortened for messages."""
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= 80 else line[:77] + "..."
    return ""


def display_path(path: Path) -> str:
    """A path relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)

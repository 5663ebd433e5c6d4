#!/usr/bin/env python3
"""Execute the lab's Deno notebooks headless and export them to HTML and Markdown.

Run it with any Python 3 that has the ``venv`` module (``deno task notebooks`` does):

    python3 lib/notebooks/run_notebooks.py [NOTEBOOK ...] [--out results/notebooks]

Steps:

1. Bootstrap (standard library only): create a private venv (``.venv/`` in the project, or
   ``LAB_NOTEBOOK_VENV``), install the pinned ``requirements.txt`` beside this file when it
   changed, install Deno's kernelspec into that venv (never into ``~/.local``), then re-execute
   this script with the venv's Python.
2. Run every notebook (``notebooks/*.ipynb`` sorted by name, then ``notebooks/scenarios/``, or
   the ones given) with a fresh Deno kernel whose working directory is the notebook's
   directory, so Deno finds the project's ``deno.json`` (import map: ``@lab/...``) by walking
   up, as it does in JupyterLab and VS Code. The kernel gets ``NO_COLOR=1``.
3. Stop at the first cell error (unless ``--keep-going``), naming the notebook, the cell and
   its first line, and exit 1. A cell taking longer than ``--timeout`` seconds is an error.
4. Export each executed notebook (also a failed one, up to the failing cell) to
   ``<out>/<name>.html`` (images embedded, no network references) and ``<out>/<name>.md``
   (images written to ``<out>/<name>_files/``).

Kernels never outlive the runner: each is shut down in ``finally``, its process group is
killed if it lingers, SIGINT/SIGTERM cancel the run (and so reach those ``finally`` blocks),
and on Linux each kernel gets ``PR_SET_PDEATHSIG`` so even a SIGKILLed runner takes it along.

Exit codes: 0 all notebooks passed, 1 a notebook failed, 2 bad usage or setup failure,
130/143 interrupted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

# No __pycache__/ beside the sources (the runner's modules live in the repository).
sys.dont_write_bytecode = True

from runner_common import (  # noqa: E402  (after dont_write_bytecode)
    HERE,
    KERNEL_NAME,
    ROOT,
    SetupError,
    log,
)

REQUIREMENTS = HERE / "requirements.txt"
KERNEL_DISPLAY = "Deno (lab runner)"
BOOTSTRAP_ENV = "LAB_NOTEBOOK_BOOTSTRAPPED"
STAMP_NAME = ".lab-requirements.sha256"


# --------------------------------------------------------------------------------------------
# Bootstrap: standard library only, runs under whatever Python started the script.
# --------------------------------------------------------------------------------------------


def venv_dir() -> Path:
    """Where the private venv lives: LAB_NOTEBOOK_VENV or <project>/.venv."""
    configured = os.environ.get("LAB_NOTEBOOK_VENV")
    return Path(configured).resolve() if configured else ROOT / ".venv"


def venv_python(venv: Path) -> Path:
    """The venv's interpreter."""
    return venv / "bin" / "python"


def requirements_stamp() -> str:
    """A digest of the pinned requirements: the venv is reinstalled when it changes."""
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def can_make_venv(python: str) -> bool:
    """Whether this interpreter is Python 3.9+ with the venv and ensurepip modules."""
    try:
        done = subprocess.run(
            [python, "-c", "import sys, venv, ensurepip; assert sys.version_info >= (3, 9)"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def pick_base_python() -> str:
    """The first interpreter that can create a venv: LAB_PYTHON, this one, Debian's, PATH's."""
    candidates = [
        os.environ.get("LAB_PYTHON", ""),
        sys.executable,
        "/usr/bin/python3",
        shutil.which("python3") or "",
    ]
    tried = []
    for candidate in candidates:
        if not candidate or candidate in tried:
            continue
        tried.append(candidate)
        if can_make_venv(candidate):
            return candidate
    raise SetupError(
        "no Python 3.9+ with the venv and ensurepip modules was found (tried "
        + ", ".join(tried)
        + "). Install one (Debian: apt-get install python3-venv) or set LAB_PYTHON to its path."
    )


def run_step(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    """Runs a setup command; on failure raises SetupError with its output."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900)
    except subprocess.TimeoutExpired as err:
        raise SetupError(f"{what} took longer than 15 minutes: {' '.join(argv)}") from err
    except OSError as err:
        raise SetupError(f"{what} could not start ({' '.join(argv)}): {err}") from err
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-4000:]
        raise SetupError(f"{what} failed (exit {done.returncode}): {' '.join(argv)}\n{output}")


def ensure_venv(venv: Path) -> None:
    """Creates the venv and installs the pinned requirements unless they are current."""
    import fcntl  # POSIX only; the lab runs on Linux and macOS.

    venv.mkdir(parents=True, exist_ok=True)
    with open(venv / ".lab-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp_file = venv / STAMP_NAME
        wanted = requirements_stamp()
        python = venv_python(venv)
        healthy = python.exists() and subprocess.run(
            [str(python), "-c", "import sys"], capture_output=True
        ).returncode == 0
        if healthy and stamp_file.exists() and stamp_file.read_text().strip() == wanted:
            return
        if not healthy:
            base = pick_base_python()
            log(f"notebooks: creating the runner's Python venv at {venv} (with {base})")
            # No --clear: it would delete the lock file we hold. A venv with a missing
            # interpreter is repaired in place; delete the directory to start afresh.
            try:
                run_step([base, "-m", "venv", str(venv)], "creating the venv")
            except SetupError as err:
                raise SetupError(f"{err}\nIf {venv} is a broken venv, delete it and run again.")
        log(f"notebooks: installing {REQUIREMENTS.relative_to(ROOT)} into {venv}")
        run_step(
            [
                str(python), "-m", "pip", "install", "--disable-pip-version-check",
                "--no-input", "--quiet", "-r", str(REQUIREMENTS),
            ],
            "pip install (PyPI must be reachable)",
        )
        stamp_file.write_text(wanted + "\n")


def bootstrap() -> None:
    """Re-executes this script inside the private venv, creating it first if needed."""
    venv = venv_dir()
    if os.environ.get(BOOTSTRAP_ENV) == str(venv):
        return
    ensure_venv(venv)
    env = dict(os.environ)
    env[BOOTSTRAP_ENV] = str(venv)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    python = str(venv_python(venv))
    os.execve(python, [python, str(Path(__file__).resolve()), *sys.argv[1:]], env)


# --------------------------------------------------------------------------------------------
# Everything below runs inside the venv.
# --------------------------------------------------------------------------------------------


def find_deno(explicit: str | None) -> str:
    """The Deno binary: --deno, DENO_BIN, or `deno` on PATH."""
    deno = explicit or os.environ.get("DENO_BIN") or shutil.which("deno")
    if not deno or not Path(deno).exists():
        raise SetupError(
            "the deno binary was not found: put deno on PATH, or pass --deno / set DENO_BIN"
        )
    return str(Path(deno).resolve())


def install_kernelspec(venv: Path, deno: str) -> Path:
    """Installs Deno's kernelspec into <venv>/share/jupyter/kernels/lab-deno.

    `deno jupyter --install` writes to Jupyter's user data dir, which it takes from
    XDG_DATA_HOME (it ignores JUPYTER_DATA_DIR): pointing XDG_DATA_HOME at <venv>/share
    keeps ~/.local untouched. It runs on every start (it is quick) so the kernelspec always
    names the Deno that runs the lab.
    """
    import fcntl

    share = venv / "share"
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(share)
    with open(venv / ".lab-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run_step(
            [deno, "jupyter", "--install", "--name", KERNEL_NAME, "--display", KERNEL_DISPLAY,
             "--force"],
            "installing the Deno kernelspec",
            env,
        )
    spec = share / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    if not spec.exists():
        raise SetupError(f"`deno jupyter --install` did not write {spec}")
    return share / "jupyter"


def main_in_venv(args: argparse.Namespace) -> int:
    """Sets up Jupyter's environment, then runs the notebooks."""
    venv = venv_dir()
    deno = find_deno(args.deno)
    jupyter_dir = install_kernelspec(venv, deno)
    # Only the venv's Jupyter dirs: nothing from the user's ~/.local or ~/.jupyter.
    os.environ["JUPYTER_PATH"] = str(jupyter_dir)
    os.environ["JUPYTER_DATA_DIR"] = str(jupyter_dir)
    os.environ["JUPYTER_CONFIG_DIR"] = str(venv / "etc" / "jupyter")
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ["NO_COLOR"] = "1"
    os.environ["DENO_NO_UPDATE_CHECK"] = "1"
    os.environ["DENO_NO_PROMPT"] = "1"
    os.environ.pop("FORCE_COLOR", None)

    import asyncio

    from lab_runner import run_all  # noqa: E402  (the venv's packages are needed)

    return asyncio.run(run_all(args))


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="run_notebooks.py",
        description="Execute Deno notebooks headless; export HTML and Markdown.",
    )
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run, in this order (default: notebooks/*.ipynb, then scenarios/)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "notebooks",
                        help="export directory (default: results/notebooks)")
    parser.add_argument("--no-export", action="store_true", help="do not write HTML/Markdown")
    parser.add_argument("--executed-dir", type=Path,
                        help="also write each executed .ipynb here")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds one cell may run (default 600)")
    parser.add_argument("--startup-timeout", type=float, default=60.0,
                        help="seconds the kernel may take to start (default 60)")
    parser.add_argument("--quiet-ms", type=float, default=30.0,
                        help="after a cell's idle status, keep reading its late outputs until "
                             "this long passes without one (default 30)")
    parser.add_argument("--stock", action="store_true",
                        help="use nbclient's stock output handling (for the benchmark: shows "
                             "the outputs it loses)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the list this many times (benchmark)")
    parser.add_argument("--keep-going", action="store_true",
                        help="run the remaining notebooks after a failure")
    parser.add_argument("--report", type=Path, help="write a JSON report here")
    parser.add_argument("--deno", help="the deno binary (default: DENO_BIN or PATH)")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop (and stop the kernel) when the parent process goes away")
    parser.add_argument("--setup-only", action="store_true",
                        help="create the venv and kernelspec, run nothing")
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.startup_timeout <= 0:
        parser.error("--timeout and --startup-timeout must be positive seconds")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.quiet_ms < 0:
        parser.error("--quiet-ms must be zero or more")
    return args


def main() -> int:
    """Entry point: bootstrap, then run."""
    args = parse_args(sys.argv[1:])
    started = time.monotonic()
    try:
        bootstrap()
        sys.path.insert(0, str(HERE))
        if args.setup_only:
            venv = venv_dir()
            install_kernelspec(venv, find_deno(args.deno))
            log(f"notebooks: venv {venv} and kernelspec {KERNEL_NAME} ready "
                f"({time.monotonic() - started:.1f} s)")
            return 0
        return main_in_venv(args)
    except SetupError as err:
        log(f"notebooks: setup failed: {err}")
        return 2


if __name__ == "__main__":
    sys.exit(main())

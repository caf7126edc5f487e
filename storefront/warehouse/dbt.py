"""Run dbt for real against the resolved warehouse (a subprocess with the project's profile).

:func:`run_dbt` runs dbt as it is. `storefront dbt` goes through :func:`run_checked`, which adds
two checks dbt does not make by itself:

* before a command that reaches the database (build, run, test, seed, snapshot, compile, show,
  docs generate, ...), one connection to the warehouse: when it fails, the command fails in the
  project's one line (``cannot connect to ...``) instead of dbt's multi-line error after parsing;
* a selector that matches nothing is an error (dbt's own ``--warn-error-options`` turns its
  ``NoNodesForSelectionCriteria`` warning into one), said in one line after dbt's output.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from storefront import warehouse
from storefront.warehouse.roles import TRANSFORMER

# dbt's sub-commands. Those of OFFLINE never connect (nor does `docs serve`, nor dbt without a
# sub-command: --version, --help): the local warehouse is not started for them. `debug` connects
# to diagnose the connection itself: it is not checked beforehand.
COMMANDS = frozenset({
    "build", "clean", "clone", "compile", "debug", "deps", "docs", "init", "list", "ls", "parse",
    "retry", "run", "run-operation", "seed", "show", "snapshot", "source", "test",
})
OFFLINE = frozenset({"clean", "deps", "init", "list", "ls", "parse"})
# dbt's options before the sub-command that take a value (``--log-level debug build``: debug is
# that value, not the sub-command); a test compares it with dbt's own declaration.
VALUE_OPTIONS = frozenset({
    "--deprecated-defer", "--defer-state", "--deprecated-favor-state", "--deprecated-state",
    "--indirect-selection", "--log-file-max-bytes", "--log-format", "--log-format-file",
    "--log-level", "--log-level-file", "--log-path", "--partial-parse-file-path",
    "--printer-width", "--profile", "--record-timing-info", "-r", "--state", "--target", "-t",
    "--warn-error-options",
})
# dbt's warning for a selector that matches nothing, made an error by `storefront dbt`.
NO_NODES_EVENT = "NoNodesForSelectionCriteria"
NO_NODES_OPTIONS = json.dumps({"error": [NO_NODES_EVENT]})
_NO_NODES_TEXT = re.compile(rb"The selection criterion '(.*)' does not match any enabled nodes")


class DbtError(warehouse.WarehouseError):
    """dbt failed for a reason `storefront dbt` can say in one line."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv)."""
    return os.path.join(os.path.dirname(sys.executable), "dbt")


def run_dbt(
    args: Sequence[str], target: warehouse.Target | None = None, *, quiet: bool = False
) -> int:
    """Run ``dbt ARGS`` in the project folder against ``target``; return its exit status."""
    env = warehouse.dbt_env(target)
    output = subprocess.DEVNULL if quiet else None
    return subprocess.call(
        [dbt_executable(), *args], env=env, cwd=warehouse.project_dir(), stdout=output
    )


def subcommand(args: Sequence[str]) -> list[str]:
    """dbt's sub-command in ``args`` (``["build"]``, ``["docs", "serve"]``), [] when there is
    none (``--version``, ``--help``)."""
    position = 0
    while position < len(args):
        word = args[position]
        if word in COMMANDS:
            following = list(args[position + 1 : position + 2])
            return [word, *following] if word in ("docs", "source") else [word]
        if not word.startswith("-"):
            return []  # not a sub-command dbt knows: dbt will say so
        position += 2 if word in VALUE_OPTIONS else 1
    return []


def offline(args: Sequence[str]) -> bool:
    """True when ``dbt ARGS`` never connects to the database (it asks for help, or its
    sub-command never does)."""
    command = subcommand(args)
    if not command or "--help" in args or "-h" in args:
        return True
    return command[0] in OFFLINE or command == ["docs", "serve"]


def needs_database(args: Sequence[str]) -> bool:
    """True when ``dbt ARGS`` works on the database through the project's profile, so that
    `storefront dbt` checks the connection first (with ``--profiles-dir`` or another
    DBT_PROFILES_DIR, dbt may go elsewhere: not checked)."""
    if offline(args) or subcommand(args) == ["debug"]:
        return False
    if any(a == "--profiles-dir" or a.startswith("--profiles-dir=") for a in args):
        return False
    chosen = os.environ.get("DBT_PROFILES_DIR")
    own = warehouse.project_dir() / "profiles"
    return not chosen or Path(chosen).resolve() == own.resolve()


def check_connection(target: warehouse.Target) -> None:
    """One connection to ``target``; :class:`warehouse.WarehouseError` (one line) if it fails."""
    warehouse.connect(target).close()


def run_checked(args: Sequence[str], target: warehouse.Target | None = None) -> int:
    """`storefront dbt ARGS`: dbt's exit status, after checking the connection when dbt needs
    one; raises :class:`warehouse.WarehouseError` (cannot connect) or :class:`DbtError` (a
    selector matched nothing), each one line."""
    if target is None:
        target = warehouse.resolve(start=not offline(args))
        if target.embedded and not warehouse.local_server().running():
            target = replace(target, user=TRANSFORMER)  # as `storefront db start` will make it
    target = warehouse.as_role(target, TRANSFORMER)
    if needs_database(args):
        check_connection(target)
    env = warehouse.dbt_env(target)
    env.setdefault("DBT_WARN_ERROR_OPTIONS", NO_NODES_OPTIONS)
    env.setdefault("PYTHONUNBUFFERED", "1")  # dbt's lines pass through as they come
    status, unmatched = _run_watching(args, env)
    if status != 0 and unmatched:
        names = ", ".join(repr(name) for name in unmatched)
        raise DbtError(
            f"dbt {' '.join(subcommand(args))}: the selection criterion {names} matches no"
            f" enabled node (dbt {NO_NODES_EVENT}; nothing was run)",
            status,
        )
    return status


def _run_watching(args: Sequence[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Run dbt, its output passed through to ours as it comes; return its exit status and the
    selectors it said match nothing."""
    child = subprocess.Popen(
        [dbt_executable(), *args], env=env, cwd=warehouse.project_dir(), stdout=subprocess.PIPE
    )
    out = sys.stdout.buffer
    unmatched: list[str] = []
    pending = b""
    try:
        while chunk := os.read(child.stdout.fileno(), 1 << 16):
            if out is not None:
                try:
                    out.write(chunk)
                    out.flush()
                except BrokenPipeError:  # our reader left (`| head`): dbt still runs to its end
                    out = None
            *lines, pending = (pending + chunk).split(b"\n")
            pending = pending[-4096:]
            for line in lines:
                unmatched += (m.decode("utf-8", "replace") for m in _NO_NODES_TEXT.findall(line))
        for match in _NO_NODES_TEXT.findall(pending):
            unmatched.append(match.decode("utf-8", "replace"))
    finally:
        status = child.wait()
        child.stdout.close()
    return status, list(dict.fromkeys(unmatched))

"""What the CLI prints for people to paste into a shell: the `storefront` command as it can be
typed here (its full path while it is not on PATH), PATH with the project's commands first, and
arguments quoted for the shell."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path


def scripts_dir() -> Path:
    """The folder of this Python's commands: ``.venv/bin`` (storefront, dbt, and later mf)."""
    return Path(sys.executable).parent


def storefront_command() -> str:
    """``storefront`` when that name reaches this installation from the shell, else the full
    path of the script (``/.../.venv/bin/storefront``), quoted for the shell."""
    script = scripts_dir() / "storefront"
    if not script.exists():
        return "storefront"
    found = shutil.which("storefront")
    if found and Path(found).resolve() == script.resolve():
        return "storefront"
    return shlex.quote(str(script))


def command_line(*words: object) -> str:
    """A `storefront` command line that can be pasted back: ``words`` quoted where needed,
    numbers without thousands separators."""
    return " ".join([storefront_command(), *(shlex.quote(str(word)) for word in words)])


def search_path(
    first: Iterable[str | Path], last: Iterable[str | Path] = (), current: str | None = None
) -> str:
    """PATH with the folders ``first`` in front and ``last`` at the end, each once (so that
    evaluating the same line twice leaves the same PATH). ``current`` defaults to $PATH."""
    first, last = [str(p) for p in first], [str(p) for p in last]
    current = os.environ.get("PATH", "") if current is None else current
    middle = [p for p in current.split(os.pathsep) if p and p not in first and p not in last]
    return os.pathsep.join(dict.fromkeys([*first, *middle, *last]))

"""Run dbt for real against the resolved warehouse (a subprocess with the project's profile)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from storefront import warehouse


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

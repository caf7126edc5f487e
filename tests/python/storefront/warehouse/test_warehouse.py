"""The local warehouse: lifecycle, the PG* override path, one-line errors of `storefront db`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg
import pytest

from conftest import run_cli
from storefront import warehouse

PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")


def local_env(project: Path) -> dict[str, str]:
    """An environment with no PG* variables and the project's data in ``project``."""
    env = {k: v for k, v in os.environ.items() if k not in PG_VARS}
    env["STOREFRONT_HOME"] = str(project / ".storefront")
    return env


def cli(env: dict[str, str], *args: str):
    """Run `storefront` with exactly ``env`` (PG* variables removed when absent from it)."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "storefront.cli", *args],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )


def exports(text: str) -> dict[str, str]:
    import shlex

    found = {}
    for line in text.splitlines():
        assert line.startswith("export "), line
        key, _, value = line[len("export "):].partition("=")
        found[key] = shlex.split(value)[0] if value else ""
    return found


def assert_one_line_error(done, *needles: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("storefront: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_lifecycle_start_twice_env_stop_keeps_data(tmp_path, pg_server):
    env = local_env(tmp_path)
    try:
        first = cli(env, "db", "start")
        assert first.returncode == 0, first.stderr
        assert "local warehouse started" in first.stdout
        assert (tmp_path / ".storefront" / "pgdata" / "PG_VERSION").is_file()

        again = cli(env, "db", "start")
        assert again.returncode == 0, again.stderr
        assert "already running" in again.stdout

        status = cli(env, "db", "status")
        assert status.returncode == 0 and "running" in status.stdout

        shell = exports(cli(env, "db", "env").stdout)
        assert shell["PGDATABASE"] == "storefront"
        # the local warehouse comes with its least-privilege roles; shells work as dbt does
        assert shell["PGUSER"] == "storefront_transformer"
        assert Path(shell["DBT_PROFILES_DIR"], "profiles.yml").is_file()
        assert str(warehouse.bin_dir()) in shell["PATH"]
        conninfo = psycopg.conninfo.make_conninfo(
            host=shell["PGHOST"], port=shell["PGPORT"], user="postgres",
            dbname=shell["PGDATABASE"],
        )
        with psycopg.connect(conninfo, autocommit=True) as conn:
            # the local warehouse is durable and runs with the project's settings
            shown = dict(conn.execute(
                "select name, current_setting(name) from unnest(%s::text[]) as name",
                [["fsync", "full_page_writes", "io_method", "work_mem", "wal_level"]],
            ).fetchall())
            assert shown == {
                "fsync": "on", "full_page_writes": "on", "io_method": "sync",
                "work_mem": "256MB", "wal_level": "minimal",
            }
            conn.execute("create table kept (n int)")
            conn.execute("insert into kept values (42)")

        # After eval "$(storefront db env)" the PG* variables name the local socket: still local.
        with_env = {**env, **{k: shell[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")}}
        assert "already running" in cli(with_env, "db", "start").stdout

        stopped = cli(env, "db", "stop")
        assert stopped.returncode == 0 and "stopped" in stopped.stdout
        down = cli(env, "db", "status")
        assert down.returncode == 3 and "stopped" in down.stdout
        assert "not running" in cli(env, "db", "stop").stdout

        assert cli(env, "db", "start").returncode == 0
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("select n from kept").fetchone() == (42,)
    finally:
        cli(env, "db", "stop")
    assert not warehouse.EmbeddedServer(tmp_path / ".storefront" / "pgdata").running()


def test_pg_variables_select_another_server_and_never_start_local(tmp_path, pg_server):
    env = {**os.environ, "STOREFRONT_HOME": str(tmp_path / ".storefront")}
    env.update(pg_server.target("postgres").env())
    start = cli(env, "db", "start")
    assert start.returncode == 0, start.stderr
    assert "not starting one" in start.stdout
    assert not (tmp_path / ".storefront").exists()
    status = cli(env, "db", "status")
    assert status.returncode == 0 and "reachable" in status.stdout
    shell = exports(cli(env, "db", "env").stdout)
    assert shell["PGHOST"] == str(pg_server.socket_dir)
    # the project's commands first; the wheel's psql only after the system's own
    assert shell["PATH"].split(":")[0] == str(Path(sys.executable).parent)
    assert shell["PATH"].split(":")[-1] == str(warehouse.bin_dir())
    target = warehouse.external_target()
    assert target is not None and target.host == str(pg_server.socket_dir)
    assert not (tmp_path / ".storefront").exists()


def test_connection_refused_is_one_line(tmp_path, pg_server):
    env = {**os.environ, "PGHOST": str(tmp_path), "PGPORT": "5999"}
    assert_one_line_error(cli(env, "db", "status"), "connection refused", str(tmp_path))


def test_missing_database_is_one_line(pg_server):
    env = {**os.environ, **pg_server.target("no_such_db").env()}
    assert_one_line_error(cli(env, "db", "status"), "database no_such_db does not exist")


def test_authentication_failure_is_one_line(pg_server):
    admin = pg_server.target("postgres")
    hba = pg_server.pgdata / "pg_hba.conf"
    original = hba.read_text()
    with psycopg.connect(admin.conninfo(), autocommit=True) as conn:
        conn.execute("drop role if exists pw_user")
        conn.execute("create role pw_user login password 'right-password'")
        hba.write_text("local all pw_user scram-sha-256\n" + original)
        conn.execute("select pg_reload_conf()")
    try:
        env = {**os.environ, **admin.env(), "PGUSER": "pw_user", "PGPASSWORD": "wrong"}
        assert_one_line_error(cli(env, "db", "status"), "authentication failed for user pw_user")
    finally:
        hba.write_text(original)
        with psycopg.connect(admin.conninfo(), autocommit=True) as conn:
            conn.execute("select pg_reload_conf()")


def test_server_that_will_not_start_shows_its_log(tmp_path, pg_server):
    env = local_env(tmp_path)
    server = warehouse.EmbeddedServer(tmp_path / ".storefront" / "pgdata")
    server.init()
    with open(server.pgdata / "postgresql.auto.conf", "a") as conf:
        conf.write("shared_buffers = 'lots'\n")
    done = cli(env, "db", "start")
    assert_one_line_error(done, "PostgreSQL would not start", "shared_buffers")
    assert not server.running()


def test_bad_port_variable_is_one_line(pg_server):
    env = {**os.environ, "PGPORT": "fifty"}
    assert_one_line_error(cli(env, "db", "status"), "PGPORT is not a port number")


@pytest.mark.parametrize("action", ["status"])
def test_run_cli_helper_uses_the_session_server(pg_server, action):
    done = run_cli("db", action)
    assert done.returncode == 0 and str(pg_server.socket_dir) in done.stdout

"""`storefront dbt`: one connection is tried before dbt parses (one line when it fails), a
selector that matches nothing fails, and dbt's own arguments pass through untouched."""

from __future__ import annotations

import time

import pytest

from conftest import run_cli
from storefront.warehouse import dbt as dbtrun

UNREACHABLE = {"PGHOST": "127.0.0.1", "PGPORT": "1", "PGUSER": "someone"}


@pytest.fixture(scope="module")
def dbt_paths(fresh_db, tmp_path_factory) -> dict[str, str]:
    """dbt's target and log folders out of the project (a partial parse is shared)."""
    folder = tmp_path_factory.mktemp("dbt")
    return {"DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}


@pytest.mark.parametrize(
    "args",
    [("build",), ("run", "--select", "marts"), ("test",), ("docs", "generate"),
     ("--log-level", "debug", "seed")],
)
def test_unreachable_server_fails_in_one_line_before_dbt_parses(pg_server, args):
    started = time.monotonic()
    done = run_cli("dbt", *args, env=UNREACHABLE)
    seconds = time.monotonic() - started
    assert done.returncode == 1
    assert done.stdout == ""  # dbt did not run
    assert done.stderr == (
        "storefront: cannot connect to postgresql://someone@127.0.0.1:1/"
        f"{UNREACHABLE.get('PGDATABASE', 'postgres')}: connection refused (is the server"
        " running?)\n"
    )
    assert seconds < 5  # dbt's parse alone takes longer


@pytest.mark.parametrize("args", [("--version",), ("parse", "--help"), ("ls", "--help")])
def test_commands_that_need_no_database_are_not_checked(pg_server, args):
    done = run_cli("dbt", *args, env=UNREACHABLE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cannot connect" not in done.stderr


def test_selector_matching_nothing_fails_and_says_so(dbt_paths):
    done = run_cli("dbt", "build", "--select", "does_not_exist", env=dbt_paths)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr
    assert done.stderr.splitlines()[-1] == (
        "storefront: dbt build: the selection criterion 'does_not_exist' matches no enabled"
        " node (dbt NoNodesForSelectionCriteria; nothing was run)"
    )
    assert " START " not in done.stdout  # nothing ran


def test_a_matching_selector_still_works_and_the_check_can_be_turned_off(dbt_paths):
    listed = run_cli("dbt", "ls", "--select", "revenue_monthly", "--resource-type", "model",
                     env=dbt_paths)
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr
    assert "storefront.marts.finance.revenue_monthly" in listed.stdout
    allowed = run_cli("dbt", "ls", "--select", "nothing_here",
                      "--warn-error-options", '{"error": []}', env=dbt_paths)
    assert allowed.returncode == 0, allowed.stdout[-2000:] + allowed.stderr
    assert "does not match any enabled nodes" in allowed.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["build"], ["build"]),
        (["--log-level", "debug", "run", "-s", "build"], ["run"]),
        (["docs", "serve"], ["docs", "serve"]),
        (["--version"], []),
    ],
)
def test_subcommand_is_found_among_dbt_options(args, expected):
    assert dbtrun.subcommand(args) == expected


def test_docs_serve_debug_and_parse_are_not_checked_beforehand(monkeypatch, tmp_path):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    assert dbtrun.needs_database(["build"])
    assert dbtrun.needs_database(["docs", "generate"])
    for args in (["docs", "serve"], ["debug"], ["parse"], ["ls"], ["deps"], ["--version"]):
        assert not dbtrun.needs_database(args), args
    # with another profile, dbt may go to another server: not checked
    assert not dbtrun.needs_database(["build", "--profiles-dir", str(tmp_path)])
    monkeypatch.setenv("DBT_PROFILES_DIR", str(tmp_path))
    assert not dbtrun.needs_database(["build"])


def test_value_options_are_dbt_own():
    """The options before dbt's sub-command that take a value, as dbt declares them."""
    import click
    from dbt.cli.main import cli

    declared = {
        name
        for param in cli.params
        if isinstance(param, click.Option) and not (param.is_flag or param.count)
        for name in param.opts + param.secondary_opts
    }
    assert declared == dbtrun.VALUE_OPTIONS
    assert {c.replace("_", "-") for c in cli.commands} | {"ls"} == dbtrun.COMMANDS

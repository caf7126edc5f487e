"""The `storefront` command: thin argument parsing over importable functions.

    storefront db start | stop | status | env
    storefront load order-lines PATH...      (one feed)
    storefront dbt ARGS...                   (dbt against the resolved warehouse)

Every error is printed as one line on stderr (``storefront: ...``) with exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import psycopg

from loaders.load import LoaderError
from storefront import demo, load
from storefront.api import serve
from storefront.simulate import generate
from storefront.warehouse import WarehouseError, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storefront",
        description="Storefront Analytics: the local warehouse, loaders and dbt.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

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

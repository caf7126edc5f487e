"""`storefront demo`: the whole pipeline on the local warehouse, then a short summary."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import psycopg
from psycopg import sql

from storefront import shell, warehouse
from storefront.warehouse import commands, roles
from storefront.warehouse import dbt as dbtrun

LAYERS = ("raw", "staging", "core", "marts", "snapshots")
# (mart, order by, columns shown)
SHOWCASE = (
    ("marts.revenue_monthly", "month_start",
     ("month_start", "order_count", "units_sold", "revenue", "profit", "revenue_mom_growth")),
    ("marts.category_performance", "revenue_rank",
     ("product_category", "order_count", "units_sold", "revenue", "profit", "profit_margin",
      "revenue_share")),
    ("marts.customer_lifetime_value", "revenue_rank",
     ("revenue_rank", "customer_id", "order_count", "lifetime_revenue", "lifetime_profit",
      "first_order_date", "last_order_date")),
)


def step(title: str) -> None:
    print(f"\n==> {title}", flush=True)


def layer_counts(conn: psycopg.Connection) -> list[tuple[str, int, int]]:
    """(schema, relations, rows) for each layer; rows are exact counts."""
    found = []
    for schema in LAYERS:
        names = [
            row[0]
            for row in conn.execute(
                "select table_name from information_schema.tables"
                " where table_schema = %s order by table_name",
                (schema,),
            )
        ]
        rows = 0
        for name in names:
            query = sql.SQL("select count(*) from {}.{}").format(
                sql.Identifier(schema), sql.Identifier(name)
            )
            rows += conn.execute(query).fetchone()[0]
        found.append((schema, len(names), rows))
    return found


def show_table(
    conn: psycopg.Connection, relation: str, order_by: str, columns: tuple[str, ...],
    limit: int = 5,
) -> None:
    schema, name = relation.split(".")
    exists = conn.execute("select to_regclass(%s)", (relation,)).fetchone()[0]
    if exists is None:
        return
    cursor = conn.execute(
        sql.SQL("select {} from {}.{} order by {} limit {}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.Identifier(schema), sql.Identifier(name), sql.Identifier(order_by),
            sql.Literal(limit),
        )
    )
    rows = [["" if v is None else str(v) for v in row] for row in cursor.fetchall()]
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c)
              for i, c in enumerate(columns)]
    print(f"\n{relation} (first {limit} by {order_by})")
    print("  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def summary(target: warehouse.Target) -> None:
    with warehouse.connect(target) as conn:
        print("\nRows per layer:")
        for schema, relations, rows in layer_counts(conn):
            print(f"  {schema:<10} {relations:>3} relations {rows:>12,} rows")
        for relation, order_by, columns in SHOWCASE:
            show_table(conn, relation, order_by, columns)
    docs = Path(os.environ.get("DBT_TARGET_PATH") or warehouse.project_dir() / "target")
    docs = docs / "static_index.html"
    print(f"\nDocs site (opens offline): {docs}")
    print(f"Warehouse: {commands.shell_target(target).describe()}")
    print(f"Query it: {query_hint()}")


def query_hint() -> str:
    """A line that works pasted into a POSIX shell: the exports of `storefront db env` (with
    .venv/bin first on PATH), then psql."""
    return f'eval "$({shell.storefront_command()} db env)" && psql'


def generate_and_load(target: warehouse.Target, folder: Path, order_lines: int) -> bool:
    """Generate the demo shop once (kept in ``folder``) and load every feed in it; files already
    loaded are skipped by the loader. Returns False when a file failed or was rejected."""
    from loaders.load import load_directory
    from storefront.load import loader_connection
    from storefront.simulate import generate

    products = folder / "products.csv"
    current = products.is_file() and "updated_at" in products.open().readline()
    if not (folder / generate.STATE_FILE).is_file() or not current:
        step(shell.command_line("generate", "--out", folder, "--order-lines", order_lines))
        made = generate.generate(folder, order_lines=order_lines, force=True)
        print(f"{made.order_lines:,} order lines in {made.seconds:.1f} s")
    step(shell.command_line("load", folder))
    results = load_directory(
        loader_connection(target), folder, report=lambda r: print(r.summary()), note=print
    )
    return all(result.ok for result in results)


def run_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    target = warehouse.resolve()
    print(f"warehouse: {commands.shell_target(target).describe()}")
    if target.embedded:
        with warehouse.connect(target, autocommit=True) as conn:
            roles.ensure_roles(conn)
    folder = args.data or warehouse.project_dir() / "data" / "demo"
    if not generate_and_load(target, folder, args.order_lines):
        print("storefront demo: loading failed (see above)")
        return 1
    for title, dbt_args in (
        ("dbt build", ["build"]),
        ("dbt docs generate --static", ["docs", "generate", "--static"]),
    ):
        step(title)
        status = dbtrun.run_dbt(dbt_args, target)
        if status != 0:
            print(f"storefront demo: {title} failed (exit {status})")
            return status
    summary(target)
    print(f"\ndemo finished in {time.monotonic() - started:.0f} s")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand to the CLI."""
    demo = sub.add_parser(
        "demo",
        help="run the whole pipeline on the warehouse and summarize",
        description="The whole pipeline on the warehouse (the local one, started if needed): "
        "generate a year of a synthetic shop once (kept in --data), load every feed (files "
        "already loaded are skipped), dbt build, dbt docs generate --static, then the rows in "
        "each layer, a few rows of the main marts, where the docs site is and a line to query "
        "the warehouse from a shell. Run it again: it reuses what is there.",
    )
    demo.add_argument(
        "--order-lines", type=int, default=100_000, metavar="N",
        help="size of the generated shop in order lines, within 1%% (default 100000); used "
        "when the data folder holds no shop yet",
    )
    demo.add_argument(
        "--data", type=Path, metavar="DIR",
        help="where the generated feeds are kept (default data/demo in the project)",
    )
    demo.set_defaults(func=run_demo)

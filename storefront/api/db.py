"""The API's database access: an SQLAlchemy engine as ``storefront_reporter``, read-only.

Every connection is opened with ``default_transaction_read_only=on`` and a
``statement_timeout``, so no request can write or hang a worker, whatever the SQL. The pool
holds as many connections as the server runs requests at once (:data:`POOL_SIZE`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from storefront import warehouse
from storefront.warehouse import roles

STATEMENT_TIMEOUT_MS = int(os.environ.get("STOREFRONT_API_STATEMENT_TIMEOUT_MS", "5000"))
# Sync routes run in AnyIO's worker threads (40 by default): a connection per request in flight,
# 8 kept open, up to 32 at once; a request beyond that waits up to POOL_TIMEOUT seconds.
POOL_SIZE = 8
MAX_OVERFLOW = 24
POOL_TIMEOUT = 10


def reporter_target(target: warehouse.Target | None = None) -> warehouse.Target:
    """Where the API connects: ``target`` (default: the resolved warehouse, not started) as
    ``storefront_reporter`` on the local warehouse; on another server, the PG* user (which
    should be the reporter: see docs/api.md)."""
    target = target or warehouse.resolve(start=False)
    if target.embedded:
        return warehouse.Target(target.host, target.port, roles.REPORTER, target.dbname,
                                embedded=True)
    return target


def make_engine(target: warehouse.Target) -> Engine:
    url = URL.create(
        "postgresql+psycopg",
        username=target.user,
        host=target.host,
        port=target.port,
        database=target.dbname,
    )
    connect_args = {
        "options": "-c default_transaction_read_only=on"
        f" -c statement_timeout={STATEMENT_TIMEOUT_MS} -c search_path=marts",
        "connect_timeout": 5,
        "application_name": "storefront-api",
    }
    if target.password:  # from PGPASSWORD; kept out of the URL, so out of any log line
        connect_args["password"] = target.password
    return create_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT,
        connect_args=connect_args,
    )


class Database:
    """The engine and a session factory; sessions are read-only and short (one per request)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # (monotonic time, built_at) of the last read of marts.latest_build (app._latest_build)
        self.latest_build_cache: tuple[float, object] | None = None

    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

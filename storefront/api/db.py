"""The API's database access: SQLAlchemy engines as ``storefront_reporter``, read-only.

Every connection is opened with ``default_transaction_read_only=on`` and a
``statement_timeout``, so no request can write or hang a worker, whatever the SQL. Statements
run in autocommit: each is its own read-only transaction (a read needs no BEGIN and ROLLBACK
around it, two round trips fewer). JSON from the database is read with its numbers as
``Decimal``, so money stays exact there too.

Two engines on the same target: the routes await their reads on the event loop
(:meth:`Database.read`, an async engine), while the dashboard's callbacks and MetricFlow's
queries, which spend CPU around their reads, run in worker threads on sessions of the
synchronous one (:attr:`Database.sessions`).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import psycopg.types.json
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

from storefront import warehouse
from storefront.warehouse import roles

STATEMENT_TIMEOUT_MS = int(os.environ.get("STOREFRONT_API_STATEMENT_TIMEOUT_MS", "5000"))
# Connections per worker process, opened on demand and then kept: up to 32 for the routes'
# reads (one per read in flight), 8 for the worker threads (the dashboard, MetricFlow). A
# pool that closed what it opened beyond a few kept ones paid a new backend for most reads at
# 32 requests in flight: 5 ms of CPU per request, 300 req/s. A read beyond the pool waits for
# a connection, up to POOL_TIMEOUT seconds. Two workers stay below PostgreSQL's default of
# 100 connections.
POOL_SIZE, THREAD_POOL_SIZE = 32, 8
POOL_TIMEOUT = 10
JSON_LOADS = functools.partial(json.loads, parse_float=Decimal)

Result = TypeVar("Result")


def reporter_target(target: warehouse.Target | None = None) -> warehouse.Target:
    """Where the API connects: ``target`` (default: the resolved warehouse, not started) as
    ``storefront_reporter`` on the local warehouse; on another server, the PG* user (which
    should be the reporter: see docs/api.md)."""
    target = target or warehouse.resolve(start=False)
    if target.embedded:
        return warehouse.Target(target.host, target.port, roles.REPORTER, target.dbname,
                                embedded=True)
    return target


def make_engine(target: warehouse.Target, asynchronous: bool = False) -> Engine | AsyncEngine:
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
    engine = (create_async_engine if asynchronous else create_engine)(
        url,
        pool_size=POOL_SIZE if asynchronous else THREAD_POOL_SIZE,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT,
        connect_args=connect_args,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,  # in autocommit there is no transaction to roll back
    )
    event.listen(engine.sync_engine if asynchronous else engine, "connect", _exact_json)
    return engine


def _exact_json(dbapi_connection: Any, record: Any) -> None:
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    psycopg.types.json.set_json_loads(JSON_LOADS, driver)


class Database:
    """The reporter's engines on ``target`` (see the module): :meth:`read` for the routes,
    :attr:`sessions` for code that runs in a worker thread."""

    def __init__(self, target: warehouse.Target) -> None:
        self.engine = make_engine(target)
        self.async_engine = make_engine(target, asynchronous=True)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._async_sessions = async_sessionmaker(self.async_engine, expire_on_commit=False)
        # (monotonic time, built_at) of the last read of marts.latest_build (app._etag)
        self.latest_build_cache: tuple[float, object] | None = None

    async def read(self, query: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Result:
        """``query(session, *args, **kwargs)``, a function of the query layer, on a session
        of its own: its round trips are awaited on the event loop (no worker thread), so it
        must not spend long on CPU."""
        async with self._async_sessions() as session:
            return await session.run_sync(query, *args, **kwargs)

    def dispose(self) -> None:
        """Empty both pools (outside an event loop, the async pool's connections are dropped
        rather than closed: their sockets close with them)."""
        self.engine.dispose()
        self.async_engine.sync_engine.dispose(close=False)

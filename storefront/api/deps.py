"""Dependencies shared by the routes: their reads (``read``, awaited; ``session``, a
read-only session for a route that runs in a worker thread), and the check that refuses query
parameters a route does not declare."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BeforeValidator, StringConstraints
from sqlalchemy.orm import Session

MAX_BIGINT = 2**63 - 1
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """Dates as YYYY-MM-DD only (pydantic alone would read `0` as 1970-01-01)."""
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


# Query and path parameter types shared by the routes.
Date = Annotated[dt.date | None, BeforeValidator(_iso_date), Query(description="YYYY-MM-DD")]
PRINTABLE = r"^[^\x00-\x1f]+$"  # no control characters (PostgreSQL text refuses NUL)
Text = Annotated[str | None, Query(min_length=1, max_length=100, pattern=PRINTABLE)]
# a parameter given once per value (`?region=Texas&region=Ontario`), at most 100 values
Texts = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=PRINTABLE)]]
    | None,
    Query(max_length=100),
]
Id = Annotated[int, Path(ge=1, le=MAX_BIGINT)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_BIGINT)]


async def reader(request: Request) -> Callable[..., Awaitable[Any]]:
    """:meth:`storefront.api.db.Database.read` of the app's database: ``await read(query,
    *args)`` runs a function of the query layer on a read-only session."""
    return request.app.state.database.read


Read = Annotated[Callable[..., Awaitable[Any]], Depends(reader)]


def session(request: Request) -> Iterator[Session]:
    with request.app.state.database.sessions() as db:
        yield db


def _known_parameters(route: APIRoute) -> frozenset[str]:
    """The query parameters ``route`` takes, worked out on its first request and kept on it."""
    known = getattr(route, "storefront_query_parameters", None)
    if known is None:
        known = frozenset(_query_names(route.dependant))
        route.storefront_query_parameters = known
    return known


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for child in dependant.dependencies:
        names |= _query_names(child)
    return names


async def no_unknown_parameters(request: Request) -> None:
    """422 naming a query parameter the route does not take (a typo is not ignored)."""
    route = request.scope.get("route")
    # the API's routes only: not the pages and files outside its schema (the docs, the
    # dashboard and its files, which Dash asks for with a version in the query string)
    if route is None or not hasattr(route, "dependant") or not route.include_in_schema:
        return
    known = _known_parameters(route)
    for name in request.query_params:
        if name not in known:
            raise BadParameter(name, f"unknown query parameter: {name}")


def check_range(date_from: dt.date | None, date_to: dt.date | None,
                names: tuple[str, str] = ("date_from", "date_to")) -> None:
    """422 when a range ends before it starts."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise BadParameter(names[0], f"{names[0]} is after {names[1]}")


class BadParameter(HTTPException):
    """422 naming the parameter at fault."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(422, detail)
        self.parameter = parameter

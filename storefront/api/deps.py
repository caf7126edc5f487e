"""Dependencies shared by the routes: a read-only session per request, and the check that
refuses query parameters a route does not declare."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import HTTPException, Request
from fastapi.dependencies.models import Dependant
from sqlalchemy.orm import Session


def session(request: Request) -> Iterator[Session]:
    with request.app.state.database.sessions() as db:
        yield db


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for child in dependant.dependencies:
        names |= _query_names(child)
    return names


def no_unknown_parameters(request: Request) -> None:
    """422 naming a query parameter the route does not take (a typo is not ignored)."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = _query_names(route.dependant)
    for name in request.query_params:
        if name not in known:
            raise BadParameter(name, f"unknown query parameter: {name}")


class BadParameter(HTTPException):
    """422 naming the parameter at fault."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(422, detail)
        self.parameter = parameter

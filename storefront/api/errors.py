"""Every error is JSON that says what is wrong, never a stack trace: ``{"detail": ...}``, with
``parameter`` naming the query or path parameter at fault (422)."""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.exceptions import HTTPException

from storefront.api.deps import BadParameter
from storefront.api.pagination import BadCursor

log = logging.getLogger("storefront.api")


def one_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


def _error(status: int, detail: str, parameter: str | None = None, **headers) -> JSONResponse:
    body = {"detail": detail} if parameter is None else {"detail": detail, "parameter": parameter}
    return JSONResponse(body, status_code=status, headers=headers or None)


def database_error(exc: SQLAlchemyError) -> JSONResponse:
    """503 with a one-line reason: the database is unreachable, or the query ran too long."""
    original = getattr(exc, "orig", None)
    if isinstance(original, psycopg.errors.QueryCanceled):
        return _error(503, "the query took longer than the statement timeout",
                      **{"Retry-After": "5"})
    if isinstance(exc, DBAPIError) and not exc.connection_invalidated and not isinstance(
        original, psycopg.OperationalError
    ):
        log.error("database error: %s", one_line(exc))
        return _error(500, "internal error (database)")
    return _error(503, f"database unavailable: {one_line(exc)}", **{"Retry-After": "5"})


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        # ("query", "region") or, for one value of a repeated parameter, ("query", "region", 0)
        location = [str(part) for part in first.get("loc", ()) if not isinstance(part, int)]
        parameter = location[-1] if len(location) > 1 else None
        return _error(422, f"{parameter or 'request'}: {first.get('msg', 'invalid')}",
                      parameter)

    @app.exception_handler(BadCursor)
    async def bad_cursor(request: Request, exc: BadCursor) -> JSONResponse:
        return _error(422, f"cursor: {exc}", "cursor")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        parameter = exc.parameter if isinstance(exc, BadParameter) else None
        return _error(exc.status_code, str(exc.detail), parameter, **(exc.headers or {}))

    @app.exception_handler(SQLAlchemyError)
    async def database(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        return database_error(exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal error")

"""The API application: routes, errors, caching (ETag), access (bearer token), request log and
the offline docs (Swagger UI at /docs, ReDoc at /redoc, their assets served by the app).

``create_app()`` builds it against the resolved warehouse, as ``storefront_reporter``;
``storefront serve`` runs it with uvicorn (:mod:`.serve`)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from pathlib import Path

import fastapi_offline
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from storefront.api import TOKEN_VARIABLE, errors, queries
from storefront.api import metrics as semantic
from storefront.api.db import Database, make_engine, reporter_target
from storefront.api.deps import no_unknown_parameters
from storefront.api.routes import analytics, entities, health
from storefront.api.routes import metrics as metric_routes
from storefront.api.schemas import Error

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
# Paths anyone may read without the token: the health check and the documentation.
OPEN_PATHS = ("/health", "/docs", "/redoc", "/openapi.json", "/docs-assets/")
CACHE_CONTROL = "no-cache"  # a client may keep a response, but revalidates it (ETag) each time

log = logging.getLogger("storefront.api")


def create_app(database: Database | None = None, token: str | None = None) -> FastAPI:
    """The application. ``database`` defaults to the resolved warehouse as the reporter;
    ``token`` to ``$STOREFRONT_API_TOKEN`` (None: no token asked)."""
    app = FastAPI(
        title="Storefront Analytics API",
        version="1.0",
        summary="Read-only answers from the shop's marts.",
        description="Money and rates are exact decimals, written as JSON strings. Lists are "
        "paged by key: pass a page's `next` back as `cursor`. See docs/api.md.",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(no_unknown_parameters)],
        responses={
            401: {"model": Error, "description": "missing or wrong bearer token"},
            422: {"model": Error, "description": "a parameter is wrong (named in `parameter`)"},
            503: {"model": Error, "description": "the database is unreachable or too slow"},
        },
    )
    app.state.database = database or Database(make_engine(reporter_target()))
    app.state.token = token if token is not None else os.environ.get(TOKEN_VARIABLE) or None
    app.state.metrics = semantic.Loader()  # MetricFlow, loaded by the first /metrics/ request
    for router in (entities.router, analytics.router, metric_routes.router, health.router):
        app.include_router(router)
    errors.install(app)
    _install_docs(app)
    app.middleware("http")(_cache)
    app.middleware("http")(_access)
    app.middleware("http")(_log)
    return app


def _install_docs(app: FastAPI) -> None:
    # ReDoc's bundle shows a logo from its CDN in the menu: served with our own favicon in its
    # place, nothing leaves the app
    redoc_js = (DOCS_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8").replace(
        "https://cdn.redoc.ly/redoc/logo-mini.svg", "/docs-assets/favicon.png"
    )

    @app.get("/docs-assets/redoc.standalone.js", include_in_schema=False)
    def redoc_bundle() -> Response:
        return Response(redoc_js, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{app.title} - Swagger UI",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> Response:
        return get_redoc_html(
            openapi_url="/openapi.json", title=f"{app.title} - ReDoc",
            redoc_js_url="/docs-assets/redoc.standalone.js",
            redoc_favicon_url="/docs-assets/favicon.png", with_google_fonts=False,
        )


def _is_open(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in OPEN_PATHS)


async def _access(request: Request, call_next) -> Response:
    """With a token set, every route but the open ones needs ``Authorization: Bearer``."""
    token = request.app.state.token
    if token and not _is_open(request.url.path):
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
            return JSONResponse({"detail": "missing or wrong bearer token"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
    return await call_next(request)


async def _cache(request: Request, call_next) -> Response:
    """ETag and Cache-Control on every successful GET of the data; If-None-Match -> 304. The
    ETag is the request's URL under the latest build (one read of ``marts.latest_build``), so
    it changes when a build changes the data."""
    if request.method != "GET" or _is_open(request.url.path):
        return await call_next(request)
    try:
        built_at = await run_in_threadpool(_latest_build, request.app.state.database)
    except SQLAlchemyError as exc:
        return errors.database_error(exc)
    request.state.built_at = built_at  # the answers of /metrics/query are kept per build
    key = f"{built_at.isoformat() if built_at else '-'} {request.url.path}?{request.url.query}"
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    response = await call_next(request)
    if response.status_code == 200:
        response.headers.update(headers)
    return response


def _latest_build(database: Database):
    with database.sessions() as db:
        return queries.latest_build(db)


async def _log(request: Request, call_next) -> Response:
    """One line per request: method, path, status, milliseconds."""
    started = time.perf_counter()
    response = await call_next(request)
    ms = (time.perf_counter() - started) * 1000
    log.info("%s %s %d %.1f ms", request.method, request.url.path, response.status_code, ms)
    return response

"""The API application: routes, errors, caching (ETag), access (bearer token), request log, the
offline docs (Swagger UI at /docs, ReDoc at /redoc, their assets served by the app) and the
dashboard at /dashboard/ (:mod:`storefront.dashboard`, on the same query layer).

``create_app()`` builds it against the resolved warehouse, as ``storefront_reporter``;
``storefront serve`` runs it with uvicorn (:mod:`.serve`)."""

from __future__ import annotations

import base64
import binascii
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

from storefront.api import TOKEN_VARIABLE, errors, queries
from storefront.api import metrics as semantic
from storefront.api.db import Database, reporter_target
from storefront.api.deps import no_unknown_parameters
from storefront.api.routes import analytics, entities, health
from storefront.api.routes import metrics as metric_routes
from storefront.api.schemas import Error
from storefront.dashboard import PREFIX as DASHBOARD
from storefront.dashboard import mount

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
# Paths anyone may read without the token: the health check and the documentation.
OPEN_PATHS = ("/health", "/docs", "/redoc", "/openapi.json", "/docs-assets/")
# The dashboard's static files (Dash's scripts, versioned in their names, and its stylesheet):
# Dash sets their caching itself, they do not change with a build.
STATIC_PATHS = (DASHBOARD + "_dash-component-suites/", DASHBOARD + "assets/",
                DASHBOARD + "_favicon.ico")
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
            # answered by the HTTP server (uvicorn) before the app sees the request: a
            # malformed request, or a URL past its parser's limit (about 64 KB), which a long
            # enough list of repeated parameters reaches
            400: {"description": "the request could not be read (malformed, or its URL longer "
                  "than about 64 KB)",
                  "content": {"text/plain": {"schema": {"type": "string"}}}},
            401: {"model": Error, "description": "missing or wrong bearer token"},
            422: {"model": Error, "description": "a parameter is wrong (named in `parameter`)"},
            503: {"model": Error, "description": "the database is unreachable or too slow"},
        },
    )
    app.state.database = database or Database(reporter_target())
    app.state.token = token if token is not None else os.environ.get(TOKEN_VARIABLE) or None
    app.state.metrics = semantic.Loader()  # MetricFlow, loaded by the first /metrics/ request
    for router in (entities.router, analytics.router, metric_routes.router, health.router):
        app.include_router(router)
    errors.install(app)
    _install_docs(app)
    mount(app, app.state.database)  # before the middleware, which then wraps it too
    app.add_middleware(Gate, api=app)
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


def _given_token(request: Request) -> str | None:
    """The token a request carries: ``Authorization: Bearer <token>``, or HTTP Basic with the
    token as password (any user name), which is how a browser sends it for the dashboard."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value, validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None



class Gate:
    """The one ASGI middleware in front of every route (plain ASGI: no per-request task or
    stream, as ``@app.middleware`` would add three times):

    * access: with a token set, every route but the open ones needs ``Authorization: Bearer``
      (401 otherwise, compared in constant time);
    * caching: ``ETag`` and ``Cache-Control`` on every successful GET of the data, and
      ``If-None-Match`` of the current ETag answers 304 without running the route. The ETag is
      the request's URL under the latest build (``marts.latest_build``, read at most once a
      second per process), so it changes when a build changes the data;
    * the log: one line per request, method, path, status, milliseconds.
    """

    def __init__(self, app, api: FastAPI) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope)
        status = [500]

        async def send_logged(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            early = await self._refuse_or_revalidate(request)
            if early is not None:
                await early(scope, receive, send_logged)
            elif getattr(request.state, "etag", None) is not None:  # a GET of the data
                await self.app(scope, receive, self._with_etag(request, send_logged))
            else:
                await self.app(scope, receive, send_logged)
        finally:
            ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1f ms", request.method, scope["path"], status[0], ms)

    async def _refuse_or_revalidate(self, request: Request) -> Response | None:
        token = self.api.state.token
        path = request.scope["path"]
        if token and not _is_open(path):
            given = _given_token(request)
            if given is None or not hmac.compare_digest(given.encode(), token.encode()):
                # a browser asked for the dashboard is asked for the token (HTTP Basic)
                challenge = ('Basic realm="Storefront dashboard", charset="UTF-8"'
                             if path.startswith(DASHBOARD) else "Bearer")
                return JSONResponse({"detail": "missing or wrong bearer token"},
                                    status_code=401, headers={"WWW-Authenticate": challenge})
        if request.method != "GET" or _is_open(path) or path.startswith(STATIC_PATHS):
            return None
        try:
            request.state.etag = await self._etag(request)
        except SQLAlchemyError as exc:
            return errors.database_error(exc)
        tags = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
        if request.state.etag in tags:
            return Response(status_code=304, headers=self._cache_headers(request))
        return None

    async def _etag(self, request: Request) -> str:
        database = self.api.state.database
        cached = database.latest_build_cache
        if cached is not None and time.monotonic() - cached[0] < BUILD_TTL_SECONDS:
            built_at = cached[1]
        else:
            built_at = await database.read(queries.latest_build)
            database.latest_build_cache = (time.monotonic(), built_at)
        request.state.built_at = built_at  # the answers of /metrics/query are kept per build
        query = request.scope["query_string"].decode("latin-1")
        key = f"{built_at.isoformat() if built_at else '-'} {request.scope['path']}?{query}"
        return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'

    @staticmethod
    def _cache_headers(request: Request) -> dict[str, str]:
        return {"ETag": request.state.etag, "Cache-Control": CACHE_CONTROL}

    def _with_etag(self, request: Request, send):
        headers = [(k.lower().encode(), v.encode())
                   for k, v in self._cache_headers(request).items()]

        async def send_tagged(message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        return send_tagged


# The latest build's time, read at most once a second per process: a build is seen by the
# ETags within a second, and a busy server does not ask the database on every request.
BUILD_TTL_SECONDS = 1.0


"""Mounting the dashboard on the API's FastAPI app, at :data:`PREFIX`."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from dash import Dash
from fastapi import FastAPI

from storefront.api.db import Database
from storefront.dashboard import callbacks, layout

PREFIX = "/dashboard/"
# The stylesheet, and plotly.js's cartesian bundle (npm plotly.js-cartesian-dist-min, MIT, the
# version the plotly package ships): every trace the charts use (heatmap, scatter, bar, pie)
# in 1.5 MB instead of the full bundle's 4.8 MB, a second less to parse on a first load. Dash
# puts the assets' scripts in the page, so plotly.js is there before a chart asks for it, and
# the full bundle is never fetched.
ASSETS = Path(__file__).parent / "assets"
PLOTLY_JS = ASSETS / "plotly-cartesian-4.1.1.min.js"


def mount(server: FastAPI, database: Database) -> Dash:
    """The dashboard on ``server`` at /dashboard/: its page, its callbacks
    (``/dashboard/_dash-update-component``) and its assets (Dash's scripts from the installed
    package; ``assets/``: the stylesheet and plotly.js), all served by the app itself."""
    dash_app = Dash(
        __name__, server=server, routes_pathname_prefix=PREFIX, requests_pathname_prefix=PREFIX,
        assets_folder=str(ASSETS), serve_locally=True, title="Storefront sales",
        update_title=None,
    )
    # Dash's FastAPI backend adds, at start-up, a route for every path no other route takes
    # (answering with the dashboard's page); it would turn the API's 404s into 200s. The
    # dashboard has one page: no such route.
    dash_app.backend._setup_catchall = lambda: None
    # Nor does it use WebSocket callbacks: without this, the page would try to open one (the
    # server has no WebSocket library; each try is a failed request and a warning)
    dash_app.backend.websocket_capability = False
    server.router.routes = [route for route in server.router.routes
                            if getattr(route, "path", "") != PREFIX + "_dash-ws-callback"]
    # the page is built on each load, from the marts; Dash checks callbacks against this
    # database-free copy instead of building one when it starts
    dash_app.validation_layout = layout.build(layout.NO_OPTIONS, None)
    dash_app.layout = partial(layout.page, database)
    callbacks.register(dash_app, database)
    return dash_app

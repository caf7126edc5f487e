"""The sales dashboard at ``/dashboard/``: Plotly Dash 4, mounted on the API's FastAPI app, so
``storefront serve`` runs both in one process.

:mod:`.app` mounts it (:func:`mount`), :mod:`.layout` the page, :mod:`.callbacks` what a filter
change runs (plain functions, each reading the marts through the API's query layer,
:mod:`storefront.api.queries`), :mod:`.figures` the charts, :mod:`.formats` money, counts and
percentages as text. Everything it loads is served by the app (Dash's own assets, a stylesheet
in ``assets/``): no CDN, no web font."""

from storefront.dashboard.app import PREFIX, mount

__all__ = ["PREFIX", "mount"]

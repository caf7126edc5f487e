"""The read-only HTTP API over the marts (`storefront serve`): FastAPI + SQLAlchemy 2.0.

:mod:`.db` the read-only engine (as ``storefront_reporter``), :mod:`.models` the typed ORM classes
of the marts it reads, :mod:`.queries` the one query layer (the routes and the dashboard call
it), :mod:`.schemas` the response models, :mod:`.routes` the routes, :mod:`.app` the
application (errors, caching, access, offline docs), :mod:`.serve` the command."""

# With this variable set, every route but /health and the docs needs the bearer token.
TOKEN_VARIABLE = "STOREFRONT_API_TOKEN"

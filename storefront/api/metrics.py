"""The semantic layer behind `/metrics/`: MetricFlow's Python engine, wrapped.

The only module that imports MetricFlow (its Python API changes between releases; an
import-linter contract in .importlinter holds that), and only when the first metrics request
needs it, so neither `storefront` nor the API's start-up pays for the import.

* The metrics, their dimensions and the SQL come from the dbt project's semantic manifest
  (``target/semantic_manifest.json``, written by every ``dbt parse`` or ``dbt build``; see
  :func:`manifest_path`). Relations are read without their database, so the SQL runs on
  whatever database the API is connected to.
* A request is checked here first (metric and dimension names, order, limit, the filter's
  words), so a mistake is a :class:`BadRequest` naming the parameter and the bad name; what
  MetricFlow itself refuses becomes one too.
* Filters are MetricFlow where filters (``{{ Dimension('customer__region') }} = 'North'``)
  and nothing else: between the ``{{ ... }}`` items only literals, comparisons and
  and/or/not/in/between/is null/like are accepted, and every literal is sent to PostgreSQL as
  a bind parameter, never written into the SQL.
* :meth:`SemanticLayer.compile` turns a query shape (metrics, group by, filters with their
  literals taken out, order, limit) into SQL with MetricFlow's ``explain()``, once: an LRU cache
  keeps it, so a repeated shape, whatever its filter values, costs one database round trip.
* :meth:`SemanticLayer.query` runs that SQL on the API's own read-only session: money and
  rates stay exact ``Decimal`` (MetricFlow's own ``query()`` would hand back floats).
* :class:`Answers` keeps the answers of the latest build: the marts change only when dbt
  builds, so the same query with the same values is answered from memory until the next build
  (and run once when several clients ask it at the same time).
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storefront import warehouse

# the semantic manifest to serve instead of the project's target/semantic_manifest.json
MANIFEST_VARIABLE = "STOREFRONT_SEMANTIC_MANIFEST"
GRAINS = ("day", "week", "month", "quarter", "year")
MAX_ROWS = 10_000  # rows one answer may hold; more is a 422 asking for a limit or a filter
CACHE_SIZE = 512  # compiled query shapes kept
ANSWER_ROWS = 100_000  # rows of answers kept for the latest build, in all
MAX_FILTERS = 10
MAX_FILTER_LENGTH = 1_000
METRIC_TIME = "metric_time"
METRIC_TIME_LABEL = "Metric time"
METRIC_TIME_TEXT = (
    "The metric's own date: the order date of sales metrics, the first order date of new "
    "customers, the day a payment was processed, a cart opened, a review written, a stock "
    "level counted (each metric's description says)."
)
# MetricFlow logs every query plan at INFO: the API's log keeps one line per request
QUIET_LOGGERS = ("metricflow", "metricflow_semantics", "metricflow_semantic_interfaces")

# -- filters: MetricFlow's where filter, its literals taken out as bind parameters ---------------
_ITEM_CALL = re.compile(r"\{\{(.*?)\}\}", re.S)
_ARG = r"(?:[a-z_]+\s*=\s*)?(?:'\w+'|\[\s*(?:'\w+'(?:\s*,\s*'\w+')*)?\s*\])"
_ITEM = re.compile(
    rf"\s*(?:Dimension|TimeDimension|Entity|Metric)\(\s*{_ARG}(?:\s*,\s*{_ARG})*\s*\)"
    r"(?:\s*\.\s*grain\(\s*'\w+'\s*\))?\s*"
)
_ITEM_NAME = re.compile(r"\s*(\w+)\(\s*(?:[a-z_]+\s*=\s*)?\W*(\w+)")
_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<operator><>|!=|<=|>=|=|<|>)|(?P<punctuation>[(),])|(?P<word>[A-Za-z_]+)"
)
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "between", "like", "ilike", "true", "false"}
_PARAMETER = "__storefront_parameter_{}__"


class BadRequest(ValueError):
    """A request the semantic layer cannot answer; ``parameter`` names the query parameter at
    fault (``metrics``, ``group_by``, ``where``, ``order_by``, ``limit``)."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


class Unavailable(RuntimeError):
    """The semantic manifest cannot be found or read (one line)."""


@dataclass(frozen=True)
class Dimension:
    """A dimension a metric can be grouped by: ``name`` as in ``group_by`` (a time dimension
    takes a grain suffix, ``metric_time__month``; ``grains`` lists them)."""

    name: str
    label: str
    description: str
    type: str  # categorical or time
    grains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    """A metric; ``dimensions`` lists what it can be grouped by, each once by its shortest
    name (``customer__region``, not also ``order__customer__region``); ``reachable`` holds
    every name MetricFlow accepts, ``time`` those of time dimensions."""

    name: str
    label: str
    description: str
    type: str  # simple, derived, cumulative, ratio, conversion
    dimensions: tuple[Dimension, ...]
    reachable: frozenset[str] = frozenset()
    time: frozenset[str] = frozenset()

    def group_by_names(self) -> set[str]:
        return {*self.reachable,
                *(f"{name}__{grain}" for name in self.time for grain in GRAINS)}


@dataclass(frozen=True)
class Request:
    """One query: ``where`` holds the filters as given."""

    metrics: tuple[str, ...]
    group_by: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    limit: int | None = None


@dataclass(frozen=True)
class Compiled:
    """A query shape's SQL (filter literals as ``__storefront_parameter_N__``)."""

    sql: str

    def for_driver(self, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """The SQL for psycopg (its own ``%`` doubled) and its parameters (``%(pN)s``)."""
        sql = self.sql.replace("%", "%%")
        for number in range(len(values)):
            sql = sql.replace(_PARAMETER.format(number), f"%(p{number})s")
        return sql, {f"p{number}": value for number, value in enumerate(values)}


@dataclass
class Answer:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def split_filter(text: str, values: list[Any], items: list[tuple[str, str]] | None = None) -> str:
    """A where filter as MetricFlow reads it, its literals replaced by parameter markers (their
    values appended to ``values``; the (kind, name) of its items to ``items``);
    :class:`BadRequest` (``where``) for anything else."""
    if len(text) > MAX_FILTER_LENGTH:
        raise BadRequest("where", f"where: a filter is at most {MAX_FILTER_LENGTH} characters")
    if "{%" in text or "{#" in text:
        raise BadRequest("where", "where: only {{ ... }} items, e.g. {{ Dimension('customer__"
                                  "region') }} = 'North'")
    template: list[str] = []
    position = 0
    count = 0
    for call in _ITEM_CALL.finditer(text):
        template.append(_literals_out(text[position:call.start()], values))
        if not _ITEM.fullmatch(call.group(1)):
            raise BadRequest("where", f"where: not a MetricFlow item: {{{{{call.group(1)}}}}}"
                                      " (Dimension, TimeDimension, Entity or Metric)")
        template.append(call.group(0))
        position = call.end()
        count += 1
        if items is not None:
            items.append(_ITEM_NAME.match(call.group(1)).groups())
    template.append(_literals_out(text[position:], values))
    if count == 0:
        raise BadRequest("where", "where: a filter names what it filters with"
                                  " {{ Dimension('...') }} or {{ TimeDimension('...', 'day') }}")
    return "".join(template)


def _literals_out(sql: str, values: list[Any]) -> str:
    out = []
    position = 0
    while position < len(sql):
        token = _TOKEN.match(sql, position)
        if token is None:
            raise BadRequest("where", f"where: {sql[position:position + 20]!r} is not allowed in"
                                      " a filter (literals, comparisons, and/or/not, in,"
                                      " between, is null, like)")
        kind, text = token.lastgroup, token.group()
        if kind == "string":
            out.append(_PARAMETER.format(len(values)))
            values.append(text[1:-1].replace("''", "'"))
        elif kind == "number":
            out.append(_PARAMETER.format(len(values)))
            values.append(Decimal(text) if "." in text else int(text))
        elif kind == "word" and text.lower() not in _KEYWORDS:
            raise BadRequest("where", f"where: {text!r} is not allowed in a filter: name a"
                                      " dimension with {{ Dimension('...') }}")
        else:
            out.append(text)
        position = token.end()
    return "".join(out)


# -- the semantic manifest -------------------------------------------------------------------------
def manifest_path() -> Path:
    """The semantic manifest to serve: ``$STOREFRONT_SEMANTIC_MANIFEST``, else the project's
    ``target/semantic_manifest.json``, written again by ``dbt parse`` (offline, a few seconds)
    when it is missing or older than a yml file of the project."""
    if os.environ.get(MANIFEST_VARIABLE):
        path = Path(os.environ[MANIFEST_VARIABLE])
        if not path.is_file():
            raise Unavailable(f"{MANIFEST_VARIABLE}={path}: no such file")
        return path
    project = warehouse.project_dir()
    path = project / "target" / "semantic_manifest.json"
    newest_yml = max(
        (p.stat().st_mtime for p in [project / "dbt_project.yml", *project.glob("models/**/*.yml")]
         if p.is_file()), default=0.0,
    )
    if not path.is_file() or path.stat().st_mtime < newest_yml:
        from storefront.warehouse import dbt as dbtrun

        offline = warehouse.Target("localhost", 5432, "postgres", "storefront")
        if dbtrun.run_dbt(["parse", "--quiet"], offline, quiet=True) != 0 or not path.is_file():
            raise Unavailable(f"no semantic manifest: `storefront dbt parse` in {project} failed")
    return path


def _without_database(manifest: dict) -> dict:
    """Every relation as "schema"."table": the SQL runs in the database it is connected to,
    whatever database dbt parsed against."""
    relations = [model["node_relation"] for model in manifest.get("semantic_models", [])]
    configuration = manifest.get("project_configuration") or {}
    relations += [spine["node_relation"] for spine in configuration.get("time_spines", [])]
    for relation in relations:
        relation["database"] = None
        relation["relation_name"] = f'"{relation["schema_name"]}"."{relation["alias"]}"'
    return manifest


# -- the layer ---------------------------------------------------------------------------------
class SemanticLayer:
    """MetricFlow's engine over one semantic manifest, for compiling queries to SQL."""

    def __init__(self, manifest: dict) -> None:
        from metricflow.engine.metricflow_engine import MetricFlowEngine
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.postgres import PostgresSQLSqlPlanRenderer
        from metricflow_semantics.errors.error_classes import MetricFlowException
        from metricflow_semantics.model.dbt_manifest_parser import (
            parse_manifest_from_dbt_generated_manifest,
        )
        from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

        class CompileOnly:
            """MetricFlow's SQL client, for its dialect only: queries run on the API's own
            session (:meth:`SemanticLayer.query`)."""

            sql_engine_type = SqlEngine.POSTGRES
            sql_plan_renderer = PostgresSQLSqlPlanRenderer()

            def query(self, *args: object, **kwargs: object) -> None:
                raise NotImplementedError("the API runs the SQL itself")

            execute = dry_run = query

            def close(self) -> None:
                pass

            def render_bind_parameter_key(self, key: str) -> str:
                return f"%({key})s"

        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        parsed = parse_manifest_from_dbt_generated_manifest(json.dumps(_without_database(manifest)))
        self._engine = MetricFlowEngine(SemanticManifestLookup(parsed), CompileOnly())
        self._errors = MetricFlowException
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Compiled] = OrderedDict()
        self.answers = Answers()
        self.metrics = {metric.name: metric for metric in self._catalog()}
        self._all_group_by = set().union(*(m.group_by_names() for m in self.metrics.values()))

    @classmethod
    def load(cls, path: Path | None = None) -> SemanticLayer:
        path = path or manifest_path()
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise Unavailable(f"cannot read the semantic manifest {path}: {exc}") from exc

    def _catalog(self) -> list[Metric]:
        found = []
        for metric in self._engine.list_metrics(include_dimensions=True):
            dimensions = {}
            for dimension in metric.dimensions:
                name = dimension.granularity_free_dunder_name
                is_time = dimension.type.value == "time"
                dimensions[name] = Dimension(
                    name=name,
                    label=METRIC_TIME_LABEL if name == METRIC_TIME else dimension.label or name,
                    description=METRIC_TIME_TEXT if name == METRIC_TIME
                    else (dimension.description or "").strip(),
                    type="time" if is_time else "categorical",
                    grains=GRAINS if is_time else (),
                )
            # a dimension reached through two entities (order__customer__region) is listed
            # once, by its shortest name, when that one reaches it too
            shortest = {
                name: d for name, d in dimensions.items()
                if name.count("__") < 2 or name.split("__", 1)[1] not in dimensions
            }
            found.append(Metric(
                name=metric.name, label=metric.label or metric.name,
                description=(metric.description or "").strip(), type=metric.type.value.lower(),
                dimensions=tuple(sorted(shortest.values(),
                                        key=lambda d: (d.name != METRIC_TIME, d.name))),
                reachable=frozenset(dimensions),
                time=frozenset(name for name, d in dimensions.items() if d.type == "time"),
            ))
        return found

    # -- checks ---------------------------------------------------------------------------------
    def check(self, request: Request) -> None:
        """:class:`BadRequest` naming the first parameter at fault."""
        if not request.metrics:
            raise BadRequest("metrics", "metrics: name at least one metric (GET /metrics/ lists"
                                        " them)")
        for name in request.metrics:
            if name not in self.metrics:
                raise BadRequest("metrics", f"metrics: unknown metric {name!r}"
                                            f"{_suggest(name, self.metrics)}")
        if len(set(request.metrics)) != len(request.metrics):
            raise BadRequest("metrics", "metrics: a metric is named twice")
        for name in request.group_by:
            if name not in self._all_group_by:
                raise BadRequest("group_by", f"group_by: unknown dimension {name!r}"
                                             f"{_suggest(name, self._all_group_by)}")
            for metric in request.metrics:
                if name not in self.metrics[metric].group_by_names():
                    raise BadRequest("group_by", f"group_by: metric {metric!r} cannot be"
                                                 f" grouped by {name!r} (GET /metrics/ lists"
                                                 " its dimensions)")
        if len(set(request.group_by)) != len(request.group_by):
            raise BadRequest("group_by", "group_by: a dimension is named twice")
        known = set(request.metrics) | set(request.group_by)
        for item in request.order_by:
            if item.removeprefix("-") not in known:
                raise BadRequest("order_by", f"order_by: {item!r} is not among the metrics or"
                                             " the group_by of the query")
        if request.limit is not None and not 1 <= request.limit <= MAX_ROWS:
            raise BadRequest("limit", f"limit: between 1 and {MAX_ROWS:,}")
        if len(request.where) > MAX_FILTERS:
            raise BadRequest("where", f"where: at most {MAX_FILTERS} filters")

    def _check_items(self, metrics: Sequence[str], items: Sequence[tuple[str, str]]) -> None:
        """Each dimension a filter names exists for every metric of the query."""
        for kind, name in items:
            if kind not in ("Dimension", "TimeDimension"):
                continue  # entities and metrics in filters: MetricFlow checks them
            for metric in metrics:
                known = self.metrics[metric].reachable
                if name not in known:
                    raise BadRequest("where", f"where: metric {metric!r} cannot be filtered by"
                                              f" {name!r}{_suggest(name, known)}")

    # -- compile and run ------------------------------------------------------------------------
    def compile(self, request: Request, templates: Sequence[str]) -> Compiled:
        """The SQL of the request's shape (its filters as ``templates``), compiled once."""
        order_by = request.order_by or request.group_by
        limit = request.limit if request.limit is not None else MAX_ROWS + 1
        key = (request.metrics, request.group_by, tuple(templates), order_by, limit)
        with self._lock:
            compiled = self._cache.get(key)
            if compiled is not None:
                self._cache.move_to_end(key)
                return compiled
            compiled = self._explain(request, templates, order_by, limit)
            self._cache[key] = compiled
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return compiled

    def _explain(self, request: Request, templates: Sequence[str], order_by: Sequence[str],
                 limit: int) -> Compiled:
        from metricflow.engine.metricflow_engine import (
            MetricFlowQueryRequest,
            OutputColumnOrderMode,
        )

        mf_request = MetricFlowQueryRequest.create(
            metric_names=list(request.metrics),
            group_by_names=list(request.group_by),
            where_constraints=list(templates) or None,
            order_by_names=list(order_by) or None,
            limit=limit,
            output_column_order_mode=OutputColumnOrderMode.INPUT_ORDER,
        )
        try:
            sql = self._engine.explain(mf_request).sql_statement.sql
        except self._errors as exc:
            raise BadRequest(_parameter_of(exc, request), _message_of(exc)) from exc
        return Compiled(sql)

    def cached_shapes(self) -> int:
        return len(self._cache)

    def query(self, session: Session, request: Request, build: object = None) -> Answer:
        """Check, compile (once per shape) and run ``request`` on ``session``. With ``build``
        (the time of the latest build), the answer is kept for that build: the same query
        with the same values is answered from memory until the next build."""
        self.check(request)
        values: list[Any] = []
        items: list[tuple[str, str]] = []
        templates = [split_filter(text, values, items) for text in request.where]
        self._check_items(request.metrics, items)
        compiled = self.compile(request, templates)
        if build is None:
            return self._run(session, request, compiled, values)
        return self.answers.get((compiled.sql, tuple(values), request.limit, build),
                                lambda: self._run(session, request, compiled, values))

    def _run(self, session: Session, request: Request, compiled: Compiled,
             values: list[Any]) -> Answer:
        sql, parameters = compiled.for_driver(values)
        try:
            result = session.connection().exec_driver_sql(sql, parameters)
        except DBAPIError as exc:
            # a filter value PostgreSQL cannot read as its column's type ('not a date'), or a
            # comparison of a text with a number: the filter's fault
            if request.where and isinstance(exc.orig, (psycopg.DataError,
                                                       psycopg.ProgrammingError)):
                session.rollback()
                detail = str(exc.orig).strip().splitlines()[0]
                raise BadRequest("where", f"where: {detail}") from exc
            raise
        columns = list(result.keys())
        rows = result.fetchall()
        if request.limit is None and len(rows) > MAX_ROWS:
            raise BadRequest("limit", f"limit: the answer has more than {MAX_ROWS:,} rows; ask"
                                      " for fewer with limit, a filter or a coarser grain")
        return Answer(columns, [dict(zip(columns, map(json_value, row), strict=True))
                                for row in rows])


class Answers:
    """Answers kept per build, least recently used first out, at most ``max_rows`` rows in
    all. The marts change only when dbt builds, so an answer keyed by the latest build's time
    stays true until the next one; a query asked by several clients at once runs once (the
    others wait for it)."""

    def __init__(self, max_rows: int = ANSWER_ROWS) -> None:
        self.max_rows = max_rows
        self._kept: OrderedDict[tuple, Answer] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()
        self._running: dict[tuple, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple, compute) -> Answer:
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
            running = self._running.setdefault(key, threading.Lock())
        with running:
            with self._lock:
                kept = self._kept.get(key)
            if kept is not None:
                return kept
            try:
                answer = compute()
                self._keep(key, answer)
                return answer
            finally:
                with self._lock:
                    self._running.pop(key, None)

    def _keep(self, key: tuple, answer: Answer) -> None:
        size = max(1, len(answer.rows))
        if size > self.max_rows:
            return
        with self._lock:
            self._kept[key] = answer
            self._rows += size
            while self._rows > self.max_rows:
                _, dropped = self._kept.popitem(last=False)
                self._rows -= max(1, len(dropped.rows))


class Loader:
    """The semantic layer of an application, loaded once, on first use (MetricFlow's import
    and the manifest take a second or two; a failed load is tried again next time)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._layer: SemanticLayer | None = None
        self._lock = threading.Lock()

    def get(self) -> SemanticLayer:
        if self._layer is None:
            with self._lock:
                if self._layer is None:
                    self._layer = SemanticLayer.load(self._path)
                    gc.freeze()  # kept for good: out of the collector's sight (serve.py)
        return self._layer


def json_value(value: Any) -> Any:
    """Exact and plain: decimals as strings in fixed point, a day as YYYY-MM-DD."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _message_of(exc: Exception) -> str:
    """MetricFlow's message in a line or two: its 'Message:' parts, tracebacks left out."""
    text = str(exc)
    parts = re.findall(r"Message:\s*\n(.*?)(?:\n\s*(?:Suggestions|Query Input|Issue Location"
                       r"|Got exception):|\Z)", text, re.S)
    lines = " ".join(" ".join(part.split()) for part in parts) or " ".join(text.split())
    return lines[:500]


def _parameter_of(exc: Exception, request: Request) -> str:
    """The parameter a MetricFlow refusal is about (the names and the order were checked
    before: what is left is a filter, a grouping a metric needs, or the metrics together)."""
    text = str(exc)
    if request.where and ("WhereFilter" in text or "where filter" in text.lower()):
        return "where"
    if METRIC_TIME in text or "group-by" in text or "group by" in text:
        return "group_by"
    return "metrics"

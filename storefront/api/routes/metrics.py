"""`/metrics/`: the semantic layer's metrics, and any of them by any of their dimensions,
answered by MetricFlow (storefront/api/metrics.py) on the API's read-only session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from storefront.api import metrics as semantic
from storefront.api import schemas
from storefront.api.deps import BadParameter, session

router = APIRouter(prefix="/metrics", tags=["metrics"])
Db = Annotated[Session, Depends(session)]
Names = Annotated[list[str] | None, Query(max_length=1000)]


def layer(request: Request) -> semantic.SemanticLayer:
    """The application's semantic layer, loaded on first use; 503 when it cannot be."""
    try:
        return request.app.state.metrics.get()
    except semantic.Unavailable as exc:
        raise HTTPException(503, f"semantic layer unavailable: {exc}") from exc


Layer = Annotated[semantic.SemanticLayer, Depends(layer)]


def _names(values: list[str] | None) -> tuple[str, ...]:
    """`a,b` and `a&b` alike; blanks dropped."""
    return tuple(n.strip() for v in values or () for n in v.split(",") if n.strip())


@router.get("/", response_model=list[schemas.MetricInfo])
def list_metrics(layer: Layer):
    """Every metric: its label, how it is computed, and the dimensions it can be grouped by
    (a time dimension by `day`, `week`, `month`, `quarter` or `year`)."""
    return [
        {"name": m.name, "label": m.label, "description": m.description, "type": m.type,
         "dimensions": [{"name": d.name, "label": d.label, "description": d.description,
                         "type": d.type, "grains": list(d.grains)} for d in m.dimensions]}
        for m in layer.metrics.values()
    ]


@router.get("/query", response_model=schemas.MetricAnswer)
def query_metrics(
    request: Request, db: Db, layer: Layer,
    metrics: Annotated[list[str], Query(max_length=1000, description="metric names, "
                                        "comma-separated or repeated: `revenue,orders`")],
    group_by: Annotated[Names, Query(description="dimensions, comma-separated or repeated: "
                                     "`metric_time__month,customer__region`")] = None,
    where: Annotated[list[str] | None, Query(
        max_length=semantic.MAX_FILTER_LENGTH,
        description="a MetricFlow filter, e.g. `{{ Dimension('customer__region') }} = "
        "'North'`; repeat it for more (all must hold). Literals are sent as bind parameters.",
    )] = None,
    order_by: Annotated[Names, Query(description="metrics or group_by items, `-` first for "
                                     "descending: `-revenue`; default: the group_by")] = None,
    limit: Annotated[int | None, Query(ge=1, le=semantic.MAX_ROWS,
                                       description="at most this many rows")] = None,
):
    """Metrics grouped by dimensions, filtered, ordered and limited, as MetricFlow computes
    them: the SQL of a query shape is compiled once and cached, an answer is kept until the
    next build. Values are exact."""
    asked = semantic.Request(
        metrics=_names(metrics), group_by=_names(group_by), where=tuple(where or ()),
        order_by=_names(order_by), limit=limit,
    )
    try:
        answer = layer.query(db, asked, build=getattr(request.state, "built_at", None))
    except semantic.BadRequest as exc:
        raise BadParameter(exc.parameter, exc.detail) from exc
    return {"metrics": list(asked.metrics), "group_by": list(asked.group_by),
            "columns": answer.columns, "rows": answer.rows}

"""`/health`: is the database reachable, and when was the warehouse last built."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from storefront.api import queries, schemas
from storefront.api.errors import one_line

router = APIRouter(tags=["health"])


@router.get("/health", response_model=schemas.Health,
            responses={503: {"model": schemas.Health}})
async def health(request: Request):
    """200 with the time of the latest build when the marts can be read, else 503."""
    try:
        built_at = await request.app.state.database.read(queries.latest_build)
    except SQLAlchemyError as exc:
        body = schemas.Health(status="unavailable", database="unreachable",
                              detail=one_line(exc))
        return JSONResponse(body.model_dump(mode="json"), status_code=503,
                            headers={"Cache-Control": "no-store"})
    return JSONResponse(
        schemas.Health(status="ok", database="reachable", built_at=built_at)
        .model_dump(mode="json"),
        headers={"Cache-Control": "no-store"},
    )

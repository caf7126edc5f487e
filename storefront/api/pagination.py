"""Keyset pagination: a list is read in a stable key order, and a page's ``next`` cursor holds
the key of its last row; the following page starts strictly after it. Every row comes exactly
once, however deep the page, and each page costs one index range scan (no OFFSET)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class BadCursor(ValueError):
    """A cursor this API did not write (or for another sort order)."""


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, dt.date, dt.time)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def encode(values: Sequence[Any]) -> str:
    text = json.dumps([_plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, columns: Sequence[InstrumentedAttribute]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise BadCursor("not a cursor of this list")
        values = []
        for value, column in zip(raw, columns, strict=True):
            kind = column.type.python_type
            if kind is Decimal:
                values.append(Decimal(str(value)))
            elif kind is dt.date:
                values.append(dt.date.fromisoformat(value))
            elif kind is int:
                if not isinstance(value, int):
                    raise BadCursor("not a cursor of this list")
                values.append(value)
            else:
                values.append(str(value))
        return values
    except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError) as exc:
        raise BadCursor("not a cursor of this list") from exc


def page(
    query: Select, keys: Sequence[InstrumentedAttribute], descending: bool,
    limit: int, cursor: str | None,
) -> Select:
    """``query`` ordered by ``keys`` (all ascending or all descending), after ``cursor``,
    one row more than ``limit`` (that row only says whether a next page exists)."""
    if cursor:
        after = decode(cursor, keys)
        bound = tuple_(*keys) < tuple_(*after) if descending else tuple_(*keys) > tuple_(*after)
        query = query.where(bound)
    order = [key.desc() if descending else key.asc() for key in keys]
    return query.order_by(*order).limit(limit + 1)


def split(rows: list, keys: Sequence[InstrumentedAttribute], limit: int) -> tuple[list, str | None]:
    """The page's rows and the cursor of the next page (None on the last)."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode([getattr(last, key.key) for key in keys])

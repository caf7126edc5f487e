"""Column rules: how one field of a declared column is checked and written for COPY.

Each rule has two faces that must agree:

* :meth:`FieldRule.check` is the authority: it takes the text of a field (already trimmed) and
  returns the text COPY receives (``None`` for null) or raises :class:`RowRejected` with a stable
  reason code and a message naming the column and the value.
* :attr:`FieldRule.fast` is a byte regex matching only values that ``check`` accepts unchanged
  (apart from a whole number's zero fraction, matched separately by :attr:`fast_fraction` and
  dropped). The loader validates whole chunks of plain lines with it at C speed; anything it does
  not match goes through ``check``. A fast pattern may be narrower than the rule, never wider.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loaders.feeds import Column

# A whole number's zero fraction (``2.0``), dropped on the fast path; only after a digit.
ZERO_FRACTION = rb"(?:\.0*+)?+"
ZERO_FRACTION_AFTER_DIGIT = rb"(?:(?<=\d)\.0*+)?+"
NEVER = rb"(?!)"

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d", re.ASCII)
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d", re.ASCII)
_WHOLE = re.compile(r"([+-]?\d+)(?:\.0*)?", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)

# Largest magnitude each integer type holds.
_INT_LIMITS = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}
# Fast patterns accept at most this many integer digits (well inside each type's range).
_FAST_DIGITS = {"smallint": 4, "integer": 9, "bigint": 18}
# numeric accepts up to 131072 digits before the point and 16383 after it.
_NUMERIC_DIGITS = (131072, 16383)

_FAST_DATE = (
    rb"(?!0000)(?:\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])"
    rb"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    # 29 February of a leap year: divisible by 4, and by 400 when it is a century
    rb"|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
)
_FAST_TIME = rb"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_FAST_BOOLEAN = rb"(?:true|false)"
# A plain text value: none of the bytes that end or quote a field in a plain CSV line, that
# PostgreSQL text cannot hold or that COPY's text format escapes (a backslash), and no
# surrounding space or tab (check() trims those).
_FAST_TEXT = rb'[^,"\\\r\n\x00 \t](?:[^,"\\\r\n\x00]*+(?<![ \t]))?+'


class RowRejected(Exception):
    """A field breaks its column's rule: ``reason`` is a stable code, ``message`` is for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class FieldRule:
    """A column's rule bound to the header name the file uses for it (for messages)."""

    column: Column
    header: str

    # -- the authority ---------------------------------------------------------------------
    def check(self, text: str) -> str | None:
        """The value COPY receives for ``text`` (trimmed), or raise :class:`RowRejected`."""
        column = self.column
        if text == "":
            if column.default is not None:
                return column.default
            if column.required:
                raise RowRejected(f"missing_{column.word}", f"{self.header} is empty")
            return None
        if "\x00" in text:
            self._bad(text, "contains a NUL character")
        if column.rule == "text":
            if column.allowed and text not in column.allowed:
                self._bad(text, "is not one of " + ", ".join(column.allowed))
            return text
        if column.rule == "date":
            return self._date(text)
        if column.rule == "timestamp":
            return self._timestamp(text)
        if column.rule == "boolean":
            value = text.lower()
            if value not in ("true", "false"):
                self._bad(text, "is not true or false")
            return value
        if column.rule == "time":
            if not _TIME.fullmatch(text):
                self._bad(text, "is not a time HH:MM:SS")
            return text
        if column.rule == "whole":
            return self._whole(text)
        return self._decimal(text)

    def _bad(self, text: str, why: str) -> None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise RowRejected(f"bad_{self.column.word}", f"{self.header} {shown!r} {why}")

    def _date(self, text: str) -> str:
        match = _DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            date(*(int(part) for part in match.groups()))
        except ValueError:
            self._bad(text, "is not a real date YYYY-MM-DD")
        return text

    def _timestamp(self, text: str) -> str:
        match = _TIMESTAMP.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            date(*(int(part) for part in match.groups()))
        except ValueError:
            self._bad(text, "is not a timestamp YYYY-MM-DD HH:MM:SS")
        return text

    def _whole(self, text: str) -> str:
        match = _WHOLE.fullmatch(text)
        if match is None:
            self._bad(text, "is not a whole number")
        value = int(match.group(1))
        self._bounds(text, Decimal(value))
        limit = _INT_LIMITS.get(self.column.sql_type)
        if limit is not None and not -limit <= value <= limit:
            self._bad(text, f"is out of range for {self.column.sql_type}")
        return str(value)

    def _decimal(self, text: str) -> str:
        if not _DECIMAL.fullmatch(text):
            self._bad(text, "is not a decimal number (digits and a '.' point)")
        whole, _, fraction = text.lstrip("+-").partition(".")
        if len(whole) > _NUMERIC_DIGITS[0] or len(fraction) > _NUMERIC_DIGITS[1]:
            self._bad(text, "has too many digits")
        self._bounds(text, Decimal(text))
        return text.lstrip("+")

    def _bounds(self, text: str, value: Decimal) -> None:
        low, high = self.column.minimum, self.column.maximum
        if low is not None and self.column.minimum_exclusive and value <= low:
            self._bad(text, "is not positive" if low == 0 else f"is not above {low}")
        if low is not None and value < low:
            self._bad(text, "is negative" if low == 0 else f"is below {low}")
        if high is not None and value > high:
            self._bad(text, f"is above {high}")

    # -- the fast path ----------------------------------------------------------------------
    @property
    def fast_fraction(self) -> bytes:
        """Regex for the zero fraction after a ``whole`` field, matched outside :attr:`fast`."""
        column = self.column
        if column.required or column.default is not None:
            return ZERO_FRACTION  # the digits are there
        return ZERO_FRACTION_AFTER_DIGIT

    @property
    def fast(self) -> bytes:
        """Regex (bytes) for a plain field that :meth:`check` accepts as it is."""
        column = self.column
        if column.rule == "text":
            value = self._fast_allowed() if column.allowed else _FAST_TEXT
        elif column.rule == "date":
            value = _FAST_DATE
        elif column.rule == "time":
            value = _FAST_TIME
        elif column.rule == "timestamp":
            value = _FAST_DATE + b" " + _FAST_TIME
        elif column.rule == "boolean":
            value = _FAST_BOOLEAN
        elif column.rule == "whole":
            value = self._fast_whole()
        else:
            value = self._fast_decimal()
        if column.required or column.default is not None:
            return value  # an empty field needs check(): missing_... or the default
        return rb"(?:" + value + rb")?+"

    def _fast_allowed(self) -> bytes:
        """The allowed values that are plain (the others go through check())."""
        plain = [
            re.escape(value.encode("utf-8"))
            for value in sorted(self.column.allowed, key=len, reverse=True)
            if value and re.fullmatch(_FAST_TEXT, value.encode("utf-8"))
        ]
        return rb"(?:" + b"|".join(plain) + rb")" if plain else NEVER

    def _fast_whole(self) -> bytes:
        digits = _FAST_DIGITS.get(self.column.sql_type, 18) - 1
        low, high = self.column.minimum, self.column.maximum
        if high is not None:
            if low in (0, 1) and high == int(high) and low <= high <= 9:
                return b"[%d-%d]" % (int(low), int(high))
            return NEVER
        positive = rb"[1-9]\d{0,%d}+" % digits
        if low == 1:
            return positive
        if low == 0:
            return rb"(?:0|" + positive + rb")"
        if low is None:
            return rb"(?:0|-?+" + positive + rb")"
        return NEVER

    def _fast_decimal(self) -> bytes:
        low, high = self.column.minimum, self.column.maximum
        if high is not None:
            if low == 0 and high == int(high) and 1 <= high <= 9:
                below = b"[0-%d]" % (int(high) - 1)
                return (
                    rb"(?:"
                    + below
                    + rb"?+\.\d{1,30}+|"
                    + below
                    + rb"(?:\.\d{0,30}+)?+|"
                    + b"%d" % int(high)
                    + rb"(?:\.0{0,30}+)?+)"
                )
            return NEVER
        unsigned = rb"(?:\d{1,30}+(?:\.\d{0,30}+)?+|\.\d{1,30}+)"
        if low == 0 and self.column.minimum_exclusive:
            return rb"(?=[0.]*+[1-9])" + unsigned  # a digit other than 0 somewhere
        if low == 0:
            return unsigned
        if low is None:
            return rb"-?+" + unsigned
        return NEVER

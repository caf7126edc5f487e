"""Reading a feed file: whole-file checks, the header, and every record turned into COPY text.

The loader runs the conversion in a child process, ``python -m loaders.csvio FEED PATH`` (the
batch id follows on a line of stdin), so that parsing uses the second core while the server
ingests. The child writes frames on stdout (:func:`write_frame`): ``R`` rows for COPY (format
text, delimiter ``,``, an empty field is null: :data:`COPY_OPTIONS`), ``J`` rejected records as
CSV (line, record, reason, message), and last ``Z``, JSON counts ``{"rows_read": n,
"rows_good": m}``. A whole-file error is one line on stderr and exit status 2. (COPY's text
format costs the server less than its CSV format: plain values pass as they are, and the few
values holding a backslash, a comma or a line break are escaped.)

The file is read in chunks of whole lines. A run of lines without a quote character is matched
in one C-level ``findall`` against a regex built from the feed's rules (see
:mod:`loaders.rules`): each plain, valid line comes out as a COPY row with its batch id and line
number in front, without any Python code per line. A line the regex does not accept, and every
record holding a quote (RFC 4180 quoting, possibly over several lines), goes through the csv
module and the rules one by one: it becomes a COPY row or a rejection with a reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import compress, count, islice
from operator import itemgetter, lt, not_
from pathlib import Path
from typing import Any, BinaryIO

from loaders.feeds import DUPLICATE_KEY, Feed
from loaders.rules import FieldRule, RowRejected

BOM = b"\xef\xbb\xbf"
CHUNK = 1 << 20
SLICE = 1 << 16
# A quoted record may span lines, but not more than this many bytes (an unbalanced quote would
# otherwise swallow the rest of the file).
MAX_RECORD = 1 << 20
BLANK = " \t\r\n"
FRAME_ROWS, FRAME_REJECTS, FRAME_END = b"R", b"J", b"Z"
# How the loader's COPY reads the rows: a non-null value is never empty (an empty field is null).
COPY_OPTIONS = "format text, delimiter ',', null ''"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", ",": "\\,", "\n": "\\n", "\r": "\\r"})
# A record per RFC 4180: fields plain (no quote, no line break) or wholly quoted ("" for ").
_FIELD = r'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
RFC4180_RECORD = re.compile(_FIELD + r"(?:," + _FIELD + r")*")


class FileError(Exception):
    """The whole file is unusable (empty, not UTF-8, wrong header); the message is one line."""


@dataclass(frozen=True)
class Reject:
    line: int
    record: str
    reason: str
    message: str


def file_digest(path: Path) -> tuple[str, int]:
    """The sha256 (hex) and size of a file, an empty one included (:func:`read_layout` then
    fails it, and the loader records it in the ledger like every failed file). (Whether it is
    UTF-8 is checked while it is read for loading, on the parsing thread.)"""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
                size += len(block)
    except OSError as exc:
        raise FileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return digest.hexdigest(), size


@dataclass(frozen=True)
class Layout:
    """A file's header resolved against its feed: the rules in file order."""

    feed: Feed
    rules: tuple[FieldRule, ...]
    data_offset: int  # byte offset of the first data line

    @property
    def columns(self) -> list[str]:
        return [rule.column.name for rule in self.rules]


def read_layout(path: Path, feed: Feed) -> Layout:
    """Read line 1 of ``path`` and match its column names (any case, any order) to ``feed``."""
    with open(path, "rb") as handle:
        first = handle.readline(MAX_RECORD)
    offset = len(first)
    if first.startswith(BOM):
        first = first[len(BOM) :]
    text = _utf8(path, first, 1).rstrip("\r\n")
    if not text.strip(BLANK):
        raise FileError(f"{path}: empty file (no header line)")
    if text.count('"') % 2:
        raise FileError(f"{path}: line 1: unbalanced quote in the header")
    try:
        names = next(csv.reader([text], strict=True))
    except csv.Error as exc:
        raise FileError(f"{path}: line 1: header is not valid CSV ({exc})") from None
    declared = {column.name: column for column in feed.columns}
    rules: list[FieldRule] = []
    seen: dict[str, int] = {}
    unknown: list[str] = []
    for position, raw in enumerate(names, start=1):
        name = raw.strip(BLANK)
        key = name.lower()
        if not name:
            raise FileError(f"{path}: line 1, column {position}: empty column name")
        if key in seen:
            raise FileError(
                f"{path}: line 1, column {position}: column {name!r} appears twice"
                f" (also column {seen[key]})"
            )
        seen[key] = position
        if key not in declared:
            unknown.append(f"{name!r} (column {position})")
            continue
        rules.append(FieldRule(declared[key], name))
    missing = [c.name for c in feed.columns if not c.optional and c.name not in seen]
    problems = []
    if missing:
        problems.append("missing column" + "s" * (len(missing) > 1) + " " + ", ".join(missing))
    if unknown:
        problems.append("unknown column" + "s" * (len(unknown) > 1) + " " + ", ".join(unknown))
    if problems:
        raise FileError(
            f"{path}: line 1: {'; '.join(problems)} (feed {feed.name} expects "
            f"{', '.join(c.name for c in feed.columns)}, any case and order)"
        )
    return Layout(feed, tuple(rules), offset)


def _utf8(path: Path, data: bytes | memoryview, line: int) -> str:
    """``data`` decoded, or a FileError naming the line (``line`` is where ``data`` starts)."""
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError as exc:
        where = line + bytes(data[: exc.start]).count(b"\n")
        raise FileError(
            f"{path}: line {where}: not UTF-8 text (byte 0x{data[exc.start]:02x})"
        ) from None


class SeenKeys:
    """The natural keys of the rows accepted so far in one file, to reject a repeated one.

    Runs of keys are checked set-wise (C-level set operations, no Python per row). A single
    whole-number key is kept compactly while the keys keep increasing, as generated files have
    them: then no key can repeat, and only an array of 8-byte integers is kept; the first key
    out of order turns that array into a set.
    """

    def __init__(self, numeric: bool) -> None:
        self.numeric = numeric
        self.last = -(1 << 64)
        self.ordered: array | None = array("q") if numeric else None
        self.seen: set[Any] = set()

    def _as_set(self) -> None:
        self.seen = set(self.ordered)
        self.ordered = None

    def add_all(self, keys: list[Any]) -> bool:
        """Add ``keys`` (in file order) when none repeats an earlier one or another; otherwise
        add nothing and return False (the caller then goes row by row)."""
        if not keys:
            return True
        if self.numeric:
            keys = list(map(int, keys))
            if self.ordered is not None:
                if keys[0] > self.last and all(map(lt, keys, islice(keys, 1, None))):
                    self.ordered.extend(keys)
                    self.last = keys[-1]
                    return True
                self._as_set()
        fresh = set(keys)
        if len(fresh) != len(keys) or not self.seen.isdisjoint(fresh):
            return False
        self.seen |= fresh
        return True

    def add(self, key: Any) -> bool:
        """Add one key; False when it was seen before (then nothing changes)."""
        if self.numeric:
            key = int(key)
            if self.ordered is not None:
                if key > self.last:
                    self.ordered.append(key)
                    self.last = key
                    return True
                self._as_set()
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class Converter:
    """Turns the data lines of one file into COPY rows (:data:`COPY_OPTIONS`) for one batch.

    Iterate :meth:`chunks` to get COPY text; rejected records go to ``on_reject``. Afterwards
    ``rows_read`` counts the records (blank lines are not records) and ``rows_good`` the rows
    written.
    """

    def __init__(self, layout: Layout, batch_id: int, on_reject: Callable[[Reject], None]) -> None:
        self.layout = layout
        self.width = len(layout.rules)
        self.on_reject = on_reject
        self.rows_read = 0
        self.rows_good = 0
        self.line = 2
        self.batch_id = batch_id
        # Rules in declaration order: a row's reason is its first broken rule in that order.
        declared = [c.name for c in layout.feed.columns]
        self.check_order = sorted(
            range(self.width), key=lambda i: declared.index(layout.rules[i].column.name)
        )
        # The natural key: where its columns are in a row, and the keys seen so far.
        names = [rule.column.name for rule in layout.rules]
        self.key_columns = [names.index(name) for name in layout.feed.key]
        self.keys: SeenKeys | None = None
        if self.key_columns:
            first = layout.rules[self.key_columns[0]].column
            self.keys = SeenKeys(
                len(self.key_columns) == 1 and first.rule == "whole"
                and first.sql_type in ("smallint", "integer", "bigint"))
        self.plain_line, groups, key_groups = self._plain_line_regex()
        # A matched row is (line number, groups..., other line): its key is at these places.
        self.row_key = itemgetter(*(1 + group for group in key_groups)) if key_groups else None
        prefix = (b"%d," % batch_id) + b"%d,"
        self.row_format = prefix + b"%b" * groups + b"\n"
        self._parts: list[bytes] = []
        self._text = io.StringIO()

    def _plain_line_regex(self) -> tuple[re.Pattern[bytes], int, list[int]]:
        """``(segment)(segment)...\\r?\\n | (any other line)``: the segments joined are the COPY
        text of a valid plain line; a whole number's zero fraction falls between segments, and
        each key column is a segment of its own (its value alone). Returns the regex, the number
        of groups and the groups of the key columns."""
        pattern: list[bytes] = []
        groups = 0
        key_groups: list[int] = []
        current: list[bytes] = []

        def close(value: list[bytes]) -> None:
            nonlocal groups
            pattern.append(b"(" + b"".join(value) + b")")
            groups += 1

        for index, rule in enumerate(self.layout.rules):
            if index:
                current.append(b",")
            if index in self.key_columns:
                if current:
                    close(current)
                key_groups.append(groups)
                close([rule.fast])
                current = []
            else:
                current.append(rule.fast)
            if rule.column.rule == "whole":
                if current:
                    close(current)
                    current = []
                pattern.append(rule.fast_fraction)
        if current:
            close(current)
        valid = b"".join(pattern) + rb"\r?+\n"
        return re.compile(rb"(?:" + valid + rb"|([^\n]*+\n))"), groups + 1, key_groups

    # -- reading ------------------------------------------------------------------------------
    def chunks(self, path: Path) -> Iterator[bytes]:
        """Yield the COPY text of the file's data lines, chunk by chunk."""
        with open(path, "rb") as handle:
            handle.seek(self.layout.data_offset)
            tail = b""
            while True:
                block = handle.read(CHUNK)
                buffer = tail + block if tail else block
                if not block:
                    if buffer and not buffer.endswith(b"\n"):
                        buffer += b"\n"
                    end = len(buffer)
                else:
                    end = buffer.rfind(b"\n") + 1
                if not buffer.isascii():  # (isascii is far faster than decoding)
                    _utf8(path, memoryview(buffer)[:end], self.line)
                used = self._convert(buffer, end, final=not block) if end else 0
                tail = buffer[used:]
                yield self._flush()
                if not block:
                    return

    def _flush(self) -> bytes:
        parts = self._parts
        slow = self._text.getvalue()
        if slow:
            parts.append(slow.encode("utf-8"))
            self._text.seek(0)
            self._text.truncate()
        self._parts = []
        return b"".join(parts)

    def _convert(self, buffer: bytes, end: int, final: bool) -> int:
        """Convert the lines in ``buffer[:end]``; return how many bytes were used (a quoted
        record that goes on past ``end`` is left for the next call unless ``final``)."""
        position = 0
        while position < end:
            quote = buffer.find(b'"', position, end)
            stop = end if quote < 0 else buffer.rfind(b"\n", position, quote) + 1
            while position < stop:
                # In slices of ~64 kB: the lists findall builds stay small.
                cut = buffer.rfind(b"\n", position, position + SLICE) + 1 or stop
                self._plain(buffer, position, min(cut, stop))
                position = min(cut, stop)
            if quote < 0:
                break
            record_end = self._quoted_end(buffer, position, end)
            if record_end < 0:
                if not final and end - position < MAX_RECORD:
                    break  # the record continues in the next chunk
                line_end = buffer.index(b"\n", position) + 1
                self._reject(
                    buffer[position:line_end],
                    "unterminated_quote",
                    "a quoted field is never closed",
                )
                self.line += 1
                position = line_end
                continue
            position += self._record(buffer[position:record_end])
        return position

    @staticmethod
    def _quoted_end(buffer: bytes, start: int, end: int) -> int:
        """End (after its newline) of the record starting at ``start``: the first line end where
        the quotes seen are balanced; -1 when that is not before ``end``."""
        quotes = 0
        position = start
        while position < end:
            newline = buffer.index(b"\n", position, end)
            quotes += buffer.count(b'"', position, newline)
            position = newline + 1
            if quotes % 2 == 0:
                return position
        return -1

    def _plain(self, buffer: bytes, start: int, stop: int) -> None:
        """Lines without quotes: one findall; the lines it does not accept go one by one."""
        matches = self.plain_line.findall(buffer, start, stop)
        first = self.line
        self.line += len(matches)
        others = list(map(itemgetter(-1), matches))
        # (line number,) + (segments..., other line): all built in C, no Python per line.
        rows = map(tuple.__add__, zip(count(first)), matches)
        if self.keys is not None:
            rows = list(rows)
            if any(others) or not self.keys.add_all(list(map(self.row_key, rows))):
                self._one_by_one(rows, buffer[start:stop].split(b"\n"))
                return
        elif any(others):
            rows = list(rows)
            good = list(compress(rows, map(not_, others)))
            self.rows_read += len(good)
            self.rows_good += len(good)
            self._parts.append(b"".join(map(self.row_format.__mod__, good)))
            after = self.line
            for row in compress(rows, others):
                self.line = row[0]
                self._record(row[-1])
            self.line = after
            return
        self.rows_read += len(matches)
        self.rows_good += len(matches)
        self._parts.append(b"".join(map(self.row_format.__mod__, rows)))

    def _one_by_one(self, rows: list[tuple], lines: list[bytes]) -> None:
        """The rows of a run of plain lines (``lines``) of a keyed feed, in file order: a
        matched row is kept unless its key came before; any other line goes to _record."""
        after = self.line
        good = []
        for index, row in enumerate(rows):
            self.line = row[0]
            if row[-1]:
                self._record(row[-1])
                continue
            key = self.row_key(row)
            if self.keys.add(key):
                good.append(row)
            else:
                self._duplicate(row[0], lines[index].rstrip(b"\r").decode("utf-8"), key)
        self.line = after
        self.rows_read += len(good)
        self.rows_good += len(good)
        self._parts.append(b"".join(map(self.row_format.__mod__, good)))

    def _duplicate(self, line: int, text: str, key: bytes | tuple[bytes, ...]) -> None:
        names = ", ".join(self.layout.rules[i].header for i in self.key_columns)
        value = ", ".join(k.decode("utf-8") for k in (key if isinstance(key, tuple) else (key,)))
        self._reject_at(
            line, text, DUPLICATE_KEY, f"{names} {value!r} already appeared earlier in the file"
        )

    # -- one record at a time -----------------------------------------------------------------
    def _record(self, raw: bytes) -> int:
        """Check one record (bytes with its line end) and write it out or reject it. Returns
        the bytes used: all of ``raw``, or only its first line when a stray quote made it look
        like a record over several lines (the next lines are then read again)."""
        line = self.line
        text = raw.decode("utf-8")
        text = text[:-1] if text.endswith("\n") else text
        text = text[:-1] if text.endswith("\r") else text
        if not text.strip(BLANK):
            self.line += raw.count(b"\n")
            return len(raw)  # a blank line is not a record
        try:
            if '"' in text and not RFC4180_RECORD.fullmatch(text):
                raise csv.Error('a quote must open and close a whole field ("" inside it)')
            fields = next(csv.reader([text]))
        except csv.Error as exc:
            used = raw.index(b"\n") + 1 if "\n" in text else len(raw)
            self.line += 1
            first = raw[:used].decode("utf-8").rstrip("\r\n")
            self._reject_at(line, first, "bad_csv", f"not valid CSV: {exc}")
            return used
        self.line += raw.count(b"\n")
        if len(fields) != self.width:
            self._reject_at(
                line,
                text,
                "wrong_field_count",
                f"{len(fields)} fields where the header has {self.width}",
            )
            return len(raw)
        values: list[str | None] = [None] * self.width
        try:
            for index in self.check_order:
                values[index] = self.layout.rules[index].check(fields[index].strip(BLANK))
        except RowRejected as exc:
            self._reject_at(line, text, exc.reason, exc.message)
            return len(raw)
        if self.keys is not None:
            parts = tuple(values[i].encode("utf-8") for i in self.key_columns)
            key = parts if len(parts) > 1 else parts[0]
            if not self.keys.add(key):
                self._duplicate(line, text, key)
                return len(raw)
        self._text.write(f"{self.batch_id},{line},{','.join(map(copy_value, values))}\n")
        self.rows_read += 1
        self.rows_good += 1
        return len(raw)

    def _reject(self, raw: bytes, reason: str, message: str) -> None:
        self._reject_at(self.line, raw.decode("utf-8").rstrip("\r\n"), reason, message)

    def _reject_at(self, line: int, text: str, reason: str, message: str) -> None:
        self.rows_read += 1
        # PostgreSQL text cannot hold NUL: the record keeps a visible stand-in.
        self.on_reject(Reject(line, text.replace("\x00", "\\x00"), reason, message))


def copy_value(value: str | None) -> str:
    """A value as COPY's text format reads it (:data:`COPY_OPTIONS`); None is null."""
    return "" if value is None else value.translate(_COPY_ESCAPES)


def write_frame(out: BinaryIO, kind: bytes, payload: bytes) -> None:
    """One frame of the child's output: a kind byte, the payload length (8 bytes), the payload."""
    out.write(kind + len(payload).to_bytes(8, "big"))
    out.write(payload)


def read_frame(source: BinaryIO) -> tuple[bytes, bytes]:
    """The next frame (kind, payload); (b"", b"") at the end of the stream."""
    header = source.read(9)
    if len(header) < 9:
        return b"", b""
    size = int.from_bytes(header[1:], "big")
    payload = source.read(size)
    if len(payload) < size:
        return b"", b""
    return header[:1], payload


def main(argv: list[str]) -> int:
    """The child process: ``FEED PATH``, then its batch id on a line of stdin (see the module
    docstring). It reads the header while it waits; an empty stdin means: nothing to do."""
    from loaders import feeds

    feed_name, name = argv
    path = Path(name)
    out = sys.stdout.buffer
    rejects = io.StringIO()
    writer = csv.writer(rejects)

    def keep(reject: Reject) -> None:
        writer.writerow((reject.line, reject.record, reject.reason, reject.message))

    try:
        layout = read_layout(path, feeds.get(feed_name))
        batch = sys.stdin.readline().strip()
        if not batch:
            return 0
        converter = Converter(layout, int(batch), keep)
        for data in converter.chunks(path):
            if data:
                write_frame(out, FRAME_ROWS, data)
            if rejects.tell():
                write_frame(out, FRAME_REJECTS, rejects.getvalue().encode("utf-8"))
                rejects.seek(0)
                rejects.truncate()
        counts = {"rows_read": converter.rows_read, "rows_good": converter.rows_good}
        write_frame(out, FRAME_END, json.dumps(counts).encode())
        out.flush()
    except FileError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except BrokenPipeError:  # the loader is gone
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

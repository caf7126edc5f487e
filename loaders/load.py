"""The one batch loading mechanism: a file of a feed becomes one ledgered, atomic batch in ``raw``.

A library: every function lands files through the connection it is given (or a connection
factory it calls), and knows nothing of where the server is (the `storefront load` command,
:mod:`storefront.load`, resolves that).

:func:`load_directory` finds each feed's file (``<table>.csv``, see :mod:`loaders.feeds`) in DIR
and its subfolders and loads them folder by folder (DIR first, then its subfolders by name, so
dated batch folders in date order), each folder's files in dependency order.
For each file (with ``FEED``, folders stand for their ``*.csv`` files):

1. The whole file is hashed (sha256) and its header matched to the
   feed (any case, any order; a missing or unknown column fails the file).
2. One transaction: an advisory lock keyed on the hash, the ledger consulted (the same content
   already loaded is a no-op), a ledger row, then one ``COPY`` streaming every valid row into
   ``raw.<table>`` while a child process parses and checks the file (:mod:`loaders.csvio`).
   Rejected rows are kept aside with their line and reason, and written to ``raw.rejected_rows``.
3. Above ``max_reject_ratio`` the transaction is rolled back and a ``rejected`` ledger row with
   its rejects is written in a new one; any error rolls back and writes a ``failed`` row.

A killed loader leaves nothing: the transaction dies with its connection.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

import psycopg
from psycopg import sql

from loaders import feeds
from loaders.csvio import (
    COPY_OPTIONS,
    FRAME_END,
    FRAME_REJECTS,
    FRAME_ROWS,
    FileError,
    Layout,
    file_digest,
    read_frame,
    read_layout,
)
from loaders.feeds import Feed

SCHEMA = "raw"
DEFAULT_MAX_REJECT_RATIO = 0.05
# Serializes concurrent schema creation (two loaders, dbt tests) across sessions.
SCHEMA_LOCK = 0x5354_4F52_4546_524E  # "STOREFRN"
EXAMPLES = 3  # example line numbers kept per reason
PIPE_SIZE = 1 << 20
# Files at least this big get their parser started before they are hashed (its start-up then
# overlaps the hashing); smaller ones are hashed first, so a file already loaded costs no parser.
EARLY_PARSER_BYTES = 32 << 20

LEDGER_DDL = """
create table if not exists raw.load_batches (
    batch_id bigint generated always as identity primary key,
    feed text not null,
    source_file text not null,
    content_sha256 text not null,
    rows_read bigint,
    rows_loaded bigint,
    rows_rejected bigint,
    status text not null check (status in ('loaded', 'rejected', 'failed')),
    started_at timestamptz not null,
    finished_at timestamptz,
    error text
);
create unique index if not exists load_batches_loaded_once
    on raw.load_batches (feed, content_sha256) where status = 'loaded';
create table if not exists raw.rejected_rows (
    batch_id bigint not null references raw.load_batches (batch_id),
    feed text not null,
    line_number bigint not null,
    raw_record text not null,
    reason text not null,
    message text not null,
    primary key (batch_id, line_number)
);
"""


# -- schema -------------------------------------------------------------------------------------
def table_ddl(feed: Feed, enforce_fk: bool | None) -> sql.Composed:
    """``create table if not exists raw.<table>`` for a feed.

    The reference from ``_batch_id`` to the ledger is declared ``not enforced`` (PostgreSQL 18+):
    checking it row by row would triple the time of a COPY, and the loader writes both sides in
    one transaction. ``enforce_fk=None`` (older servers) leaves the reference out.

    A row is identified by ``(_batch_id, _line_number)``, unique by construction (the parser
    writes each line number of a file once, and a file is one batch). It is not declared a
    primary key: maintaining that index costs about a third of a COPY. A BRIN index on
    ``_batch_id`` (see :func:`index_ddl`) serves the queries by batch at almost no cost, and the
    uniqueness is a data test downstream."""
    columns = [
        sql.SQL("{} {}{}").format(
            sql.Identifier(c.name),
            sql.SQL(c.sql_type),
            sql.SQL(" not null" if c.required or c.default is not None else ""),
        )
        for c in feed.columns
    ]
    reference = {
        True: " references raw.load_batches (batch_id)",
        False: " references raw.load_batches (batch_id) not enforced",
        None: "",
    }[enforce_fk]
    return sql.SQL(
        "create table if not exists {table} ({columns}, "
        "_batch_id bigint not null" + reference + ", "
        "_line_number bigint not null, "
        "_loaded_at timestamptz not null default now())"
    ).format(table=sql.Identifier(SCHEMA, feed.table), columns=sql.SQL(", ").join(columns))


def index_ddl(feed: Feed) -> sql.Composed:
    """The BRIN index on ``_batch_id`` of a feed's table (batches are appended in order)."""
    return sql.SQL("create index if not exists {} on {} using brin (_batch_id)").format(
        sql.Identifier(brin_name(feed)), sql.Identifier(SCHEMA, feed.table)
    )


def brin_name(feed: Feed) -> str:
    return f"{feed.table}_batch_brin"


# What the catalog says about raw: per table, its columns, whether it has the BRIN index and
# whether it still has a primary key (tables created before the key became the BRIN index).
_RAW_CATALOG = """
select c.relname,
       array(select a.attname::text from pg_attribute as a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped),
       exists(select from pg_class as i where i.relname = c.relname || '_batch_brin'
              and i.relnamespace = c.relnamespace),
       exists(select from pg_constraint as k where k.conrelid = c.oid and k.contype = 'p')
from pg_class as c
where c.relnamespace = (select oid from pg_namespace where nspname = 'raw')
  and c.relkind in ('r', 'p')
"""


def _raw_schema_current(conn: psycopg.Connection) -> bool:
    """True when the ledger and every feed's table are there as declared (one query)."""
    found = {name: (set(cols), brin, pk) for name, cols, brin, pk in conn.execute(_RAW_CATALOG)}
    if "load_batches" not in found or "rejected_rows" not in found:
        return False
    for feed in feeds.FEEDS.values():
        table = found.get(feed.table)
        if table is None:
            return False
        columns, brin, pk = table
        if not brin or pk or any(c.name not in columns for c in feed.columns):
            return False
    return True


def ensure_raw_schema(conn: psycopg.Connection) -> None:
    """Create schema ``raw``, the ledger tables and the landing table of every declared feed;
    add columns a declaration gained since (and move tables made with a primary key to the BRIN
    index). Idempotent, safe from several sessions at once; one query when all is in place."""
    with conn.transaction():
        if _raw_schema_current(conn):
            return
    enforce_fk = False if conn.info.server_version >= 180000 else None
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        # checked first: the loader role may own raw without the right to create schemas
        if conn.execute("select to_regnamespace('raw')").fetchone()[0] is None:
            conn.execute("create schema raw")
        conn.execute(LEDGER_DDL)
        for feed in feeds.FEEDS.values():
            conn.execute(table_ddl(feed, enforce_fk))
            present = {
                row[0]
                for row in conn.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = %s and table_name = %s",
                    (SCHEMA, feed.table),
                )
            }
            for column in feed.columns:
                if column.name not in present:
                    conn.execute(
                        sql.SQL("alter table {} add column {} {}").format(
                            sql.Identifier(SCHEMA, feed.table),
                            sql.Identifier(column.name),
                            sql.SQL(column.sql_type),
                        )
                    )
            conn.execute(
                sql.SQL("alter table {} drop constraint if exists {}").format(
                    sql.Identifier(SCHEMA, feed.table), sql.Identifier(f"{feed.table}_pkey")
                )
            )
            conn.execute(index_ddl(feed))


# -- results ------------------------------------------------------------------------------------
@dataclass
class ReasonCount:
    reason: str
    count: int
    lines: list[int]  # a few example line numbers
    message: str = ""  # the message of the first example (line ``lines[0]``)


@dataclass
class BatchResult:
    """What happened to one file. ``status``: loaded, rejected, failed, or skipped (the same
    content was already loaded as ``batch_id``).

    ``rows_read = rows_loaded + rows_rejected`` always. ``bad_rows`` are the rows that broke a
    rule (in ``raw.rejected_rows``, counted by reason in ``reasons``): for a loaded batch they
    are its rejected rows; a rejected batch rejects all its rows (none loaded) because of them.
    """

    feed: str
    path: Path
    status: str
    sha256: str = ""
    batch_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    bad_rows: int = 0
    reasons: list[ReasonCount] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    max_reject_ratio: float = DEFAULT_MAX_REJECT_RATIO

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "skipped")

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def summary(self, name: str | None = None) -> str:
        """A few lines for people: counts, seconds, rows/s and the top 5 reasons, each with
        its count, the line number and message of its first example and a few more line
        numbers. ``name`` names the file (default: its name)."""
        name = name or self.path.name
        if self.status == "skipped":
            return f"{name}: already loaded as batch {self.batch_id}; nothing to do"
        if self.status == "failed":
            return f"{name}: failed: {self.error}"
        counts = (
            f"{self.rows_read:,} rows read, {self.rows_loaded:,} loaded, "
            f"{self.rows_rejected:,} rejected in {self.seconds:.2f} s "
            f"({self.rows_per_second:,.0f} rows/s)"
        )
        if self.status == "loaded":
            lines = [f"{name}: loaded as batch {self.batch_id}: {counts}"]
        else:
            lines = [f"{name}: REJECTED as batch {self.batch_id}, nothing loaded: {self.error}"]
        top = self.reasons[:5]
        width = max((len(r.reason) for r in top), default=0)
        digits = max((len(f"{r.count:,}") for r in top), default=0)
        for r in top:
            first = f"line {r.lines[0]}: {_shortened(r.message)}" if r.lines else ""
            if len(r.lines) > 1:
                more = ", ..." if r.count > len(r.lines) else ""
                first += f" (also line {', '.join(str(n) for n in r.lines[1:])}{more})"
            lines.append(f"  {r.reason:<{width}}  {r.count:>{digits},}  {first}")
        if len(self.reasons) > 5:
            lines.append(f"  ... and {len(self.reasons) - 5} more reasons (raw.rejected_rows)")
        return "\n".join(lines)


def _shortened(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters (the whole is in raw.rejected_rows)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class LoaderError(RuntimeError):
    """A problem loading, said in one line (a file or folder that is not there, a file that
    cannot be loaded)."""


class LoadError(LoaderError):
    """A file could not be loaded (one line naming it); ``result`` holds what is known."""

    def __init__(self, message: str, result: BatchResult) -> None:
        super().__init__(message)
        self.result = result


class _Rejected(Exception):
    """Internal: the reject ratio is above the gate; the transaction must roll back."""


# -- rejects ------------------------------------------------------------------------------------
class Rejects:
    """The rejected records of one batch as CSV rows (line, record, reason, message), spooled
    in memory and beyond 8 MB in an unnamed temp file (nothing is left behind, even by a kill)."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 (close())

    def write(self, csv_rows: bytes) -> None:
        self.file.write(csv_rows)

    def rows(self) -> Iterator[tuple[int, str, str, str]]:
        self.file.seek(0)
        text = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
        try:
            for line, record, reason, message in csv.reader(text):
                yield int(line), record, reason, message
        finally:
            text.detach()

    def summary(self) -> tuple[int, list[ReasonCount]]:
        """How many, and by reason (most frequent first) with a few example lines."""
        by_reason: dict[str, ReasonCount] = {}
        total = 0
        for line, _, reason, message in self.rows():
            total += 1
            entry = by_reason.setdefault(reason, ReasonCount(reason, 0, [], message))
            entry.count += 1
            if len(entry.lines) < EXAMPLES:
                entry.lines.append(line)
        return total, sorted(by_reason.values(), key=lambda r: (-r.count, r.reason))

    def insert(self, conn: psycopg.Connection, batch_id: int, feed: Feed) -> None:
        with (
            conn.cursor() as cur,
            cur.copy(
                "copy raw.rejected_rows (batch_id, feed, line_number, raw_record, reason, message)"
                " from stdin"
            ) as copy,
        ):
            for row in self.rows():
                copy.write_row((batch_id, feed.name, *row))

    def close(self) -> None:
        self.file.close()


# -- loading ------------------------------------------------------------------------------------
Progress = Callable[[int], None]  # rows written so far


def lock_key(sha256: str) -> int:
    """The advisory lock for a content hash: its first 8 bytes as a signed bigint."""
    return int.from_bytes(bytes.fromhex(sha256[:16]), "big", signed=True)


# Where the loader writes: a connection (used as is, outside a transaction) or a factory the
# loader calls for one connection, which it closes when done.
Source = psycopg.Connection | Callable[[], psycopg.Connection]


@contextmanager
def _connection(source: Source) -> Iterator[psycopg.Connection]:
    if isinstance(source, psycopg.Connection):
        if source.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            raise LoaderError("load_file needs a connection outside any transaction")
        yield source
        return
    if not callable(source):
        raise TypeError(f"a connection or a connection factory, not {type(source).__name__}")
    conn = source()
    try:
        yield conn
    finally:
        conn.close()


class _Parser:
    """The child process converting ``path`` to COPY text on its stdout (see
    :mod:`loaders.csvio`): it parses and checks on the second core while the server ingests.
    Started early (:meth:`start`) it reads the header and waits for its batch id on stdin
    (:meth:`begin`); :meth:`close` ends it whatever state it is in."""

    def __init__(self, feed: Feed, path: Path) -> None:
        self.feed = feed
        self.path = path
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        if self.process is None:
            package_root = str(Path(__file__).resolve().parent.parent)
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [package_root, env.get("PYTHONPATH")])
            )
            self.process = subprocess.Popen(
                [sys.executable, "-m", "loaders.csvio", self.feed.name, str(self.path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            # Linux: a bigger pipe lets the parser run further ahead of the server.
            if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
                with suppress(OSError):
                    fcntl.fcntl(self.process.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        return self.process

    def begin(self, batch_id: int) -> subprocess.Popen:
        """Start converting, the rows carrying ``batch_id``."""
        child = self.start()
        try:
            child.stdin.write(b"%d\n" % batch_id)
            child.stdin.close()
        except BrokenPipeError:
            pass  # it has stopped: what it said is read where its frames are expected
        return child

    def close(self) -> None:
        child = self.process
        if child is None:
            return
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout, child.stderr):
            with suppress(OSError):
                stream.close()


def _parser_failure(child: subprocess.Popen, path: Path) -> FileError:
    """The parser stopped without its end frame: its error, as one line."""
    said = child.stderr.read().decode("utf-8", "replace").strip()
    code = child.wait()
    last = said.splitlines()[-1] if said else f"exit status {code}"
    return FileError(last if code == 2 else f"{path}: the parser failed: {last}")


def load_file(
    source: Source,
    feed: Feed | str,
    path: str | Path,
    *,
    max_reject_ratio: float = DEFAULT_MAX_REJECT_RATIO,
    progress: Progress | None = None,
) -> BatchResult:
    """Load one file of ``feed`` as one batch; return what happened.

    ``source`` is a psycopg connection (used as is, outside a transaction) or a factory of one
    (called once, closed at the end). Returns a result with status loaded, skipped (same
    content already loaded) or rejected (too many bad rows; nothing loaded). Raises
    :class:`LoadError` when the file fails as a whole (after writing a ``failed`` ledger row).
    """
    feed = feeds.get(feed) if isinstance(feed, str) else feed
    path = Path(path).resolve()
    started = time.monotonic()
    result = BatchResult(feed.name, path, "failed", max_reject_ratio=max_reject_ratio)
    parser = _Parser(feed, path)
    with _connection(source) as conn, contextlib.closing(parser):
        ensure_raw_schema(conn)
        try:
            with suppress(OSError):  # (file_digest says what is wrong with the file)
                if path.stat().st_size >= EARLY_PARSER_BYTES:
                    parser.start()  # its start-up overlaps the hashing
            result.sha256, _ = file_digest(path)
            layout = read_layout(path, feed)
        except FileError as exc:
            result.error = str(exc)
            if result.sha256:
                _record_failure(conn, feed, result)
            result.seconds = time.monotonic() - started
            raise LoadError(result.error, result) from None
        rejects = Rejects()
        try:
            _load(conn, feed, layout, parser, rejects, result, progress)
        except _Rejected:
            result.status = "rejected"
            result.rows_loaded, result.rows_rejected = 0, result.rows_read
            result.error = (
                f"{result.bad_rows:,} of {result.rows_read:,} rows bad"
                f" ({result.bad_rows / result.rows_read:.1%}), above max_reject_ratio"
                f" {max_reject_ratio:g}"
            )
            with conn.transaction():
                result.batch_id = _insert_ledger(conn, feed, result, "rejected")
                rejects.insert(conn, result.batch_id, feed)
        except (psycopg.Error, FileError, OSError) as exc:
            result.error = str(exc) if isinstance(exc, FileError) else f"{path}: {_one_line(exc)}"
            result.batch_id = None
            _record_failure(conn, feed, result)
            result.seconds = time.monotonic() - started
            raise LoadError(result.error, result) from None
        finally:
            rejects.close()
    result.seconds = time.monotonic() - started
    return result


def _load(
    conn: psycopg.Connection,
    feed: Feed,
    layout: Layout,
    parser: _Parser,
    rejects: Rejects,
    result: BatchResult,
    progress: Progress | None,
) -> None:
    """The batch transaction (see the module docstring); fills ``result``."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (lock_key(result.sha256),))
        done = conn.execute(
            "select batch_id from raw.load_batches"
            " where feed = %s and content_sha256 = %s and status = 'loaded'",
            (feed.name, result.sha256),
        ).fetchone()
        if done is not None:
            result.status, result.batch_id = "skipped", done[0]
            return
        result.batch_id = batch_id = _insert_ledger(conn, feed, result, "loaded")
        statement = sql.SQL("copy {} ({}) from stdin (" + COPY_OPTIONS + ")").format(
            sql.Identifier(SCHEMA, feed.table),
            sql.SQL(", ").join(map(sql.Identifier, ["_batch_id", "_line_number", *layout.columns])),
        )
        rows = 0
        counts = None
        child = parser.begin(batch_id)
        with conn.cursor() as cur:
            with cur.copy(statement) as copy:
                while counts is None:
                    kind, payload = read_frame(child.stdout)
                    if kind == FRAME_ROWS:
                        copy.write(payload)
                        if progress is not None:
                            rows += payload.count(b"\n")
                            progress(rows)
                    elif kind == FRAME_REJECTS:
                        rejects.write(payload)
                    elif kind == FRAME_END:
                        counts = json.loads(payload)
                    else:
                        # Inside the COPY: the failure aborts it (CopyFail), nothing lands.
                        raise _parser_failure(child, parser.path)
            loaded = cur.rowcount
        rows_read, rows_good = counts["rows_read"], counts["rows_good"]
        bad, result.reasons = rejects.summary()
        result.rows_read, result.rows_loaded = rows_read, loaded
        result.rows_rejected = result.bad_rows = bad
        if loaded != rows_good or loaded + bad != rows_read:
            raise psycopg.DataError(
                f"internal count mismatch: {rows_read} read, {loaded} loaded, {bad} rejected"
            )
        if rows_read and bad / rows_read > result.max_reject_ratio:
            raise _Rejected
        rejects.insert(conn, batch_id, feed)
        conn.execute(
            "update raw.load_batches set rows_read = %s, rows_loaded = %s, rows_rejected = %s,"
            " finished_at = clock_timestamp() where batch_id = %s",
            (result.rows_read, result.rows_loaded, result.rows_rejected, batch_id),
        )
        result.status = "loaded"


def _insert_ledger(conn: psycopg.Connection, feed: Feed, result: BatchResult, status: str) -> int:
    finished = status != "loaded"  # a loaded batch is finished by its last statement
    counts = (
        (result.rows_read, result.rows_loaded, result.rows_rejected)
        if status == "rejected"
        else (None, None, None)
    )
    row = conn.execute(
        "insert into raw.load_batches (feed, source_file, content_sha256, rows_read,"
        " rows_loaded, rows_rejected, status, started_at, finished_at, error)"
        " values (%s, %s, %s, %s, %s, %s, %s, clock_timestamp(),"
        " case when %s then clock_timestamp() end, %s) returning batch_id",
        (feed.name, str(result.path), result.sha256, *counts, status, finished, result.error),
    ).fetchone()
    return row[0]


def _record_failure(conn: psycopg.Connection, feed: Feed, result: BatchResult) -> None:
    """A ``failed`` ledger row in its own transaction; best effort (the server may be gone)."""
    result.status = "failed"
    try:
        with conn.transaction():
            result.batch_id = _insert_ledger(conn, feed, result, "failed")
    except psycopg.Error:
        pass


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders stand for their ``*.csv`` files, sorted by name."""
    files: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found = sorted(p for p in item.glob("*.csv") if p.is_file())
            if not found:
                raise LoaderError(f"{item}: no *.csv files in this folder")
            files.extend(found)
        elif item.is_file():
            files.append(item)
        else:
            raise LoaderError(f"{item}: no such file or folder")
    return files


def load_paths(
    source: Source,
    feed: Feed | str,
    paths: Iterable[str | Path],
    *,
    max_reject_ratio: float = DEFAULT_MAX_REJECT_RATIO,
    progress: Callable[[Path], Progress | None] | None = None,
    report: Callable[[BatchResult], None] | None = None,
) -> list[BatchResult]:
    """Load every file (one batch each, one after the other) over one connection. A failing
    file does not stop the others; each result is passed to ``report`` as soon as known."""
    files = expand_paths(paths)
    results = []
    with _connection(source) as conn:
        for path in files:
            results.append(_load_reported(conn, feed, path, max_reject_ratio, progress, report))
    return results


def _load_reported(conn, feed, path, max_reject_ratio, progress, report) -> BatchResult:
    """One file of a multi-file load: a failing file becomes its result (the others go on),
    passed to ``report`` as soon as known."""
    try:
        result = load_file(
            conn,
            feed,
            path,
            max_reject_ratio=max_reject_ratio,
            progress=progress(path) if progress else None,
        )
    except LoadError as exc:
        result = exc.result
    if report is not None:
        report(result)
    return result


# -- a whole folder -----------------------------------------------------------------------------
def find_feed_files(folder: str | Path) -> list[tuple[Path, list[tuple[Feed, Path]]]]:
    """The folders under ``folder`` that hold feed files (``<table>.csv`` of a declared feed),
    with those files in dependency order: ``folder`` itself first, then its subfolders sorted by
    path, so dated batch folders (``batch-YYYY-MM-DD``) come in date order. Other files
    (``*.part``, ``generator_state.json``, other CSV files) and hidden folders are ignored."""
    root = Path(folder)
    found = []
    for current, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        names = set(files)
        present = [
            (feed, Path(current) / feed.file_name)
            for feed in feeds.FEEDS.values()
            if feed.file_name in names
        ]
        if present:
            found.append((Path(current), present))
    found.sort(key=lambda item: item[0].relative_to(root).parts)
    return found


def load_directory(
    source: Source,
    folder: str | Path,
    *,
    max_reject_ratio: float = DEFAULT_MAX_REJECT_RATIO,
    progress: Callable[[Path], Progress | None] | None = None,
    report: Callable[[BatchResult], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> list[BatchResult]:
    """Load every feed file found in ``folder`` and its subfolders (see
    :func:`find_feed_files`), folder by folder, each folder's files in dependency order, one
    batch per file. Files already loaded (same content) come back as ``skipped``; absent feeds
    are simply not loaded. When a file of a folder fails or is rejected, the folder's other
    files are still loaded but later folders are not (their versions must not land before the
    earlier ones): ``note`` is told so. Each result goes to ``report`` as soon as known."""
    root = Path(folder)
    if not root.is_dir():
        raise LoaderError(f"{root}: no such folder")
    found = find_feed_files(root)
    if not found:
        names = ", ".join(feed.file_name for feed in feeds.FEEDS.values())
        raise LoaderError(f"{root}: no feed files here or in its subfolders ({names})")
    results: list[BatchResult] = []
    with _connection(source) as conn:
        for position, (where, files) in enumerate(found):
            for feed, path in files:
                results.append(
                    _load_reported(conn, feed, path, max_reject_ratio, progress, report)
                )
            later = len(found) - position - 1
            if later and not all(r.ok for r in results[-len(files):]):
                if note is not None:
                    note(f"{where}: a file failed or was rejected; the {later} folder"
                         f"{'s' * (later > 1)} after it not loaded (fix it, then load again:"
                         " files already loaded are skipped)")
                break
    return results

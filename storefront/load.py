"""`storefront load`: lands feed files in ``raw`` through the load mechanism of :mod:`loaders`,
on the resolved warehouse, as the loader role.

    storefront load DIR [--max-reject-ratio 0.05]             (every feed file in DIR and below)
    storefront load FEED PATH... [--max-reject-ratio 0.05]    (files of one feed)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from loaders import feeds
from loaders.feeds import Feed
from loaders.load import (
    DEFAULT_MAX_REJECT_RATIO,
    BatchResult,
    LoaderError,
    Progress,
    load_directory,
    load_paths,
)
from storefront import warehouse
from storefront.warehouse import roles


def loader_connection(
    target: warehouse.Target | None = None,
) -> Callable[[], psycopg.Connection]:
    """A connection factory for the loaders: ``target`` (default: the resolved warehouse,
    started if local), as the loader role where it is set up (:func:`warehouse.as_role`)."""
    return lambda: warehouse.connect(target, role=roles.LOADER)


def terminal_progress(path: Path) -> Progress | None:
    """A progress line on stderr (rows, rows/s), only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()
    last = [started]

    def show(rows: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.25:
            last[0] = now
            rate = rows / (now - started)
            sys.stderr.write(f"\r{path.name}: {rows:,} rows  {rate:,.0f} rows/s\033[K")
            sys.stderr.flush()

    return show


def _feed_named(name: str) -> Feed | None:
    try:
        return feeds.get(name)
    except KeyError:
        return None


def cmd_load(args: argparse.Namespace) -> int:
    feed = _feed_named(args.what)
    if feed is None or not args.paths:
        if args.paths or not Path(args.what).is_dir():
            known = ", ".join(feeds.FEEDS)
            if feed is not None:
                raise LoaderError(f"load {feed.name}: give the files or folders to load")
            raise LoaderError(f"{args.what}: neither a feed ({known}) nor a folder")
        return _cmd_load_directory(Path(args.what), args.max_reject_ratio)

    def report(result: BatchResult) -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")  # clear the progress line
        if result.status == "failed":
            print(f"storefront: {result.error}", file=sys.stderr)
        else:
            print(result.summary(), flush=True)

    results = load_paths(
        loader_connection(),
        feed,
        args.paths,
        max_reject_ratio=args.max_reject_ratio,
        progress=terminal_progress,
        report=report,
    )
    return 0 if all(r.ok for r in results) else 1


def _cmd_load_directory(folder: Path, max_reject_ratio: float) -> int:
    """`storefront load DIR`: a summary per file loaded; files already loaded in one note."""
    started = time.monotonic()
    root = folder.resolve()

    def report(result: BatchResult) -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        if result.status == "failed":
            print(f"storefront: {result.error}", file=sys.stderr)
        elif result.status != "skipped":
            print(result.summary(str(result.path.relative_to(root))), flush=True)

    def note(text: str) -> None:
        print(f"storefront: {text}", file=sys.stderr)

    results = load_directory(
        loader_connection(),
        root,
        max_reject_ratio=max_reject_ratio,
        progress=terminal_progress,
        report=report,
        note=note,
    )
    skipped = sum(r.status == "skipped" for r in results)
    loaded = [r for r in results if r.status == "loaded"]
    rows = sum(r.rows_loaded for r in loaded)
    seconds = time.monotonic() - started
    if skipped:
        print(f"{skipped} file{'s' * (skipped > 1)} already loaded, skipped")
    print(
        f"{len(loaded)} file{'s' * (len(loaded) != 1)} loaded: {rows:,} rows in {seconds:.2f} s"
        f" ({rows / seconds if seconds > 0 else 0:,.0f} rows/s)"
    )
    return 0 if all(r.ok for r in results) else 1


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `load` subcommand to the CLI."""
    listing = "; ".join(f"{f.name} ({f.file_name}: {f.description})" for f in feeds.FEEDS.values())
    parser = sub.add_parser(
        "load",
        help="load feed files into raw (one ledgered batch per file)",
        usage="%(prog)s [--max-reject-ratio R] (DIR | FEED PATH...)",
        description="Load CSV files into raw.<feed>: one atomic, ledgered batch per file; bad "
        "rows go to raw.rejected_rows; a file already loaded is skipped. "
        "`load DIR` loads every feed file found in DIR and its subfolders (DIR first, then "
        "its subfolders by name, so batch-YYYY-MM-DD folders in date order), each folder's "
        "files in dependency order. `load FEED PATH...` loads files (or the *.csv of folders) "
        "as one feed.",
        epilog=f"feeds, in dependency order: {listing}",
    )
    parser.add_argument("what", metavar="DIR | FEED", help="a folder of feed files, or a feed")
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="with FEED: CSV files or folders of *.csv"
    )
    parser.add_argument(
        "--max-reject-ratio",
        type=_ratio,
        default=DEFAULT_MAX_REJECT_RATIO,
        metavar="R",
        help="reject the whole file when more than this share of its rows is bad "
        f"(default {DEFAULT_MAX_REJECT_RATIO})",
    )
    parser.set_defaults(func=cmd_load)

"""`storefront generate`: a synthetic shop's feeds, consistent at any scale (issue 5).

    storefront generate --out DIR [--start 2024-01-01] [--days 365]
                        [--customers N | --order-lines N] [--seed S] [--force]
    storefront generate --continue DIR [--days 1]

The first form writes one CSV per feed into DIR and keeps the shop's state in
DIR/generator_state.json; the second extends that dataset by more days into a new folder
DIR/batch-YYYY-MM-DD/ (named for its first day), carrying customers, prices, stock, open carts
and pending events over; its products.csv and customers.csv hold the new versions (prices
changed, customers moved or opted in or out, new sign-ups). The simulation itself is
:mod:`storefront.simulate.simulation` (the day loop) and one module per domain of the shop
beside it; Faker is imported only when a dataset is generated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storefront.simulate.feeds import FEEDS, PART
from storefront.simulate.simulation import BatchResult, simulate
from storefront.simulate.state import LINES_PER_CUSTOMER, Shop, new_shop
from storefront.warehouse import WarehouseError

STATE_FILE = "generator_state.json"
BATCH_PREFIX = "batch-"
DEFAULT_START = dt.date(2024, 1, 1)
DEFAULT_DAYS = 365
DEFAULT_ORDER_LINES = 100_000
DEFAULT_SEED = 1


class GenerateError(WarehouseError):
    """A generator problem the user can fix, said in one line."""


@dataclass
class Generated:
    """What one generator run wrote."""

    folder: Path
    batch: BatchResult
    seconds: float

    @property
    def order_lines(self) -> int:
        return self.batch.rows["order_lines.csv"]


Progress = Callable[[dt.date, int], None]


def generate(out: Path, *, start: dt.date = DEFAULT_START, days: int = DEFAULT_DAYS,
             customers: int | None = None, order_lines: int | None = None,
             seed: int = DEFAULT_SEED, force: bool = False,
             progress: Progress | None = None) -> Generated:
    """Write a new dataset of ``days`` days from ``start`` into ``out``.

    Size it by ``order_lines`` (lines sold, within 1 %) or by ``customers`` (registered at the
    end; half of them before ``start``); the other follows at 5 lines per customer. Neither
    given: 100,000 order lines. ``force`` replaces a dataset already in ``out``.
    """
    if days < 1:
        raise GenerateError("--days must be at least 1")
    if customers is not None and order_lines is not None:
        raise GenerateError("give --customers or --order-lines, not both")
    if customers is None:
        order_lines = DEFAULT_ORDER_LINES if order_lines is None else order_lines
        if order_lines < 1:
            raise GenerateError("--order-lines must be at least 1")
        customers = max(1, -(-order_lines // LINES_PER_CUSTOMER))
    else:
        if customers < 1:
            raise GenerateError("--customers must be at least 1")
        order_lines = customers * LINES_PER_CUSTOMER
    out = Path(out)
    _prepare_out(out, force)
    shop = new_shop(seed, start, days, order_lines, customers)
    began = time.perf_counter()
    batch = simulate(shop, out, days, progress)
    _save_state(out, shop)
    return Generated(out, batch, time.perf_counter() - began)


def extend(root: Path, *, days: int = 1, progress: Progress | None = None) -> Generated:
    """Extend the dataset in ``root`` by ``days`` more days, into ``root/batch-<first day>``."""
    if days < 1:
        raise GenerateError("--days must be at least 1")
    root = Path(root)
    shop = _load_state(root)
    folder = root / f"{BATCH_PREFIX}{shop.next_day.isoformat()}"
    if folder.exists() and any(folder.glob("*.csv")):
        raise GenerateError(f"{folder} already holds CSV files, but the state says this batch "
                            "is still to be written; move that folder away first")
    folder.mkdir(exist_ok=True)  # it may hold .part files of an interrupted run: replaced
    began = time.perf_counter()
    batch = simulate(shop, folder, days, progress)
    _save_state(root, shop)
    return Generated(folder, batch, time.perf_counter() - began)


def _prepare_out(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise GenerateError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    ours = [out / STATE_FILE, *(out / name for name in FEEDS)]
    batches = sorted(p for p in out.glob(f"{BATCH_PREFIX}*") if p.is_dir())
    present = [p for p in ours if p.exists()] + batches
    if present and not force:
        raise GenerateError(f"{out} already holds a dataset ({present[0].name}); "
                            "use another folder, or --force to replace it")
    for path in present:
        if path.is_dir():
            for name in FEEDS:
                (path / name).unlink(missing_ok=True)
                (path / (name + PART)).unlink(missing_ok=True)
            if any(path.iterdir()):
                raise GenerateError(f"{path} holds files the generator did not write; "
                                    "remove them first")
            path.rmdir()
        else:
            path.unlink()


def _save_state(root: Path, shop: Shop) -> None:
    temporary = root / f".{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(shop.to_json(), separators=(",", ":")) + "\n",
                         encoding="utf-8")
    os.replace(temporary, root / STATE_FILE)


def _load_state(root: Path) -> Shop:
    path = root / STATE_FILE
    if not path.is_file():
        raise GenerateError(f"{root} holds no generated dataset ({STATE_FILE} not found); "
                            "create one with: storefront generate --out DIR")
    try:
        return Shop.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise GenerateError(f"{path}: unreadable generator state ({exc})") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _progress_printer() -> Progress | None:
    if not sys.stderr.isatty():
        return None
    began = time.perf_counter()

    def show(day: dt.date, lines: int) -> None:
        rate = lines / max(time.perf_counter() - began, 1e-9)
        print(f"\r  {day.isoformat()}  {lines:,} order lines  ({rate:,.0f} lines/s) ",
              end="", file=sys.stderr, flush=True)

    return show


def cmd_generate(args: argparse.Namespace) -> int:
    progress = _progress_printer()
    if args.continue_dir is not None:
        for option in ("start", "customers", "order_lines", "seed"):
            if getattr(args, option) is not None:
                flag = "--" + option.replace("_", "-")
                raise GenerateError(f"{flag} cannot be used with --continue (the state decides)")
        result = extend(Path(args.continue_dir), days=args.days or 1, progress=progress)
    else:
        result = generate(
            Path(args.out), start=args.start or DEFAULT_START, days=args.days or DEFAULT_DAYS,
            customers=args.customers, order_lines=args.order_lines,
            seed=DEFAULT_SEED if args.seed is None else args.seed, force=args.force,
            progress=progress)
    if progress is not None:
        print(file=sys.stderr)
    batch = result.batch
    span = (batch.last_day - batch.first_day).days + 1
    print(f"generated {batch.first_day} .. {batch.last_day} ({span} days) into {result.folder}")
    for name, rows in batch.rows.items():
        print(f"  {name:<24} {rows:>12,} rows")
    rate = result.order_lines / max(result.seconds, 1e-9)
    print(f"  {batch.orders:,} orders, {batch.refused_lines:,} order lines refused for lack of "
          f"stock; {result.seconds:.1f} s ({rate:,.0f} order lines/s)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `generate` subcommand to the CLI."""
    parser = sub.add_parser(
        "generate", help="write a synthetic shop's feeds (CSV), or extend them by more days",
        description="Simulate a shop day by day and write every feed as CSV: order_lines "
                    "(the export layout plus Order_Id), customers, products, "
                    "inventory_movements, payments, carts, cart_items, reviews.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="DIR", help="write a new dataset into DIR")
    where.add_argument("--continue", dest="continue_dir", metavar="DIR",
                       help="extend the dataset in DIR into DIR/batch-<first day>/")
    parser.add_argument("--start", type=_date, help="first day (default 2024-01-01)")
    parser.add_argument("--days", type=int,
                        help="days to simulate (default 365; 1 with --continue)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--customers", type=int, metavar="N",
                      help="customers registered at the end (5 order lines each)")
    size.add_argument("--order-lines", type=int, metavar="N",
                      help="order lines to sell, within 1%% (default 100,000)")
    parser.add_argument("--seed", type=int, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true",
                        help="replace a dataset already in --out DIR")
    parser.set_defaults(func=cmd_generate)

"""`storefront load DIR` (issue 5): every feed file of a folder and its subfolders, folder by folder
in date order, each folder in dependency order; files already loaded skipped (so loading again
after `generate --continue` loads only the new batch); absent feeds simply not loaded."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import run_cli
from loaders import feeds
from loaders.load import find_feed_files, load_directory
from storefront.load import loader_connection
from storefront.simulate import generate

DEPENDENCY_ORDER = ["products.csv", "customers.csv", "order_lines.csv", "inventory_movements.csv",
                    "payments.csv", "carts.csv", "cart_items.csv", "reviews.csv"]


def data_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def ledger(conn, root: Path) -> list[tuple[str, str, str, int]]:
    """(file relative to root, feed, status, rows_loaded) of the batches of files under root."""
    return [
        (str(Path(source).relative_to(root)), feed, status, loaded)
        for source, feed, status, loaded in conn.execute(
            "select source_file, feed, status, rows_loaded from raw.load_batches"
            " where source_file like %s order by batch_id", (f"{root}/%",))
    ]


def assert_counts_identity(conn, root: Path) -> None:
    """Every batch of a file under root: read = loaded + rejected; loaded = the rows its table
    holds for it = the file's data rows (generated files have no bad row)."""
    batches = conn.execute(
        "select batch_id, feed, source_file, rows_read, rows_loaded, rows_rejected"
        " from raw.load_batches where source_file like %s and status = 'loaded'",
        (f"{root}/%",)).fetchall()
    assert batches
    for batch_id, feed, source, read, loaded, rejected in batches:
        table = feeds.get(feed).table
        landed = conn.execute(
            f"select count(*) from raw.{table} where _batch_id = %s", (batch_id,)).fetchone()[0]
        assert (read, loaded, rejected) == (landed, landed, 0), source
        assert landed == data_rows(Path(source)), source


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """30 days from 2024-01-01, then a continuation batch of 14 days (a price review inside)."""
    root = tmp_path / "shop"
    generate.generate(root, days=30, order_lines=1_500, seed=3)
    generate.extend(root, days=14)
    return root


def test_load_dir_then_again_after_continue_loads_only_the_new_batch(conn, shop) -> None:
    first = run_cli("load", str(shop))
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    batch = "batch-2024-01-31"
    expected = DEPENDENCY_ORDER + [f"{batch}/{n}" for n in DEPENDENCY_ORDER]
    found = ledger(conn, shop)
    assert [row[0] for row in found] == expected  # folder by folder, dependency order
    assert {row[2] for row in found} == {"loaded"}
    said = first.stdout.splitlines()
    assert [line.split(":")[0] for line in said[:-1]] == expected
    assert said[-1].startswith(f"16 files loaded: {sum(r[3] for r in found):,} rows in ")
    assert_counts_identity(conn, shop)
    # the continuation batch holds versions: a price review and customers who changed
    products = data_rows(shop / batch / "products.csv")
    assert 2 <= products <= 4
    assert conn.execute(
        "select count(*) from raw.products as p join raw.load_batches as b"
        " on b.batch_id = p._batch_id where b.source_file = %s"
        " and p.updated_at = '2024-02-12 00:00:00'",
        (str(shop / batch / "products.csv"),)).fetchone()[0] == products

    generate.extend(shop, days=2)  # a new batch: batch-2024-02-14
    again = run_cli("load", str(shop))
    assert again.returncode == 0, again.stderr
    new = ledger(conn, shop)[len(found):]
    assert [(row[0], row[2]) for row in new] == [
        (f"batch-2024-02-14/{name}", "loaded") for name in DEPENDENCY_ORDER]
    said = again.stdout.splitlines()
    assert said[-2] == "16 files already loaded, skipped"
    assert said[-1].startswith("8 files loaded: ")
    assert_counts_identity(conn, shop)

    nothing = run_cli("load", str(shop))
    assert nothing.returncode == 0 and nothing.stdout.splitlines()[0] == (
        "24 files already loaded, skipped")
    assert len(ledger(conn, shop)) == 24


def test_absent_feeds_and_other_files_are_left_alone(conn, tmp_path) -> None:
    source = tmp_path / "shop"
    generate.generate(source, days=5, order_lines=200, seed=8)
    export = tmp_path / "export"
    (export / "2018").mkdir(parents=True)
    (export / "2018" / "order_lines.csv").write_bytes((source / "order_lines.csv").read_bytes())
    (export / "order_lines.csv.part").write_text("half a file")
    (export / "generator_state.json").write_text("{}")
    (export / "notes.csv").write_text("a,b\n1,2\n")
    (export / ".hidden").mkdir()
    (export / ".hidden" / "products.csv").write_text("not, a, product\n")
    results = load_directory(loader_connection(), export)
    assert [(r.path, r.status, r.rows_loaded) for r in results] == [
        (export / "2018" / "order_lines.csv", "loaded", data_rows(source / "order_lines.csv"))]
    assert [row[:3] for row in ledger(conn, export)] == [
        ("2018/order_lines.csv", "order-lines", "loaded")]


def test_folders_in_date_order_and_a_failure_stops_the_later_ones(conn, tmp_path) -> None:
    source = tmp_path / "shop"
    generate.generate(source, days=3, order_lines=100, seed=12)
    root = tmp_path / "drop"
    for folder in ("batch-2024-03-02", "batch-2024-03-01", "", "batch-2024-03-01/late"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name in ("carts.csv", "customers.csv"):
        (root / name).write_bytes((source / name).read_bytes())
    (root / "batch-2024-03-01" / "payments.csv").write_bytes((source / "payments.csv").read_bytes())
    (root / "batch-2024-03-01" / "products.csv").write_text("product_id,colour\n1,red\n")
    (root / "batch-2024-03-01" / "late" / "reviews.csv").write_bytes(
        (source / "reviews.csv").read_bytes())
    (root / "batch-2024-03-02" / "products.csv").write_bytes((source / "products.csv").read_bytes())
    assert [(folder.relative_to(root), [f.name for _, f in files])
            for folder, files in find_feed_files(root)] == [
        (Path(), ["customers.csv", "carts.csv"]),
        (Path("batch-2024-03-01"), ["products.csv", "payments.csv"]),
        (Path("batch-2024-03-01/late"), ["reviews.csv"]),
        (Path("batch-2024-03-02"), ["products.csv"]),
    ]
    done = run_cli("load", str(root))
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert len(errors) == 2
    assert "products.csv: line 1: missing columns" in errors[0]
    assert errors[1] == (f"storefront: {root / 'batch-2024-03-01'}: a file failed or was rejected;"
                         " the 2 folders after it not loaded (fix it, then load again: files"
                         " already loaded are skipped)")
    assert [(row[0], row[2]) for row in ledger(conn, root)] == [
        ("customers.csv", "loaded"), ("carts.csv", "loaded"),
        ("batch-2024-03-01/products.csv", "failed"), ("batch-2024-03-01/payments.csv", "loaded")]


def test_command_line_errors_are_one_line(conn, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run_cli("load", str(empty))
    assert (done.returncode, done.stderr.count("\n")) == (1, 1)
    assert "no feed files here or in its subfolders" in done.stderr
    done = run_cli("load", str(tmp_path / "missing"))
    assert done.returncode == 1
    assert done.stderr == (f"storefront: {tmp_path / 'missing'}: neither a feed (products, "
                           "customers, order-lines, inventory-movements, payments, carts, "
                           "cart-items, reviews) nor a folder\n")
    done = run_cli("load", "order-lines")
    assert done.returncode == 1
    assert done.stderr == "storefront: load order-lines: give the files or folders to load\n"
    usage = run_cli("load", "--help")
    assert "(DIR | FEED PATH...)" in usage.stdout and "inventory-movements" in usage.stdout


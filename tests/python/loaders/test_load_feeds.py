"""The other feeds (issue 5) through the one loading mechanism: landing tables as the raw contract
says, typed values, each feed's rejection reasons, and natural keys repeated within a file
rejected as duplicate_key (set-wise on the fast path, row by row on the careful one)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

from loaders import feeds
from loaders.csvio import Converter, Reject, SeenKeys, read_layout
from loaders.load import ensure_raw_schema, load_file

TS = "timestamp without time zone"
# The raw contract (/work/notes/raw_contract.md), written out independently of loaders/feeds.py.
CONTRACT = {
    "products": [
        ("product_id", "bigint", "NO"), ("sku", "text", "NO"), ("product_name", "text", "NO"),
        ("category", "text", "NO"), ("list_price", "numeric", "NO"),
        ("unit_cost", "numeric", "NO"), ("supplier", "text", "YES"),
        ("launch_date", "date", "YES"), ("is_active", "boolean", "YES"), ("updated_at", TS, "NO"),
    ],
    "customers": [
        ("customer_id", "bigint", "NO"), ("first_name", "text", "YES"),
        ("last_name", "text", "YES"), ("email", "text", "YES"), ("gender", "text", "YES"),
        ("country", "text", "YES"), ("region", "text", "YES"), ("city", "text", "YES"),
        ("signed_up_at", TS, "YES"), ("marketing_opt_in", "boolean", "YES"),
        ("updated_at", TS, "NO"),
    ],
    "inventory_movements": [
        ("movement_id", "bigint", "NO"), ("product_id", "bigint", "NO"), ("moved_at", TS, "NO"),
        ("movement_type", "text", "NO"), ("quantity", "integer", "NO"),
        ("order_id", "bigint", "YES"),
    ],
    "payments": [
        ("payment_id", "bigint", "NO"), ("order_id", "bigint", "NO"), ("processed_at", TS, "NO"),
        ("payment_method", "text", "YES"), ("amount", "numeric", "NO"), ("status", "text", "NO"),
    ],
    "carts": [
        ("cart_id", "bigint", "NO"), ("customer_id", "bigint", "NO"), ("created_at", TS, "NO"),
        ("status", "text", "NO"), ("order_id", "bigint", "YES"),
    ],
    "cart_items": [
        ("cart_item_id", "bigint", "NO"), ("cart_id", "bigint", "NO"),
        ("product_id", "bigint", "NO"), ("quantity", "integer", "NO"), ("added_at", TS, "NO"),
    ],
    "reviews": [
        ("review_id", "bigint", "NO"), ("product_id", "bigint", "NO"),
        ("customer_id", "bigint", "NO"), ("order_id", "bigint", "NO"),
        ("rating", "integer", "NO"), ("title", "text", "YES"), ("body", "text", "YES"),
        ("reviewed_at", TS, "NO"),
    ],
}
METADATA = [("_batch_id", "bigint", "NO"), ("_line_number", "bigint", "NO"),
            ("_loaded_at", "timestamp with time zone", "NO")]
PRODUCTS_HEADER = ("product_id,sku,product_name,category,list_price,unit_cost,supplier,"
                   "launch_date,is_active,updated_at")


def product(product_id: int | str, **changes: str) -> str:
    fields = {"product_id": str(product_id), "sku": f"AUT-{product_id}", "product_name": "Tyre",
              "category": "Auto & Accessories", "list_price": "119.0", "unit_cost": "52.4",
              "supplier": "Torque & Trim Ltd.", "launch_date": "2023-05-29", "is_active": "true",
              "updated_at": "2023-05-29 00:00:00"}
    fields.update(changes)
    return ",".join(fields.values())


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def rejects_of(conn, batch_id: int) -> list[tuple]:
    return conn.execute(
        "select line_number, reason from raw.rejected_rows where batch_id = %s"
        " order by line_number", (batch_id,)).fetchall()


def test_every_landing_table_is_the_contract_without_a_primary_key(conn) -> None:
    ensure_raw_schema(conn)
    for table, columns in CONTRACT.items():
        found = conn.execute(
            "select column_name, data_type, is_nullable from information_schema.columns"
            " where table_schema = 'raw' and table_name = %s order by ordinal_position",
            (table,)).fetchall()
        assert found == columns + METADATA, table
    for feed in feeds.FEEDS.values():
        indexes = conn.execute(
            "select indexdef from pg_indexes where schemaname = 'raw' and tablename = %s",
            (feed.table,)).fetchall()
        assert indexes == [(f"CREATE INDEX {feed.table}_batch_brin ON raw.{feed.table}"
                            " USING brin (_batch_id)",)]
        assert conn.execute(
            "select count(*) from pg_constraint where conrelid = %s::regclass and contype = 'p'",
            (f"raw.{feed.table}",)).fetchone()[0] == 0


def test_ensure_raw_schema_brings_an_older_table_up_to_date(conn) -> None:
    ensure_raw_schema(conn)
    conn.execute("alter table raw.reviews add primary key (_batch_id, _line_number)")
    conn.execute("drop index raw.reviews_batch_brin")
    conn.execute("alter table raw.reviews drop column title")
    ensure_raw_schema(conn)
    assert conn.execute(
        "select count(*) from pg_constraint where conrelid = 'raw.reviews'::regclass"
        " and contype = 'p'").fetchone()[0] == 0
    assert conn.execute("select to_regclass('raw.reviews_batch_brin') is not null").fetchone()[0]
    assert "title" in {r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'raw'"
        " and table_name = 'reviews'")}


def test_a_file_of_each_feed_lands_typed(conn, tmp_path) -> None:
    files = {
        "products": write(tmp_path / "products.csv", PRODUCTS_HEADER, [
            product(3, product_name='"Car Pillow, Neck Rest"', is_active="FALSE",
                    list_price="24.99", updated_at="2024-03-04 00:00:00"),
            product(4, supplier="", launch_date="", is_active=""),
        ]),
        "customers": write(
            tmp_path / "customers.csv",
            "customer_id,first_name,last_name,email,gender,country,region,city,signed_up_at,"
            "marketing_opt_in,updated_at",
            ["435,Stacy,Browning,stacy.browning.435@example.net,Female,United States,Illinois,"
             "Springfield,2022-06-05 18:17:31,false,2025-01-19 17:15:43"]),
        "inventory-movements": write(
            tmp_path / "inventory_movements.csv",
            "movement_id,product_id,moved_at,movement_type,quantity,order_id",
            ["7,3,2024-01-05 08:01:37,sale,-2,441", "8,3,2024-01-06 06:01:51,receipt,40,"]),
        "payments": write(
            tmp_path / "payments.csv",
            "payment_id,order_id,processed_at,payment_method,amount,status",
            ["9,441,2024-01-05 08:02:10,credit_card,125.99,captured"]),
        "carts": write(tmp_path / "carts.csv", "cart_id,customer_id,created_at,status,order_id",
                       ["5,435,2024-01-05 07:50:00,converted,441",
                        "6,435,2024-01-05 09:00:00,abandoned,"]),
        "cart-items": write(tmp_path / "cart_items.csv",
                            "cart_item_id,cart_id,product_id,quantity,added_at",
                            ["11,5,3,2.0,2024-01-05 07:51:00"]),
        "reviews": write(
            tmp_path / "reviews.csv",
            "review_id,product_id,customer_id,order_id,rating,title,body,reviewed_at",
            ['1,3,435,441,4,Good value,"Nice, ""comfy"" pillow.\\n",2024-01-20 10:00:00',
             '2,3,435,441,5,A\\B\tC,"two\nlines, \\N",2024-01-21 10:00:00']),
    }
    for feed, path in files.items():
        result = load_file(conn, feed, path)
        assert (result.status, result.rows_rejected) == ("loaded", 0), (feed, result.reasons)
    batch = {feed: load_batch(conn, feed) for feed in files}
    assert conn.execute(
        "select product_id, product_name, list_price, supplier, launch_date, is_active,"
        " updated_at from raw.products where _batch_id = %s order by _line_number",
        (batch["products"],)).fetchall() == [
        (3, "Car Pillow, Neck Rest", Decimal("24.99"), "Torque & Trim Ltd.",
         dt.date(2023, 5, 29), False, dt.datetime(2024, 3, 4)),
        (4, "Tyre", Decimal("119.0"), None, None, None, dt.datetime(2023, 5, 29)),
    ]
    assert conn.execute(
        "select city, signed_up_at, marketing_opt_in, updated_at from raw.customers"
    ).fetchone() == ("Springfield", dt.datetime(2022, 6, 5, 18, 17, 31), False,
                     dt.datetime(2025, 1, 19, 17, 15, 43))
    assert conn.execute(
        "select movement_type, quantity, order_id from raw.inventory_movements"
        " order by movement_id").fetchall() == [("sale", -2, 441), ("receipt", 40, None)]
    assert conn.execute("select amount, status from raw.payments").fetchone() == (
        Decimal("125.99"), "captured")
    assert conn.execute("select status, order_id from raw.carts order by cart_id").fetchall() == [
        ("converted", 441), ("abandoned", None)]
    assert conn.execute("select quantity, added_at from raw.cart_items").fetchone() == (
        2, dt.datetime(2024, 1, 5, 7, 51))
    assert conn.execute("select rating, title, body from raw.reviews order by review_id"
                        ).fetchall() == [(4, "Good value", 'Nice, "comfy" pillow.\\n'),
                                         (5, "A\\B\tC", "two\nlines, \\N")]


def load_batch(conn, feed: str) -> int:
    return conn.execute(
        "select max(batch_id) from raw.load_batches where feed = %s and status = 'loaded'",
        (feeds.get(feed).name,)).fetchone()[0]


def test_rejections_of_a_feed_name_line_and_reason(conn, tmp_path) -> None:
    path = write(tmp_path / "payments.csv",
                 "payment_id,order_id,processed_at,payment_method,amount,status", [
                     "1,441,2024-01-05 08:02:10,credit_card,125.99,captured",
                     "2,441,2024-01-05 08:02:10,credit_card,0,captured",
                     "3,441,2024-01-05 08:02:10,credit_card,12.5,pending",
                     "4,,2024-01-05 08:02:10,credit_card,12.5,failed",
                     "5,441,2024-01-05,credit_card,12.5,failed",
                     "1,442,2024-01-06 08:02:10,e_wallet,10.0,captured",
                     "6,442,2024-01-06 08:02:10,e_wallet,10.0,refunded",
                 ])
    result = load_file(conn, "payments", path, max_reject_ratio=1)
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", 7, 2, 5)
    assert rejects_of(conn, result.batch_id) == [
        (3, "bad_amount"), (4, "bad_status"), (5, "missing_order_id"), (6, "bad_processed_at"),
        (7, "duplicate_key")]
    message, record = conn.execute(
        "select message, raw_record from raw.rejected_rows where batch_id = %s"
        " and reason = 'duplicate_key'", (result.batch_id,)).fetchone()
    assert message == "payment_id '1' already appeared earlier in the file"
    assert record == "1,442,2024-01-06 08:02:10,e_wallet,10.0,captured"
    assert conn.execute("select payment_id from raw.payments where _batch_id = %s"
                        " order by payment_id", (result.batch_id,)).fetchall() == [(1,), (6,)]


def test_duplicate_keys_fast_careful_and_out_of_order(conn, tmp_path) -> None:
    rows = [
        product(5),                                # 2
        product(2),                                # 3  out of order: fine
        product(5, sku="AUT-5b"),                  # 4  duplicate (plain line)
        product("2.0"),                            # 5  duplicate written another way
        product(7, product_name='"Tyre, winter"'), # 6  quoted: the careful path
        product(7),                                # 7  duplicate of a quoted row
        product(8, list_price="-1"),               # 8  bad price: its key does not count
        product(8),                                # 9  so this one is the first 8
        product(9, product_name='"Tyre ""B"""'),   # 10
        product(9, list_price="x"),                # 11 bad before duplicate: bad_list_price
    ]
    path = write(tmp_path / "products.csv", PRODUCTS_HEADER, rows)
    result = load_file(conn, "products", path, max_reject_ratio=1)
    assert rejects_of(conn, result.batch_id) == [
        (4, "duplicate_key"), (5, "duplicate_key"), (7, "duplicate_key"),
        (8, "bad_list_price"), (11, "bad_list_price")]
    assert conn.execute(
        "select _line_number, product_id from raw.products where _batch_id = %s"
        " order by _line_number", (result.batch_id,)).fetchall() == [
        (2, 5), (3, 2), (6, 7), (9, 8), (10, 9)]
    # the same key in another file is a new version, not a duplicate
    (tmp_path / "later").mkdir()
    again = write(tmp_path / "later" / "products.csv", PRODUCTS_HEADER,
                  [product(5, list_price="129.0")])
    assert load_file(conn, "products", again).rows_loaded == 1


def convert(path: Path, feed: feeds.Feed) -> tuple[list[Reject], list[bytes], Converter]:
    rejects: list[Reject] = []
    converter = Converter(read_layout(path, feed), 1, rejects.append)
    rows = b"".join(converter.chunks(path)).splitlines()
    return rejects, rows, converter


def test_many_keys_are_checked_set_wise_and_kept_compact_while_ordered(tmp_path) -> None:
    header = "movement_id,product_id,moved_at,movement_type,quantity,order_id"
    ids = list(range(1, 200_001))
    lines = [f"{i},3,2024-01-05 08:01:37,sale,-1,{i}" for i in ids]
    ordered = write(tmp_path / "ordered.csv", header, lines)
    rejects, rows, converter = convert(ordered, feeds.INVENTORY_MOVEMENTS)
    assert (rejects, len(rows)) == ([], 200_000)
    assert converter.keys.ordered is not None and len(converter.keys.ordered) == 200_000
    assert converter.keys.seen == set()  # no set of 200,000 keys while they increase

    lines[150_000] = lines[10]  # line 150,002 repeats the key of line 12
    lines[199_999] = lines[150_000]  # and so does the last line
    random.Random(5).shuffle(lines[1_000:2_000])  # out of order, still unique
    shuffled = write(tmp_path / "shuffled.csv", header, lines)
    rejects, rows, converter = convert(shuffled, feeds.INVENTORY_MOVEMENTS)
    assert [(r.line, r.reason) for r in rejects] == [
        (150_002, "duplicate_key"), (200_001, "duplicate_key")]
    assert rejects[0].record == lines[10]
    assert len(rows) == 199_998 and converter.keys.ordered is None


def test_seen_keys() -> None:
    keys = SeenKeys(numeric=True)
    assert keys.add_all([b"1", b"2", b"5"]) and keys.add(b"7") and keys.add_all([b"8"])
    assert keys.ordered is not None and keys.seen == set()
    assert keys.add(b"3") and keys.ordered is None  # out of order: a set from now on
    assert not keys.add_all([b"10", b"11", b"10"])  # a repeat within the run: nothing added
    assert keys.add_all([b"9"])
    assert not keys.add(b"5") and not keys.add_all([b"10", b"2"])
    assert keys.add_all([b"10", b"11"]) and keys.seen == {1, 2, 3, 5, 7, 8, 9, 10, 11}
    text = SeenKeys(numeric=False)
    assert text.add_all([b"b", b"a"]) and not text.add(b"a") and text.add(b"c")


@pytest.mark.parametrize("feed", [f for f in feeds.FEEDS.values() if f.key])
def test_every_keyed_feed_rejects_a_repeated_key(feed: feeds.Feed, tmp_path) -> None:
    """A generated-looking row of each feed, its key repeated: the repeat is rejected."""
    samples = {
        "products": product(1),
        "customers": "1,A,B,a.b.1@example.com,Male,Canada,Ontario,Toronto,"
                     "2024-01-01 10:00:00,true,2024-01-01 10:00:00",
        "inventory-movements": "1,3,2024-01-05 08:01:37,sale,-2,441",
        "payments": "1,441,2024-01-05 08:02:10,credit_card,125.99,captured",
        "carts": "1,435,2024-01-05 07:50:00,converted,441",
        "cart-items": "1,5,3,2,2024-01-05 07:51:00",
        "reviews": "1,3,435,441,4,Good,Nice.,2024-01-20 10:00:00",
    }
    header = ",".join(c.name for c in feed.columns)
    path = write(tmp_path / feed.file_name, header, [samples[feed.name]] * 3)
    rejects, rows, _ = convert(path, feed)
    assert len(rows) == 1
    assert [(r.line, r.reason) for r in rejects] == [(3, "duplicate_key"), (4, "duplicate_key")]

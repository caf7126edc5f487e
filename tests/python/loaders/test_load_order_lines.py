"""The order-lines feed loaded for real: typed values, every rejection reason with its line,
CSV quoting, BOM, CRLF, header case and order, the optional Order_Id, whole-file errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from loaders.load import LoadError, ensure_raw_schema, load_file

HEADER = (
    "Order_Date,Time,Aging,Customer_Id,Gender,Device_Type,Customer_Login_type,Product_Category,"
    "Product,Sales,Quantity,Discount,Profit,Shipping_Cost,Order_Priority,Payment_method"
)
REAL = (
    "2018-01-02,10:56:33,8.0,37077,Female,Web,Member,Auto & Accessories,Car Media Players,"
    "140.0,1.0,0.3,46.0,4.6,Medium,credit_card"
)
NAMES = HEADER.lower().split(",")


def line(**changes: str) -> str:
    """The real line with some fields changed (by landing column name)."""
    fields = dict(zip(NAMES, REAL.split(","), strict=True))
    fields.update(changes)
    return ",".join(fields.values())


def write(folder: Path, name: str, rows: list[str], header: str = HEADER, *, newline: str = "\n",
          bom: bool = False, final_newline: bool = True) -> Path:
    text = newline.join([header, *rows]) + (newline if final_newline else "")
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def rows_of(conn, batch_id: int) -> list[tuple]:
    return conn.execute(
        "select _line_number, order_date, time, aging, customer_id, gender, device_type,"
        " customer_login_type, product_category, product, sales, quantity, discount, profit,"
        " shipping_cost, order_priority, payment_method, order_id"
        " from raw.order_lines where _batch_id = %s order by _line_number",
        (batch_id,),
    ).fetchall()


def rejects_of(conn, batch_id: int) -> list[tuple]:
    return conn.execute(
        "select line_number, reason, message, raw_record from raw.rejected_rows"
        " where batch_id = %s order by line_number",
        (batch_id,),
    ).fetchall()


def ledger(conn, batch_id: int) -> tuple:
    return conn.execute(
        "select status, rows_read, rows_loaded, rows_rejected, feed, error"
        " from raw.load_batches where batch_id = %s",
        (batch_id,),
    ).fetchone()


def test_landing_tables_match_the_contract(conn) -> None:
    ensure_raw_schema(conn)
    ensure_raw_schema(conn)  # idempotent
    columns = conn.execute(
        "select column_name, data_type, is_nullable from information_schema.columns"
        " where table_schema = 'raw' and table_name = 'order_lines' order by ordinal_position"
    ).fetchall()
    assert columns == [
        ("order_date", "date", "NO"),
        ("time", "time without time zone", "YES"),
        ("aging", "numeric", "YES"),
        ("customer_id", "bigint", "NO"),
        ("gender", "text", "YES"),
        ("device_type", "text", "YES"),
        ("customer_login_type", "text", "YES"),
        ("product_category", "text", "NO"),
        ("product", "text", "NO"),
        ("sales", "numeric", "NO"),
        ("quantity", "integer", "NO"),
        ("discount", "numeric", "NO"),
        ("profit", "numeric", "YES"),
        ("shipping_cost", "numeric", "YES"),
        ("order_priority", "text", "YES"),
        ("payment_method", "text", "YES"),
        ("order_id", "text", "YES"),
        ("_batch_id", "bigint", "NO"),
        ("_line_number", "bigint", "NO"),
        ("_loaded_at", "timestamp with time zone", "NO"),
    ]
    # (_batch_id, _line_number) is unique by construction, not a primary key (that index would
    # cost a third of a load): a BRIN index on _batch_id serves the queries by batch
    assert conn.execute(
        "select indexdef from pg_indexes where schemaname = 'raw' and tablename = 'order_lines'"
    ).fetchall() == [
        ("CREATE INDEX order_lines_batch_brin ON raw.order_lines USING brin (_batch_id)",)]
    ledger_columns = [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'raw'"
        " and table_name = 'load_batches' order by ordinal_position")]
    assert ledger_columns == [
        "batch_id", "feed", "source_file", "content_sha256", "rows_read", "rows_loaded",
        "rows_rejected", "status", "started_at", "finished_at", "error",
    ]


def test_real_line_lands_typed(conn, tmp_path) -> None:
    path = write(tmp_path, "real.csv", [REAL])
    result = load_file(conn, "order-lines", path)
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", 1, 1, 0)
    assert rows_of(conn, result.batch_id) == [(
        2, dt.date(2018, 1, 2), dt.time(10, 56, 33), Decimal("8.0"), 37077, "Female", "Web",
        "Member", "Auto & Accessories", "Car Media Players", Decimal("140.0"), 1,
        Decimal("0.3"), Decimal("46.0"), Decimal("4.6"), "Medium", "credit_card", None,
    )]
    assert ledger(conn, result.batch_id) == ("loaded", 1, 1, 0, "order-lines", None)
    loaded_at = conn.execute(
        "select count(distinct _loaded_at) from raw.order_lines where _batch_id = %s",
        (result.batch_id,)).fetchone()[0]
    assert loaded_at == 1


BAD_LINES = [
    (line(order_date="2018-02-30"), "bad_date", "Order_Date '2018-02-30' is not a real date"),
    (line(order_date="02/01/2018"), "bad_date", "Order_Date '02/01/2018'"),
    (line(order_date=""), "missing_date", "Order_Date is empty"),
    (line(time="10:56"), "bad_time", "Time '10:56' is not a time HH:MM:SS"),
    (line(aging="-1.0"), "bad_aging", "Aging '-1.0' is negative"),
    (line(customer_id=""), "missing_customer_id", "Customer_Id is empty"),
    (line(customer_id="37077.5"), "bad_customer_id", "Customer_Id '37077.5'"),
    (line(customer_id="0"), "bad_customer_id", "Customer_Id '0' is below 1"),
    (line(product_category=""), "missing_product_category", "Product_Category is empty"),
    (line(product=" "), "missing_product", "Product is empty"),
    (line(sales=""), "missing_sales", "Sales is empty"),
    (line(sales="1e3"), "bad_sales", "Sales '1e3' is not a decimal number"),
    (line(sales="-140.0"), "bad_sales", "Sales '-140.0' is negative"),
    (line(quantity=""), "missing_quantity", "Quantity is empty"),
    (line(quantity="1.5"), "bad_quantity", "Quantity '1.5' is not a whole number"),
    (line(quantity="0"), "bad_quantity", "Quantity '0' is below 1"),
    (line(discount="1.5"), "bad_discount", "Discount '1.5' is above 1"),
    (line(profit="n/a"), "bad_profit", "Profit 'n/a' is not a decimal number"),
    (line(shipping_cost="-4.6"), "bad_shipping_cost", "Shipping_Cost '-4.6' is negative"),
    (REAL + ",extra", "wrong_field_count", "17 fields where the header has 16"),
    (REAL.rsplit(",", 1)[0], "wrong_field_count", "15 fields where the header has 16"),
    ('2018-01-02,10:56:33,8.0,37077,Fe"male,Web,Member,A,B,1,1,0.3,1,1,Low,x"y',
     "bad_csv", "not valid CSV"),
]


def test_each_rejection_reason_with_its_line(conn, tmp_path) -> None:
    rows = []
    for bad, _, _ in BAD_LINES:
        rows += [REAL, bad]
    path = write(tmp_path, "bad.csv", rows)
    result = load_file(conn, "order-lines", path, max_reject_ratio=1)
    n = len(BAD_LINES)
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", 2 * n, n, n)
    found = rejects_of(conn, result.batch_id)
    assert [r[0] for r in found] == [3 + 2 * i for i in range(n)]  # the bad line of each pair
    for (number, code, message, raw), (bad, expected_code, expected_text) in zip(
        found, BAD_LINES, strict=True
    ):
        assert code == expected_code, (number, bad)
        assert expected_text in message, (message, expected_text)
        assert raw == bad
    assert [r[0] for r in rows_of(conn, result.batch_id)] == [2 + 2 * i for i in range(n)]
    assert ledger(conn, result.batch_id)[:4] == ("loaded", 2 * n, n, n)
    top = result.reasons[0]
    assert (top.reason, top.count, top.lines) == ("bad_customer_id", 2, [15, 17])


def test_quoting_bom_crlf_and_header_in_any_case_and_order(conn, tmp_path) -> None:
    header = ("payment_method,ORDER_DATE,time,Aging,customer_id,gender,device_type,"
              "customer_login_type,Product_Category,product,sales,quantity,discount,profit,"
              "shipping_cost,order_priority")
    rows = [
        'credit_card,2018-01-02,10:56:33,8.0,37077,Female,Web,Member,"Auto, ""Deluxe""",'
        '"Car\r\nMedia",140.0,1.0,0.3,46.0,4.6,Medium',
        '"e_wallet",2018-01-03,,,"42", Male ,Mobile,New,Fashion,"Jeans",65,2,,,,',
    ]
    path = write(tmp_path, "quoted.csv", rows, header, newline="\r\n", bom=True)
    result = load_file(conn, "order-lines", path)
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert rows_of(conn, result.batch_id) == [
        (2, dt.date(2018, 1, 2), dt.time(10, 56, 33), Decimal("8.0"), 37077, "Female", "Web",
         "Member", 'Auto, "Deluxe"', "Car\r\nMedia", Decimal("140.0"), 1, Decimal("0.3"),
         Decimal("46.0"), Decimal("4.6"), "Medium", "credit_card", None),
        # the record above spans lines 2 and 3
        (4, dt.date(2018, 1, 3), None, None, 42, "Male", "Mobile", "New", "Fashion", "Jeans",
         Decimal("65"), 2, Decimal("0"), None, None, None, "e_wallet", None),
    ]


def test_lf_file_without_final_newline_and_blank_lines(conn, tmp_path) -> None:
    path = write(tmp_path, "lf.csv", [line(customer_id="1"), "", "  ", line(customer_id="2")],
                 final_newline=False)
    result = load_file(conn, "order-lines", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0)
    assert [(r[0], r[4]) for r in rows_of(conn, result.batch_id)] == [(2, 1), (5, 2)]


def test_optional_order_id(conn, tmp_path) -> None:
    header = HEADER + ",Order_Id"
    path = write(tmp_path, "with_id.csv", [REAL + ",SO-1", REAL + ",", REAL + ",  SO-3 "], header)
    result = load_file(conn, "order-lines", path)
    assert [r[-1] for r in rows_of(conn, result.batch_id)] == ["SO-1", None, "SO-3"]


def test_identical_lines_are_distinct_rows(conn, tmp_path) -> None:
    path = write(tmp_path, "same.csv", [REAL] * 3)
    result = load_file(conn, "order-lines", path)
    assert [r[0] for r in rows_of(conn, result.batch_id)] == [2, 3, 4]


def test_text_trimmed_and_numbers_normalized(conn, tmp_path) -> None:
    path = write(tmp_path, "trim.csv", [
        line(gender="  Female ", customer_id=" 37077.0 ", quantity="3.00", discount="",
             order_priority="", product="\tCar Media Players\t"),
    ])
    result = load_file(conn, "order-lines", path)
    (row,) = rows_of(conn, result.batch_id)
    assert (row[5], row[4], row[11], row[12], row[15], row[9]) == (
        "Female", 37077, 3, Decimal("0"), None, "Car Media Players")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty file"),
        ("blank.csv", b"\r\n", "empty file (no header line)"),
        ("missing.csv", (HEADER.replace(",Sales", "") + "\n").encode(), "missing column sales"),
        ("unknown.csv", (HEADER + ",Coupon\n").encode(),
         "unknown column 'Coupon' (column 17)"),
        ("twice.csv", (HEADER + ",sales\n").encode(), "column 'sales' appears twice"),
        ("latin1.csv", (HEADER + "\n" + REAL + "\n" + line(gender="Fem\xe9") + "\n")
         .encode("latin-1"), "line 3: not UTF-8 text (byte 0xe9)"),
    ],
)
def test_whole_file_errors_name_the_file(conn, tmp_path, name, content, expected) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load_file(conn, "order-lines", path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message, message
    assert "\n" not in message
    result = caught.value.result
    assert result.status == "failed"
    # every failed file, an empty one included, is in the ledger as failed, nothing landed
    status, *_, error = ledger(conn, result.batch_id)
    assert (status, error) == ("failed", message)
    assert rows_of(conn, result.batch_id) == []


def test_stray_quotes_reject_only_their_line(conn, tmp_path) -> None:
    """A quote inside an unquoted field breaks RFC 4180: its line is rejected and reading goes
    on at the next line, whether or not a later quote 'closes' it."""
    stray = line(gender='Fe"male')
    path = write(tmp_path, "stray.csv", [REAL, stray, REAL, stray, REAL])
    result = load_file(conn, "order-lines", path, max_reject_ratio=1)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 3, 2)
    assert [r[0] for r in rows_of(conn, result.batch_id)] == [2, 4, 6]
    assert [r[:2] for r in rejects_of(conn, result.batch_id)] == [
        (3, "bad_csv"),  # its quote pairs with line 5's, but that record is not valid CSV
        (5, "unterminated_quote"),  # nothing after it closes its quote
    ]
    assert [r[3] for r in rejects_of(conn, result.batch_id)] == [stray, stray]


def test_nul_character_is_a_rejected_row_not_a_failed_file(conn, tmp_path) -> None:
    path = write(tmp_path, "nul.csv", [REAL, line(gender="Fe\x00male")])
    result = load_file(conn, "order-lines", path, max_reject_ratio=1)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 1)
    assert rejects_of(conn, result.batch_id) == [(
        3, "bad_gender", "Gender 'Fe\\x00male' contains a NUL character",
        line(gender="Fe\\x00male"),
    )]

"""Batches as a user meets them through `storefront load`: the summary, the ledger, a reload
that does nothing, the reject-ratio gate, a killed loader, two loaders on one file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from conftest import PROJECT, run_cli
from loaders.csvio import file_digest
from loaders.load import load_file, lock_key

HEADER = (
    "Order_Date,Time,Aging,Customer_Id,Gender,Device_Type,Customer_Login_type,Product_Category,"
    "Product,Sales,Quantity,Discount,Profit,Shipping_Cost,Order_Priority,Payment_method\n"
)


def real(customer: int = 37077, date: str = "2018-01-02") -> str:
    return (f"{date},10:56:33,8.0,{customer},Female,Web,Member,Auto & Accessories,"
            f"Car Media Players,140.0,1.0,0.3,46.0,4.6,Medium,credit_card\n")


def write(path: Path, lines: list[str] | str) -> Path:
    path.write_text(HEADER + ("".join(lines) if isinstance(lines, list) else lines))
    return path


def big(path: Path, rows: int, customer: int) -> Path:
    """A file of ``rows`` lines, distinct from other tests' files by ``customer``."""
    return write(path, real(customer) * rows)


def assert_ledger_consistent(conn) -> None:
    """rows_read = rows_loaded + rows_rejected for every finished batch; a loaded batch's counts
    are what the tables hold; a rejected batch loaded nothing and rejected every row."""
    bad = conn.execute(
        "select b.batch_id from raw.load_batches as b"
        " where b.status <> 'failed' and ("
        "   b.rows_read <> b.rows_loaded + b.rows_rejected"
        "   or b.rows_loaded <> (select count(*) from raw.order_lines as o"
        "                         where o._batch_id = b.batch_id)"
        "   or (b.status = 'loaded' and b.rows_rejected <> (select count(*)"
        "       from raw.rejected_rows as r where r.batch_id = b.batch_id))"
        "   or (b.status = 'rejected' and b.rows_loaded <> 0))"
    ).fetchall()
    assert bad == []
    orphans = conn.execute(
        "select count(*) from raw.order_lines as o join raw.load_batches as b"
        " on b.batch_id = o._batch_id where b.status <> 'loaded'"
    ).fetchone()[0]
    assert orphans == 0


def test_cli_summary_and_reload_is_a_noop(conn, tmp_path) -> None:
    path = write(tmp_path / "day1.csv", [real(1), real(2, "2018-02-30"), real(3)])
    first = run_cli("load", "order-lines", str(path), "--max-reject-ratio", "0.5")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # no progress line when stderr is not a terminal
    summary, reason = first.stdout.splitlines()
    batch = conn.execute("select max(batch_id) from raw.load_batches").fetchone()[0]
    assert summary.startswith(
        f"day1.csv: loaded as batch {batch}: 3 rows read, 2 loaded, 1 rejected in ")
    assert summary.endswith(" rows/s)")
    assert reason == "  bad_date  1  line 3: Order_Date '2018-02-30' is not a real date YYYY-MM-DD"

    copy = tmp_path / "day1-again.csv"
    copy.write_bytes(path.read_bytes())
    again = run_cli("load", "order-lines", str(copy))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"day1-again.csv: already loaded as batch {batch}; nothing to do"
    sha, _ = file_digest(path)
    assert conn.execute(
        "select count(*) from raw.load_batches where content_sha256 = %s", (sha,)
    ).fetchone()[0] == 1
    assert_ledger_consistent(conn)


def test_reject_ratio_gate(conn, tmp_path) -> None:
    rows = [real(10 + i) for i in range(8)] + [real(0), real(-1)]  # 2 of 10 rejected
    path = write(tmp_path / "gate.csv", rows)
    gated = run_cli("load", "order-lines", str(path))
    assert gated.returncode == 1
    status, read, loaded, rejected, error, batch = conn.execute(
        "select status, rows_read, rows_loaded, rows_rejected, error, batch_id"
        " from raw.load_batches order by batch_id desc limit 1"
    ).fetchone()
    assert gated.stdout.splitlines()[0] == (
        f"gate.csv: REJECTED as batch {batch}, nothing loaded: 2 of 10 rows bad (20.0%), above"
        " max_reject_ratio 0.05"
    )
    assert gated.stdout.splitlines()[1] == (
        "  bad_customer_id  2  line 10: Customer_Id '0' is below 1 (also line 11)")
    assert (status, read, loaded, rejected) == ("rejected", 10, 0, 10)
    assert error == "2 of 10 rows bad (20.0%), above max_reject_ratio 0.05"
    assert conn.execute(
        "select array_agg(line_number order by line_number) from raw.rejected_rows"
        " where batch_id = %s", (batch,)
    ).fetchone()[0] == [10, 11]
    assert conn.execute(
        "select count(*) from raw.order_lines where _batch_id = %s", (batch,)
    ).fetchone()[0] == 0

    # The same file with a looser gate loads: a rejected batch does not count as loaded.
    loose = run_cli("load", "order-lines", str(path), "--max-reject-ratio", "0.2")
    assert loose.returncode == 0, loose.stdout + loose.stderr
    assert "loaded as batch" in loose.stdout
    assert_ledger_consistent(conn)


def test_rejected_file_shows_each_reason_with_its_first_line_and_message(conn, tmp_path) -> None:
    extra = real(31).replace(",credit_card", ",credit_card,extra")
    rows = [real(30), extra, real(0), real(-1), real(-2), real(-3), extra]
    path = write(tmp_path / "fields.csv", rows)
    done = run_cli("load", "order-lines", str(path))
    assert done.returncode == 1
    batch = conn.execute("select max(batch_id) from raw.load_batches").fetchone()[0]
    assert done.stdout.splitlines() == [
        f"fields.csv: REJECTED as batch {batch}, nothing loaded: 6 of 7 rows bad (85.7%), above"
        " max_reject_ratio 0.05",
        "  bad_customer_id    4  line 4: Customer_Id '0' is below 1 (also line 5, 6, ...)",
        "  wrong_field_count  2  line 3: 17 fields where the header has 16 (also line 8)",
    ]
    # the same words as the quarantine holds
    assert conn.execute(
        "select message from raw.rejected_rows where batch_id = %s and line_number = 3", (batch,)
    ).fetchone() == ("17 fields where the header has 16",)


@pytest.mark.parametrize(("name", "content"), [("empty.csv", b""), ("blank.csv", b"\n")])
def test_empty_file_fails_in_one_line_and_is_in_the_ledger(conn, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli("load", "order-lines", str(path))
    assert done.returncode == 1
    assert done.stderr == f"storefront: {path}: empty file (no header line)\n"
    assert conn.execute(
        "select status, source_file, content_sha256, error, rows_read from raw.load_batches"
        " order by batch_id desc limit 1"
    ).fetchone() == ("failed", str(path), file_digest(path)[0],
                     f"{path}: empty file (no header line)", None)


def test_failed_file_is_one_line_and_in_the_ledger(conn, tmp_path) -> None:
    path = tmp_path / "bad-header.csv"
    path.write_text(HEADER.replace("Sales,", "Revenue,") + real())
    done = run_cli("load", "order-lines", str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"storefront: {path}: line 1: missing column sales; unknown column 'Revenue' "
        "(column 10) (feed order-lines expects order_date, time, aging, customer_id, gender, "
        "device_type, customer_login_type, product_category, product, sales, quantity, "
        "discount, profit, shipping_cost, order_priority, payment_method, order_id, "
        "any case and order)\n"
    )
    assert conn.execute(
        "select status, rows_read from raw.load_batches order by batch_id desc limit 1"
    ).fetchone() == ("failed", None)


def test_folder_loads_each_csv_as_its_own_batch(conn, tmp_path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    write(folder / "b.csv", [real(21)])
    write(folder / "a.csv", [real(22), real(23)])
    (folder / "notes.txt").write_text("not a feed file")
    done = run_cli("load", "order-lines", str(folder))
    assert done.returncode == 0, done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == ["a.csv", "b.csv"]
    rows = conn.execute(
        "select source_file, rows_loaded from raw.load_batches"
        " where source_file like %s order by batch_id", (f"{folder}/%",)
    ).fetchall()
    assert rows == [(str(folder / "a.csv"), 2), (str(folder / "b.csv"), 1)]


def start_loader(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storefront.cli", "load", "order-lines", str(path)],
        cwd=PROJECT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(conn, query: str, params=(), timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not conn.execute(query, params).fetchone()[0]:
        assert time.monotonic() < deadline, f"timed out waiting for: {query}"
        time.sleep(0.01)


def test_killed_loader_leaves_nothing_and_rerun_loads(conn, tmp_path) -> None:
    rows = 400_000
    path = big(tmp_path / "big.csv", rows, customer=777)
    sha, _ = file_digest(path)
    loader = start_loader(path)
    try:
        # Kill it in the middle of its COPY, once rows are flowing.
        wait_for(conn, "select count(*) > 0 from pg_stat_activity"
                       " where query ilike 'copy \"raw\".\"order_lines\"%%' and state = 'active'")
        time.sleep(0.3)
        assert loader.poll() is None, "the load finished before it could be killed"
        os.kill(loader.pid, signal.SIGKILL)
        loader.wait(timeout=10)
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
    assert loader.returncode == -signal.SIGKILL
    wait_for(conn, "select count(*) = 0 from pg_stat_activity where query ilike 'copy%%'"
                   " and pid <> pg_backend_pid()")
    assert conn.execute(
        "select count(*) from raw.load_batches where content_sha256 = %s", (sha,)
    ).fetchone()[0] == 0
    assert conn.execute(
        "select count(*) from raw.order_lines where customer_id = 777"
    ).fetchone()[0] == 0

    rerun = run_cli("load", "order-lines", str(path))
    assert rerun.returncode == 0, rerun.stderr
    assert f"{rows:,} rows read, {rows:,} loaded, 0 rejected" in rerun.stdout
    assert conn.execute(
        "select count(*), min(_line_number), max(_line_number) from raw.order_lines"
        " where customer_id = 777"
    ).fetchone() == (rows, 2, rows + 1)
    assert_ledger_consistent(conn)


def test_two_loaders_on_one_file_load_it_once(conn, tmp_path, fresh_db) -> None:
    path = big(tmp_path / "twice.csv", 20_000, customer=888)
    sha, _ = file_digest(path)
    # Hold the file's lock so that both loaders are surely waiting at the same point.
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", (lock_key(sha),))
        loaders = [start_loader(path), start_loader(path)]
        try:
            wait_for(conn, "select count(*) = 2 from pg_locks where locktype = 'advisory'"
                           " and not granted")
        finally:
            holder.execute("select pg_advisory_unlock(%s)", (lock_key(sha),))
        outputs = [loader.communicate(timeout=60) for loader in loaders]
    assert [loader.returncode for loader in loaders] == [0, 0], outputs
    said = sorted(out.split(":", 1)[1].split(" batch")[0].strip() for out, _ in outputs)
    assert said == ["already loaded as", "loaded as"]
    assert conn.execute(
        "select count(*), sum(rows_loaded) from raw.load_batches where content_sha256 = %s",
        (sha,),
    ).fetchone() == (1, 20_000)
    assert conn.execute(
        "select count(*) from raw.order_lines where customer_id = 888"
    ).fetchone()[0] == 20_000


def test_load_file_takes_a_connection_factory_and_closes_its_connection(
    fresh_db, conn, tmp_path
) -> None:
    path = write(tmp_path / "target.csv", [real(31)])
    made = []

    def factory() -> psycopg.Connection:
        made.append(psycopg.connect(fresh_db.conninfo()))
        return made[-1]

    result = load_file(factory, "order_lines", path)
    assert (result.status, result.rows_loaded) == ("loaded", 1)
    assert len(made) == 1 and made[0].closed
    assert_ledger_consistent(conn)


def test_load_file_refuses_what_is_neither_a_connection_nor_a_factory(tmp_path) -> None:
    path = write(tmp_path / "target.csv", [real(31)])
    with pytest.raises(TypeError, match="a connection or a connection factory, not str"):
        load_file("postgresql:///storefront", "order_lines", path)

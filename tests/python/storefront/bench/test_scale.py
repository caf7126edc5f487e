"""`python -m storefront.bench scale` (issue 16), run for real at two tiny sizes: every stage
on throwaway servers, the printed table, the JSON beside the plot and the plot itself.

It runs the benchmark once for the module (two sizes, about a minute: dbt's builds dominate),
as a user would, in a process of its own; each test checks one thing of what it printed and
wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT
from storefront.bench import scale
from storefront.simulate import generate

SIZES = (3000, 6000)
TIMINGS = ("generate_s", "copy_s", "load_s", "full_s", "incremental_s")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("scale") / "images" / "scale.png"
    done = subprocess.run(
        [sys.executable, "-m", "storefront.bench", "scale", "--sizes",
         ",".join(map(str, SIZES)), "--out", str(out)],
        capture_output=True, text=True, cwd=PROJECT, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {"stdout": done.stdout, "stderr": done.stderr, "png": out,
            "report": json.loads(out.with_suffix(".json").read_text())}


def printed_table(stdout: str) -> tuple[list[str], list[list[str]]]:
    """The Markdown table's headings and rows (cells as printed)."""
    lines = [line for line in stdout.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    assert set(cells[1]) == {"---:"}
    return cells[0], cells[2:]


def number(cell: str) -> float:
    return float(cell.replace(",", "").removesuffix("×").removesuffix("%").strip())


def test_one_row_per_size_with_what_generate_reported(run, tmp_path):
    rows = run["report"]["rows"]
    assert [row["requested"] for row in rows] == list(SIZES)
    for row in rows:
        reported = generate.generate(tmp_path / str(row["requested"]),
                                     order_lines=row["requested"]).order_lines
        assert row["order_lines"] == reported
    assert run["report"]["skipped"] == run["report"]["failed"] == []


def test_every_stage_is_timed_and_measured(run):
    for row in run["report"]["rows"]:
        assert all(row[key] > 0 for key in TIMINGS), row
        assert 0 < row["loader_peak_mb"] < scale.LOADER_PEAK_GOAL_MB
        assert row["dbt_peak_mb"] > 0
        assert row["full_per_copy"] == pytest.approx(row["full_s"] / row["copy_s"], rel=0.05)
        assert row["incremental_pct"] == pytest.approx(
            100 * row["incremental_s"] / row["full_s"], rel=0.01)
        assert 0 < row["database_gb"] < row["data_dir_gb"]
        assert row["day_order_lines"] > 0


def test_the_warehouse_grows_with_the_shop(run):
    small, large = run["report"]["rows"]
    assert large["database_gb"] > small["database_gb"]
    assert large["data_dir_gb"] > small["data_dir_gb"]


def test_the_table_holds_the_numbers_of_the_json(run):
    headings, rows = printed_table(run["stdout"])
    assert headings == [heading for _, heading, _, _ in scale.COLUMNS]
    assert len(rows) == len(SIZES)
    for cells, row in zip(rows, run["report"]["rows"], strict=True):
        assert [number(cell) for cell in cells] == [row[key] for key, *_ in scale.COLUMNS]


def test_the_projection_is_printed_and_kept(run):
    report = run["report"]
    assert "t ≈ a + b·N" in run["stdout"]
    assert report["projection"]["points"] == len(SIZES)
    assert report["projection"]["growth"]["from"] == report["rows"][0]["order_lines"]
    assert report["fits"]["full_s"]["b_per_million"] == pytest.approx(
        1e6 * (report["rows"][1]["full_s"] - report["rows"][0]["full_s"])
        / (report["rows"][1]["order_lines"] - report["rows"][0]["order_lines"]), abs=0.01)
    assert "nightly window" in run["stdout"]
    assert "free in" in run["stdout"]  # the free space, printed before each size


def test_the_plot_is_a_png(run):
    png: Path = run["png"]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert png.stat().st_size > 10_000


"""`storefront demo` end to end on the session server: generate, load, build, docs, summary."""

from __future__ import annotations

import re

from conftest import run_cli


def test_demo_runs_the_whole_pipeline_twice(fresh_db, tmp_path):
    env = {
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    args = ("demo", "--order-lines", "1500", "--data", str(tmp_path / "shop"))
    first = run_cli(*args, env=env, timeout=600)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr
    out = first.stdout
    assert re.search(r"order_lines.csv: loaded as batch \d+: ", out)
    assert re.search(r"reviews.csv: loaded as batch \d+: ", out)
    raw = re.search(r"raw\s+\d+ relations\s+([\d,]+) rows", out)
    marts = re.search(r"marts\s+(\d+) relations\s+([\d,]+) rows", out)
    assert raw and int(raw.group(1).replace(",", "")) > 1500
    assert marts and int(marts.group(1)) >= 9 and int(marts.group(2).replace(",", "")) > 0
    assert "marts.revenue_monthly" in out and "marts.category_performance" in out
    assert (tmp_path / "target" / "static_index.html").is_file()
    assert f"Docs site (opens offline): {tmp_path / 'target' / 'static_index.html'}" in out

    second = run_cli(*args, env=env, timeout=600)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr
    assert "order_lines.csv: already loaded as batch" in second.stdout
    assert "storefront generate" not in second.stdout

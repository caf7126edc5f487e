"""`storefront demo` end to end on the session server: generate, load, build, docs, summary."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import psycopg

from conftest import run_cli
from storefront import shell

# A shell PATH without the project's commands, as in a fresh terminal.
BARE_PATH = "/usr/local/bin:/usr/bin:/bin"


def assert_lines_can_be_pasted(out: str, tmp_path) -> None:
    """The commands and the connection the demo prints work when pasted back."""
    storefront = str(shell.scripts_dir() / "storefront")
    generate = re.search(r"^==> (.*generate.*)$", out, re.M).group(1)
    assert shlex.split(generate) == [
        storefront, "generate", "--out", str(tmp_path / "shop"), "--order-lines", "1500"]
    load = re.search(r"^==> (.*load.*)$", out, re.M).group(1)
    assert shlex.split(load) == [storefront, "load", str(tmp_path / "shop")]

    uri = re.search(r"^Warehouse: (postgresql://\S+)$", out, re.M).group(1)
    with psycopg.connect(uri) as conn:
        assert conn.execute("select current_user").fetchone()[0] == os.environ["PGUSER"]

    hint = re.search(r"^Query it: (.*)$", out, re.M).group(1)
    assert hint == f'eval "$({storefront} db env)" && psql'
    env = {**os.environ, "PATH": BARE_PATH}
    done = subprocess.run(["bash", "-c", hint], input="select 'pasted', current_user;\n",
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert re.search(rf"pasted +\| {os.environ['PGUSER']}", done.stdout), done.stdout


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
    assert_lines_can_be_pasted(out, tmp_path)

    second = run_cli(*args, env=env, timeout=600)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr
    assert "order_lines.csv: already loaded as batch" in second.stdout
    assert "storefront generate" not in second.stdout

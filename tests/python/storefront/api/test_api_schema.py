"""schemathesis over the API's own OpenAPI document: every route, every check, a bounded number
of examples; no 5xx, every response conforms to its schema (schemathesis.toml says why a
schema-valid request may still get a 422)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PROJECT


def test_schemathesis_finds_no_failure(api, tmp_path):
    done = subprocess.run(
        [str(Path(sys.executable).parent / "schemathesis"), "run", f"{api.url}/openapi.json",
         "--checks", "all", "--max-examples", "25", "--seed", "1", "--no-color",
         "--request-timeout", "20"],
        cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False,
    )
    tail = done.stdout[-4000:]
    assert done.returncode == 0, tail
    assert "Selected: 23/23" in done.stdout and "Tested: 23" in done.stdout, tail
    assert " passed" in done.stdout and "failures" not in done.stdout.split("SUMMARY")[-1], tail

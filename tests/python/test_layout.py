"""The layout is a contract: `loaders/` is the load mechanism only and never imports the
application, and one module (storefront/api/metrics.py) wraps MetricFlow; import-linter holds
both rules and really fails when one is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT

LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")
LOAD_MECHANISM = {
    "loaders/__init__.py",
    "loaders/csvio.py",
    "loaders/feeds.py",
    "loaders/load.py",
    "loaders/rules.py",
}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-logo", "--no-cache"],
        cwd=root, capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_loaders_holds_the_load_mechanism_only():
    files = subprocess.run(
        ["git", "ls-files", "loaders"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert set(files) == LOAD_MECHANISM


def test_import_linter_passes_on_the_project():
    done = lint_imports(PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


def copy_packages(root: Path) -> None:
    for name in ("loaders", "storefront"):
        shutil.copytree(PROJECT / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / ".importlinter", root / ".importlinter")


def test_import_linter_fails_when_loaders_imports_the_application(tmp_path):
    copy_packages(tmp_path)
    feeds = tmp_path / "loaders" / "feeds.py"
    feeds.write_text(feeds.read_text() + "\nfrom storefront import warehouse  # noqa\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BROKEN" in done.stdout
    assert "loaders.feeds -> storefront.warehouse" in done.stdout


def test_import_linter_fails_when_another_module_imports_metricflow(tmp_path):
    copy_packages(tmp_path)
    queries = tmp_path / "storefront" / "api" / "queries.py"
    queries.write_text(queries.read_text() + "\nimport metricflow.engine  # noqa\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "storefront.api.queries -> metricflow" in done.stdout

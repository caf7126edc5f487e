# Storefront Analytics: `make demo` builds a working warehouse, `make test` runs every check.
# Everything runs from the project's own venv (.venv), installed with the pinned constraints.txt.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DBT_PROFILES_DIR ?= $(CURDIR)/profiles
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv demo test pytest lint docs bench screenshots clean distclean db-start db-stop

help:
	@echo "make demo   - venv, local warehouse, the whole pipeline, a summary"
	@echo "make test   - venv, lint, then the whole pytest suite (its own throwaway PostgreSQL)"
	@echo "make lint   - ruff, sqlfluff, dbt docs/test coverage gates, mf validate-configs, import-linter"
	@echo "make docs   - dbt docs generate --static (target/static_index.html)"
	@echo "make bench  - benchmarks (loader vs psql COPY, generation, dbt build, API, dashboard)"
	@echo "make screenshots - the dashboard in headless Chromium, as PNGs in docs/images/"
	@echo "make clean  - stop the local warehouse, remove its data and build output"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/storefront demo

test: venv lint pytest

pytest: venv
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check loaders storefront tests
	$(BIN)/sqlfluff lint --disable-progress-bar $(wildcard models tests analyses macros snapshots)
	$(BIN)/python -m storefront.checks
	$(BIN)/mf validate-configs --skip-dw
	$(BIN)/lint-imports --no-logo --no-cache

docs: venv
	$(BIN)/storefront dbt docs generate --static
	@echo "docs: $(CURDIR)/target/static_index.html"

bench: venv
	$(BIN)/python -m storefront.bench

# the dashboard's browser tests, saving the page (docs/images/dashboard.png, -filtered.png)
screenshots: venv
	STOREFRONT_SCREENSHOTS=$(CURDIR)/docs/images $(BIN)/pytest -q \
		tests/python/storefront/dashboard/test_dashboard_browser.py

db-start: venv
	$(BIN)/storefront db start

db-stop: venv
	$(BIN)/storefront db stop

clean:
	-@test -x $(BIN)/storefront && $(BIN)/storefront db stop
	rm -rf .storefront target logs .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) *.egg-info

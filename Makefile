# The two commands of the README: `make demo` (the main job on the embedded defaults) and
# `make test` (lint, types, and every test against real services). Both install what they
# need: uv (bootstrapped into .cache/ when the machine has none), then the locked packages.

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .cache/bootstrap/bin/uv)
PYTEST_ARGS ?=

.PHONY: install demo test lint bench clean locales

.cache/bootstrap/bin/uv:
	$(PYTHON) -m venv .cache/bootstrap
	.cache/bootstrap/bin/python -m pip install --quiet "uv>=0.5,<1"

install: $(UV)
	$(UV) sync --frozen --compile-bytecode

demo: install
	bash infra/demo.sh

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

test: lint
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# Extract cdx's messages (babel.cfg), merge them into each cdx/locales/LANG/LC_MESSAGES/cdx.po,
# compile cdx.mo; then translate what tests/unit/test_locales.py says is missing.
locales: install
	.venv/bin/python -m infra.locales

bench: install
	@echo "Each benchmark is a script; run the ones you need:"; ls tests/bench/*.py

clean:
	rm -rf demo .cache/bootstrap .pytest_cache .mypy_cache .ruff_cache

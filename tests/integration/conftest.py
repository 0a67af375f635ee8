"""The databases the `cdx load` tests load into."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.loading import TARGETS


@pytest.fixture(params=TARGETS)
def into(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind: a DuckDB file, a throwaway PostgreSQL database."""
    if request.param == "duckdb":
        yield str(tmp_path / "office.duckdb")
        return
    yield request.getfixturevalue("postgres_database")

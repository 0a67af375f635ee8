"""Which database `--into` names, and how it is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdx.core.errors import LoadTargetUnknown
from cdx.load.registry import open_target


def test_a_plain_path_and_a_duckdb_url_open_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = tmp_path / "office.duckdb"
    shown = {
        open_target(url).shown
        for url in ("office.duckdb", "duckdb:///office.duckdb", f"duckdb:///{absolute}")
    }
    assert shown == {f"duckdb:///{absolute}"}


def test_a_postgresql_url_is_shown_without_its_password() -> None:
    target = open_target("postgresql+psycopg://office:s3cret@db.example.org:5432/stats")
    assert target.shown == "postgresql://office:***@db.example.org:5432/stats"


def test_an_unknown_scheme_names_the_ones_there_are() -> None:
    with pytest.raises(LoadTargetUnknown) as refused:
        open_target("oracle://db/x")
    assert "postgresql://" in (refused.value.hint or "")

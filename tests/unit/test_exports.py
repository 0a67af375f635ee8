"""`cdx export`: a verified package's tables typed by their schema, nothing for the rest."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cdx.core.errors import ExportFormatUnknown, PackageNotVerified
from cdx.core.keys import TrustStore
from cdx.exports.registry import export_package, format_names


def _rows(package: Path, resource: str) -> list[dict[str, str]]:
    with (package / "data" / f"{resource}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_parquet_keeps_codes_as_text_and_types_what_the_schema_types(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    written = export_package(sealed, "parquet", tmp_path / "out", TrustStore.load(trust_file))
    descriptor = json.loads((sealed / "datapackage.json").read_text())
    names = sorted(resource["name"] for resource in descriptor["resources"])
    assert sorted(path.stem for path in written) == names
    scores = pq.read_table(tmp_path / "out" / "scores.parquet")
    rows = _rows(sealed, "scores")
    assert scores.num_rows == len(rows)
    assert scores.schema.field("facility_code").type == pa.string()
    assert scores.column("facility_code")[0].as_py() == rows[0]["facility_code"] == "0031"
    assert scores.schema.field("score").type == pa.int64()
    assert scores.schema.field("session_date").type == pa.date32()
    assert str(scores.column("session_date")[0].as_py()) == rows[0]["session_date"]
    carried = json.loads(scores.schema.metadata[b"cdx:tableSchema"])
    assert [f["name"] for f in carried["fields"]] == scores.schema.names


def test_a_tampered_package_is_not_exported(sealed: Path, trust_file: Path, tmp_path: Path) -> None:
    data = sealed / "data" / "scores.csv"
    data.write_text(data.read_text().replace("Kisumu", "Kisumo", 1))
    with pytest.raises(PackageNotVerified):
        export_package(sealed, "parquet", tmp_path / "out", TrustStore.load(trust_file))
    assert not (tmp_path / "out").exists()


def test_an_unknown_format_names_the_known_ones(sealed: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportFormatUnknown) as raised:
        export_package(sealed, "sdmx-ml", tmp_path / "out", None)
    assert "parquet" in (raised.value.hint or "")
    assert "parquet" in format_names()

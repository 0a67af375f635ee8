from __future__ import annotations

import csv
import random
from pathlib import Path

from cdx.packaging.inference import _kinds_columnar, _kinds_row_by_row, infer_schema


def types(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return {field["name"]: field["type"] for field in infer_schema(path)["fields"]}


def test_codes_with_leading_zeros_stay_strings(tmp_path: Path) -> None:
    assert types(tmp_path, "facility,score\n0012,3\n0020,4\n")["facility"] == "string"


def test_the_whole_file_is_read_not_a_sample(tmp_path: Path) -> None:
    rows = "".join(f"{n},{n}\n" for n in range(1, 20_000)) + "20000,n/a\n"
    inferred = types(tmp_path, "id,count\n" + rows)
    assert inferred == {"id": "integer", "count": "string"}


def test_numbers_booleans_dates_and_empty_columns(tmp_path: Path) -> None:
    inferred = types(tmp_path, "a,b,c,d,e\n1.5,true,2026-03-01,,x\n2,false,2026-03-02,,\n")
    assert inferred == {"a": "number", "b": "boolean", "c": "date", "d": "string", "e": "string"}


def test_blank_and_repeated_labels_get_distinct_names(tmp_path: Path) -> None:
    inferred = types(tmp_path, "id,,id\n1,2,3\n")
    assert list(inferred) == ["id", "field2", "field3"]


# Values the two readings could disagree on: Unicode digits (Python's \d takes them,
# fromisoformat does not), a final newline in a quoted cell (Python's $ allows one),
# year 0, impossible days, signs, exponents, spaces, the spellings of true and false
AWKWARD = [
    "1", "-1", "0", "00", "012", "-0", "+1", " 1", "1 ", "1_000", "1,000",
    "1.5", ".5", "-.5", "1.", "1e5", "1E-5", "1e", "nan", "inf",
    "১২", "1২", "١", "١٢٣", "１２", "12\n", "12\n\n", "1.5\n", "\n",
    "true", "True", "TRUE", "tRUE", "yes", "false\n",
    "2024-01-05", "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31",
    "2024-1-5", "2024-01-05\n", "২০২৪-০১-০৫", "2024-13-01", "2024-00-10", "20240105",
]  # fmt: skip


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    return path


def test_the_scan_and_the_row_by_row_reading_agree_on_every_awkward_value(
    tmp_path: Path,
) -> None:
    """One column per value (beside an empty cell and a short row), and columns mixing them."""
    singles = [[value, ""] for value in AWKWARD]
    random.seed(7)
    mixes = [random.sample(AWKWARD, 3) for _ in range(150)]
    columns = singles + mixes
    rows = [[column[n] if n < len(column) else "" for column in columns] for n in range(3)]
    rows.append(["1"])  # a short row: the other cells are absent, not empty
    path = _write(tmp_path / "t.csv", [f"c{n}" for n in range(len(columns))], rows)
    columnar = _kinds_columnar(path, len(columns))
    assert columnar == _kinds_row_by_row(path, len(columns))
    kinds = set(columnar or [])
    assert kinds == {"integer", "number", "boolean", "date", "string"}


def test_a_file_duckdb_reads_otherwise_is_read_row_by_row(tmp_path: Path) -> None:
    """Many extra cells on a row: DuckDB rejects it, and the scan gives no answer."""
    path = _write(tmp_path / "t.csv", ["id", "count"], [["1", "2"], ["2", "x", *["9"] * 30]])
    assert _kinds_columnar(path, 2) is None
    assert types(tmp_path, path.read_text()) == {"id": "integer", "count": "string"}

from __future__ import annotations

from pathlib import Path

from cdx.inference import infer_schema


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

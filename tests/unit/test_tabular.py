"""Bad input files: each a clear error with a code (and the happy paths beside them)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from cdx.core.errors import SheetAmbiguous, SourceEmpty, SourceEncoding, SourceFormat, SourceMissing
from cdx.packaging import tabular
from cdx.packaging.inference import infer_schema
from cdx.packaging.tabular import TableFile, normalise_table
from cdx.validations.table.header import read_header

ROWS = "district,score\nKisumu,3\nNairobi,4\n"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceMissing) as caught:
        normalise_table(tmp_path / "nowhere.csv", tmp_path / "out.csv")
    assert caught.value.code == "source-missing"


@pytest.mark.parametrize("content", [b"", b"district,score\n"])
def test_an_empty_file_or_a_header_alone_is_refused(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    with pytest.raises(SourceEmpty):
        normalise_table(source, tmp_path / "out.csv")


def test_a_windows_1252_file_without_declared_encoding_says_what_to_declare(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("district,comment\nKilifi,café très sûr – «bon»\n".encode("cp1252"))
    with pytest.raises(SourceEncoding) as caught:
        normalise_table(source, tmp_path / "out.csv")
    assert "is not UTF-8" in caught.value.message
    assert "encoding:" in (caught.value.hint or "")
    assert not (tmp_path / "out.csv").exists()


def test_a_declared_encoding_is_converted_to_utf8(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("district,comment\nKilifi,café\n".encode("cp1252"))
    table = normalise_table(source, tmp_path / "out.csv", encoding="windows-1252")
    assert table.path.read_text(encoding="utf-8") == "district,comment\nKilifi,café\n"
    assert table.rows == 1


def test_utf8_with_a_bom_is_accepted_and_the_bom_dropped(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"\xef\xbb\xbf" + ROWS.encode())
    table = normalise_table(source, tmp_path / "out.csv")
    assert table.path.read_bytes() == ROWS.encode()


def test_an_unknown_declared_encoding_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(ROWS, encoding="utf-8")
    with pytest.raises(SourceEncoding):
        normalise_table(source, tmp_path / "out.csv", encoding="klingon-8")


def workbook(path: Path, sheets: list[str]) -> Path:
    book = Workbook()
    book.active.title = sheets[0]
    book.active.append(["district", "score"])
    book.active.append(["Kisumu", 3])
    for name in sheets[1:]:
        book.create_sheet(name).append(["notes"])
    book.save(path)
    return path


def test_a_workbook_with_several_sheets_and_none_named_lists_them(tmp_path: Path) -> None:
    source = workbook(tmp_path / "survey.xlsx", ["responses", "codebook"])
    with pytest.raises(SheetAmbiguous) as caught:
        normalise_table(source, tmp_path / "out.csv")
    assert "responses, codebook" in caught.value.message
    assert "sheet: responses" in (caught.value.hint or "")


def test_a_named_sheet_is_read(tmp_path: Path) -> None:
    source = workbook(tmp_path / "survey.xlsx", ["responses", "codebook"])
    table = normalise_table(source, tmp_path / "out.csv", sheet="responses")
    assert table.path.read_text(encoding="utf-8") == "district,score\nKisumu,3\n"


def test_a_csv_that_is_really_a_workbook_is_refused(tmp_path: Path) -> None:
    source = workbook(tmp_path / "survey.xlsx", ["responses"]).rename(tmp_path / "survey.csv")
    with pytest.raises(SourceFormat) as caught:
        normalise_table(source, tmp_path / "out.csv")
    assert "is an Excel workbook" in caught.value.message


def test_a_workbook_that_is_really_text_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "survey.xlsx"
    source.write_text(ROWS, encoding="utf-8")
    with pytest.raises(SourceFormat) as caught:
        normalise_table(source, tmp_path / "out.csv")
    assert "rename it to .csv" in (caught.value.hint or "")


def test_a_binary_file_named_csv_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "photo.csv"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SourceFormat):
        normalise_table(source, tmp_path / "out.csv")


def test_a_semicolon_separated_export_becomes_comma_separated(tmp_path: Path) -> None:
    """Excel where the decimal mark is a comma saves "CSV" with semicolons."""
    source = tmp_path / "scorecard.csv"
    source.write_text(
        'district;score;comment\r\nKisumu;3,5;"water; urgent"\r\nNairobi;4;\r\n',
        encoding="utf-8",
    )
    table = normalise_table(source, tmp_path / "out.csv")
    assert (table.rows, table.delimiter) == (2, ";")
    assert table.path.read_text(encoding="utf-8") == (
        'district,score,comment\nKisumu,"3,5",water; urgent\nNairobi,4,\n'
    )


def test_a_tab_separated_file_becomes_comma_separated(tmp_path: Path) -> None:
    source = tmp_path / "scorecard.tsv"
    source.write_text("district\tcomment\nKisumu\tfar, and closed\n\nEmbu\t\n", encoding="utf-8")
    table = normalise_table(source, tmp_path / "out.csv")
    assert (table.rows, table.delimiter) == (3, "\t")  # the empty line stays a row
    assert table.path.read_text(encoding="utf-8") == (
        'district,comment\nKisumu,"far, and closed"\n\nEmbu,\n'
    )


@pytest.mark.parametrize(
    "content",
    [
        "district,comment\nKisumu,water; urgent\n",  # semicolons in cells, commas between
        "district\nKisumu\n",  # one column
        "note\nwater; urgent|closed\n",  # one column, whose cells hold the others
    ],
)
def test_a_comma_separated_or_one_column_file_is_copied_as_it_is(
    tmp_path: Path, content: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    table = normalise_table(source, tmp_path / "out.csv")
    assert table.delimiter == ","
    assert table.path.read_text(encoding="utf-8") == content


def test_a_cell_longer_than_pythons_csv_limit_is_read(tmp_path: Path) -> None:
    """Python's csv module stops at 128 KiB unless told; frictionless reads such cells."""
    source = tmp_path / "in.csv"
    source.write_text(f"district,comment\nKisumu,{'x' * 200_000}\nEmbu,ok\n", encoding="utf-8")
    previous = csv.field_size_limit(128 * 1024)  # Python's, as before frictionless is imported
    try:
        table = normalise_table(source, tmp_path / "out.csv")
        assert read_header(table.path) == ["district", "comment"]
    finally:
        csv.field_size_limit(previous)
    assert table.rows == 2


def _formula_workbook(path: Path, results: dict[bytes, bytes] | None = None) -> Path:
    """A sheet whose column C holds formulas, as openpyxl writes them (no saved results);
    `results` puts cells' saved results in, as a spreadsheet program does on saving."""
    book = Workbook()
    sheet = book.active
    sheet.append(["district", "households", "label"])
    sheet.append(["Kisumu", 12, "=B2*2"])
    sheet.append(["Embu", 7, '=IF(B3>10,"big","")'])
    book.save(path)
    if results:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        for old, new in results.items():
            part = "xl/worksheets/sheet1.xml"
            assert old in parts[part]
            parts[part] = parts[part].replace(old, new)
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
    return path


def test_a_formula_without_a_saved_result_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    """A workbook written by a program keeps formulas but not their results: reading
    them as empty cells would lose the data without a word."""
    with pytest.raises(SourceFormat) as caught:
        normalise_table(_formula_workbook(tmp_path / "survey.xlsx"), tmp_path / "out.csv")
    assert caught.value.code == "source-format"
    assert "cell C2" in caught.value.message
    assert "save it" in (caught.value.hint or "")


def test_formulas_with_saved_results_are_read_as_their_results(tmp_path: Path) -> None:
    """As Excel saves them: a number, and a text formula whose result is '' (t="str")."""
    source = _formula_workbook(
        tmp_path / "survey.xlsx",
        {
            b'<c r="C2"><f>B2*2</f><v /></c>': b'<c r="C2"><f>B2*2</f><v>24</v></c>',
            b'<c r="C3"><f>IF(B3&gt;10,"big","")</f><v /></c>': (
                b'<c r="C3" t="str"><f>IF(B3&gt;10,"big","")</f><v></v></c>'
            ),
        },
    )
    table = normalise_table(source, tmp_path / "out.csv")
    assert table.path.read_text(encoding="utf-8") == (
        "district,households,label\nKisumu,12,24\nEmbu,7,\n"
    )


def _scorecard_workbook(path: Path, rows: int = 3) -> tuple[Workbook, Any]:
    book = Workbook()
    sheet = book.active
    sheet.append(["district", "visits", "share", "note"])
    for n in range(rows):
        sheet.append([f"District {n}", n, n / 10, "ok"])
    return book, sheet


def test_spreadsheet_errors_are_refused_not_published_as_text(tmp_path: Path) -> None:
    """'#DIV/0!' read as text made a number column text, and '#N/A' passed in a note."""
    book, sheet = _scorecard_workbook(tmp_path)
    sheet["C3"], sheet["D3"] = "#DIV/0!", "#N/A"  # openpyxl stores them as errors (t="e")
    book.save(tmp_path / "scorecard.xlsx")
    with pytest.raises(SourceFormat) as caught:
        normalise_table(tmp_path / "scorecard.xlsx", tmp_path / "out.csv")
    assert "2 cells of the sheet hold a spreadsheet error" in caught.value.message
    assert "C3 (#DIV/0!), D3 (#N/A)" in caught.value.message
    assert "#DIV/0! divides by zero" in (caught.value.hint or "")


def test_errors_across_many_blocks_are_counted_once_each(tmp_path: Path) -> None:
    """The sheet's XML is read in blocks of 1 MiB cut at row ends: nothing seen twice."""
    book, sheet = _scorecard_workbook(tmp_path, rows=40_000)
    for row in range(5, 40_002, 100):
        sheet[f"B{row}"] = "#VALUE!"
    book.save(tmp_path / "big.xlsx")
    with zipfile.ZipFile(tmp_path / "big.xlsx") as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 3 * 2**20
    with pytest.raises(SourceFormat) as caught:
        normalise_table(tmp_path / "big.xlsx", tmp_path / "out.csv")
    assert "400 cells of the sheet hold" in caught.value.message
    assert "B5 (#VALUE!), B105 (#VALUE!), B205 (#VALUE!) and 397 other cells" in (
        caught.value.message
    )


def test_merged_cells_are_refused_not_read_as_empty_cells(tmp_path: Path) -> None:
    """A district merged over two rows is read on the first alone: the second row would
    be published without its district."""
    book, sheet = _scorecard_workbook(tmp_path)
    sheet.merge_cells("A3:A4")
    book.save(tmp_path / "scorecard.xlsx")
    with pytest.raises(SourceFormat) as caught:
        normalise_table(tmp_path / "scorecard.xlsx", tmp_path / "out.csv")
    assert "merged cells (A3:A4)" in caught.value.message
    assert "unmerge" in (caught.value.hint or "")


def test_numbers_computed_in_a_workbook_read_as_the_spreadsheet_shows_them(
    tmp_path: Path,
) -> None:
    """A formula's result is saved with 17 digits: 0.1 + 0.2 is 0.30000000000000004 in the
    file, 0.3 on screen and in the spreadsheet's own CSV export."""
    book = Workbook()
    sheet = book.active
    sheet.append(["district", "share", "third", "households", "tiny"])
    sheet.append(["Kisumu", 0.1 + 0.2, 1 / 3, 1250.0, 1.5e-7])
    book.save(tmp_path / "shares.xlsx")
    table = normalise_table(tmp_path / "shares.xlsx", tmp_path / "out.csv")
    assert table.path.read_text(encoding="utf-8").splitlines()[1] == (
        "Kisumu,0.3,0.333333333333333,1250,1.5e-07"
    )


@pytest.mark.parametrize("bom", ["utf-16-le", "utf-16-be"])
def test_unicode_text_from_excel_is_read_by_its_byte_order_mark(tmp_path: Path, bom: str) -> None:
    """Excel's "Unicode Text (*.txt)": UTF-16 with a byte-order mark, tab-separated."""
    text = "district\tvisits\tnote\r\nঢাকা\t10\tভালো, খুব\r\nKhulna\t3\tok\r\n"
    source = tmp_path / "scorecard.txt"
    source.write_bytes(("\ufeff" + text).encode(bom))
    table = normalise_table(source, tmp_path / "out.csv")
    assert table.encoding == "utf-16" and table.delimiter == "\t" and table.rows == 2
    assert table.path.read_text(encoding="utf-8") == (
        'district,visits,note\nঢাকা,10,"ভালো, খুব"\nKhulna,3,ok\n'
    )


@pytest.mark.parametrize(
    ("content", "expected", "dropped"),
    [
        # cells right of the table once used: no name, no value
        (
            "district,visits,,,\r\nDhaka,10,,,\r\n\r\nKhulna,3,,,\r\n",
            "district,visits\nDhaka,10\n\nKhulna,3\n",
            3,
        ),
        # the last unnamed column has a value in one row: it and those before it stay
        ("district,visits,,\nDhaka,10,,x\nKhulna,3,,\n", None, 0),
        (
            "district,visits,,\nDhaka,10,y,\nKhulna,3,,\n",
            "district,visits,\nDhaka,10,y\nKhulna,3,\n",
            1,
        ),
        # a row longer than the header: every column stays (its extra cell is reported)
        ("district,visits,\nDhaka,10,,5\n", None, 0),
        # an unnamed column between named ones stays (the header check names it)
        ("district,,visits\nDhaka,,10\n", None, 0),
    ],
)
def test_unnamed_empty_columns_at_the_right_end_are_dropped(
    tmp_path: Path, content: str, expected: str | None, dropped: int
) -> None:
    table = _normalised(tmp_path, content)
    assert table.dropped_columns == dropped
    assert table.path.read_text(encoding="utf-8") == (expected or content)


def test_a_sheet_widened_by_formatting_loses_its_empty_columns(tmp_path: Path) -> None:
    """A sheet is as wide as its widest formatted cell: a bold empty cell in column F."""
    book = Workbook()
    sheet = book.active
    sheet.append(["district", "visits"])
    sheet.append(["Dhaka", 10])
    sheet["F3"].font = Font(bold=True)
    sheet["F3"].value = None
    book.save(tmp_path / "scorecard.xlsx")
    table = normalise_table(tmp_path / "scorecard.xlsx", tmp_path / "out.csv")
    assert table.dropped_columns == 4
    assert table.path.read_text(encoding="utf-8").splitlines()[:2] == [
        "district,visits",
        "Dhaka,10",
    ]


@pytest.mark.parametrize(
    ("content", "expected", "stripped"),
    [
        ("district ,visits\nDhaka,10\n", "district,visits\nDhaka,10\n", 1),
        # the header keeps its line ending; cells are not touched
        (
            " district, visits \r\nDhaka ,10\r\nKhulna,3\r\n",
            "district,visits\r\nDhaka ,10\r\nKhulna,3\r\n",
            2,
        ),
        # a quoted name with a line break in it (a wrapped header cell in a spreadsheet)
        ('"district\n",visits\nDhaka,10\n', "district,visits\nDhaka,10\n", 1),
        # a name holding a comma stays quoted
        ('" area, urban ",visits\nDhaka,10\n', '"area, urban",visits\nDhaka,10\n', 1),
        ("district,visits\nDhaka , 10\n", None, 0),
    ],
)
def test_spaces_around_column_names_are_removed(
    tmp_path: Path, content: str, expected: str | None, stripped: int
) -> None:
    table = _normalised(tmp_path, content)
    assert table.stripped_labels == stripped
    assert table.path.read_bytes().decode("utf-8") == (expected or content)
    assert table.rows == 1 + content.count("Khulna")


def test_an_inferred_schema_names_the_columns_as_frictionless_reads_them(tmp_path: Path) -> None:
    """frictionless strips labels: `district ` is the field `district`, in the published
    CSV, in an inferred schema, and for an expectation naming `district`."""
    source = tmp_path / "scorecard.csv"
    source.write_text("district , visits\nDhaka,10\n", encoding="utf-8")
    table = normalise_table(source, tmp_path / "out.csv")
    names = [f["name"] for f in infer_schema(table.path)["fields"]]
    assert names == ["district", "visits"]


def _normalised(tmp_path: Path, content: str) -> TableFile:
    source = tmp_path / "scorecard.csv"
    source.write_bytes(content.encode("utf-8"))
    return normalise_table(source, tmp_path / "out.csv")


def test_a_comma_separated_file_is_counted_only_when_its_rows_are_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Normalising reads a header and one row to know the file is not empty; the whole
    count is a pass in Python over a file that may have millions of rows."""
    asked: list[int | None] = []
    count = tabular._count_rows

    def spy(path: Path, up_to: int | None = None) -> int:
        asked.append(up_to)
        return count(path, up_to)

    monkeypatch.setattr(tabular, "_count_rows", spy)
    table = _normalised(tmp_path, "district,visits\nDhaka,10\n\nKhulna,3\n")
    assert asked == [1]
    assert table.rows == 3 and asked == [1, None]  # the empty line is a row

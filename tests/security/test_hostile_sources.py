"""Source tables built to be skipped by one reader and shipped by another, or to exhaust."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from cdx.core.errors import CellTooLarge, SourceTooLarge
from cdx.packaging.tabular import SourceLimits, normalise_table

MIB = 1024 * 1024


def rows_then_a_long_cell(path: Path, cell_bytes: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,name\n")
        handle.writelines(f"{n},name-{n}\n" for n in range(1, 301))
        handle.write("301,")
        for _ in range(cell_bytes // MIB):
            handle.write("x" * MIB)
        handle.write("\n")
    return path


def test_a_row_with_a_40_mib_cell_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    source = rows_then_a_long_cell(tmp_path / "long.csv", 40 * MIB)
    with pytest.raises(CellTooLarge) as caught:
        normalise_table(source, tmp_path / "out.csv")
    assert "row 301, column 2 ('name')" in caught.value.message
    assert caught.value.hint and "CDX_MAX_CELL_CHARACTERS" in caught.value.hint


def test_a_file_whose_only_row_is_one_huge_cell_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("only\n" + "x" * (3 * MIB) + "\n")
    with pytest.raises(CellTooLarge, match="row 1, column 1"):
        normalise_table(source, tmp_path / "out.csv")


def test_the_cell_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "t.csv"
    source.write_text("id;note\n1;" + "y" * 200 + "\n")
    assert normalise_table(source, tmp_path / "ok.csv").rows == 1
    monkeypatch.setenv("CDX_MAX_CELL_CHARACTERS", "100")
    with pytest.raises(CellTooLarge, match="row 1, column 2"):
        normalise_table(source, tmp_path / "out.csv")


def test_a_long_cell_in_a_workbook_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "note"])
    sheet.append([1, "z" * 500])
    workbook.save(tmp_path / "t.xlsx")
    with pytest.raises(CellTooLarge, match="row 1, column 2 \\('note'\\)"):
        normalise_table(tmp_path / "t.xlsx", tmp_path / "out.csv", limits=SourceLimits(100))


def test_cdx_validate_refuses_the_long_cell_with_its_code(tmp_path: Path) -> None:
    source = rows_then_a_long_cell(tmp_path / "long.csv", 40 * MIB)
    env = {**os.environ, "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "cdx.cli.app", "validate", str(source)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr  # the data, not usage
    assert "[cell-too-large]" in run.stderr and "Traceback" not in run.stderr


def zip_bomb(path: Path, inflated: int) -> Path:
    """A real workbook whose sheet is replaced by `inflated` bytes of one repeated byte."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "note"])
    sheet.append([1, "a"])
    plain = path.with_name("plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as bomb:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with bomb.open(info, "w", force_zip64=True) as part:
                    block = b"0" * MIB
                    for _ in range(inflated // MIB):
                        part.write(block)
            else:
                bomb.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED)
    return path


def test_a_workbook_that_inflates_a_thousandfold_is_refused_unread(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 200 * MIB)
    assert bomb.stat().st_size < 2 * MIB
    with pytest.raises(SourceTooLarge, match="inflates"):
        normalise_table(bomb, tmp_path / "out.csv")


def test_a_workbook_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "big.xlsx", 2 * MIB)
    limits = SourceLimits(workbook_bytes=MIB, compression_ratio=10**6)
    with pytest.raises(SourceTooLarge, match="more than 1,048,576"):
        normalise_table(bomb, tmp_path / "out.csv", limits=limits)


def test_an_ordinary_workbook_is_read(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "kenya-lnob"
    workbooks = sorted(example.rglob("*.xlsx"))
    assert workbooks
    shutil.copy(workbooks[0], tmp_path / "w.xlsx")
    table = normalise_table(tmp_path / "w.xlsx", tmp_path / "out.csv", sheet="responses")
    assert table.rows > 0

"""Turn a coalition's file (CSV in any encoding, or an XLSX sheet) into UTF-8 CSV.

Every package carries its tables as UTF-8 CSV: the format every statistics office
reads. The original file's hash stays in the provenance.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import shutil
import threading
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any

from cdx.core.errors import (
    CellTooLarge,
    SheetAmbiguous,
    SourceEmpty,
    SourceEncoding,
    SourceFormat,
    SourceMissing,
    SourceTooLarge,
)
from cdx.core.findings import counted
from cdx.core.i18n import tr
from cdx.packaging.encodings import ComposedText, mismatch, mojibake, not_utf8, utf16_without_bom
from cdx.packaging.formulas import (
    find_formulas,
    neutralised,
    refuse_formulas,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls and other Office binaries
BLOCK = 1024 * 1024


CELL_LIMIT = 2**31 - 2  # the longest cell read, as frictionless reads (Python's own: 128 KiB)


def csv_rows(lines: Any, delimiter: str = ",") -> Iterator[list[str]]:
    """csv.reader over an open file (or lines), reading cells as long as frictionless does.

    Python's csv module stops at a cell over 128 KiB (a pasted report, a photo in base64)
    unless told otherwise; frictionless raises that limit when it is imported, so without
    this whether a file reads would depend on whether frictionless had been imported.
    """
    if csv.field_size_limit() < CELL_LIMIT:
        csv.field_size_limit(CELL_LIMIT)
    return csv.reader(lines, delimiter=delimiter)


@dataclass(frozen=True)
class SourceLimits:
    """What a source may hold before it is refused rather than read (CDX_ settings)."""

    cell_characters: int = 1024 * 1024
    workbook_bytes: int = 1024**3
    compression_ratio: int = 200

    @classmethod
    def from_settings(cls) -> SourceLimits:
        from cdx.core.settings import Settings

        settings = Settings()
        return cls(
            settings.max_cell_characters,
            settings.max_workbook_bytes,
            settings.max_compression_ratio,
        )


# What spreadsheet programs put between columns besides a comma: a semicolon where the
# decimal mark is a comma (Excel in French, Portuguese, Spanish, Vietnamese, …), a tab
# ("Text (Tab delimited)", .tsv), a vertical bar.
DELIMITERS = (";", "\t", "|")


@dataclass(frozen=True)
class TableFile:
    path: Path
    converted_from: str  # "csv" or "xlsx"
    encoding: str  # of the original
    delimiter: str = ","  # of the original; the file at `path` is comma-separated
    dropped_columns: int = 0  # at the right end, with no name and no value (see below)
    stripped_labels: int = 0  # column names written with spaces around them (see below)
    counted: int | None = None  # data rows, where converting the file counted them
    formula_cells: dict[str, Any] | None = None  # neutralised formula cells (see formulas.py)

    @cached_property
    def rows(self) -> int:
        """Data rows, header excluded (an empty line is one, as frictionless counts it).

        A file already comma-separated is counted when this is first read: a pass over
        it in Python that validating does not need
        (docs/decisions/0008-count-rows-lazily.md)."""
        return _count_rows(self.path) if self.counted is None else self.counted


def sniff_format(path: Path) -> str:
    """What the bytes say the file is: `xlsx`, `xls`, `csv` (text), or `binary`."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv" if utf16_without_bom(head) else "binary"
    return "csv"


def normalise_table(
    source: Path,
    dest: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: SourceLimits | None = None,
    formulas: str = "refuse",
) -> TableFile:
    """Write `source` to `dest` as UTF-8 CSV (no BOM), checking it is what it claims.

    `limits` default to the CDX_ settings: a cell or a workbook over them is refused.
    Cells a spreadsheet would run as a formula are refused, or with `formulas="neutralise"`
    written with a leading apostrophe and counted in the result (decision 0061)."""
    limits = limits or SourceLimits.from_settings()
    if not source.is_file():
        raise SourceMissing(
            f"the file {source} does not exist",
            hint="check the path; in coalition.yaml a source's `path` is relative to "
            "coalition.yaml itself",
        )
    if source.stat().st_size == 0:
        raise SourceEmpty(f"the file {source} is empty", hint="export the data again")
    claimed = source.suffix.lower().lstrip(".")
    actual = sniff_format(source)
    if claimed in ("csv", "txt", "tsv") and actual != "csv":
        raise SourceFormat(
            f"{source.name} ends in .{claimed} but is {_describe(actual)}",
            hint="save it from your spreadsheet program as CSV (UTF-8), or rename it to "
            f".{actual} if that is what it is",
        )
    if claimed == "xlsx" and actual != "xlsx":
        raise SourceFormat(
            f"{source.name} ends in .xlsx but is {_describe(actual)}",
            hint="open it in your spreadsheet program and save it as Excel Workbook (.xlsx)"
            + (", or rename it to .csv" if actual == "csv" else ""),
        )
    if claimed not in ("csv", "txt", "tsv", "xlsx"):
        raise SourceFormat(
            f"{source.name}: cdx reads CSV and XLSX files, not .{claimed or '(no extension)'}",
            hint="save the table as CSV (UTF-8) or Excel Workbook (.xlsx)",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    if actual == "xlsx":
        _refuse_inflating_workbook(source, limits)
        rows = _xlsx_to_csv(source, dest, sheet, limits.cell_characters)
        result = TableFile(dest, "xlsx", "xlsx", counted=rows)
    else:
        used, longest_line = _transcode(source, dest, encoding, limits.cell_characters)
        delimiter = "\t" if claimed == "tsv" else _delimiter(dest, limits.cell_characters)
        if longest_line > limits.cell_characters:
            # No line is longer than the limit, so no cell is but a quoted one over lines
            # (which every reader reads whole): the exact pass is paid only here.
            try:
                _refuse_long_cells(dest, source.name, delimiter, limits.cell_characters)
            except CellTooLarge:
                dest.unlink(missing_ok=True)
                raise
        counted = _to_commas(dest, delimiter) if delimiter != "," else None
        result = TableFile(dest, "csv", used, delimiter, counted=counted)
    result = replace(
        result,
        dropped_columns=_drop_unnamed_empty_columns(dest),
        stripped_labels=_strip_labels(dest),
    )
    some = _count_rows(dest, up_to=1) if result.counted is None else result.counted
    if some < 0:
        raise SourceEmpty(f"{source.name} has no header row", hint="export the data again")
    if some == 0:
        raise SourceEmpty(
            f"{source.name} has a header but no data rows", hint="export the data again"
        )
    # Every cell is read once more in Python; what that costs is in decision 0061
    with dest.open(encoding="utf-8", newline="") as handle:
        found = find_formulas(csv_rows(handle))
    if found.count and formulas != "neutralise":
        dest.unlink(missing_ok=True)
        raise refuse_formulas(source.name, found)
    if found.count:
        _neutralise_formulas(dest)
        result = replace(result, formula_cells=found.record(formulas))
    return result


def _neutralise_formulas(path: Path) -> None:
    """Rewrite the file with a leading apostrophe before every formula cell."""
    rewritten = path.with_name(path.name + ".neutralised")
    with (
        path.open(encoding="utf-8", newline="") as reader,
        rewritten.open("w", encoding="utf-8", newline="") as writer,
    ):
        csv.writer(writer, lineterminator="\n").writerows(neutralised(csv_rows(reader)))
    rewritten.replace(path)


def _describe(actual: str) -> str:
    return {
        "xlsx": "an Excel workbook (.xlsx)",
        "xls": "an old-style Excel file (.xls)",
        "binary": "not a text file",
        "csv": "a text (CSV) file",
    }[actual]


class _LongestLine:
    """The longest line of a text fed in blocks, in characters, as far as it exceeds
    `limit`: a line between two line ends of one block is shorter than the block, so in a
    block no longer than the limit only the line across blocks is measured (two finds)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.current = 0
        self.longest = 0

    def feed(self, text: str) -> None:
        first = text.find("\n")
        if first < 0:
            self.current += len(text)
        else:
            self.longest = max(self.longest, self.current + first)
            if len(text) - 2 > self.limit:
                self.longest = max(self.longest, *map(len, text[first + 1 :].split("\n")))
            self.current = len(text) - text.rfind("\n") - 1
        self.longest = max(self.longest, self.current)


def _transcode(source: Path, dest: Path, encoding: str | None, limit: int) -> tuple[str, int]:
    """Copy as UTF-8, decoding with `encoding`, or strict UTF-8 (a BOM is dropped), or
    UTF-16 where the file starts with its byte-order mark (Excel's "Unicode Text") or
    plainly is UTF-16 without one. Returns the encoding and the longest line in characters
    (where over `limit`). A declared encoding that reads the file as mojibake is refused."""
    bomless = _utf16_without_bom(source)
    used = encoding or ("utf-16" if _starts_utf16(source) else bomless or "utf-8-sig")
    try:
        codec = codecs.lookup(used)
    except LookupError:
        raise SourceEncoding(
            tr("{encoding!r} is not an encoding Python knows", encoding=encoding),
            hint=tr("use a name like `windows-1252`, `latin-1`, `utf-16` or `shift_jis`"),
        ) from None
    if codec.name == "utf-16" and bomless:
        codec = codecs.lookup(bomless)  # Python would read it in the machine's byte order
    decoder = codec.incrementaldecoder("strict")
    composed = ComposedText() if codec.name == "cp1258" else None
    offset = 0
    lines = _LongestLine(limit)
    try:
        with source.open("rb") as reader, dest.open("w", encoding="utf-8", newline="") as writer:
            while block := reader.read(BLOCK):
                text = decoder.decode(block)
                text = composed.feed(text) if composed else text
                lines.feed(text)
                writer.write(text)
                offset += len(block)
            rest = decoder.decode(b"", final=True)
            writer.write(composed.feed(rest, final=True) if composed else rest)
    except UnicodeDecodeError as exc:
        dest.unlink(missing_ok=True)
        if encoding:
            raise SourceEncoding(
                tr(
                    "{file} cannot be read as {encoding} (byte {position:,})",
                    file=source.name,
                    encoding=encoding,
                    position=offset + exc.start,
                ),
                hint=tr(
                    "check the `encoding` of this source in coalition.yaml, or remove it "
                    "and save the file as CSV (UTF-8)"
                ),
            ) from None
        raise not_utf8(source, offset + exc.start) from None
    if encoding and (wrong := mismatch(source, encoding)):
        dest.unlink(missing_ok=True)
        raise mojibake(source, *wrong)
    return codec.name, lines.longest


def _starts_utf16(source: Path) -> bool:
    with source.open("rb") as handle:
        return handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _utf16_without_bom(source: Path) -> str | None:
    with source.open("rb") as handle:
        head = handle.read(8192)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" not in head:
        return None
    return utf16_without_bom(head)


def _delimiter(path: Path, longest: int) -> str:
    """A comma, unless the header has none and has two columns or more split by one of
    DELIMITERS (the one that splits it into the most). Reads at most `longest`
    characters of it (a header may be one huge cell)."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = handle.readline(longest + 1)

    def columns(delimiter: str) -> int:
        return len(next(csv_rows([header], delimiter), []))

    if columns(",") > 1:
        return ","
    best = max(DELIMITERS, key=columns)
    return best if columns(best) > 1 else ","


_FIELD_LIMIT = threading.Lock()


@contextmanager
def _field_size_limit(limit: int) -> Iterator[None]:
    """Python's csv refuses a longer cell as it reads it, so memory stays bounded; the
    limit is the csv module's own (process-wide), so it is restored after."""
    with _FIELD_LIMIT:
        previous = csv.field_size_limit(limit)
        try:
            yield
        finally:
            csv.field_size_limit(previous)


def _refuse_long_cells(path: Path, name: str, delimiter: str, limit: int) -> None:
    """Raise CellTooLarge at the first cell longer than `limit` characters, if any."""
    last_line = [""]

    def lines(handle: Iterable[str]) -> Iterator[str]:
        for line in handle:
            last_line[0] = line
            yield line

    records = 0
    header: list[str] = []
    with _field_size_limit(limit), path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(lines(handle), delimiter=delimiter)
        try:
            for cells in reader:
                if records == 0:
                    header = cells
                for number, cell in enumerate(cells, 1):
                    if len(cell) > limit:
                        raise _cell_too_large(name, records, number, header, limit)
                records += 1
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                return  # not a long cell: the checks report the file as it is
            column = _column_at_long_cell(last_line[0], delimiter, limit)
            raise _cell_too_large(name, records, column, header, limit) from None


def _column_at_long_cell(line: str, delimiter: str, limit: int) -> int:
    """The 1-based column of the first cell in `line` longer than `limit` (jumping from
    quote to delimiter, so a long cell is not walked character by character)."""
    column, start, quoted = 1, 0, False
    for found in re.finditer(f'["{re.escape(delimiter)}]', line):
        if found.group() == '"':
            quoted = not quoted
        elif not quoted:
            if found.start() - start > limit:
                return column
            column += 1
            start = found.end()
    return column


def _cell_too_large(
    name: str, row: int, column: int, header: list[str], limit: int
) -> CellTooLarge:
    label = header[column - 1] if 0 < column <= len(header) and row > 0 else None
    where = "the header" if row == 0 else f"row {row:,}"
    named = f" ({label[:40]!r})" if label else ""
    return CellTooLarge(
        f"{name}: the cell in {where}, column {column}{named} is longer than {limit:,} characters",
        hint="a cell this long is usually a file pasted into a cell or a broken export "
        "(a missing line break or quote); correct the file, or raise the limit with "
        "CDX_MAX_CELL_CHARACTERS if the cell is meant to be this long",
    )


def _refuse_inflating_workbook(source: Path, limits: SourceLimits) -> None:
    """Refuse a workbook whose parts would inflate past the limits, before reading any.

    The sizes come from the zip's directory; Python's zipfile never inflates a part past
    the size its directory gives (a lying size ends in a CRC error, not more bytes)."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # opening it as a workbook says it is damaged
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > BLOCK and ratio > limits.compression_ratio:
            raise SourceTooLarge(
                f"{source.name}: the part {part.filename} inflates {ratio:,.0f} times "
                f"({part.compress_size:,} to {part.file_size:,} bytes), more than "
                f"{limits.compression_ratio} times: a workbook does not compress that well "
                "unless it was built to exhaust the reader",
                hint="open it in your spreadsheet program and save it again (or as CSV); "
                "raise CDX_MAX_COMPRESSION_RATIO only for a workbook you trust",
            )
    if total > limits.workbook_bytes:
        raise SourceTooLarge(
            f"{source.name}: the workbook inflates to {total:,} bytes, more than "
            f"{limits.workbook_bytes:,}",
            hint="save the sheet as CSV (UTF-8), which cdx reads as a stream, or raise "
            "CDX_MAX_WORKBOOK_BYTES",
        )


def _to_commas(path: Path, delimiter: str) -> int:
    """Rewrite the file with commas between columns (quoting cells that hold one); the
    data rows, as _count_rows counts them."""
    commas = path.with_name(path.name + ".commas")
    records = 0
    with (
        path.open(encoding="utf-8", newline="") as reader,
        commas.open("w", encoding="utf-8", newline="") as writer,
    ):
        out = csv.writer(writer, lineterminator="\n")
        for row in csv_rows(reader, delimiter):
            out.writerow(row)
            records += 1
    commas.replace(path)
    return records - 1


def _drop_unnamed_empty_columns(path: Path) -> int:
    """Drop the columns at the right end that have no name and no value in any row; say
    how many. A spreadsheet exports such columns when cells right of the table were once
    used or formatted (`district,visits,,,`; a workbook's sheet is as wide as its widest
    formatted cell): each would be a blank-label error telling the person to delete a
    column they cannot see. A row longer than the header keeps every column."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv_rows(handle)
        header = next(rows, [])
        width = len(header)
        keep = width
        while keep > 1 and header[keep - 1] == "":
            keep -= 1
        if keep in (0, width):
            return 0
        for row in rows:
            if len(row) > width:
                return 0
            keep = max([keep] + [n + 1 for n in range(keep, len(row)) if row[n] != ""])
            if keep == width:
                return 0
    narrowed = path.with_name(path.name + ".narrowed")
    with (
        path.open(encoding="utf-8", newline="") as reader,
        narrowed.open("w", encoding="utf-8", newline="") as writer,
    ):
        out = csv.writer(writer, lineterminator="\n")
        for row in csv_rows(reader):
            out.writerow(row[:keep])
    narrowed.replace(path)
    return width - keep


def _strip_labels(path: Path) -> int:
    """Write the column names without the spaces around them; say how many had some.

    frictionless reads `district ` as the label `district` (it strips every label), so
    left as it is, the file would validate against a schema naming `district` while
    pandas, a spreadsheet or an inferred schema read `district ` from the published CSV.
    Only the header is rewritten, ended as it was; the rows are copied byte for byte."""
    consumed = 0
    ending = "\n"
    with path.open("rb") as handle:

        def lines() -> Iterator[str]:
            nonlocal consumed, ending
            for line in handle:
                consumed += len(line)
                ending = "\r\n" if line.endswith(b"\r\n") else "\n"
                yield line.decode("utf-8")

        try:
            header = next(csv_rows(lines()), [])
        except csv.Error:
            return 0  # a header Python cannot read: the checks report it as it is
        stripped = [label.strip() for label in header]
        changed = sum(label != name for label, name in zip(header, stripped, strict=True))
        if not changed:
            return 0
        relabelled = path.with_name(path.name + ".labels")
        with relabelled.open("w", encoding="utf-8", newline="") as text:
            csv.writer(text, lineterminator=ending).writerow(stripped)
        with relabelled.open("ab") as rows:
            handle.seek(consumed)
            shutil.copyfileobj(handle, rows, BLOCK)
    relabelled.replace(path)
    return changed


def _count_rows(path: Path, up_to: int | None = None) -> int:
    """The data rows (-1: not even a header), or as many as `up_to` of them."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = islice(csv_rows(handle), None if up_to is None else up_to + 1)
        return sum(1 for _ in records) - 1


def _xlsx_to_csv(source: Path, dest: Path, sheet: str | None, longest: int) -> int:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise SourceFormat(
            f"{source.name} could not be opened as a workbook ({exc.__class__.__name__})",
            hint="open it in your spreadsheet program and save it again as .xlsx",
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is None and len(names) > 1:
            raise SheetAmbiguous(
                f"{source.name} has {len(names)} sheets ({', '.join(names)}) and none is named",
                hint=f"add `sheet: {names[0]}` (or another sheet's name) to this source "
                "in coalition.yaml",
            )
        if sheet is not None and sheet not in names:
            raise SheetAmbiguous(
                f"{source.name} has no sheet {sheet!r}; its sheets are {', '.join(names)}",
                hint="correct the `sheet` of this source in coalition.yaml",
            )
        worksheet = workbook[sheet or names[0]]
        _refuse_unreadable_cells(source.name, _scan_sheet(workbook, worksheet))
        rows = -1
        header: list[str] = []
        blank_run = 0  # blank rows are kept between data, dropped at the end (Excel pads)
        with dest.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for values in worksheet.iter_rows(values_only=True):
                if rows >= 0 and all(value is None for value in values):
                    blank_run += 1
                    continue
                for _ in range(blank_run):
                    writer.writerow([""] * len(values))
                rows += blank_run + 1
                blank_run = 0
                texts = [_cell_text(value) for value in values]
                if texts and max(map(len, texts)) > longest:
                    column = next(n for n, text in enumerate(texts, 1) if len(text) > longest)
                    raise _cell_too_large(source.name, rows, column, header, longest)
                header = header or texts
                writer.writerow(texts)
        return rows
    finally:
        workbook.close()


# What openpyxl reads differently from what the person sees, found in the sheet's XML:
# - a formula cell whose result is missing or empty: <c r="C2"><f>B2*2</f><v/></c>. Excel
#   and LibreOffice store every result (a formula giving '' has t="str"); a program that
#   writes formulas (openpyxl, R's openxlsx) may not, and data_only then reads None;
# - an error value, <c r="C3" t="e"><f>B3/0</f><v>#DIV/0!</v></c>: read as the text
#   '#DIV/0!', which a text column would publish;
# - merged cells, <mergeCell ref="A3:A5"/>: the value is read in A3 alone, A4 and A5 are
#   empty (the district a person sees on three rows is on one).
FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
ERROR_CELL = re.compile(
    rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(?:(?!</(?:\w+:)?c>).)*?'
    rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>",
    re.S,
)
MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([^"]+)"')
CELL_ATTRIBUTE = re.compile(rb'\b(r|t)="([^"]*)"')
ROW_END = re.compile(rb"</(?:\w+:)?row>")
SHOWN = 3  # cells or ranges named in a message; the rest are counted


@dataclass
class SheetScan:
    formula_without_result: str | None = None  # the first such cell
    errors: list[tuple[str, str]] = field(default_factory=list)  # (cell, error), the first
    error_count: int = 0
    merged: list[str] = field(default_factory=list)  # ranges, the first SHOWN
    merged_count: int = 0


def _scan_sheet(workbook: Any, worksheet: Any) -> SheetScan:
    """Cells of the sheet openpyxl would read otherwise than a person sees them.

    Reads the sheet's XML in blocks cut at the end of a row, so that no cell is seen
    twice (openpyxl's read-only sheet knows its part name).
    """
    scan = SheetScan()
    path, archive = getattr(worksheet, "_worksheet_path", None), getattr(workbook, "_archive", None)
    if path is None or archive is None:
        return scan
    carry = b""
    with archive.open(path) as handle:
        while block := handle.read(BLOCK):
            data = carry + block
            cut = _after_last_row(data)
            _scan_rows(data[:cut], scan)
            carry = data[cut:]
    _scan_rows(carry, scan)
    return scan


def _after_last_row(data: bytes) -> int:
    """Where the last complete row of the XML ends (0: none does yet)."""
    end = data.rfind(b"</row>")
    if end >= 0:
        return end + len(b"</row>")
    ends = [found.end() for found in ROW_END.finditer(data)]  # <x:row>, as some write it
    return ends[-1] if ends else 0


def _scan_rows(data: bytes, scan: SheetScan) -> None:
    if scan.formula_without_result is None and (b"<f" in data or b":f" in data):
        for found in FORMULA_CELL.finditer(data):
            attributes = dict(CELL_ATTRIBUTE.findall(found.group(1)))
            if attributes.get(b"t", b"n") == b"n":  # a number, or no type: no result
                scan.formula_without_result = attributes.get(b"r", b"?").decode()
                break
    if b't="e"' in data:
        for found in ERROR_CELL.finditer(data):
            scan.error_count += 1
            if len(scan.errors) < SHOWN:
                cell = dict(CELL_ATTRIBUTE.findall(found.group(1))).get(b"r", b"?")
                scan.errors.append((cell.decode(), found.group(2).decode(errors="replace")))
    if b"mergeCell" in data:
        for found in MERGED.finditer(data):
            scan.merged_count += 1
            if len(scan.merged) < SHOWN:
                scan.merged.append(found.group(1).decode(errors="replace"))


def _refuse_unreadable_cells(name: str, scan: SheetScan) -> None:
    if cell := scan.formula_without_result:
        raise SourceFormat(
            f"{name}: the formula in cell {cell} (and maybe others) has no saved "
            "result, so its value cannot be read; the workbook was written by a program, "
            "not saved by a spreadsheet",
            hint="open the workbook in your spreadsheet program and save it (that stores "
            "each formula's result), or copy the formulas' columns and paste them as values",
        )
    if scan.errors:
        shown = ", ".join(f"{cell} ({error})" for cell, error in scan.errors)
        more = _more(scan.error_count - len(scan.errors), "other cell")
        raise SourceFormat(
            f"{name}: {counted(scan.error_count, 'cell')} of the sheet "
            f"{'holds' if scan.error_count == 1 else 'hold'} a spreadsheet error instead of "
            f"a value: {shown}{more}",
            hint="correct the formulas that give these errors (#DIV/0! divides by zero, "
            "#N/A is a lookup that found nothing, #REF! points at a deleted cell), or clear "
            "the cells where there is no value",
        )
    if scan.merged:
        more = _more(scan.merged_count - len(scan.merged), "other range")
        raise SourceFormat(
            f"{name}: the sheet has merged cells ({', '.join(scan.merged)}{more}); only the "
            "first cell of a merged range holds its value, so the others would be read empty",
            hint="select the sheet, unmerge all cells, then type or fill down the value into "
            "every cell it belongs to (a title above the table: delete those rows)",
        )


def _more(count: int, noun: str) -> str:
    return f" and {counted(count, noun)}" if count > 0 else ""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        # as a spreadsheet shows it: 15 significant digits. A formula's result is saved
        # with 17 (=0.1+0.2 is 0.30000000000000004 in the file, 0.3 on screen and in the
        # spreadsheet's own CSV export)
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

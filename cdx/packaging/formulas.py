"""Cells a spreadsheet would run as a formula when a statistics office opens the CSV.

Excel and LibreOffice read a CSV cell starting with `=`, `+`, `-` or `@` as a formula:
`=HYPERLINK("http://…","click")` sends a click elsewhere, `+cmd|' /C calc'!A0` asks to
start a program (DDE), `-2+3` shows 1 instead of what was collected. The rule (decision
0061, after OWASP's CSV-injection guidance), on the cell without its leading spaces,
tabs and line ends (a tab then `=1+1` is still a formula):

- `=` or `@` followed by anything is a formula;
- `+` or `-` followed by a number alone (`-5`, `-2.5`, `+3`, `-1,234.5`, `-12%`, a
  coordinate pair `-1.2921, 36.8219`) is a number, not a formula;
- `+` followed by a phone number (digits, spaces, `-`, `.`, parentheses; at least seven
  digits: `+254 712 345 678`) is not a formula: it has no name, reference or command to
  run, and a public phone line the coalition accepted must stay as it is;
- `+` or `-` then a space then words is text (`- not applicable`), unless the cell calls
  something: `|` (DDE), `!` (a reference to another sheet) or a name followed by `(`;
- `+` or `-` followed directly by a letter, digit, `(`, `$`, `"` or `'` is a formula
  (`-2+3+cmd|…`, `-A1`, `+(1)`); a cell of signs alone (`-`, `--`) is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cdx.core.errors import SourceFormula
from cdx.core.i18n import Lines, tr, tr_n

SHOWN = 3  # cells named in a message and recorded in the provenance, the rest counted
NEUTRALISER = "'"  # OWASP's advice: a leading apostrophe makes the cell text in a spreadsheet

_NUMBER = r"(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?"
NUMBERS = re.compile(rf"[+-]?{_NUMBER}(?:\s*[,;]?\s*[+-]?{_NUMBER})*")
PHONE = re.compile(r"\+[\d\s().-]+")
CALLS = re.compile(r"[|!]|[A-Za-z_][\w.]*\(")
OPERAND = re.compile(r"[\w(\"'$]")


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet opening the CSV would run this cell as a formula (see above)."""
    text = cell.lstrip()
    if not text or text[0] not in "=+-@":
        return False
    if text[0] in "=@":
        return len(text) > 1
    if NUMBERS.fullmatch(text):
        return False
    rest = text[1:]
    if text[0] == "+" and PHONE.fullmatch(text) and sum(c.isdigit() for c in text) >= 7:
        return False
    if rest[:1].isspace():
        return bool(CALLS.search(rest))
    return bool(OPERAND.match(rest))


@dataclass
class FormulaCells:
    """The formula cells of one table: how many, and the first few (row, column)."""

    count: int = 0
    first: list[dict[str, Any]] = field(default_factory=list)  # {"row", "column", "field"}

    def note(self, row: int, column: int, label: str) -> None:
        self.count += 1
        if len(self.first) < SHOWN:
            self.first.append({"row": row, "column": column, "field": label})

    def record(self, policy: str) -> dict[str, Any]:
        """What the provenance says was done (rows as in the validation report: header 1)."""
        return {
            "policy": policy,
            "cellsNeutralised": self.count,
            "firstCells": self.first,
            "how": f"a leading {NEUTRALISER} before each cell a spreadsheet would run as a formula",
        }


# A cell of the row, its cells joined with NUL, that starts with a sign or a space: rows
# with none, nearly all, are passed over in one search (a NUL inside a cell only makes
# its row checked cell by cell).
_ROW_MAY_HOLD_ONE = re.compile(r"\x00(?:[=+\-@]|\s)")


def find_formulas(rows: Iterable[list[str]]) -> FormulaCells:
    """Every formula cell of a table's rows, numbered from the header (1)."""
    found = FormulaCells()
    header: list[str] = []
    search, join = _ROW_MAY_HOLD_ONE.search, "\x00".join
    for number, row in enumerate(rows, 1):
        header = header or row
        if not search("\x00" + join(row)):
            continue
        for column, cell in enumerate(row, 1):
            # the first character rules most cells out without calling the rule
            if cell and (cell[0] in "=+-@" or cell[0].isspace()) and is_formula(cell):
                label = header[column - 1] if column <= len(header) else ""
                found.note(number, column, label)
    return found


def neutralised(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """The rows with a leading apostrophe before every formula cell."""
    for row in rows:
        yield [NEUTRALISER + cell if is_formula(cell) else cell for cell in row]


def refuse_formulas(name: str, found: FormulaCells) -> SourceFormula:
    """The error for a table with formula cells under the `refuse` policy."""
    shown = Lines(
        (
            tr("row {row:,}, column {column} (`{field}`)", **cell)
            if cell["field"]
            else tr("row {row:,}, column {column}", **cell)
        )
        for cell in found.first
    )
    more = found.count - len(found.first)
    return SourceFormula(
        tr(
            "{name}: {cells} would run as a spreadsheet formula when the published CSV is "
            "opened in Excel or LibreOffice (they start with =, +, - or @ followed by a "
            "formula):{shown}{more}",
            name=name,
            cells=tr_n("{count:,} cell", "{count:,} cells", found.count),
            shown=shown,
            more=Lines([tr_n("and {count:,} other cell", "and {count:,} other cells", more)])
            if more > 0
            else "",
        ),
        hint=tr(
            "correct these cells in the source (remove the leading =, +, - or @, or write "
            "the text differently); or, if the text is meant to be published as it is, add "
            "`formulas: neutralise` to this dataset in coalition.yaml: each such cell is then "
            "published with a leading ' (apostrophe), which spreadsheets show as text, and the "
            "changed cells are recorded in the provenance"
        ),
    )

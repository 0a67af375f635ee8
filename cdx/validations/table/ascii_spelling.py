"""Unicode digits and whitespace spelled in ASCII, as a DuckDB function.

Python's int(), Decimal() and strptime read every Unicode decimal digit (Bengali ৭,
Devanagari ७, Arabic-Indic ٧, full-width ７ …) and strip Unicode whitespace; DuckDB's
casts read ASCII alone. The columnar checks therefore read a cell that is not ASCII
through `cdx_ascii`, a Python function registered on the connection that loads the
table (`register`), which respells each such character.

A function, not SQL: written as SQL (a CASE over the common scripts' digits, then a
translate of every such character) the respelling is long for every number field, and
DuckDB spends its time parsing and planning it at every reference; a cell mixing two
scripts' digits would keep one script's. The function reads only non-ASCII cells
(`ascii_spelling` guards it), and respells them faster than the SQL
(docs/decisions/0017-respelling-in-a-function.md).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

FUNCTION = "cdx_ascii"


def ascii_spelling(cell: str) -> str:
    """SQL: the cell with its Unicode digits and whitespace spelled in ASCII (ASCII text
    as it is; the function is called for the other cells alone)."""
    other = f"regexp_matches({cell}, '[^\\x00-\\x7F]')"
    return f"(CASE WHEN {other} THEN {FUNCTION}({cell}) ELSE {cell} END)"


def register(connection: duckdb.DuckDBPyConnection) -> None:
    """Make `cdx_ascii` callable on this connection.

    The connection must be closed before the interpreter exits: DuckDB's bindings report
    the function's objects as leaked otherwise (LoadedTable.close, load_table's failure
    path).
    """
    from duckdb.sqltypes import VARCHAR

    table = _respelling()
    connection.create_function(
        FUNCTION, lambda text: text.translate(table), [VARCHAR], VARCHAR, side_effects=False
    )


@functools.cache
def _respelling() -> dict[int, str]:
    """str.translate's table: each non-ASCII decimal digit to its ASCII digit, and each
    character str.strip() and int() skip as whitespace to a space.

    Every Unicode decimal digit lies below U+20000 (650 of them in Unicode 15), every
    whitespace character below U+3001 (ASCII tabs and newlines too, in a cell that also
    has non-ASCII characters).
    """
    digits = {
        c: str(unicodedata.decimal(chr(c))) for c in range(0x80, 0x20000) if chr(c).isdecimal()
    }
    spaces = {c: " " for c in range(0x3001) if chr(c).isspace() and c != ord(" ")}
    return digits | spaces

"""How DuckDB reads a normalised CSV (comma, double quote, UTF-8) as text cells.

Schema inference (packaging) and the columnar Table Schema engine (validations.table)
read a table the same way, so this lives in the build step both stand on.
"""

from __future__ import annotations

from pathlib import Path

from cdx.core.sql_text import sql_string

FEW_EXTRA_CELLS = 2  # tried first: a trailing comma, or one stray cell more
EXTRA_CELLS = 16  # a row with more surplus cells than this goes to frictionless
NO_TEXT = "\x01cdx:no-cell\x01"  # DuckDB's null string: no CSV cell is this


def csv_cells(
    csv_path: Path,
    columns: int,
    *,
    parallel: bool = True,
    rejects: bool = False,
    header: bool = False,
) -> str:
    """DuckDB's read_csv of the file as text cells c1 … c{columns}, as every check reads it.

    nullstr cannot occur in text: an empty cell stays '' and only padding is NULL. With
    `header`, the first record is skipped (no row numbers needed); with `rejects`, rows
    that do not fit go to the table reject_errors.
    """
    declared = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, columns + 1))
    return (
        f"read_csv({sql_string(str(csv_path))}, header = {header}, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', columns = {{{declared}}}, "
        f"null_padding = true, nullstr = '{NO_TEXT}', ignore_errors = true, "
        f"store_rejects = {rejects}, encoding = 'utf-8', parallel = {parallel})"
    )

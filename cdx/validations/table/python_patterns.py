"""Table Schema patterns matched by Python's re where RE2 would read them otherwise.

DuckDB matches patterns with RE2, frictionless with Python's re, and the two read `\\d`,
`\\w`, `\\s` and `\\b` differently: Python's classes hold every script's digits, letters
and spaces (১২৩ are digits, ä is a letter, U+00A0 a space), RE2's hold ASCII alone (and
its `\\s` not \\v or \\x1c-\\x1f). A pattern with one of them is matched by RE2 on the
cells where the two agree, and by `cdx_pattern`, a Python function registered on the
connection, on the others: a cell with a character outside printable ASCII and tabs,
rare in an identifier or a phone number, so the scan stays in DuckDB. So is, for every
pattern, a cell ending in a newline: Python's `$` matches before it, RE2's does not.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from cdx.core.sql_text import sql_string

if TYPE_CHECKING:
    import duckdb

FUNCTION = "cdx_pattern"
UNICODE_CLASSES = re.compile(r"\\[dDwWsSbB]")  # read per script by Python, ASCII by RE2
# where RE2 and Python's re may differ on a cell: any character beyond ASCII, and the
# ASCII controls Python's \s holds and RE2's does not
OTHER_CHARACTERS = "'[^\\x00-\\x7F]|[\\x0b\\x1c-\\x1f]'"


def pattern_broken(cell: str, pattern: str, re2_broken: str) -> str:
    """SQL: the cell does not match the pattern as frictionless matches it. `re2_broken`
    is the same test by RE2, used on the cells where the two agree."""
    # Python's $ also matches before a final newline (`abc` matches "abc\n"); RE2's not
    differ = [f"suffix({cell}, chr(10))"]
    if UNICODE_CLASSES.search(pattern):
        differ.append(f"regexp_matches({cell}, {OTHER_CHARACTERS})")
    quoted = sql_string(pattern)
    python = f"NOT {FUNCTION}({quoted}, {cell})"
    return f"(CASE WHEN {' OR '.join(differ)} THEN {python} ELSE {re2_broken} END)"


def register(connection: duckdb.DuckDBPyConnection) -> None:
    """Make `cdx_pattern(pattern, text)` callable on this connection (closed as
    ascii_spelling.register says)."""
    from duckdb.sqltypes import BOOLEAN, VARCHAR

    connection.create_function(
        FUNCTION,
        lambda pattern, text: _compiled(pattern).match(text) is not None,
        [VARCHAR, VARCHAR],
        BOOLEAN,
        side_effects=False,
    )


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(f"^{pattern}$")  # as frictionless compiles a pattern constraint

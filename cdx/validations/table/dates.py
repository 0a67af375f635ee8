"""Dates and datetimes in SQL, read as frictionless-py reads them.

frictionless reads a date with Python's `datetime.strptime(cell, format)`, and a default
datetime with dateutil's `isoparse` behind two guards of its own. DuckDB's strptime is
laxer (a two-digit %Y, year 0) and stricter (no Unicode digits), so the text is first
held to the regular expression Python itself matches the format with, and DuckDB then
says which day it is.
"""

from __future__ import annotations

import re

from cdx.core.sql_text import sql_string
from cdx.validations.table.ascii_spelling import ascii_spelling

# frictionless' default datetime: at least YYYY-MM-DDThh:mm:ss (it asks for a colon at
# position 16 and 19 characters), then dateutil's isoparse: a calendar or ISO week date,
# any ASCII separator, 24:00:00 as the next midnight, a fraction after . or , and an
# offset Z, z, +hh, +hhmm, +hh:mm (or +hh:m). Whether the day exists is asked of DuckDB.
OFFSET = r"([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9]|:[0-9])?)"  # UTC, or hours and minutes
DATETIME_TEXT = (
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])-[1-7])[\x00-\x7F]"
    r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.,][0-9]+)?|24:00:00([.,]0+)?)"
    f"{OFFSET}?"
)
FIRST_DAY = "DATE '0001-01-01'"  # Python's dates start in year 1; DuckDB's do not
# what str.isspace() calls whitespace, as Python's \s does
PYTHON_SPACE = r"[\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}]"
ASCII_SPACE = r"[\t\n\x0b\f\r\x1c-\x1f ]"


def date_sql(cell: str, pattern: str, sql_type: str = "DATE") -> tuple[str, str]:
    """(SQL: the cell is a date in this strptime pattern, SQL: that date), or with
    `sql_type` TIMESTAMP a datetime in it (a format without a time zone).

    The date is DuckDB's reading of the text, or of the text with its Unicode digits
    spelled in ASCII; it counts only where the text has the shape Python accepts.
    """
    plain = _plain_date(cell, pattern, sql_type)
    shapes = strptime_shapes(pattern)
    if shapes is None:  # a directive RE2 cannot say as Python does: DuckDB alone decides
        return f"coalesce({plain} >= {FIRST_DAY}, false)", plain
    ascii_shape, any_digits = shapes
    unicode = _plain_date(ascii_spelling(cell), pattern, sql_type)
    # DuckDB reads ASCII alone: text with Unicode digits or spaces is read respelled (CASE,
    # not OR: DuckDB computes both sides of an OR on every row)
    other = f"regexp_matches({cell}, '[^\\x00-\\x7F]')"
    typed = (
        f"(CASE WHEN regexp_full_match({cell}, {sql_string(ascii_shape)}) "
        f"THEN coalesce({plain} >= {FIRST_DAY}, false) "
        f"WHEN {other} THEN coalesce(regexp_full_match({cell}, {sql_string(any_digits)}) "
        f"AND {unicode} >= {FIRST_DAY}, false) ELSE false END)"
    )
    # the value counts only where typed is true: there the two readings do not disagree
    return typed, f"coalesce({plain}, CASE WHEN {other} THEN {unicode} END)"


def quick_date(cell: str, pattern: str, name: str) -> tuple[str, str] | None:
    """(typed, value) as the loading scan of a wide table reads a date: text with the
    ASCII shape alone (field_sql.loading_columns); typed reads the value as `name`.

    Where this reads a date, date_sql reads the same one and calls it typed; elsewhere
    the row is loaded as bad, and date_sql decides.
    """
    shapes = strptime_shapes(pattern)
    if shapes is None:  # date_sql's SQL is short already
        return None
    plain = _plain_date(cell, pattern)
    value = f"(CASE WHEN regexp_full_match({cell}, {sql_string(shapes[0])}) THEN {plain} END)"
    return f"coalesce({name} >= {FIRST_DAY}, false)", value


def _plain_date(text: str, pattern: str, sql_type: str = "DATE") -> str:
    """DuckDB's reading of the text (SQL) as a date (or sql_type) in the strptime pattern."""
    return f"CAST(try_strptime({text}, {sql_string(pattern)}) AS {sql_type})"


def strptime_shapes(pattern: str) -> tuple[str, str] | None:
    """The text Python's strptime accepts for the pattern, as RE2 expressions: with ASCII
    digits only, and with any decimal digits (Python's \\d). None where RE2 cannot say it."""
    import _strptime

    try:
        python = _strptime._TimeRE_cache.pattern(pattern)
    except (KeyError, ValueError, re.error):
        return None
    if re.search(r"\\[^d.s+*?()\[\]{}|^$/-]|\((?!\?P<\w+>)", python):
        return None
    # groups that capture nothing (RE2 matches faster); letters in either case, as Python
    python = re.sub(r"\(\?P<\w+>", "(?:", python)
    case = "(?i)" if re.search("[A-Za-z]", re.sub(r"\\.", "", python)) else ""
    ascii_shape = python.replace(r"\d", "[0-9]").replace(r"\s", ASCII_SPACE)
    any_digits = python.replace(r"\d", r"\p{Nd}").replace(r"\s", PYTHON_SPACE)
    return case + ascii_shape, case + any_digits


def datetime_typed(cell: str) -> str:
    """SQL: the cell is a default-format datetime to frictionless (see DATETIME_TEXT)."""

    def number(start: int, length: int) -> str:  # TRY_: evaluated on any text
        return f"TRY_CAST(substr({cell}, {start}, {length}) AS INTEGER)"

    january_4 = f"make_date({number(1, 4)}, 1, 4)"  # always in ISO week 1
    week_day = (
        f"{january_4} + CAST(({number(7, 2)} - 1) * 7 + {number(10, 1)} - isodow({january_4})"
        " AS INTEGER)"
    )
    day = (
        f"(CASE WHEN substr({cell}, 6, 1) = 'W' THEN {week_day} "
        f"ELSE TRY_CAST(substr({cell}, 1, 10) AS DATE) END)"
    )
    # Python's datetime runs from year 1 to 9999, and 24:00 on its last day is beyond it
    hour_24 = f"substr({cell}, 12, 2) = '24'"
    last = f"(CASE WHEN {hour_24} THEN DATE '9999-12-30' ELSE DATE '9999-12-31' END)"
    # no day is NULL: false, as every check reads `typed` as true or false
    return (
        f"(regexp_full_match({cell}, {sql_string(DATETIME_TEXT)}) "
        f"AND coalesce({day} BETWEEN {FIRST_DAY} AND {last}, false))"
    )

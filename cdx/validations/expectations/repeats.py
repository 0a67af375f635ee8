"""Uniqueness expectations judged on a window of the repeated rows, counted exactly.

GX stays the judge (expectations/columnar.py decides what each GX run sees). For a
unique column or combination whose keys DuckDB compares exactly as pandas does
(`exact_keys`: text, plain-digit integers, YYYY-MM-DD dates), GX need not see every
repeated row: the first `cap` of them, and one later row of each of their values, give
it the same verdict on those rows, and DuckDB counts the rest (`first_repeats`). A unique
expectation put on a column that repeats on every row then costs GX 2 × cap rows, not a
frame and a finding per row of the file (docs/decisions/0036-repeats-window-exact-keys.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from cdx.core.findings import CappedFindings
from cdx.core.sql_text import sql_string
from cdx.validations.expectations.suites import columns_named, run_expectations
from cdx.validations.table.loaded import scalar

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

    from cdx.validations.table.loaded import LoadedTable


class RepeatReader(Protocol):
    """What the window of repeated rows needs of the suite's reader (columnar._Reader)."""

    table: LoadedTable
    column: dict[str, str]
    fields: dict[str, dict[str, Any]]

    def text(self, name: str) -> str: ...

    def key(self, name: str) -> str: ...

    def batches(
        self, named: list[str], where: str, *, whole: bool, empty: bool = True
    ) -> Iterator[pd.DataFrame]: ...


def exact_keys(reader: RepeatReader, spec: dict[str, Any]) -> list[str] | None:
    """Keys equal exactly where pandas' values are, for first_repeats; None if unsure.

    Plain kwargs only, and columns where DuckDB and pandas read every cell alike:
    text (compared as text; a missing cell is NULL in both, and equal to another when
    grouped, as pandas' duplicated() has it), integers written as plain digits, and
    dates written as YYYY-MM-DD within pandas' range (an impossible date such as
    2024-02-30, or a cell without digits, is NULL in both). One cell with digits in
    another spelling, and GX gets every repeated row instead.
    """
    kind, kwargs = spec.get("type"), spec.get("kwargs", {})
    plain = (kind == "expect_column_values_to_be_unique" and set(kwargs) == {"column"}) or (
        kind == "expect_compound_columns_to_be_unique" and set(kwargs) == {"column_list"}
    )
    names = columns_named(spec)
    if not plain or not names or any(name not in reader.column for name in names):
        return None
    keys, shapes = [], []
    for name in names:
        field = reader.fields.get(name, {})
        kind, form = field.get("type", "string"), field.get("format", "default")
        if kind == "integer":
            shapes.append((reader.text(name), "[+-]?[0-9]{1,18}"))
        elif kind == "date" and form == "default":
            shapes.append((reader.text(name), "(1[7-9]|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}"))
        elif kind not in ("string", "any"):
            return None
        keys.append(reader.key(name))  # the grouping key the whole-frame path uses too
    if shapes:
        # text without a digit is missing to pandas and NULL here (forty, n/a); text
        # with digits in another spelling might be read differently by pandas
        odd = " OR ".join(
            f"(NOT regexp_full_match({text}, {sql_string(shape)}) "
            f"AND regexp_matches({text}, '\\p{{Nd}}'))"
            for text, shape in shapes
        )
        query = f"SELECT count(*) FROM cells WHERE k > 1 AND ({odd})"
        if scalar(reader.table.connection, query):
            return None
    return keys


def first_repeats(
    reader: RepeatReader,
    suite: dict[str, Any],
    keys: dict[int, list[str]],
    *,
    resource: str,
    cap: int,
) -> dict[int, CappedFindings]:
    """Repeated values, the first `cap` rows judged by GX, every one counted.

    For each uniqueness expectation (by its position, with its exact keys) GX sees the
    first `cap` rows whose value (or combination) occurs more than once, and for each
    of their values one later row with it (so that GX, too, sees it repeated);
    findings for those later rows are dropped, and the rows beyond the first `cap`
    are counted. GX ignores a row whose values are all missing; so does this. One GX
    run judges them all: a row another expectation brought in is repeated for this
    one only if it is among this one's repeated rows, all of which are counted.
    """
    specs, connection = suite["expectations"], reader.table.connection
    totals, last, chosen = {}, {}, []
    for index, key in keys.items():
        totals[index], last[index] = _window(reader, index, key, cap)
        chosen.append(f"SELECT k FROM shown_{index}")
    found = {index: CappedFindings(cap=cap) for index in keys}
    wanted = {index for index, total in totals.items() if total}
    if wanted:
        names = sorted({n for i in wanted for n in columns_named(specs[i])})
        where = f"k IN ({' UNION '.join(chosen)})"
        frame = next(reader.batches(names, where, whole=True))
        ran = run_expectations(suite, frame, resource=resource, only=wanted, totals=totals)
        for index in wanted:
            kind, listed = specs[index]["type"], ran.get(index, [])
            if kind == "expect_compound_columns_to_be_unique":
                found[index].merge(listed)  # one finding, worded with the total
                continue
            kept = [f for f in listed if f.code != kind or (f.row or 0) <= last[index]]
            found[index].merge(kept)
            if kept and all(f.code == kind for f in kept):
                more = totals[index] - len(kept)
                found[index].count_left_out(kind, kept[0].severity, more, resource, kept[0].field)
    for index in keys:
        connection.execute(f"DROP TABLE IF EXISTS shown_{index}").fetchall()
    return found


def _window(reader: RepeatReader, index: int, keys: list[str], cap: int) -> tuple[int, int]:
    """How many rows repeat on these keys, and the spreadsheet row of the cap-th.

    The rows GX is to see are left in the table shown_{index}.
    """
    repeated = reader.table.repeated(keys)
    same = " AND ".join(f"r.g{i} IS NOT DISTINCT FROM f.g{i}" for i in range(len(keys)))
    parts = ", ".join(f"g{i}" for i in range(len(keys)))
    connection = reader.table.connection
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE shown_{index} AS
        WITH early AS (SELECT * FROM {repeated} ORDER BY k LIMIT {cap})
        SELECT k, true AS kept FROM early
        UNION ALL
        SELECT min(r.k), false FROM {repeated} r SEMI JOIN early f ON {same}
        WHERE r.k > (SELECT max(k) FROM early) GROUP BY {parts}"""
    ).fetchall()
    total, cut = connection.execute(
        f"SELECT (SELECT count(*) FROM {repeated}), max(k) FROM shown_{index} WHERE kept"
    ).fetchall()[0]
    return int(total), reader.table.spreadsheet_row(cut) if cut is not None else 0

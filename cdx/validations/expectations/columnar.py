"""A Great Expectations suite on a table loaded in DuckDB, without a pandas copy of the file.

GX stays the engine that judges every expectation (expectations/suites.py runs it and
words the results); this module decides which rows and columns each run needs to see,
so that the findings are the ones GX gives on the whole frame:

- Row-wise expectations (`ROW_WISE`: each row passes or fails on its own values) are
  batch-safe. They run on pandas frames built from batches of `BATCH_ROWS` records. For
  the common ones DuckDB first keeps only the rows that could fail (`_could_fail`: a
  superset, so GX still decides), which in a clean file is no row at all. Those rows are
  picked in the scan that loads the table (`suspect_rows`; `suspect` in `cells`), and a
  column only such expectations read is kept on those rows alone (`suite_columns`).
- Uniqueness (`REPEATS`: a column, or a combination of columns) is not batch-safe. GX runs
  on the rows whose value or combination occurs more than once anywhere in the file; the
  others cannot be unexpected, and the counts GX reports are the same.
- Column sets and counts (`SHAPE`) run on an empty frame with the file's columns.
- Everything else (means, row counts, quantiles, `mostly`, unknown types) runs on the
  whole table, but only on the columns it names, typed column by column from batches.
  Numbers and dates cost 8 bytes a row; a text column needed whole costs what pandas
  makes of it — the one place memory still grows with the file.

Row i of every frame is the spreadsheet row i + 2, empty lines included, as in read_frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from cdx.core.findings import CappedFindings
from cdx.core.sql_text import sql_string
from cdx.validations.expectations.repeats import exact_keys, first_repeats
from cdx.validations.expectations.schema_vouches import vouches
from cdx.validations.expectations.suites import columns_named, frame_from_text, run_expectations
from cdx.validations.table.dates import strptime_shapes
from cdx.validations.table.field_sql import (
    LONG_ENUM,
    _one_of,
    _re2_safe,
    expected_fields,
    strptime_pattern,
    text_or_null,
)
from cdx.validations.table.loaded import LoadedTable, scalar
from cdx.validations.table.table_schema import FALSE_VALUES, TRUE_VALUES, missing_values

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

BATCH_ROWS = 250_000
ROW_WISE = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
    "expect_column_values_to_match_regex_list",
    "expect_column_values_to_not_match_regex_list",
    "expect_column_values_to_match_like_pattern",
    "expect_column_values_to_match_strftime_format",
    "expect_column_values_to_be_dateutil_parseable",
    "expect_column_values_to_be_json_parseable",
    "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal",
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_multicolumn_sum_to_equal",
    "expect_select_column_values_to_be_unique_within_record",
}
REPEATS = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
SHAPE = {
    "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_equal",
    "expect_table_column_count_to_be_between",
    "expect_column_to_exist",
}
# kwargs that make a verdict depend on other rows (`mostly`) or on other columns
WHOLE_TABLE_KWARGS = {"mostly", "row_condition", "condition_parser"}
DATE_SHAPE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"  # YYYY-MM-DD


def run_suite_on_table(
    suite: dict[str, Any], table: LoadedTable, schema: dict[str, Any], *, resource: str, cap: int
) -> CappedFindings:
    """The suite's findings on the loaded table, the same as run_suite on read_frame's frame."""
    specs: list[dict[str, Any]] = suite.get("expectations", [])
    reader = _Reader(table, schema)
    header = reader.header
    plans: dict[str, set[int]] = {"row": set(), "repeats": set(), "shape": set(), "whole": set()}
    for index, spec in enumerate(specs):
        if _surely_passes(spec, reader):
            continue  # GX (slow to import) is needed only where a check can fail
        plans[_plan(spec, header)].add(index)
    found = {index: CappedFindings(cap=cap) for index in range(len(specs))}
    windowed = {i: keys for i in plans["repeats"] if (keys := exact_keys(reader, specs[i]))}
    if windowed:
        plans["repeats"] -= set(windowed)
        found |= first_repeats(reader, suite, windowed, resource=resource, cap=cap)
    for plan, indexes in plans.items():
        if not indexes:
            continue
        named = sorted({n for i in indexes for n in columns_named(specs[i]) if n in header})
        if plan == "whole" and _needs_all_columns(specs, indexes):
            named = header
        for frame in reader.frames(plan, [specs[i] for i in sorted(indexes)], named):
            ran = run_expectations(suite, frame, resource=resource, only=indexes, columns=header)
            for index, listed in ran.items():
                if not any(f.code == "expectation-error" for f in found[index]):
                    found[index].merge(listed)  # a check that cannot run is said once
    findings = CappedFindings(cap=cap)
    for index in sorted(found):
        findings.merge(found[index])
    return findings


def suite_columns(suite: dict[str, Any], labels: list[str], *, picked: bool) -> set[int] | None:
    """The columns (1 for c1) the suite reads on every row (load_table's `whole`).

    None when an expectation may look at any column. When `picked` (suspect_rows picks
    the rows of the row-wise expectations while loading), columns only those read are not
    among them: they are kept on those rows.
    """
    specs: list[dict[str, Any]] = suite.get("expectations", [])
    unnamed = {i for i, spec in enumerate(specs) if spec.get("type") not in SHAPE}
    if _needs_all_columns(specs, unnamed):
        return None
    if picked:
        header = list(dict.fromkeys(labels))
        specs = [spec for spec in specs if _plan(spec, header) != "row"]
    return {labels.index(n) + 1 for spec in specs for n in columns_named(spec) if n in labels}


def suspect_rows(suite: dict[str, Any], schema: dict[str, Any], labels: list[str]) -> str | None:
    """SQL over a file's cells: true on a row a row-wise expectation could fail, besides
    the bad rows (all of which the suite sees).

    load_table evaluates it while loading (Rules.suspect). None when there is no row-wise
    expectation, or one whose failing rows DuckDB cannot narrow (every row could fail).
    """
    columns = _Columns(labels, schema)
    specs = [s for s in suite.get("expectations", []) if _plan(s, columns.header) == "row"]
    where = _could_fail_any(specs, columns, loading=True) if specs else "true"
    return None if where == "true" else where


def _could_fail_any(
    specs: list[dict[str, Any]], columns: _Columns, *, loading: bool = False
) -> str:
    """Rows that could fail any of these row-wise expectations (a superset).

    `loading`: SQL for the loading scan, which must keep the file's order: no join (a
    long value set is then not narrowed, and every row could fail).
    """
    wanted = [_could_fail(spec, columns, loading) for spec in specs]
    return "true" if None in wanted else " OR ".join(f"({w})" for w in wanted) or "false"


def _needs_all_columns(specs: list[dict[str, Any]], indexes: set[int]) -> bool:
    """A table-level expectation other than a row count may look at any column, and so
    may a row_condition (`region == "Coast"` names a column the kwargs do not)."""
    return any(
        "row_condition" in specs[i].get("kwargs", {})
        or (
            not columns_named(specs[i])
            and not specs[i].get("type", "").startswith("expect_table_row_count")
        )
        for i in indexes
    )


def _plan(spec: dict[str, Any], header: list[str]) -> str:
    kind, kwargs = spec.get("type", ""), spec.get("kwargs", {})
    if any(name not in header for name in columns_named(spec)):
        return "shape"  # it cannot run: said once, from the empty frame
    if WHOLE_TABLE_KWARGS & set(kwargs):
        return "whole"
    if kind in ROW_WISE:
        return "row"
    if kind in REPEATS:
        return "repeats"
    return "shape" if kind in SHAPE else "whole"


class _Columns:
    """The file's columns as the suite reads them: SQL for a cell as read_frame sees it."""

    def __init__(self, labels: list[str], schema: dict[str, Any]) -> None:
        self.schema = schema
        self.header = list(dict.fromkeys(labels))  # read_frame keeps the first of a name
        self.fields = {f["name"]: f for f in schema.get("fields", [])}
        self.missing = missing_values(schema)
        # the first column of a repeated name, as read_frame keeps it
        self.column = {name: f"c{labels.index(name) + 1}" for name in self.header}
        # the schema field each column is checked with (by position), where it is the
        # field the suite reads the column as (by name): its checks made `bad`
        placed = expected_fields(schema, labels)
        self.placed = {
            name: spec
            for name in self.header
            if (at := labels.index(name)) < len(placed)
            and (spec := placed[at]) is self.fields.get(name)
        }

    def text(self, name: str) -> str:
        """The cell as read_frame sees it: '' for an absent cell, NULL when missing."""
        return text_or_null(self.column[name], self.missing)


class _Reader(_Columns):
    """Frames out of the loaded table: only the rows and columns a plan needs."""

    def __init__(self, table: LoadedTable, schema: dict[str, Any]) -> None:
        super().__init__(table.header, schema)
        self.table = table

    def frames(
        self, plan: str, specs: list[dict[str, Any]], named: list[str]
    ) -> Iterator[pd.DataFrame]:
        if plan == "shape":
            yield frame_from_text({name: [] for name in self.header}, self.schema, [])
        elif plan == "row":
            # the rows were picked while loading when the table has `suspect`: there every
            # bad row is suspect (`bad` is not known while loading); of those, only the ones
            # where an expectation could fail, or one bad column on every row would send
            # every row to GX (docs/decisions/0035-suspect-rows-in-loading-scan.md)
            could = _could_fail_any(specs, self)
            where = f"suspect AND ({could})" if self.table.suspect else could
            yield from self.batches(named, where, whole=False, empty=False)
        elif plan == "repeats":
            where = " OR ".join(self._repeated(spec) for spec in specs)
            # no repeated value, no row GX could call unexpected: skip the run
            frames = self.batches(named, where, whole=True, empty=False)
            yield from (frame for frame in frames if len(frame))
        else:
            yield from self.batches(named, "true", whole=True)

    def _repeated(self, spec: dict[str, Any]) -> str:
        names = [n for n in columns_named(spec) if n in self.column]
        if not names:
            return "false"
        unsure = " OR ".join(self.unsure(n) for n in names)
        if scalar(self.table.connection, f"SELECT EXISTS (FROM cells WHERE k > 1 AND ({unsure}))"):
            return "true"  # a value pandas may read otherwise: GX sees every row
        return f"k IN (SELECT k FROM {self.table.repeated([self.key(n) for n in names])})"

    def key(self, name: str) -> str:
        """A value equal wherever pandas' typed values are equal, and NULL where pandas
        reads no value or where unsure: grouped with NULL equal to NULL, the repeats are
        then pandas' or more, unless a cell pandas may read as a value has a NULL key
        (`unsure`). A laxer key (DuckDB's TRY_CAST reads ' 1', 0x10 and 1_000, its
        strptime a trailing space) made a row that pandas reads as (x, missing) no repeat
        of another (x, missing)."""
        field = self.fields.get(name, {})
        text = self.text(name)
        if field.get("type", "string") in ("string", "any"):
            return text
        # a date in its format is read so: equal dates, equal keys. Without a key, a
        # compound key with a date repeated on (nearly) every row of a big file.
        surely, value = _surely_typed(field, text)
        return "NULL" if surely is None else f"(CASE WHEN {surely} THEN {value} END)"

    def unsure(self, name: str) -> str:
        """SQL: pandas may read the cell as a value where `key` is NULL (a key NULL on
        every row only groups more rows: it is never unsure)."""
        field, text = self.fields.get(name, {}), self.text(name)
        kind, key = field.get("type", "string"), self.key(name)
        if key == "NULL" or kind in ("string", "any", "boolean"):
            return "false"  # booleans: pandas reads the same words alone
        if kind == "integer":  # _typed: a full match of [+-]\d+, Python's \d
            readable = rf"regexp_full_match({text}, '[+-]?\p{{Nd}}+')"
        elif kind == "number":  # pd.to_numeric reads digits in many shapes, and inf
            readable = rf"regexp_matches({text}, '\p{{Nd}}|[iI][nN][fF]')"
        else:  # a date: text with its format's separators
            readable = _may_parse(text, field.get("format", "default"))
        return f"({text} IS NOT NULL AND {key} IS NULL AND {readable})"

    def batches(
        self, named: list[str], where: str, *, whole: bool, empty: bool = True
    ) -> Iterator[pd.DataFrame]:
        """Frames of the rows matching `where`, BATCH_ROWS at a time or (`whole`) as one.

        The file's empty lines join the first frame as rows with every value missing.
        Without `empty`, no rows make no frame, and pandas is not even imported: in a
        clean file that is most of what a person waits for after DuckDB
        (docs/decisions/0033-gx-suites-run-columnar.md).
        """
        columns = ", ".join(f"{self.text(n)} AS c{i}" for i, n in enumerate(named)) or "NULL"
        query = f"SELECT k, {columns} FROM cells WHERE k > 1 AND ({where})"
        connection = self.table.connection
        if not empty:
            connection.execute(f"CREATE OR REPLACE TEMP TABLE picked AS {query}").fetchall()
            if not scalar(connection, "SELECT count(*) FROM picked") and not self.table.blank_lines:
                return
            query = "SELECT * FROM picked"
        import pandas as pd

        result = connection.execute(f"{query} ORDER BY k")
        blank = [row - 2 for row in self.table.blank_lines]
        pending = [frame_from_text({n: [None] * len(blank) for n in named}, self.schema, blank)]
        while not (chunk := result.fetch_df_chunk(max(BATCH_ROWS // 2048, 1))).empty:
            index = self._index(chunk["k"].to_numpy(dtype="int64"))
            texts = {n: chunk[f"c{i}"].to_numpy() for i, n in enumerate(named)}
            pending.append(frame_from_text(texts, self.schema, index))
            if not whole:
                yield pd.concat(pending).sort_index() if len(pending) > 1 else pending[0]
                pending = []
        result.fetchall()  # DuckDB wants every result read to its end
        if whole or any(len(frame) for frame in pending):
            yield pd.concat(pending).sort_index() if len(pending) > 1 else pending[0]

    def _index(self, records: np.ndarray) -> np.ndarray:
        import numpy as np

        shifts = np.asarray(self.table._shifts, dtype=np.int64)
        return records + np.searchsorted(shifts, records, side="right") - 2


def _surely_passes(spec: dict[str, Any], reader: _Reader) -> bool:
    """Whether a whole-table expectation passes for certain, judged from DuckDB aggregates.

    Only plain cases with a margin are decided here; anything else goes to GX.
    """
    kind, kwargs = spec.get("type", ""), spec.get("kwargs", {})
    if WHOLE_TABLE_KWARGS & set(kwargs):
        return False
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if kind == "expect_table_row_count_to_be_between":
        rows = reader.table.rows
        return _inside(rows, low, high, kwargs, margin=0)
    if kind == "expect_table_columns_to_match_set" and isinstance(kwargs.get("column_set"), list):
        wanted, present = set(kwargs["column_set"]), set(reader.header)
        return wanted == present if kwargs.get("exact_match", True) else wanted <= present
    name = kwargs.get("column")
    if kind == "expect_column_mean_to_be_between" and name in reader.column:
        ftype = reader.fields.get(name, {}).get("type", "string")
        surely, value = _surely_typed(reader.fields.get(name, {}), reader.text(name))
        if ftype not in ("integer", "number") or surely is None:
            return False
        text = reader.text(name)
        query = (
            f"SELECT avg({value}), count_if({text} IS NOT NULL AND NOT ({surely})) "
            "FROM cells WHERE k > 1"
        )
        mean, unsure = reader.table.connection.execute(query).fetchall()[0]
        return mean is not None and not unsure and _inside(mean, low, high, kwargs, margin=1e-9)
    return False


def _inside(value: float, low: Any, high: Any, kwargs: dict[str, Any], *, margin: float) -> bool:
    """value within the bounds, by more than `margin` of its size (float sums differ a little)."""
    if not all(isinstance(b, int | float) or b is None for b in (low, high)):
        return False
    slack = abs(value) * margin
    above = low is None or (
        value - slack > low if kwargs.get("strict_min") else value - slack >= low
    )
    below = high is None or (
        value + slack < high if kwargs.get("strict_max") else value + slack <= high
    )
    return above and below


def _could_fail(spec: dict[str, Any], reader: _Columns, loading: bool = False) -> str | None:
    """Rows that could fail this expectation (a superset), or None when every row could.

    Where the schema vouches for the expectation (schema_vouches.py), only rows loaded
    as `bad`: elsewhere frictionless read the value within the schema's constraints, and
    read_frame reads it alike or not at all (a null, which passes). Not so for a null
    itself: a value read_frame cannot read is a null to not_be_null, on any row.
    """
    could = _could_fail_anywhere(spec, reader, loading)
    name = spec.get("kwargs", {}).get("column")
    if could is None or not vouches(spec, reader.placed.get(name)):
        return could
    # while loading, `bad` is not known yet, and a bad row is suspect anyway
    if spec["type"] == "expect_column_values_to_not_be_null":
        surely, _ = _surely_typed(reader.fields.get(name, {}), reader.text(name))
        unread = f"NOT ({surely})"
        return unread if loading else f"(bad AND {reader.text(name)} IS NULL) OR {unread}"
    return "false" if loading else f"bad AND ({could})"


def _could_fail_anywhere(
    spec: dict[str, Any], reader: _Columns, loading: bool = False
) -> str | None:
    kind, kwargs = spec["type"], spec.get("kwargs", {})
    name = kwargs.get("column")
    if name not in reader.column:
        return None
    field = reader.fields.get(name, {})
    ftype, text = field.get("type", "string"), reader.text(name)
    surely, value = _surely_typed(field, text)
    if surely is None:
        return None
    if kind == "expect_column_values_to_not_be_null":
        return f"{text} IS NULL OR NOT ({surely})"
    if kind == "expect_column_values_to_be_between":
        bounds = _bounds(kwargs, ftype)
        readable = "true"
        if ftype == "date":
            form = field.get("format", "default")
            if form == "default":
                # YYYY-MM-DD text orders as its date, and compares without parsing (a
                # third of the time); text of that shape but no date (2024-02-30) is
                # missing to read_frame, and passes
                surely, value = f"regexp_full_match({text}, '{DATE_SHAPE}')", text
            readable = _may_parse(text, form)
        return (
            None
            if bounds is None
            else f"{text} IS NOT NULL AND {readable} "
            f"AND NOT ({surely} AND {bounds.format(v=value)})"
        )
    if ftype != "string":
        return None
    if kind == "expect_column_values_to_be_in_set":
        allowed = kwargs.get("value_set") or []
        if not all(isinstance(v, str) for v in allowed):
            return None
        if not allowed:
            return f"{text} IS NOT NULL"  # every value is outside an empty set
        listed = ", ".join(sql_string(v) for v in allowed)
        if not loading:
            return f"{text} IS NOT NULL AND NOT ({text} = ANY([{listed}]))"  # a hash lookup
        # compared value by value, as the loading scan does a schema's enum
        return (
            None if len(allowed) > LONG_ENUM else f"{text} IS NOT NULL AND {text} NOT IN ({listed})"
        )
    if kind == "expect_column_values_to_match_regex":
        regex = kwargs.get("regex")
        if not isinstance(regex, str) or not _re2_safe(regex) or re.search(r"\\[dwsbDWSB]", regex):
            return None  # RE2 reads \d, \w, \s, \b as ASCII only; Python does not
        # anchored at the start: a superset of the rows failing re.match or re.search
        return (
            f"{text} IS NOT NULL AND NOT regexp_matches({text}, {sql_string('^(?:' + regex + ')')})"
        )
    if kind == "expect_column_value_lengths_to_be_between":
        bounds = _bounds(kwargs, "integer")
        return (
            None
            if bounds is None
            else f"{text} IS NOT NULL AND NOT ({bounds.format(v=f'length({text})')})"
        )
    return None


def _may_parse(text: str, form: str) -> str:
    """SQL false where pandas cannot read the text as a date in the field's format: it
    lacks one of the format's separators (pandas matches the whole text, exact). Such a
    cell is missing to read_frame, and passes `between`: without this, one such column
    (16/08/2024 in a YYYY-MM-DD column) would send every row to GX
    (docs/decisions/0035-suspect-rows-in-loading-scan.md)."""
    pattern = strptime_pattern(form)
    if form == "any" or "%%" in pattern:
        return "true"
    separators = sorted(set(re.sub(r"%.|\s", "", pattern)))
    return " AND ".join(f"contains({text}, {sql_string(s)})" for s in separators) or "true"


def _surely_typed(field: dict[str, Any], text: str) -> tuple[str | None, str]:
    """(SQL true when read_frame surely reads the text as the type, its value in SQL);
    None when that is not modelled (the text may be read any way: GX decides)."""
    ftype = field.get("type", "string")
    if ftype in ("string", "any"):
        return "true", text
    if ftype == "integer":
        return f"regexp_full_match({text}, '[+-]?[0-9]{{1,18}}')", f"TRY_CAST({text} AS BIGINT)"
    if ftype == "number":
        return (
            f"regexp_full_match({text}, '[+-]?[0-9]{{1,15}}(\\.[0-9]{{1,6}})?')",
            f"TRY_CAST({text} AS DOUBLE)",
        )
    if ftype == "boolean":
        true = field.get("trueValues", TRUE_VALUES)
        either = [*true, *field.get("falseValues", FALSE_VALUES)]
        if not all(isinstance(v, str) for v in either):
            return None, text  # read_frame compares the text with them as they are
        return f"({_one_of(text, either)})", f"({_one_of(text, true)})"
    if ftype == "date":
        pattern = strptime_pattern(field.get("format", "default"))
        shapes = strptime_shapes(pattern) if pattern != "any" else None
        if shapes is None:
            return None, text
        # the text in the format's ASCII shape, exactly (pandas reads 2024-01-05 in a
        # %d/%m/%Y column, or with a trailing space, as no date)
        value = f"CAST(try_strptime({text}, {sql_string(pattern)}) AS DATE)"
        # and within pandas' nanosecond timestamps (1500-01-01 is no date to it); false,
        # not NULL, for a day the month does not have (2024-02-30: no date to pandas, so a
        # null to not_be_null, which passed it as NULL is not false)
        within = f"coalesce({value} BETWEEN DATE '1677-09-22' AND DATE '2262-04-10', false)"
        return f"(regexp_full_match({text}, {sql_string(shapes[0])}) AND {within})", value
    return None, text


def _bounds(kwargs: dict[str, Any], ftype: str) -> str | None:
    """`{v}` within the expectation's bounds, in SQL; None when the bounds are not plain."""
    parts = []
    for key, strict, sign in (("min_value", "strict_min", ">"), ("max_value", "strict_max", "<")):
        bound = kwargs.get(key)
        if bound is None:
            continue
        if ftype == "date" and _a_date(bound):
            literal = f"'{bound}'"  # compared with the text (see _could_fail)
        elif (
            ftype in ("integer", "number")
            and isinstance(bound, int | float)
            and not isinstance(bound, bool)
        ):
            literal = repr(bound)
        else:
            return None
        parts.append(f"{{v}} {sign}{'' if kwargs.get(strict) else '='} {literal}")
    return " AND ".join(parts) if parts else None


def _a_date(bound: Any) -> bool:
    """A YYYY-MM-DD text naming a real day."""
    if not isinstance(bound, str) or not re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", bound):
        return False
    try:
        date.fromisoformat(bound)
    except ValueError:
        return False
    return True

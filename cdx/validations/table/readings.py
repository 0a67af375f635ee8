"""A wide table's typed values, read in long form for the checks of its bad rows.

The checks flag each (error type, field) on the rows loaded as `bad`
(table/checks.py, `_flag`), reading each field's value and whether it has its type. A
number's or a date's SQL is long, and DuckDB plans an expression wherever it is written:
written once per field, for a wide table of numbers that is most of the checks' time,
whatever the rows. Here the fields read alike (same type and format) are unpivoted into
one column, read by one expression, and pivoted back to a row per record: the SQL grows
with the fields' names, not with their rules.

Unpivoting costs a row per cell: where many rows are bad, planning the rules once per
field costs less than reading every cell in long form. Hence `LONG_FORM_CELLS`, where
the two cross (docs/decisions/0031-long-form-readings.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdx.validations.table.field_sql import FieldSql, reading_sql

if TYPE_CHECKING:
    import duckdb

LONG_FORM = ("integer", "number", "date", "datetime")  # kinds whose rule is long SQL
LONG_FORM_CELLS = 1_000_000  # bad rows x fields, at most, read in long form


def read_in_long_form(
    connection: duckdb.DuckDBPyConnection, source: str, fields: list[FieldSql]
) -> tuple[str, list[tuple[str, str]]]:
    """(`source` joined with the values, the columns v1, t1, … of the fields read so).

    `source` is a table of the records (k and the cells c1 … cN); the values are left in
    temporary tables `readings_0`, `readings_1`, … (drop_readings removes them).
    """
    groups: dict[tuple[str, str], list[FieldSql]] = {}
    for f in fields:
        if f.kind in LONG_FORM and f.value == f"v{f.number}":  # rule_columns named it
            groups.setdefault((f.kind, f.form), []).append(f)
    joined, columns = source, []
    for index, ((kind, form), group) in enumerate(groups.items()):
        typed, value = reading_sql(kind, form, "cell")
        cells = ", ".join(f.cell for f in group)
        names = ", ".join(f"'{f.cell}'" for f in group)
        connection.execute(
            f"""CREATE OR REPLACE TEMP TABLE readings_{index} AS
            SELECT * FROM (
                SELECT k, name, {value} AS v, {typed} AS t
                FROM (SELECT k, {cells} FROM {source})
                UNPIVOT INCLUDE NULLS (cell FOR name IN ({cells}))
            ) PIVOT (any_value(v) AS v, any_value(t) AS t FOR name IN ({names}) GROUP BY k)"""
        ).fetchall()
        joined += f" JOIN readings_{index} USING (k)"
        for f in group:
            columns += [(f"v{f.number}", f"{f.cell}_v"), (f"t{f.number}", f"{f.cell}_t")]
    return joined, columns


def drop_readings(connection: duckdb.DuckDBPyConnection) -> None:
    names = connection.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE temporary AND starts_with(table_name, 'readings_')"
    ).fetchall()
    for (name,) in names:
        connection.execute(f"DROP TABLE {name}").fetchall()

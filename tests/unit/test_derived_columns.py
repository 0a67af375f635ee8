"""The rules' derived columns (m1, v1, t1, …) as the loading scan and the checks write them."""

from __future__ import annotations

import duckdb

from cdx.validations.table.loaded import with_derived

# t1 reads v1; m1's text literal looks like a column's name and must stay text
DERIVED = [
    ("m1", "(c1 = 'v1 t1')"),
    ("v1", "TRY_CAST(c1 AS INTEGER)"),
    ("t1", "(v1 IS NOT NULL)"),
    ("m2", "(c2 IS NULL)"),
]
CELLS = [("5", "a"), ("x", None), ("v1 t1", "b")]


def _rows(sql: str) -> list[tuple[object, ...]]:
    connection = duckdb.connect()
    try:
        connection.execute("CREATE TABLE cells (c1 VARCHAR, c2 VARCHAR)")
        connection.executemany("INSERT INTO cells VALUES (?, ?)", CELLS)
        return connection.execute(f"SELECT c1, m1, v1, t1, m2 FROM ({sql}) ORDER BY c1").fetchall()
    finally:
        connection.close()


def test_a_column_reading_another_says_its_sql_again() -> None:
    inlined = with_derived("cells", DERIVED)
    assert inlined.count("TRY_CAST") == 2  # in v1, and again in t1 (no alias read)
    assert "'v1 t1'" in inlined  # a literal is not taken for the columns it names
    expected = [
        ("5", False, 5, True, False),
        ("v1 t1", True, None, False, False),
        ("x", False, None, False, True),
    ]
    assert _rows(inlined) == expected


def test_a_reading_keeps_the_columns_it_reads_and_what_they_read() -> None:
    sql = with_derived("cells", DERIVED, reading="NOT t1")
    assert " AS t1" in sql and " AS v1" in sql
    assert " AS m1" not in sql and " AS m2" not in sql
    assert " AS m2" in with_derived("cells", DERIVED, reading="m2 AND 'm1'")
    assert " AS m1" not in with_derived("cells", DERIVED, reading="m2 AND 'm1'")

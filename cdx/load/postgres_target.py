"""PostgreSQL: the first server target, through psycopg 3 and `COPY … FROM STDIN`.

The file's bytes go to the server as they are: the server parses the CSV and every value
into its column's type. Only a table whose columns disagree on what a missing value is
goes through a temporary text table first (COPY has one NULL string per statement).
The table's CHECKs are declared NOT VALID and tested on every row by load.row_scan, in a
thread beside COPY and the keys' index build (decision 0073).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cdx.core.errors import LoadFailed, LoadTargetUnreachable
from cdx.core.sql_text import sql_string
from cdx.load.column_types import Kind
from cdx.load.naming import quoted
from cdx.load.row_scan import scan_rows
from cdx.load.target import TableLoad

TYPES: dict[str, str] = {
    "text": "text",
    "integer": "bigint",
    "number": "double precision",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
    "datetime": "timestamptz",
    "year": "integer",
    "json": "jsonb",
}
CHUNK = 1 << 20
LOAD_LOCK = 0x63_64_78_6C  # "cdxl": one load at a time per database


class PostgresDialect:
    name = "PostgreSQL"
    max_identifier: int | None = 63
    constraints_after_load = True  # an index built from sorted rows; every CHECK in one scan
    checks_scanned_first = True  # its regular expressions are slow: DuckDB tests the rows

    def column_type(self, kind: Kind) -> str:
        return TYPES[kind]

    def pattern_check(self, column: str, pattern: str) -> str:
        return f"{column} ~ {sql_string(f'^(?:{pattern})$')}"


def copy_sql(table: str, columns: Sequence[str], null: str) -> str:
    names = ", ".join(map(quoted, columns))
    return (
        f"COPY {table} ({names}) FROM STDIN (FORMAT csv, HEADER true, "
        f"NULL {sql_string(null)}, FORCE_NULL ({names}))"
    )


class RowScan:
    """load.row_scan.scan_rows of one table in a thread; `wait` raises what it found."""

    def __init__(self, load: TableLoad) -> None:
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(load,), name="cdx-row-scan")
        self.thread.start()

    def _run(self, load: TableLoad) -> None:
        try:
            scan_rows(load)
        except BaseException as error:  # raised again by `wait`, in the loading thread
            self.failure = error

    def wait(self) -> None:
        self.thread.join()
        if self.failure is not None:
            raise self.failure


class PostgresSession:
    placeholder = "%s"

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.dialect = PostgresDialect()
        self._scan: RowScan | None = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, tuple(params) or None)

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql, tuple(params) or None).fetchall())

    def pattern_works(self, pattern: str) -> bool:
        import psycopg

        try:
            self.connection.execute("SELECT '' ~ %s", (f"^(?:{pattern})$",))
        except psycopg.Error:
            return False
        return True

    def begin(self) -> None:
        self.connection.autocommit = False
        self.connection.execute("SET LOCAL TimeZone = 'UTC'")
        self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (LOAD_LOCK,))

    def _copy(self, table: str, columns: Sequence[str], null: str, load: TableLoad) -> int:
        with self.connection.cursor() as cursor:
            with cursor.copy(copy_sql(table, columns, null)) as copy, load.csv.open("rb") as f:
                while chunk := f.read(CHUNK):
                    copy.write(chunk)
            return int(cursor.rowcount)

    def bulk_load(self, load: TableLoad) -> int:
        """COPY the file while DuckDB tests its rows against the NOT VALID CHECKs beside it;
        the test runs on through the keys' index build and is awaited before the next
        table's and before `commit` (a broken row raises there, nothing kept)."""
        self.await_row_scan()
        self._scan = RowScan(load)
        return self._bulk_load(load)

    def await_row_scan(self) -> None:
        scan, self._scan = self._scan, None
        if scan is not None:
            scan.wait()

    def _bulk_load(self, load: TableLoad) -> int:
        names = [c.name for c in load.columns]
        shared = {c.missing for c in load.columns}
        if len(shared) == 1 and len(next(iter(shared))) <= 1:
            null = next(iter(next(iter(shared))), "\\N")  # no missing value: a string CSV never has
            return self._copy(load.table, names, null, load)
        staging = quoted("cdx_staging")
        columns = ", ".join(f"{quoted(n)} text" for n in names)
        self.execute(f"CREATE TEMPORARY TABLE {staging} ({columns}) ON COMMIT DROP")
        self._copy(staging, names, "\\N", load)
        casts = []
        for column in load.columns:
            name, kind = quoted(column.name), TYPES[column.kind]
            nulls = ", ".join(map(sql_string, column.missing)) or "NULL"
            casts.append(f"CAST(CASE WHEN {name} IN ({nulls}) THEN NULL ELSE {name} END AS {kind})")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {load.table} ({', '.join(map(quoted, names))}) "
                f"SELECT {', '.join(casts)} FROM {staging}"
            )
            rows = int(cursor.rowcount)
        self.execute(f"DROP TABLE {staging}")
        return rows

    def commit(self) -> None:
        self.await_row_scan()
        self.connection.commit()


def shown_url(url: str) -> str:
    """The URL without its password, for messages and the load log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresTarget:
    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.shown = shown_url(self.url)

    @contextmanager
    def session(self) -> Iterator[PostgresSession]:
        import psycopg

        try:
            connection = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as error:
            raise LoadTargetUnreachable(
                f"PostgreSQL at {self.shown} did not accept the connection: {error}".strip(),
                hint="check the host, port, database and user in --into, and that the server runs",
            ) from error
        session = PostgresSession(connection)
        try:
            yield session
        except psycopg.Error as error:
            raise LoadFailed(
                f"PostgreSQL refused the load: {str(error).strip()}",
                hint="nothing was kept (the load is one transaction); tell the coalition "
                "what the message says if it is about their data",
            ) from error
        finally:
            try:
                if session._scan is not None:  # a load that failed: let its scan end first
                    session._scan.thread.join()
                connection.rollback()
            finally:
                connection.close()

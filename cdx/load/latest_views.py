"""The latest-version views: `<coalition>__<dataset>.<table>` → the highest version loaded.

"Latest" is the highest semantic version, not the last one loaded: loading 1.0.0 after
2.0.0 leaves the views on 2.0.0. Views of tables the latest version no longer has are
dropped, so a query never reads an older version without saying so.
"""

from __future__ import annotations

from cdx.core.sql_text import sql_string
from cdx.load.naming import qualified, quoted
from cdx.load.target import LoadSession


def point_latest(
    session: LoadSession, view_schema: str, version_schema: str, version: str, tables: list[str]
) -> None:
    session.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(view_schema)}")
    p = session.placeholder
    existing = session.fetch_all(
        f"SELECT table_name FROM information_schema.views WHERE table_schema = {p}",
        (view_schema,),
    )
    for (name,) in existing:
        session.execute(f"DROP VIEW {qualified(view_schema, str(name))}")
    for table in tables:
        view = qualified(view_schema, table)
        session.execute(f"CREATE VIEW {view} AS SELECT * FROM {qualified(version_schema, table)}")
        note = f"The latest loaded version ({version}) of {version_schema}.{table}"
        session.execute(f"COMMENT ON VIEW {view} IS {sql_string(note)}")

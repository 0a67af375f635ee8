"""A PostgreSQL-backed stand-in for the ``pysolr.Solr`` object CKAN searches through.

Implements the calls CKAN 2.12 makes on the connection (ckan/lib/search/index.py and
query.py): ``add``, ``delete``, ``commit`` and ``search``. Every write commits at once,
so ``commit`` has nothing left to do.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pysolr
import sqlalchemy

from . import query_parser
from .sql_filter import SqlFragment, rank_expression, where_clause

SCHEMA_SQL = """
SELECT pg_advisory_xact_lock(hashtext('pgsearch_schema'));
CREATE TABLE IF NOT EXISTS pgsearch_document (
    index_id text PRIMARY KEY,
    doc jsonb NOT NULL,
    content text NOT NULL DEFAULT '',
    text_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED
);
CREATE INDEX IF NOT EXISTS pgsearch_document_text_vector
    ON pgsearch_document USING gin (text_vector);
-- Every value of a field as text: one row for a single value, one per element of a list.
CREATE OR REPLACE FUNCTION pgsearch_values(doc jsonb, field text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT element #>> '{}' FROM jsonb_array_elements(
        CASE jsonb_typeof(doc -> field)
            WHEN 'array' THEN doc -> field
            WHEN 'null' THEN '[]'::jsonb
            ELSE jsonb_build_array(doc -> field)
        END) AS element
    WHERE doc ? field
$$;
CREATE OR REPLACE FUNCTION pgsearch_text(doc jsonb, field text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(value, ' '), '') FROM pgsearch_values(doc, field) AS value
$$;
"""

# Solr copies these fields into its catch-all ``text`` field (copyField in schema.xml).
TEXT_SOURCES = (
    "name", "title", "text", "license", "notes", "tags", "groups", "organization",
    "res_name", "res_description", "maintainer", "author",
    "url", "ckan_url", "download_url", "res_url",
)  # fmt: skip
TEXT_SOURCE_PREFIXES = ("extras_", "res_extras_", "vocab_")
# Indexed but not stored in CKAN's Solr schema: never returned in documents.
NOT_STORED = frozenset({"permission_labels", "title_string", "text", "urls"})
SORT_SPEC = re.compile(r"\s*([\w.]+)\s+(asc|desc)\s*", re.IGNORECASE)


@dataclass
class SearchResults:
    """The parts of ``pysolr.Results`` CKAN reads."""

    docs: list[dict[str, Any]]
    hits: int
    facets: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    highlighting: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Any:
        return iter(self.docs)


class PgSearchConnection:
    """Holds CKAN's search documents in the ``pgsearch_document`` table."""

    url = "postgresql:pgsearch_document"  # CKAN puts ``conn.url`` in error messages

    def __init__(self, engine: sqlalchemy.engine.Engine) -> None:
        self.engine = engine

    def create_schema(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(SCHEMA_SQL)

    def add(self, docs: list[dict[str, Any]], commit: bool = True, **_: Any) -> None:
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self.engine.begin() as connection:
            for doc in docs:
                doc = {"indexed_ts": now, **doc}
                connection.exec_driver_sql(
                    "INSERT INTO pgsearch_document (index_id, doc, content) VALUES (%s, %s, %s)"
                    " ON CONFLICT (index_id) DO UPDATE"
                    " SET doc = excluded.doc, content = excluded.content",
                    (doc["index_id"], json.dumps(doc, default=str), _catch_all_text(doc)),
                )

    def delete(self, id: str | None = None, q: str | None = None, **_: Any) -> None:
        condition = SqlFragment("index_id = %s", [id]) if id is not None else _where(q or "")
        with self.engine.begin() as connection:
            sql = f"DELETE FROM pgsearch_document WHERE {condition.sql}"
            connection.exec_driver_sql(sql, tuple(condition.params))

    def commit(self, **_: Any) -> None:
        """Writes are committed as they happen."""

    def search(self, q: str, **params: Any) -> SearchResults:
        default_operator = params.get("q.op", "OR")
        query_node = _parse(q or "*:*", default_operator)
        filters = [where_clause(query_node)]
        filters += [_where(fq, default_operator) for fq in _as_list(params.get("fq"))]
        condition = SqlFragment(
            " AND ".join(f.sql for f in filters), [p for f in filters for p in f.params]
        )
        rank = rank_expression(query_node)
        order = _order_by(params.get("sort"), rank)
        rows, start = int(params.get("rows", 10)), int(params.get("start", 0))

        with self.engine.connect() as connection:
            hits = connection.exec_driver_sql(
                f"SELECT count(*) FROM pgsearch_document WHERE {condition.sql}",
                tuple(condition.params),
            ).scalar_one()
            rows_found = connection.exec_driver_sql(
                f"SELECT doc, {rank.sql} AS score FROM pgsearch_document"
                f" WHERE {condition.sql} ORDER BY {order.sql} LIMIT %s OFFSET %s",
                (*rank.params, *condition.params, *order.params, rows, start),
            ).all()
            facets = {}
            if str(params.get("facet", "false")).lower() == "true":
                facets = self._facets(connection, condition, params)

        fields = _field_list(params.get("fl"))
        docs = [_stored_fields(doc, score, fields) for doc, score in rows_found]
        return SearchResults(docs=docs, hits=hits, facets={"facet_fields": facets})

    def _facets(
        self, connection: sqlalchemy.Connection, condition: SqlFragment, params: dict[str, Any]
    ) -> dict[str, list[Any]]:
        """Solr's facet.field answer: per field a flat list [value, count, value, count, …]."""
        limit = int(params.get("facet.limit", 100))
        mincount = int(params.get("facet.mincount", 0))
        facets: dict[str, list[Any]] = {}
        for facet_field in _as_list(params.get("facet.field")):
            counts = connection.exec_driver_sql(
                "SELECT value, count(DISTINCT index_id) AS n"
                " FROM pgsearch_document, pgsearch_values(doc, %s) AS value"
                f" WHERE {condition.sql} GROUP BY value"
                " HAVING count(DISTINCT index_id) >= %s ORDER BY n DESC, value LIMIT %s",
                (facet_field, *condition.params, mincount, None if limit < 0 else limit),
            ).all()
            facets[facet_field] = [item for value, n in counts for item in (value, n)]
        return facets


def _parse(query: str, default_operator: str = "OR") -> query_parser.Node:
    try:
        return query_parser.parse(query, default_operator=default_operator)
    except query_parser.QuerySyntaxError as e:
        # CKAN turns pysolr.SolrError into its own SearchError / SearchIndexError.
        raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: {e}") from e


def _where(query: str, default_operator: str = "OR") -> SqlFragment:
    return where_clause(_parse(query, default_operator)) if query.strip() else SqlFragment("TRUE")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _order_by(sort: str | None, rank: SqlFragment) -> SqlFragment:
    """Solr ``sort`` ("score desc, metadata_modified desc") as an ORDER BY clause."""
    terms, params = [], []
    for spec in (sort or "score desc").split(","):
        match = SORT_SPEC.fullmatch(spec)
        if not match:
            # The message CKAN looks for to answer 'Invalid "sort" parameter'.
            raise pysolr.SolrError(
                f"Can't determine a Sort Order (asc or desc) in sort spec {spec!r}"
            )
        name, direction = match[1], match[2].upper()
        if name == "score":
            terms.append(f"score {direction}")
        else:
            terms.append(f"doc -> %s {direction} NULLS LAST")
            params.append(name)
    terms.append("index_id")  # a stable order for equal keys
    return SqlFragment(", ".join(terms), params)


def _field_list(fl: Any) -> set[str]:
    names = " ".join(_as_list(fl)) if fl else "*"
    return set(re.split(r"[\s,]+", names.strip()))


def _stored_fields(doc: dict[str, Any], score: float, fields: set[str]) -> dict[str, Any]:
    stored = {k: v for k, v in doc.items() if k not in NOT_STORED}
    if "*" not in fields:
        stored = {k: v for k, v in stored.items() if k in fields}
    if "score" in fields:
        stored["score"] = score
    return stored


def _catch_all_text(doc: dict[str, Any]) -> str:
    """What Solr's copyField rules would put into the ``text`` field."""
    values = []
    for key, value in doc.items():
        if key in TEXT_SOURCES or key.startswith(TEXT_SOURCE_PREFIXES):
            values.extend(value if isinstance(value, list) else [value])
    return " ".join(str(v) for v in values if v not in (None, ""))

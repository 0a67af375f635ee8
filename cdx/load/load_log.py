"""The metadata tables every target holds in the schema `cdx`.

`cdx.load_log`: one row per loaded version: who loaded it, when, with which cdx, which
key vouched for it (and whether the office's trust store holds that key), the manifest's
SHA-256 and every file's. `cdx.packages`: the package's own documents (descriptor,
provenance, validation and privacy decisions) as JSON, beside the tables they describe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdx.load.naming import META_SCHEMA, quoted
from cdx.load.target import LoadSession

LOG = f"{quoted(META_SCHEMA)}.{quoted('load_log')}"
PACKAGES = f"{quoted(META_SCHEMA)}.{quoted('packages')}"


def ensure_tables(session: LoadSession) -> None:
    """Create the schema and tables if this database has none yet (inside the load's
    transaction, so a failed first load leaves no trace either)."""
    text, json_type = session.dialect.column_type("text"), session.dialect.column_type("json")
    stamp = session.dialect.column_type("datetime")
    session.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(META_SCHEMA)}")
    session.execute(
        f"""CREATE TABLE IF NOT EXISTS {LOG} (
  schema_name {text} PRIMARY KEY,
  coalition {text} NOT NULL,
  dataset {text} NOT NULL,
  version {text} NOT NULL,
  package_id {text} NOT NULL,
  manifest_sha256 {text} NOT NULL,
  content_digest {text},
  key_id {text} NOT NULL,
  key_trusted BOOLEAN NOT NULL,
  loaded_by {text} NOT NULL,
  loaded_at {stamp} NOT NULL,
  cdx_version {text} NOT NULL,
  files {json_type} NOT NULL,
  tables {json_type} NOT NULL,
  not_enforced {json_type} NOT NULL,
  UNIQUE (coalition, dataset, version)
)"""
    )
    session.execute(
        f"""CREATE TABLE IF NOT EXISTS {PACKAGES} (
  schema_name {text} PRIMARY KEY REFERENCES {LOG} (schema_name),
  descriptor {json_type} NOT NULL,
  provenance {json_type} NOT NULL,
  validation {json_type},
  privacy {json_type}
)"""
    )


def loaded_manifest(session: LoadSession, coalition: str, dataset: str, version: str) -> str | None:
    """The manifest SHA-256 this version was loaded with, or None if it was not."""
    p = session.placeholder
    rows = session.fetch_all(
        f"SELECT manifest_sha256 FROM {LOG} WHERE coalition = {p} AND dataset = {p} "
        f"AND version = {p}",
        (coalition, dataset, version),
    )
    return str(rows[0][0]) if rows else None


def loaded_versions(session: LoadSession, coalition: str, dataset: str) -> dict[str, str]:
    """Every loaded version of a dataset → its schema."""
    p = session.placeholder
    rows = session.fetch_all(
        f"SELECT version, schema_name FROM {LOG} WHERE coalition = {p} AND dataset = {p}",
        (coalition, dataset),
    )
    return {str(version): str(schema) for version, schema in rows}


@dataclass(frozen=True)
class LoadEntry:
    schema_name: str
    coalition: str
    dataset: str
    version: str
    package_id: str
    manifest_sha256: str
    content_digest: str | None
    key_id: str
    key_trusted: bool
    loaded_by: str
    loaded_at: str  # ISO 8601, UTC
    cdx_version: str
    files: list[dict[str, Any]]
    tables: dict[str, int]
    not_enforced: list[str]


def record(session: LoadSession, entry: LoadEntry, documents: dict[str, Any]) -> None:
    """Write the load log row and the package's documents."""
    row: dict[str, Any] = dict(entry.__dict__)
    for name in ("files", "tables", "not_enforced"):
        row[name] = json.dumps(row[name], ensure_ascii=False)
    _insert(session, LOG, row)
    texts = {
        name: None if value is None else json.dumps(value, ensure_ascii=False)
        for name, value in documents.items()
    }
    _insert(session, PACKAGES, {"schema_name": entry.schema_name, **texts})


def _insert(session: LoadSession, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(map(quoted, row))
    values = ", ".join(session.placeholder for _ in row)
    session.execute(f"INSERT INTO {table} ({columns}) VALUES ({values})", tuple(row.values()))

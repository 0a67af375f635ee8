"""What the `cdx load` tests share: sealed example packages, targets, and queries."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLE, reseal_as, seal_example

TARGETS = ("duckdb", "postgres")


def examples(root: Path) -> tuple[Path, dict[str, Path]]:
    """The example coalition with a fresh key, and both its datasets sealed."""
    from cdx.cli.scaffold import init_coalition

    coalition = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, coalition, ignore=shutil.ignore_patterns("keys"))
    init_coalition(coalition)
    sealed = {d: seal_example(coalition, d) for d in ("health-scorecard", "youth-survey")}
    return coalition, sealed


def copy_package(package: Path, to: Path) -> Path:
    shutil.copytree(package, to)
    return to


def rewrite_data(package: Path, resource: str, rewrite: Any) -> None:
    """Change one table's text (rewrite: text → text) and the descriptor's record of it."""
    descriptor = json.loads((package / "datapackage.json").read_text())
    entry = next(r for r in descriptor["resources"] if r["name"] == resource)
    path = package / entry["path"]
    path.write_text(rewrite(path.read_text()))
    data = path.read_bytes()
    entry["bytes"], entry["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))


def trust_store_of(*files: Path, into: Path) -> Path:
    """One trust store holding the keys of every `.pub.json` file given."""
    keys: dict[str, Any] = {}
    for file in files:
        keys.update(json.loads(file.read_text()))
    into.write_text(json.dumps(keys))
    return into


def resealed(
    package: Path,
    to: Path,
    version: str,
    keys: Path,
    coalition: str = "kenya-lnob",
    rewrite: tuple[str, Any] | None = None,
) -> tuple[Path, Path]:
    """A copy of `package`, one table rewritten if asked (resource, text → text), signed
    again as `version` by `coalition`'s key in `keys` (made there if missing)."""
    manifest = json.loads((package / "manifest.json").read_text())
    copy = copy_package(package, to)
    if rewrite is not None:
        rewrite_data(copy, *rewrite)
    public = reseal_as(copy, coalition, manifest["package"]["dataset"], version, keys)
    return copy, public


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url) as connection:
            return list(connection.execute(sql).fetchall())
    import duckdb

    connection = duckdb.connect(url, read_only=True)
    try:
        return list(connection.execute(sql).fetchall())
    finally:
        connection.close()


def execute(url: str, sql: str) -> None:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url) as connection:
            connection.execute(sql)
        return
    import duckdb

    connection = duckdb.connect(url)
    try:
        connection.execute(sql)
    finally:
        connection.close()


def schemas(url: str) -> set[str]:
    rows = query(url, "SELECT schema_name FROM information_schema.schemata")
    return {str(name) for (name,) in rows} - {
        "main",
        "information_schema",
        "pg_catalog",
        "pg_toast",
        "public",
    }

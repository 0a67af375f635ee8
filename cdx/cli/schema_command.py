"""`cdx schema infer`: a starter Table Schema with a suggested privacy role per column."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from cdx.core.errors import ConfigError


def infer_starter_schema(
    target: str,
    config: Path,
    *,
    source: str | None,
    sheet: str | None,
    encoding: str | None,
) -> tuple[dict[str, Any], list[Any]]:
    """The inferred schema of a file, or of a dataset's source, with suggested roles."""
    from cdx.packaging.inference import infer_schema
    from cdx.packaging.tabular import csv_rows, normalise_table
    from cdx.protect.role_suggestions import apply_suggestions, column_values, suggest_role

    path = Path(target)
    if not (path.suffix.lower() in (".csv", ".xlsx", ".txt", ".tsv") or path.is_file()):
        path, sheet, encoding = _dataset_source(target, config, source)
    with tempfile.TemporaryDirectory(prefix="cdx-infer-") as scratch:
        table = normalise_table(path, Path(scratch) / "table.csv", encoding=encoding, sheet=sheet)
        schema = infer_schema(table.path)
        with table.path.open(encoding="utf-8", newline="") as handle:
            rows = csv_rows(handle)
            next(rows, None)
            values = column_values([f["name"] for f in schema["fields"]], rows)
    suggestions = [
        suggest_role(spec["name"], spec["type"], column)
        for spec, column in zip(schema["fields"], values, strict=True)
    ]
    starter = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json", **schema}
    return apply_suggestions(starter, suggestions), suggestions


def _dataset_source(
    name: str, config: Path, wanted: str | None
) -> tuple[Path, str | None, str | None]:
    from cdx.core.coalition import load_coalition
    from cdx.packaging.build import resource_name

    coalition = load_coalition(config)
    sources = coalition.dataset(name).sources
    names = [resource_name(s) for s in sources]
    if wanted is None and len(sources) > 1:
        raise ConfigError(
            f"dataset {name!r} has {len(sources)} sources: {', '.join(names)}",
            hint="name one with --source",
        )
    if wanted is not None and wanted not in names:
        raise ConfigError(
            f"dataset {name!r} has no source {wanted!r} (it has {', '.join(names)})",
            hint="name one of them with --source",
        )
    chosen = sources[names.index(wanted) if wanted else 0]
    return coalition.base_dir / chosen.path, chosen.sheet, chosen.encoding


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"

"""The build step: staged source files → normalised tables → a Data Package."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cdx.core.coalition import Coalition, Source
from cdx.core.references import resolve_reference
from cdx.packaging.descriptor import TableInput, build_package
from cdx.packaging.tabular import normalise_table


def resource_name(source: Source) -> str:
    return source.name or Path(source.path).stem.lower().replace("_", "-").replace(" ", "-")


def build_dataset(
    coalition: Coalition,
    dataset_name: str,
    staged: list[Path],
    package_dir: Path,
    *,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """Normalise each staged file (same order as the dataset's sources) and package them."""
    dataset = coalition.dataset(dataset_name)
    tables = []
    normalised_dir = package_dir.parent / "normalised"
    for source, path in zip(dataset.sources, staged, strict=True):
        name = resource_name(source)
        table = normalise_table(
            path,
            normalised_dir / f"{name}.csv",
            encoding=source.encoding,
            sheet=source.sheet,
            formulas=dataset.formulas,
        )
        schema_path = (
            resolve_reference(source.table_schema, coalition.base_dir, kind="schema")
            if source.table_schema
            else None
        )
        tables.append(
            TableInput(name, table.path, schema_path, Path(source.path).name, table.formula_cells)
        )
    return build_package(coalition, dataset_name, tables, package_dir, created=created)

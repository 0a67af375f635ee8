"""The fitness-for-use part of a package's `citizenData` (cdx/core/fitness.py's fields).

Names follow the profile's camelCase; a field the coalition left out is left out here
too (the profile warns about the ones offices look for first), except the update
frequency, which always has a value. `issued` is written only when declared: the build
date is the descriptor's `created`, which the content digest leaves out, so a republish of
the same sources on another day stays the same content (readers fall back to `created`).
"""

from __future__ import annotations

from typing import Any

from cdx.core.coalition import Dataset
from cdx.core.fitness import Area
from cdx.core.names import package_id


def fitness_entries(coalition_id: str, dataset_name: str, dataset: Dataset) -> dict[str, Any]:
    """The citizenData entries describing fitness for use, ready for datapackage.json."""
    meta = dataset.metadata
    found: dict[str, Any] = {
        "updateFrequency": dataset.update_frequency,
    }
    if meta.issued:
        found["issued"] = meta.issued.isoformat()
    if meta.modified:
        found["modified"] = meta.modified.isoformat()
    if meta.reference_period:
        found["referencePeriod"] = {
            "start": meta.reference_period.start.isoformat(),
            "end": meta.reference_period.end.isoformat(),
        }
    if meta.sampling:
        found["sampling"] = _camel(meta.sampling.model_dump(exclude_none=True))
    if meta.limitations:
        found["limitations"] = list(meta.limitations)
    if meta.languages:
        found["languages"] = list(meta.languages)
    if meta.version_notes:
        found["versionNotes"] = meta.version_notes
    if meta.previous_version:
        previous = meta.previous_version
        found["previousVersion"] = {
            "version": previous,
            "id": package_id(coalition_id, dataset_name, previous),
            "ref": f"{coalition_id}/{dataset_name}@{previous}",
        }
    codes = [
        _camel(area.model_dump(exclude_none=True))
        for area in meta.geographic_coverage.areas
        if isinstance(area, Area)
    ]
    if codes:
        found["areaCodes"] = codes
    if meta.dimensions:
        found["dimensions"] = {
            column: mapping.model_dump(exclude_none=True)
            for column, mapping in meta.dimensions.items()
        }
    if meta.indicators:
        found["indicators"] = [
            _camel(indicator.model_dump(exclude_none=True)) for indicator in meta.indicators
        ]
    return found


def with_units(schema: dict[str, Any], units: dict[str, str]) -> dict[str, Any]:
    """The Table Schema with each field's `unit` from coalition.yaml (the schema's wins)."""
    if not units:
        return schema
    fields = [
        {**field, "unit": units[field["name"]]}
        if field.get("name") in units and "unit" not in field
        else field
        for field in schema.get("fields", [])
    ]
    return {**schema, "fields": fields}


def _camel(values: dict[str, Any]) -> dict[str, Any]:
    special = {"iso_3166_2": "iso3166_2"}
    return {special.get(k) or _camel_word(k): v for k, v in values.items()}


def _camel_word(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)

"""Build a Frictionless Data Package (v2) from a coalition's normalised tables."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdx.core.accepted_files import already_accepted, remember_accepted
from cdx.core.coalition import Coalition
from cdx.core.errors import SchemaInvalid
from cdx.core.hashing import sha256_file
from cdx.core.layout import CDX_PROFILE, DATA_DIR, DATAPACKAGE_V2, DESCRIPTOR
from cdx.core.licences import licence_entry
from cdx.core.names import package_id
from cdx.packaging.fitness_metadata import fitness_entries, with_units
from cdx.packaging.inference import infer_schema


@dataclass(frozen=True)
class TableInput:
    """One normalised table and the schema it must follow (None: infer it)."""

    name: str
    csv_path: Path
    schema_path: Path | None
    source_title: str
    formula_cells: dict[str, Any] | None = None  # neutralised, as tabular.TableFile says


# cdx's packages are Data Package v2, so their Table Schemas are read as version 2
# (frictionless reads exclusiveMinimum/Maximum only there), unless one names its own
TABLE_SCHEMA_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


def as_version_2(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema as frictionless is to read it in a cdx package."""
    return {"$schema": TABLE_SCHEMA_V2, **schema}


def load_table_schema(path: Path) -> dict[str, Any]:
    """Read a Table Schema and check it with frictionless.

    A file frictionless has accepted before (same bytes, same release) is not checked
    again, so a clean run need not import frictionless: see cdx/accepted_files.py.
    """
    if not path.is_file():
        raise SchemaInvalid(
            f"the Table Schema {path} does not exist",
            hint="fix the `schema` path of this source in coalition.yaml, or remove it to "
            "infer a schema from the data",
        )
    try:
        content = path.read_bytes()
        descriptor = json.loads(content.decode("utf-8"))
    except ValueError as exc:
        raise SchemaInvalid(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(descriptor, dict):
        raise SchemaInvalid(f"{path} must be a JSON object with `fields`")
    if already_accepted(content, "frictionless", SCHEMA_CHECKS):
        return descriptor
    from frictionless import FrictionlessException, Schema

    try:
        schema = Schema.from_descriptor(as_version_2(descriptor))
    except FrictionlessException as exc:
        reasons = [reason.message for reason in exc.reasons]
        said = exc.error.note or exc.error.message
        hint = "see https://datapackage.org/standard/table-schema/"
        if any("requires datapackage v2" in reason for reason in reasons):
            hint = f'declare "$schema": "{TABLE_SCHEMA_V2}" in the schema, or ' + hint
        raise SchemaInvalid(
            f"{path} is not a valid Table Schema: {said}"
            + (f" ({'; '.join(reasons)})" if reasons else ""),
            hint=hint,
        ) from None
    if unread := _unreadable_bound(schema):
        raise SchemaInvalid(f"{path}: {unread}", hint=_BOUND_HINT)
    if unusable := _unusable_pattern(schema):
        raise SchemaInvalid(f"{path}: {unusable}", hint=_PATTERN_HINT)
    remember_accepted(content, "frictionless", SCHEMA_CHECKS)
    return descriptor


# cdx's own checks of a schema beside frictionless' (bounds, patterns); raised when they
# refuse more, so that a schema accepted under fewer checks is checked again
# (docs/decisions/0016-refuse-schemas-and-suites-engines-cannot-run.md)
SCHEMA_CHECKS = 2
_PATTERN_HINT = (
    "write a flag as a group around the pattern, (?i:[a-z]+) rather than (?i)[a-z]+: the "
    "pattern is matched whole, as ^PATTERN$, where a flag can only come first"
)


def _unusable_pattern(schema: Any) -> str | None:
    """A pattern Python's re cannot compile the way frictionless wraps it, said; else None.
    frictionless stops validating on it with re.error (a traceback for a person)."""
    for field in schema.fields:
        pattern = field.constraints.get("pattern")
        if pattern is None:
            continue
        try:
            re.compile(f"^{pattern}$")
        except re.error as exc:
            return f"the pattern {pattern!r} of field `{field.name}` cannot be used ({exc})"
    return None


BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_BOUND_HINT = (
    "write the bound as the field's values are written (its `format`; YYYY-MM-DD when it "
    "has none), or change the field's `format`"
)


def _unreadable_bound(schema: Any) -> str | None:
    """A bound frictionless cannot read with its field's type and format, said; else None.

    frictionless reads a bound as it reads a cell of the field: a date field formatted
    "%d %b %Y" with "minimum": "2020-01-01" reads no bound, and then stops validating
    with a TypeError at the first cell it compares.
    """
    for field in schema.fields:
        reader = field.create_value_reader()
        for name in BOUNDS:
            bound = field.constraints.get(name)
            if bound is not None and reader(bound) is None:
                written = f' written "{field.format}"' if field.format != "default" else ""
                return (
                    f'the {name} "{bound}" of field `{field.name}` is not a {field.type}'
                    f"{written}, so no value could be compared with it"
                )
    return None


def build_package(
    coalition: Coalition,
    dataset_name: str,
    tables: list[TableInput],
    package_dir: Path,
    *,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """Copy the tables into `package_dir/data/` and write datapackage.json."""
    dataset = coalition.dataset(dataset_name)
    info = coalition.config.coalition
    meta = dataset.metadata
    (package_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
    resources = []
    for table in tables:
        relative = f"{DATA_DIR}/{table.name}.csv"
        target = package_dir / relative
        shutil.copyfile(table.csv_path, target)
        schema = with_units(
            load_table_schema(table.schema_path)
            if table.schema_path is not None
            else infer_schema(target),
            meta.units,
        )
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": relative,
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": target.stat().st_size,
                "hash": f"sha256:{sha256_file(target)}",
                "schema": schema,
                "sources": [{"title": table.source_title}],
                **({"cdx:formulaCells": table.formula_cells} if table.formula_cells else {}),
            }
        )
    contributors: list[dict[str, Any]] = [
        {
            "title": info.name,
            "email": info.contact.email,
            "roles": ["publisher"],
            "organization": info.name,
        }
    ]
    contributors += [
        {
            "title": org.name,
            "roles": [org.role or "contributor"],
            **({"path": org.url} if org.url else {}),
        }
        for org in info.organisations
    ]
    created = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    descriptor: dict[str, Any] = {
        "$schema": DATAPACKAGE_V2,
        "cdxProfile": CDX_PROFILE,
        "id": package_id(info.id, dataset_name, dataset.version),
        "name": f"{info.id}-{dataset_name}",
        "title": dataset.title,
        "description": dataset.description,
        "version": dataset.version,
        "created": created.isoformat(),
        "licenses": [licence_entry(coalition.licence_of(dataset))],
        "keywords": sorted(
            {*meta.keywords, *meta.disaggregation, *(f"SDG {c}" for c in meta.sdg_indicators)}
        ),
        "contributors": contributors,
        "sources": [{"title": t.source_title} for t in tables],
        "citizenData": {
            "coalition": {"id": info.id, "name": info.name, "country": info.country},
            "organisations": [org.model_dump(exclude_none=True) for org in info.organisations],
            "contact": info.contact.model_dump(),
            "collectionMethod": meta.collection_method,
            "collectionPeriod": {
                "start": meta.collection_period.start.isoformat(),
                "end": meta.collection_period.end.isoformat(),
            },
            "geographicCoverage": {
                "country": meta.geographic_coverage.country,
                "areas": meta.geographic_coverage.area_names(),
            },
            "population": meta.population,
            "disaggregation": meta.disaggregation,
            "sdgIndicators": meta.sdg_indicators,
            "consentBasis": meta.consent_basis,
            "participationLevel": meta.participation_level,
            **({"methodology": meta.methodology} if meta.methodology else {}),
            **fitness_entries(info.id, dataset_name, dataset),
        },
        "resources": resources,
    }
    (package_dir / DESCRIPTOR).write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return descriptor

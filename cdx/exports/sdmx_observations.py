"""A package's indicator tables as SDMX observations keyed by the SDG DSD's dimensions.

Only what the coalition declared in `citizenData` is used: `indicators` (which column
holds the values, its SERIES code and unit), `dimensions` (disaggregation column → SDG
dimension codes), `areaCodes` and `referencePeriod`. Every value that has no declared
code is collected, and the whole export is refused with the columns and values named:
an office never receives an observation keyed by a guess.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from cdx.core.errors import SdmxNotDeclared, SdmxUnmappable
from cdx.core.fitness import SdgDimension

# The SDG DSD's dimensions in its order; TIME_PERIOD is the observation dimension.
DIMENSIONS = ("FREQ", "REPORTING_TYPE", "SERIES", *get_args(SdgDimension), "TIME_PERIOD")
BREAKDOWNS = DIMENSIONS[4:-1]  # `_T` (no breakdown) unless a column says otherwise
NATIONAL = "N"  # REPORTING_TYPE of data reported within a country
DEFAULT_DATAFLOW = ("IAEG-SDGs", "DF_SDG_GLH", "1.24")
SHOWN = 8  # unmapped values named in a refusal, per column


@dataclass(frozen=True)
class Observations:
    """Rows of one SDMX dataset: the components in order, one dict per observation."""

    columns: list[str]
    rows: list[dict[str, str]]
    value_types: dict[str, str]  # OBS_VALUE's Table Schema type per series


def observations(package_dir: Path, descriptor: dict[str, Any]) -> Observations:
    """Every declared indicator's rows as observations; SdmxUnmappable lists what is not."""
    citizen = descriptor.get("citizenData") or {}
    indicators = citizen.get("indicators") or []
    if not indicators:
        raise SdmxNotDeclared(
            f"{descriptor.get('id')} declares no indicator to export as SDMX observations",
            hint="the coalition lists them under `metadata.indicators:` in coalition.yaml "
            "(resource, column of values, SDG series code) and publishes a new version",
        )
    freq, period = time_period(citizen.get("referencePeriod"))
    mappings: dict[str, Any] = citizen.get("dimensions") or {}
    areas = {a["name"]: a.get("iso3166_2") or a.get("pcode") for a in citizen.get("areaCodes", [])}
    country = _m49(citizen.get("geographicCoverage", {}).get("country", ""))
    resources = {r["name"]: r for r in descriptor.get("resources", [])}
    unmapped: dict[str, set[str]] = defaultdict(set)
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    value_types: dict[str, str] = {}
    has_unit = any(i.get("unitMeasure") for i in indicators)
    for indicator in indicators:
        resource = _resource(resources, indicator)
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        value_types[indicator["series"]] = _value_type(fields, indicator)
        missing = set(resource["schema"].get("missingValues", [""]))
        used = [column for column in mappings if column in fields]
        base = {d: "_T" for d in BREAKDOWNS}
        base |= {"FREQ": freq, "REPORTING_TYPE": NATIONAL, "SERIES": indicator["series"]}
        base |= {"REF_AREA": country, "TIME_PERIOD": period}
        unit = {"UNIT_MEASURE": indicator.get("unitMeasure", "")} if has_unit else {}
        coded: dict[str, dict[str, dict[str, str] | None]] = {column: {} for column in used}
        with (package_dir / resource["path"]).open(encoding="utf-8", newline="") as file:
            for number, record in enumerate(csv.DictReader(file), start=2):
                value = record.get(indicator["column"], "")
                if value in missing:
                    continue  # suppressed or not collected: no observation
                if not _is_number(value):
                    raise SdmxUnmappable(
                        f"{resource['name']} row {number}: {indicator['column']} = {value!r} "
                        "is not written as a plain number, so it cannot be an OBS_VALUE",
                        hint="publish the values as plain numbers (1234.5: no group "
                        "separators, a dot for decimals)",
                    )
                key = dict(base)
                for column in used:
                    cell = record.get(column, "")
                    known = coded[column]
                    if cell not in known:  # each distinct value is looked up once
                        known[cell] = _codes_of(mappings[column], cell, areas)
                    codes = known[cell]
                    if codes is None:
                        unmapped[column].add(cell)
                    else:
                        key.update(codes)
                identity = tuple(key[d] for d in DIMENSIONS)
                if identity in seen and not unmapped:
                    raise SdmxUnmappable(
                        f"{resource['name']} rows {seen[identity]} and {number} give the same "
                        f"SDMX key {'.'.join(identity)}: one observation cannot hold two values",
                        hint="declare under `metadata.dimensions:` the column that tells "
                        "these rows apart, or publish a table with one value per key",
                    )
                seen[identity] = number
                key["OBS_VALUE"] = value
                key.update(unit)
                rows.append(key)
    if unmapped:
        raise _refusal(unmapped)
    columns = [*DIMENSIONS, "OBS_VALUE", *(["UNIT_MEASURE"] if has_unit else [])]
    return Observations(columns, rows, value_types)


def time_period(reference: dict[str, str] | None) -> tuple[str, str]:
    """(FREQ, TIME_PERIOD) of a reference period that is a calendar year, quarter or month."""
    if not reference:
        raise SdmxNotDeclared(
            "the package states no reference period, so its observations have no TIME_PERIOD",
            hint="the coalition adds `reference_period: {start: …, end: …}` to the dataset's "
            "metadata in coalition.yaml and publishes a new version",
        )
    start = dt.date.fromisoformat(reference["start"])
    end = dt.date.fromisoformat(reference["end"])
    month_end = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == month_end and start.year == end.year:
        months = end.month - start.month + 1
        if months == 12:
            return "A", f"{start.year}"
        if months == 3 and start.month % 3 == 1:
            return "Q", f"{start.year}-Q{start.month // 3 + 1}"
        if months == 1:
            return "M", f"{start.year}-{start.month:02d}"
    raise SdmxUnmappable(
        f"the reference period {start}..{end} is not a calendar year, quarter or month, "
        "so it has no SDMX TIME_PERIOD of the SDG data structure",
        hint="state the reference period as a whole year, quarter or month in coalition.yaml",
    )


def _resource(resources: dict[str, Any], indicator: dict[str, Any]) -> dict[str, Any]:
    resource = resources.get(indicator["resource"])
    if resource is None:
        raise SdmxNotDeclared(
            f"indicator {indicator['series']} names the table {indicator['resource']!r}, "
            "which the package does not hold",
            hint=f"the package's tables: {', '.join(sorted(resources)) or 'none'}",
        )
    return resource


def _value_type(fields: dict[str, Any], indicator: dict[str, Any]) -> str:
    field = fields.get(indicator["column"])
    kind = field.get("type") if field else None
    if kind not in ("integer", "number"):
        said = f"is a {kind}" if field else "does not exist"
        raise SdmxUnmappable(
            f"the value column `{indicator['column']}` of {indicator['resource']} {said}; "
            "OBS_VALUE must be a number",
            hint="name an integer or number column as the indicator's `column`",
        )
    return str(kind)


def _codes_of(
    mapping: dict[str, Any], value: str, areas: dict[str, str | None]
) -> dict[str, str] | None:
    codes = mapping.get("codes") or {}
    if value in codes:
        code = codes[value]
        return {mapping["dimension"]: code} if isinstance(code, str) else dict(code)
    if mapping.get("dimension") == "REF_AREA" and not codes and areas.get(value):
        return {"REF_AREA": str(areas[value])}
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "infinity")


def _m49(country: str) -> str:
    """The country's UN M49 code, as the SDG DSD's REF_AREA writes a country."""
    import pycountry

    found = pycountry.countries.get(alpha_2=country)
    return str(int(found.numeric)) if found else country


def _refusal(unmapped: dict[str, set[str]]) -> SdmxUnmappable:
    said = []
    for column, values in sorted(unmapped.items()):
        shown = sorted(values)[:SHOWN]
        more = f" and {len(values) - SHOWN} more" if len(values) > SHOWN else ""
        said.append(f"`{column}`: {', '.join(repr(v) for v in shown)}{more}")
    return SdmxUnmappable(
        "values without an SDG/SDMX code, so nothing was exported: " + "; ".join(said),
        hint="the coalition maps each value under `metadata.dimensions.<column>.codes` in "
        "coalition.yaml (e.g. female: F) and publishes a new version; a value that has no "
        "SDG code cannot be exported as SDMX",
    )

"""Codes in coalition.yaml checked against their code lists, with the line to fix.

ISO 3166-2 subdivisions come from pycountry and BCP 47 language tags from langcodes (the
lists ship with those packages). No package ships the SDG code lists, so only the
stable, small ones are listed here (CL_SEX, CL_URBANISATION) and AGE codes are checked
by their SDMX form (Y15T24, Y_GE65, _T); other dimensions' codes by SDMX id syntax only.

Both libraries are slow to load next to the YAML itself
(docs/decisions/0075-fitness-metadata-optional-with-warnings.md), so a coalition.yaml
they accepted (same bytes, same release) is not checked again
(cdx/core/accepted_files.py): a scheduled publish imports neither.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cdx.core.accepted_files import already_accepted, remember_accepted
from cdx.core.errors import (
    AreaCodeUnknown,
    ConfigError,
    DimensionCodeUnknown,
    InvalidVersion,
    LanguageTagInvalid,
)
from cdx.core.fitness import Area
from cdx.core.i18n import tr
from cdx.core.names import check_version, version_key
from cdx.core.yaml_lines import line_of

# The models of coalition.yaml (cdx/core/coalition.py) call this module, so it reads them
# untyped rather than import them back.
CoalitionConfig = Any
Dataset = Any

SEX = {"F": "female", "M": "male", "_T": "total", "_O": "other", "_U": "unknown"}
URBANISATION = {"U": "urban", "R": "rural", "_T": "total"}
AGE = re.compile(r"^(_T|_U|Y\d{1,3}|Y\d{1,3}T\d{1,3}|Y_GE\d{1,3}|Y_LT\d{1,3}|M\d{1,2}T\d{1,2})$")
LISTED = {"SEX": SEX, "URBANISATION": URBANISATION}
LIBRARIES = ("pycountry", "langcodes")
CODE_CHECKS = 1  # raised when cdx checks more with either library


def check_codes(config: CoalitionConfig, path: Path, node: Any) -> None:
    """Raise a coded ConfigError, pointing at the line, for the first code out of its list."""
    content = path.read_bytes()
    known = {lib: already_accepted(content, lib, CODE_CHECKS) for lib in LIBRARIES}
    for name, dataset in config.datasets.items():
        where = ("datasets", name, "metadata")

        def at(*loc: str | int, _where: tuple[str, ...] = where) -> str:
            line = line_of(node, (*_where, *loc))
            return f"{path}:{line}" if line else str(path)

        if not known["pycountry"]:
            _check_areas(dataset, at)
        if not known["langcodes"]:
            _check_languages(dataset, at)
        _check_previous(dataset, at)
        _check_dimensions(dataset, at)
    for library, accepted in known.items():
        if not accepted:
            remember_accepted(content, library, CODE_CHECKS)


def _check_areas(dataset: Dataset, at: Any) -> None:
    coverage = dataset.metadata.geographic_coverage
    for index, area in enumerate(coverage.areas):
        if not isinstance(area, Area) or area.iso_3166_2 is None:
            continue
        code = area.iso_3166_2
        known = _subdivisions(coverage.country)
        if code not in known:
            named = [c for c, n in known.items() if n.casefold().startswith(area.name.casefold())]
            sample = ", ".join(f"{c} {n}" for c, n in sorted(known.items())[:6])
            if named:
                hint = tr(
                    "ISO 3166-2 names {area} {codes}, or leave `iso_3166_2` out",
                    area=area.name,
                    codes=" or ".join(sorted(named)),
                )
            elif sample:
                hint = tr(
                    "use the code of {area} from ISO 3166-2:{country} (e.g. {sample}, …), "
                    "or leave `iso_3166_2` out",
                    area=area.name,
                    country=coverage.country,
                    sample=sample,
                )
            else:
                hint = tr(
                    "use the code of {area} from ISO 3166-2:{country}, or leave `iso_3166_2` out",
                    area=area.name,
                    country=coverage.country,
                )
            raise AreaCodeUnknown(
                tr(
                    "{code} ({area}) is not an ISO 3166-2 subdivision of {country}",
                    code=code,
                    area=area.name,
                    country=coverage.country,
                ),
                where=at("geographic_coverage", "areas", index, "iso_3166_2"),
                hint=hint,
            )


def _subdivisions(country: str) -> dict[str, str]:
    import pycountry

    found = pycountry.subdivisions.get(country_code=country) or []
    return {s.code: s.name for s in found}


def _check_languages(dataset: Dataset, at: Any) -> None:
    if not dataset.metadata.languages:
        return
    import langcodes

    for index, tag in enumerate(dataset.metadata.languages):
        if not langcodes.tag_is_valid(tag):
            raise LanguageTagInvalid(
                tr("{tag!r} is not a BCP 47 language tag", tag=tag),
                where=at("languages", index),
                hint=tr("write a tag such as en, sw, fr, en-KE or sw-TZ"),
            )


def _check_previous(dataset: Dataset, at: Any) -> None:
    previous = dataset.metadata.previous_version
    if previous is None:
        return
    try:
        check_version(previous)
    except InvalidVersion as exc:
        raise ConfigError(exc.message, where=at("previous_version"), hint=exc.hint) from None
    if version_key(previous) >= version_key(dataset.version):
        raise ConfigError(
            tr(
                "previous_version {previous} is not older than version {version}",
                previous=previous,
                version=dataset.version,
            ),
            where=at("previous_version"),
            hint=tr("name the version this one replaces, or leave `previous_version` out"),
        )


def _check_dimensions(dataset: Dataset, at: Any) -> None:
    meta = dataset.metadata
    for column, mapping in meta.dimensions.items():
        if mapping.dimension == "REF_AREA" and not mapping.codes:
            uncoded = [
                a if isinstance(a, str) else a.name
                for a in meta.geographic_coverage.areas
                if not isinstance(a, Area) or not (a.iso_3166_2 or a.pcode)
            ]
            if uncoded or not meta.geographic_coverage.areas:
                raise DimensionCodeUnknown(
                    tr(
                        "column `{column}` maps to REF_AREA through the areas' codes, but "
                        "{areas} has none",
                        column=column,
                        areas=", ".join(uncoded) if uncoded else tr("no area"),
                    ),
                    where=at("dimensions", column),
                    hint=tr(
                        "give each area of `geographic_coverage` an `iso_3166_2` or "
                        "`pcode`, or list `codes:` for the column"
                    ),
                )
        for value, code in mapping.codes.items():
            coded = {mapping.dimension: code} if isinstance(code, str) else code
            for dimension, one in coded.items():
                problem = _code_problem(str(dimension), one)
                if problem:
                    raise DimensionCodeUnknown(
                        tr(
                            "`{column}` value {value!r} → {dimension} {code!r}: {problem}",
                            column=column,
                            value=value,
                            dimension=dimension,
                            code=one,
                            problem=problem,
                        ),
                        where=at("dimensions", column, "codes", value),
                        hint=tr("use a code of the SDG code list of that dimension"),
                    )


def _code_problem(dimension: str, code: str) -> str | None:
    listed = LISTED.get(dimension)
    if listed is not None and code not in listed:
        known = ", ".join(f"{c} ({n})" for c, n in listed.items())
        return tr("not in CL_{dimension}: {known}", dimension=dimension, known=known)
    if dimension == "AGE" and not AGE.match(code):
        return tr("not an SDMX age code such as Y15T24, Y_GE65, Y_LT5 or _T")
    return None

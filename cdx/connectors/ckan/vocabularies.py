"""Codes in a package descriptor → the controlled-vocabulary URIs CKAN's DCAT-AP fields take.

The same IRIs the package's own metadata/dcat.jsonld states (cdx/metadata/vocabularies.py):
the EU country, language and frequency authorities, the UN SDG knowledge organisation
system. A value that is already a URI passes through; a code nothing knows gives None (the
field is left out rather than filled with a made-up URI).
"""

from __future__ import annotations

from collections.abc import Iterable

from cdx.metadata import vocabularies as iris
from cdx.metadata.vocabularies import EU_AUTHORITY

# What kind of agent publishes: civil-society coalitions are non-profit organisations.
__all__ = [
    "EU_AUTHORITY",
    "PUBLISHER_TYPE",
    "country_uri",
    "frequency_uri",
    "language_uris",
    "sdg_theme_uris",
]
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NonProfitOrganisation"


def _is_uri(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def country_uri(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 → the EU country authority URI (KE → …/country/KEN)."""
    if not code:
        return None
    if _is_uri(code):
        return code
    import pycountry

    known = len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None
    return iris.country_iri(code) if known else None


def language_uris(codes: Iterable[str]) -> list[str]:
    """BCP 47 / ISO 639 codes (`en`, `sw`, `swa`, `en-KE`) → EU language URIs, in order."""
    found: list[str] = []
    for code in codes:
        uri = code if _is_uri(code) else iris.language_iri(code.split("-")[0].split("_")[0])
        if uri and uri not in found:
            found.append(uri)
    return found


def frequency_uri(frequency: str | None) -> str | None:
    """coalition.yaml's `update_frequency` word → the EU frequency authority URI."""
    if not frequency:
        return None
    return frequency if _is_uri(frequency) else iris.frequency_iri(frequency)


def sdg_theme_uris(indicators: Iterable[str]) -> list[str]:
    """SDG indicator codes → the goal, target and indicator IRIs of the UN SDG KOS."""
    found: list[str] = []
    for code in indicators:
        found += [iri for iri in iris.sdg_iris(code) if iri not in found]
    return found

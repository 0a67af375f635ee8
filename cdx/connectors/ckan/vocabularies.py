"""Codes in a package descriptor → the controlled-vocabulary URIs DCAT-AP 3 expects.

- countries (ISO 3166-1 alpha-2) → the EU Publications Office country authority, keyed
  by alpha-3: `KE` → http://publications.europa.eu/resource/authority/country/KEN;
- languages (ISO 639-1 or 639-3 codes) → the EU language authority (`sw` → …/SWA);
- update frequencies (coalition.yaml's words) → the EU frequency authority;
- SDG indicators → the UN SDG knowledge organisation system (`3.8.1` →
  http://metadata.un.org/sdg/3.8.1).

A value that is already a URI passes through; a code nothing knows gives None (the
field is left out rather than filled with a made-up URI).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pycountry

EU_AUTHORITY = "http://publications.europa.eu/resource/authority"
SDG_KOS = "http://metadata.un.org/sdg"
# What kind of agent publishes: civil-society coalitions are non-profit organisations.
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NonProfitOrganisation"
FREQUENCIES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "semiannually": "ANNUAL_2",
    "annually": "ANNUAL",
    "as-needed": "IRREG",
    "never": "NEVER",
}
SDG_CODE = re.compile(r"^\d{1,2}(\.[0-9a-z]{1,2}){0,2}$")


def _is_uri(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def country_uri(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (or alpha-3) → the EU country authority URI."""
    if not code:
        return None
    if _is_uri(code):
        return code
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    country = country or pycountry.countries.get(alpha_3=code.upper())
    return f"{EU_AUTHORITY}/country/{country.alpha_3}" if country else None


def language_uris(codes: Iterable[str]) -> list[str]:
    """ISO 639 codes (`en`, `sw`, `swa`, `en-KE`) → EU language authority URIs, in order."""
    found: list[str] = []
    for code in codes:
        uri = code if _is_uri(code) else _language_uri(code.split("-")[0].split("_")[0])
        if uri and uri not in found:
            found.append(uri)
    return found


def _language_uri(code: str) -> str | None:
    key = code.lower()
    language = pycountry.languages.get(alpha_2=key) if len(key) == 2 else None
    language = language or pycountry.languages.get(alpha_3=key)
    return f"{EU_AUTHORITY}/language/{language.alpha_3.upper()}" if language else None


def frequency_uri(frequency: str | None) -> str | None:
    """coalition.yaml's `update_frequency` word → the EU frequency authority URI."""
    if not frequency:
        return None
    if _is_uri(frequency):
        return frequency
    code = FREQUENCIES.get(frequency.lower())
    return f"{EU_AUTHORITY}/frequency/{code}" if code else None


def sdg_theme_uris(indicators: Iterable[str]) -> list[str]:
    """SDG goal, target or indicator codes → their IRIs in the UN SDG KOS."""
    return [f"{SDG_KOS}/{code}" for code in indicators if SDG_CODE.match(code)]

"""Standard IRIs for what coalition.yaml says in words: countries, languages, licences,
update frequencies, SDG codes, media types, disaggregation dimensions.

The EU Publications Office authority tables are the ones DCAT-AP names for country,
language, frequency, licence and file type; the UN's SDG identifiers (metadata.un.org)
are the ones the UN system adopted for goals, targets and indicators.
"""

from __future__ import annotations

import functools
import re

CDX = "https://citizendata.exchange/ns#"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
SDG = "http://metadata.un.org/sdg/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
CDX_DIMENSION = "https://citizendata.exchange/ns/dimension#"

# Namespaces every metadata document of cdx may use, by prefix.
NAMESPACES = {
    "adms": "http://www.w3.org/ns/adms#",
    "cdx": CDX,
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "dqv": "http://www.w3.org/ns/dqv#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "stat": "http://data.europa.eu/(xyz)/statdcat-ap/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# coalition.yaml's `update_frequency` → the EU frequency table
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

# SPDX id → the EU licence table, where it holds the same licence; others keep the
# SPDX licence list's IRI, which any DCAT-AP reader accepts as a licence document.
EU_LICENCES = {
    "CC-BY-4.0": "CC_BY_4_0",
    "CC-BY-SA-4.0": "CC_BYSA_4_0",
    "CC-BY-NC-4.0": "CC_BYNC_4_0",
    "CC0-1.0": "CC0",
}

# Disaggregation words coalitions use → SDMX's cross-domain dimensions
SDMX_DIMENSIONS = {
    "sex": "sex",
    "gender": "sex",
    "age": "age",
    "age-group": "age",
    "location": "refArea",
    "area": "refArea",
    "county": "refArea",
    "district": "refArea",
    "region": "refArea",
    "period": "refPeriod",
    "education": "educationLev",
    "occupation": "occupation",
    "marital-status": "civilStatus",
}

_SDG_CODE = re.compile(r"^(\d{1,2})\.([0-9a-z]{1,2})(?:\.(\d{1,2}))?$")


def country_iri(alpha_2: str) -> str:
    """The EU country table's IRI for an ISO 3166-1 alpha-2 code (KE → …/country/KEN)."""
    return f"{EU_AUTHORITY}country/{_alpha_3(alpha_2)}"


def country_name(alpha_2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha_2.upper())
    return country.name if country else alpha_2


@functools.cache
def _alpha_3(alpha_2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha_2.upper())
    return country.alpha_3 if country else alpha_2.upper()


def language_iri(code: str) -> str | None:
    """The EU language table's IRI for an ISO 639 code (en, eng, sw …); None when unknown."""
    import pycountry

    code = code.strip().lower()
    language = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code)
    )
    return f"{EU_AUTHORITY}language/{language.alpha_3.upper()}" if language else None


def frequency_iri(frequency: str) -> str | None:
    code = FREQUENCIES.get(frequency.strip().lower())
    return f"{EU_AUTHORITY}frequency/{code}" if code else None


def licence_iri(spdx: str) -> str:
    if spdx in EU_LICENCES:
        return f"{EU_AUTHORITY}licence/{EU_LICENCES[spdx]}"
    return spdx_licence_iri(spdx)


def spdx_licence_iri(spdx: str) -> str:
    return f"https://spdx.org/licenses/{spdx}"


def media_type_iri(media_type: str) -> str:
    return f"{IANA_MEDIA_TYPES}{media_type}"


def file_type_iri(format_name: str) -> str:
    return f"{EU_AUTHORITY}file-type/{format_name.upper()}"


def sdg_iris(code: str) -> list[str]:
    """The goal, target and (numbered targets only) indicator IRIs of an SDG indicator code.

    3.8.1 → …/sdg/3, …/sdg/3.8, …/sdg/C030801. The UN numbers indicators of lettered
    targets (1.a.1) otherwise, so those stop at the target.
    """
    match = _SDG_CODE.match(code.strip())
    if not match:
        return []
    goal, target, indicator = match.groups()
    iris = [f"{SDG}{int(goal)}", f"{SDG}{int(goal)}.{target}"]
    if indicator and target.isdigit():
        iris.append(f"{SDG}C{int(goal):02d}{int(target):02d}{int(indicator):02d}")
    return iris


def dimension_iri(word: str) -> str:
    """An SDMX cross-domain dimension for a known word, else cdx's own dimension IRI."""
    key = word.strip().lower().replace(" ", "-").replace("_", "-")
    if key in SDMX_DIMENSIONS:
        return SDMX_DIMENSION + SDMX_DIMENSIONS[key]
    return CDX_DIMENSION + re.sub(r"[^a-z0-9-]", "", key)

"""DCAT-AP facts for CKAN: vocabulary URIs, and where each fact goes (schema field or extra)."""

from __future__ import annotations

import json
from typing import Any

from cdx.connectors.ckan import vocabularies as vocab
from cdx.connectors.ckan.dcat_fields import (
    DCAT_AP_FULL_FIELDS,
    facts_of,
    place,
    version_facts,
)
from cdx.connectors.ckan.metadata import dataset_fields

EU = "http://publications.europa.eu/resource/authority"
PACKAGE = {"coalition": "kenya-lnob", "dataset": "scores", "version": "1.0.0"}
MANIFEST = {"contentDigest": "sha256:00"}


def descriptor(**citizen: Any) -> dict[str, Any]:
    return {
        "title": "Scores",
        "description": "",
        "created": "2026-12-07T10:00:00+00:00",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "citizenData": {
            "coalition": {"id": "kenya-lnob", "name": "LNOB Kenya", "country": "KE"},
            "contact": {"name": "Data officer", "email": "data@example.org"},
            "collectionPeriod": {"start": "2026-03-01", "end": "2026-05-31"},
            "geographicCoverage": {"country": "KE", "areas": ["Kisumu", "Turkana"]},
            "sdgIndicators": ["3.8.1", "16.7.2"],
            **citizen,
        },
    }


def test_codes_become_standard_uris() -> None:
    assert vocab.country_uri("KE") == f"{EU}/country/KEN"
    assert vocab.country_uri("UG") == f"{EU}/country/UGA"
    assert vocab.country_uri("ZZ") is None and vocab.country_uri(None) is None
    assert vocab.language_uris(["en", "sw", "en-KE", "swa", "xx"]) == [
        f"{EU}/language/ENG",
        f"{EU}/language/SWA",
    ]
    assert vocab.frequency_uri("quarterly") == f"{EU}/frequency/QUARTERLY"
    assert vocab.frequency_uri("as-needed") == f"{EU}/frequency/IRREG"
    assert vocab.frequency_uri("every blue moon") is None
    # the IRIs the package's own dcat.jsonld states: goal, target, indicator (C + digits)
    assert vocab.sdg_theme_uris(["3.8.1", "1.a.2", "not a code"]) == [
        "http://metadata.un.org/sdg/3",
        "http://metadata.un.org/sdg/3.8",
        "http://metadata.un.org/sdg/C030801",
        "http://metadata.un.org/sdg/1",
        "http://metadata.un.org/sdg/1.a",
    ]


def test_optional_keys_of_newer_descriptors_are_used_when_present() -> None:
    older = version_facts(descriptor(), PACKAGE)
    assert {"language", "frequency", "version_notes"}.isdisjoint(older)
    assert older["issued"] == older["modified"] == "2026-12-07T10:00:00+00:00"
    newer = version_facts(
        descriptor(
            languages=["en", "sw"],
            frequency="annually",
            issued="2026-06-01",
            modified="2026-06-15",
            version_notes="Kilifi added",
        ),
        PACKAGE,
    )
    assert newer["language"] == [f"{EU}/language/ENG", f"{EU}/language/SWA"]
    assert newer["frequency"] == f"{EU}/frequency/ANNUAL"
    assert (newer["issued"], newer["modified"]) == ("2026-06-01", "2026-06-15")
    assert newer["version_notes"] == "Kilifi added"


def test_a_plain_ckan_gets_extras_named_as_ckanext_dcat_reads_them() -> None:
    fields = dataset_fields(descriptor(), MANIFEST, PACKAGE)
    extras = {item["key"]: item["value"] for item in fields["extras"]}
    assert extras["spatial_uri"] == f"{EU}/country/KEN"
    assert extras["spatial_text"] == "Kisumu, Turkana"
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2026-03-01", "2026-05-31")
    assert extras["publisher_name"] == "LNOB Kenya"
    assert "http://metadata.un.org/sdg/C030801" in json.loads(extras["theme"])
    assert extras["identifier"] == "urn:cdx:package:kenya-lnob/scores@1.0.0"
    assert fields["maintainer_email"] == "data@example.org" and fields["notes"] == ""
    assert "temporal_coverage" not in fields and "publisher" not in fields
    assert "access_rights" not in extras  # unknown until the caller says
    public = dataset_fields(descriptor(), MANIFEST, PACKAGE, private=False)
    assert {"key": "access_rights", "value": f"{EU}/access-right/PUBLIC"} in public["extras"]


def test_a_dcat_ap_portal_gets_schema_fields_and_never_an_extra_of_that_name() -> None:
    fields = dataset_fields(descriptor(), MANIFEST, PACKAGE, DCAT_AP_FULL_FIELDS)
    keys = {item["key"] for item in fields["extras"]}
    assert not keys & DCAT_AP_FULL_FIELDS
    assert not {"temporal_start", "spatial_uri", "publisher_name", "contact_email"} & keys
    assert {"cdx_coalition", "cdx_content_digest", "sdg_indicators"} <= keys
    assert fields["temporal_coverage"] == [{"start": "2026-03-01", "end": "2026-05-31"}]
    assert fields["spatial_coverage"] == [{"uri": f"{EU}/country/KEN", "text": "Kisumu, Turkana"}]
    assert fields["contact"] == [{"name": "Data officer", "email": "data@example.org"}]
    assert fields["publisher"][0]["type"] == vocab.PUBLISHER_TYPE
    assert fields["notes"] == "Scores"  # the schema requires a description
    assert "maintainer" not in fields  # `contact` is the one contact point


def test_a_schema_without_a_field_gets_that_fact_as_extras() -> None:
    facts = version_facts(descriptor(), PACKAGE)
    top, extras = place(facts, {"identifier", "title"})
    assert set(top) == {"identifier"}
    assert "identifier" not in extras and extras["temporal_start"] == "2026-03-01"


def test_facts_read_back_from_either_form() -> None:
    facts = version_facts(descriptor(), PACKAGE)
    top, _ = place(facts, DCAT_AP_FULL_FIELDS)
    _, plain = place(facts, ())
    as_plain = {"extras": [{"key": k, "value": v} for k, v in plain.items()]}
    assert facts_of(top) == facts_of(as_plain)
    assert facts_of(top)["temporal_coverage"] == [{"start": "2026-03-01", "end": "2026-05-31"}]


def test_the_temporal_coverage_is_the_reference_period_when_one_is_declared() -> None:
    quarter = {"start": "2026-01-01", "end": "2026-03-31"}
    fields = dataset_fields(
        descriptor(referencePeriod=quarter), MANIFEST, PACKAGE, DCAT_AP_FULL_FIELDS
    )
    assert fields["temporal_coverage"] == [quarter]  # not the collection period beside it

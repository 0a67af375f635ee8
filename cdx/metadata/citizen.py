"""What the metadata documents read from a package descriptor's `citizenData`, and the
IRIs of the things it names (the coalition, its organisations, a dataset's series).

Optional fitness-for-use fields (frequency, languages, issued, modified, reference
period, version notes, previous version) are read with `get`, under their snake_case or
camelCase name, so the documents carry them as soon as the profile does.
"""

from __future__ import annotations

import re
from typing import Any

OPTIONAL_FIELDS = (
    "frequency",
    "languages",
    "issued",
    "modified",
    "reference_period",
    "version_notes",
    "previous_version",
)


def split_package_id(package_id: str) -> tuple[str, str, str]:
    """urn:cdx:package:COALITION/DATASET@VERSION → (coalition, dataset, version)."""
    body = package_id.removeprefix("urn:cdx:package:")
    path, _, version = body.rpartition("@")
    coalition, _, dataset = path.partition("/")
    return coalition, dataset, version


def agent_iri(coalition: str) -> str:
    """The coalition as an agent; the same IRI as in provenance.jsonld."""
    return f"urn:cdx:coalition:{coalition}"


def organisation_iri(coalition: str, organisation: dict[str, Any]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(organisation["name"]).lower()).strip("-")
    return f"urn:cdx:coalition:{coalition}:organisation:{slug}"


def series_iri(coalition: str, dataset: str) -> str:
    return f"urn:cdx:series:{coalition}/{dataset}"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class CitizenData:
    """Read access to one descriptor's citizenData, with the defaults documents need."""

    def __init__(self, descriptor: dict[str, Any]):
        self.descriptor = descriptor
        self.data: dict[str, Any] = descriptor.get("citizenData", {})

    def get(self, name: str) -> Any:
        """An optional field by its snake_case name (camelCase accepted); None if absent."""
        value = self.data.get(name)
        return value if value is not None else self.data.get(_camel(name))

    @property
    def coalition_id(self) -> str:
        return str(self.data["coalition"]["id"])

    @property
    def coalition_name(self) -> str:
        return str(self.data["coalition"]["name"])

    @property
    def country(self) -> str:
        return str(self.data["coalition"]["country"])

    @property
    def contact_name(self) -> str:
        return str(self.data.get("contact", {}).get("name") or self.coalition_name)

    @property
    def contact_email(self) -> str:
        return str(self.data.get("contact", {}).get("email", ""))

    @property
    def organisations(self) -> list[dict[str, Any]]:
        return list(self.data.get("organisations", []))

    def collectors(self) -> list[dict[str, Any]]:
        """The organisations that collected the data (role mentions collecting)."""
        return [o for o in self.organisations if "collect" in str(o.get("role", "")).lower()]

    @property
    def coverage_country(self) -> str:
        return str(self.data.get("geographicCoverage", {}).get("country") or self.country)

    @property
    def areas(self) -> list[str]:
        return list(self.data.get("geographicCoverage", {}).get("areas", []))

    @property
    def disaggregation(self) -> list[str]:
        return list(self.data.get("disaggregation", []))

    @property
    def sdg_indicators(self) -> list[str]:
        return list(self.data.get("sdgIndicators", []))

    def collection_period(self) -> tuple[str, str]:
        period = self.data["collectionPeriod"]
        return str(period["start"]), str(period["end"])

    def temporal_coverage(self) -> tuple[str, str]:
        """The period the data is about: the reference period when given, else fieldwork."""
        reference = self.get("reference_period")
        if isinstance(reference, dict) and reference.get("start") and reference.get("end"):
            return str(reference["start"]), str(reference["end"])
        return self.collection_period()

    def frequency(self) -> str | None:
        value = self.get("frequency") or self.data.get("updateFrequency")
        return str(value) if value else None

    def languages(self) -> list[str]:
        value = self.get("languages") or []
        return [value] if isinstance(value, str) else [str(code) for code in value]

    def provenance_statement(self) -> str:
        start, end = self.collection_period()
        method = str(self.data.get("collectionMethod", "collection")).replace("-", " ")
        text = (
            f"Citizen data collected by {method} from {start} to {end}, "
            f"about {self.data.get('population', 'the population described')}; consent: "
            f"{self.data.get('consentBasis', 'not stated')}; community participation: "
            f"{self.data.get('participationLevel', 'not stated')}."
        )
        if methodology := self.data.get("methodology"):
            text += f" Methodology: {methodology}"
        return text

"""DQV quality of a version: measurements and annotations of the validation outcome and
the privacy decision, as the seal step knows them (metadata/dcat.jsonld)."""

from __future__ import annotations

from typing import Any

PACKAGE_ROOT = "../"  # from metadata/dcat.jsonld to the package's folder


def quality_of(
    dataset_id: str, validation: dict[str, Any] | None, privacy: dict[str, Any] | None
) -> dict[str, Any]:
    """DQV measurements and annotations: the validation outcome and the privacy decision."""
    measurements: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if validation is not None:
        for metric, key in (
            ("cdx:validationErrors", "errors"),
            ("cdx:validationWarnings", "warnings"),
            ("cdx:rowsChecked", "rowsChecked"),
        ):
            if isinstance(validation.get(key), int):
                measurements.append(_measurement(metric, validation[key]))
        verdict = "passed" if validation.get("valid") else "did not pass"
        annotations.append(
            _annotation(
                dataset_id,
                f"Validation (structure, Table Schema, expectations) {verdict}: "
                f"{validation.get('errors', 0)} errors, {validation.get('warnings', 0)} "
                "warnings.",
                f"{PACKAGE_ROOT}reports/validation.json",
            )
        )
    if privacy is not None:
        risk = privacy.get("residualRisk", {})
        for metric, key in (
            ("cdx:smallestEquivalenceClass", "smallestEquivalenceClass"),
            ("cdx:smallestPublishedCount", "smallestPublishedCount"),
        ):
            if isinstance(risk.get(key), int):
                measurements.append(_measurement(metric, risk[key]))
        policy = privacy.get("policy", {})
        verdict = "accepted" if privacy.get("accepted") else "refused"
        annotations.append(
            _annotation(
                dataset_id,
                f"Privacy gate {verdict} the dataset for publication (k = {policy.get('k')}, "
                f"smallest published count = {policy.get('cell_threshold')}).",
                f"{PACKAGE_ROOT}{privacy.get('report', 'reports/privacy.json')}",
            )
        )
    found: dict[str, Any] = {}
    if measurements:
        found["dqv:hasQualityMeasurement"] = measurements
    if annotations:
        found["dqv:hasQualityAnnotation"] = annotations
    return found


def _measurement(metric: str, value: int) -> dict[str, Any]:
    return {
        "@type": "dqv:QualityMeasurement",
        "dqv:isMeasurementOf": {"@id": metric},
        "dqv:value": {"@value": str(value), "@type": "xsd:integer"},
    }


def _annotation(dataset_id: str, text: str, source: str) -> dict[str, Any]:
    return {
        "@type": "dqv:QualityAnnotation",
        "oa:motivatedBy": {"@id": "dqv:qualityAssessment"},
        "oa:hasTarget": {"@id": dataset_id},
        "oa:hasBody": {"@type": "oa:TextualBody", "rdf:value": text, "dct:format": "text/plain"},
        "dct:source": {"@id": source},
    }

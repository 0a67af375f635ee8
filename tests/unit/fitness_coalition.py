"""A table of indicator values (young people reporting a barrier to care, by county, sex
and age group) added to a copy of the example coalition, with every fitness-for-use field
declared: the input of the fitness-metadata and SDMX export tests."""

from __future__ import annotations

import json
from pathlib import Path

RATES_CSV = """county,sex,age_group,respondents,share_reporting_barrier
Kisumu,woman,15-24,40,32.5
Kisumu,woman,25-35,35,28.0
Kisumu,man,15-24,38,21.1
Kisumu,man,25-35,30,18.4
Turkana,woman,15-24,22,61.0
Turkana,woman,25-35,18,55.6
Turkana,man,15-24,25,48.0
Turkana,man,25-35,20,40.0
"""

RATES_SCHEMA = {
    "fields": [
        {"name": "county", "type": "string", "cdx:role": "quasi-identifier"},
        {"name": "sex", "type": "string", "cdx:role": "quasi-identifier"},
        {"name": "age_group", "type": "string", "cdx:role": "quasi-identifier"},
        {"name": "respondents", "type": "integer", "cdx:role": "safe"},
        {"name": "share_reporting_barrier", "type": "number", "cdx:role": "safe"},
    ]
}

RATES_DATASET = """
  barrier-rates:
    title: Young people reporting a barrier to health care, Q2 2026
    description: Share of surveyed young people who reported at least one barrier.
    version: {version}
    sources:
      - path: data/barrier-rates.csv
        name: rates
        schema: data/barrier-rates.schema.json
    update_frequency: quarterly
    metadata:
      collection_method: survey
      collection_period: {{start: 2026-04-01, end: 2026-04-30}}
      reference_period: {reference}
      geographic_coverage:
        country: KE
        areas:
          - {{name: Kisumu, iso_3166_2: {kisumu_code}, pcode: KE042}}
          - {{name: Turkana, iso_3166_2: KE-43}}
      population: Young people aged 15-35
      disaggregation: [county, sex, age_group]
      sdg_indicators: ["3.8.1"]
      consent_basis: informed-written-consent
      participation_level: full-cycle
      sampling:
        frame: Youth registers of partner youth groups
        selection_method: stratified-random
        planned_size: 240
        achieved_size: 228
        response_rate: 0.95
        weights_column: respondents
        weights_description: Cell sizes; rates are unweighted within a cell
      limitations: [Only registered youth-group members were sampled.]
      issued: 2026-07-01
      modified: 2026-07-03
      languages: [en, sw-KE]
      units: {{share_reporting_barrier: percent, respondents: persons}}
      version_notes: First quarterly release.
{previous}      dimensions:
        county: {{dimension: REF_AREA}}
        sex: {{dimension: SEX, codes: {{woman: F, man: M}}}}
        age_group: {{dimension: AGE, codes: {{"15-24": Y15T24, "25-35": Y25T35}}}}
      indicators:
        - resource: rates
          column: share_reporting_barrier
          series: CDX_HLTH_BARRIER
          unit_measure: PT
    privacy:
      aggregates:
        rates:
          dimensions: [county, sex, age_group]
          count: respondents
          values: [share_reporting_barrier]
"""


def add_rates_dataset(
    coalition_dir: Path,
    *,
    csv_text: str = RATES_CSV,
    version: str = "1.0.0",
    previous: str | None = None,
    kisumu_code: str = "KE-17",
    reference: str = "{start: 2026-04-01, end: 2026-06-30}",
) -> Path:
    """Write the table and its dataset into the coalition; the coalition.yaml path."""
    (coalition_dir / "data" / "barrier-rates.csv").write_text(csv_text, encoding="utf-8")
    schema = coalition_dir / "data" / "barrier-rates.schema.json"
    schema.write_text(json.dumps(RATES_SCHEMA), encoding="utf-8")
    config = coalition_dir / "coalition.yaml"
    previous_line = f"      previous_version: {previous}\n" if previous else ""
    dataset = RATES_DATASET.format(
        version=version, previous=previous_line, kisumu_code=kisumu_code, reference=reference
    )
    config.write_text(config.read_text(encoding="utf-8") + dataset, encoding="utf-8")
    return config

"""`cdx init`: a starting coalition.yaml and the coalition's signing key."""

from __future__ import annotations

from pathlib import Path

from cdx.core.coalition import load_coalition
from cdx.core.keys import generate_key
from cdx.core.names import check_slug

TEMPLATE = """\
# coalition.yaml: who you are, your datasets, and where they are published.
# Paths are relative to this file. Schema: schemas/coalition.schema.json in cdx.
coalition:
  id: {coalition_id}
  name: {name}
  country: {country}
  contact:
    name: Data officer
    email: {email}
  licence: CC-BY-4.0

signing:
  key: keys/{coalition_id}.key   # keep this file private; share keys/{coalition_id}.pub.json

catalogues:
  local: catalogue

datasets: {{}}
# Add datasets like this (see examples/kenya-lnob/coalition.yaml for a full one):
#   health-scorecard:
#     title: Health services community score card
#     description: Scores given by community groups to local health facilities.
#     version: 1.0.0
#     sources:
#       - path: data/scorecard.csv
#         schema: builtin:community-scorecard
#         suite: builtin:community-scorecard
#     metadata:
#       collection_method: community-scorecard
#       collection_period: {{start: 2026-01-01, end: 2026-03-31}}
#       geographic_coverage: {{country: {country}, areas: []}}
#       population: Community members using public health facilities
#       disaggregation: [group]
#       sdg_indicators: ["3.8.1"]
#       consent_basis: informed-verbal-consent
#       participation_level: design-and-collection
"""


def init_coalition(
    directory: Path, *, coalition_id: str, name: str, country: str, email: str
) -> list[str]:
    """Write what is missing (coalition.yaml, key pair); never overwrite. Returns what was done."""
    done = []
    config = directory / "coalition.yaml"
    if config.exists():
        done.append(f"kept the existing {config}")
    else:
        check_slug(coalition_id, what="coalition id")
        directory.mkdir(parents=True, exist_ok=True)
        config.write_text(
            TEMPLATE.format(coalition_id=coalition_id, name=name, country=country, email=email),
            encoding="utf-8",
        )
        done.append(f"wrote {config}")
    coalition = load_coalition(config)
    key_path = coalition.resolve(coalition.config.signing.key)
    if key_path.exists():
        done.append(f"kept the existing signing key {key_path}")
    else:
        key = generate_key(coalition.id, key_path)
        done.append(f"created the signing key {key_path} (readable only by you)")
        done.append(
            f"share {key_path.with_suffix('.pub.json')} (key id {key.public.key_id}) with the "
            "statistics offices that receive your data"
        )
    return done

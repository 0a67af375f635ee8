"""`cdx init`: a starting coalition.yaml and the coalition's signing key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cdx.core.coalition import Coalition, load_coalition
from cdx.core.errors import CoalitionExists
from cdx.core.i18n import Lines, tr
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
#         schema: builtin:community-scorecard   # or your file's own columns' schema, from
#         # cdx schema infer data/scorecard.csv --out schemas/scorecard.json
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
#       # What offices ask to judge fitness for use (optional; `cdx verify` warns without):
#       reference_period: {{start: 2026-01-01, end: 2026-03-31}}   # what the values describe
#       limitations: [Groups were convened by partners, not sampled.]
#       languages: [en]                 # BCP 47 tags of the data's text
"""


@dataclass(frozen=True)
class CoalitionDetails:
    """What `cdx init` was asked to write; None where the person gave nothing."""

    id: str | None = None
    name: str | None = None
    country: str | None = None
    email: str | None = None


DEFAULTS = CoalitionDetails("my-coalition", "My coalition", "KE", "data@example.org")


def init_coalition(
    directory: Path,
    asked: CoalitionDetails = CoalitionDetails(),
    *,
    file_name: str = "coalition.yaml",
) -> list[str]:
    """Write what is missing (coalition.yaml, key pair); never overwrite. Returns what was done.

    Where coalition.yaml exists, details asked for that disagree with it are refused
    (`coalition-exists`) rather than silently ignored.
    """
    done: list[str] = []
    config = directory / file_name
    if config.exists():
        _refuse_other_details(load_coalition(config), asked)
        done.append(tr("kept the existing {file}", file=config))
    else:
        coalition_id = asked.id or str(DEFAULTS.id)
        check_slug(coalition_id, what="coalition id")
        directory.mkdir(parents=True, exist_ok=True)
        config.write_text(
            TEMPLATE.format(
                coalition_id=coalition_id,
                name=asked.name or DEFAULTS.name,
                country=asked.country or DEFAULTS.country,
                email=asked.email or DEFAULTS.email,
            ),
            encoding="utf-8",
        )
        done.append(tr("wrote {file}", file=config))
    coalition = load_coalition(config)
    key_path = coalition.resolve(coalition.config.signing.key)
    if key_path.exists():
        done.append(tr("kept the existing signing key {file}", file=key_path))
    else:
        key = generate_key(coalition.id, key_path)
        done.append(tr("created the signing key {file} (readable only by you)", file=key_path))
        done.append(
            tr(
                "share {file} (key id {key}) with the statistics offices that receive your data",
                file=key_path.with_suffix(".pub.json"),
                key=key.public.key_id,
            )
        )
    return done


def _refuse_other_details(coalition: Coalition, asked: CoalitionDetails) -> None:
    info = coalition.config.coalition
    written = {
        "--id": (asked.id, info.id),
        "--name": (asked.name, info.name),
        "--country": (asked.country, info.country),
        "--email": (asked.email, info.contact.email),
    }
    differ = [
        tr("{option} {wanted!r} (it says {have!r})", option=option, wanted=wanted, have=str(have))
        for option, (wanted, have) in written.items()
        if wanted is not None and wanted != str(have)
    ]
    if differ:
        raise CoalitionExists(
            tr(
                "this coalition.yaml already describes coalition {coalition!r}; "
                "init will not change it to {asked}",
                coalition=info.id,
                asked=Lines(differ, indent=" "),
            ),
            where=str(coalition.path),
            hint=tr(
                "edit coalition.yaml yourself, or run cdx init in a new directory for "
                "another coalition"
            ),
        )

"""Paths in coalition.yaml: relative to the file, or `builtin:NAME` for the shared ones.

`builtin:community-scorecard` names schemas/table-schemas/community-scorecard.json (as a
`schema`) or validations/suites/community-scorecard.json (as a `suite`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from cdx.core.names import check_slug

PACKAGE = Path(__file__).resolve().parents[1]  # the cdx package: schemas/ and validations/suites/
BUILTIN = {
    "schema": PACKAGE / "schemas" / "table-schemas",
    "suite": PACKAGE / "validations" / "suites",
}


def resolve_reference(value: str, base_dir: Path, *, kind: Literal["schema", "suite"]) -> Path:
    if value.startswith("builtin:"):
        name = check_slug(value.removeprefix("builtin:"), what=f"built-in {kind}")
        return BUILTIN[kind] / f"{name}.json"
    return (base_dir / value).resolve()

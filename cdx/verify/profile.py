"""The citizen-data package profile (schemas/citizen-data-package.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def schema_path(name: str) -> Path:
    return SCHEMAS / name


@cache
def _profile() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        schema_path("citizen-data-package.json").read_text(encoding="utf-8")
    )
    return data


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_profile())


def profile_problems(descriptor: dict[str, Any]) -> list[str]:
    """Readable problems of `descriptor` against the profile; empty when it conforms."""
    problems = []
    for error in sorted(_validator().iter_errors(descriptor), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message}")
    return problems

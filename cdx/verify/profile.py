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


# What an office looks for first to judge fitness for use (UN NQAF: relevance, accuracy,
# timeliness). Optional in the profile so every earlier package still conforms; a package
# without one verifies with a warning.
RECOMMENDED = {
    "referencePeriod": "the period the values describe (reference_period)",
    "limitations": "known limitations and biases (limitations)",
    "languages": "the languages of the data's text (languages)",
    "updateFrequency": "how often a new version is expected (update_frequency)",
}
SAMPLED = {"survey", "household-survey"}


def profile_warnings(descriptor: dict[str, Any]) -> list[str]:
    """Fitness-for-use fields an office looks for that the package leaves out."""
    data = descriptor.get("citizenData")
    if not isinstance(data, dict):
        return []
    missing = [
        f"citizenData/{key}: not given: {what}"
        for key, what in RECOMMENDED.items()
        if key not in data
    ]
    if data.get("collectionMethod") in SAMPLED and "sampling" not in data:
        missing.append(
            "citizenData/sampling: not given: how respondents were chosen (sampling), "
            "which a survey's estimates depend on"
        )
    return missing

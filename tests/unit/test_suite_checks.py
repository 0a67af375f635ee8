"""A suite GX has accepted once is not checked again, so clean runs need not import GX."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdx.errors import SuiteInvalid
from validations.expectations import load_suite

REPO = Path(__file__).parents[2]
NOT_NULL = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}


def _load_in_a_fresh_process(suite: Path, cache: Path) -> dict[str, object]:
    """load_suite in a new interpreter: did it succeed, and was GX imported?"""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from validations.expectations import load_suite\n"
        "from cdx.errors import SuiteInvalid\n"
        "try:\n"
        f"    load_suite(Path({str(suite)!r})); ok = True\n"
        "except SuiteInvalid:\n"
        "    ok = False\n"
        "print(json.dumps({'ok': ok, 'gx': 'great_expectations' in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "CDX_CACHE_DIR": str(cache)},
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_an_accepted_suite_loads_again_without_importing_gx(tmp_path: Path) -> None:
    suite = tmp_path / "s.json"
    suite.write_text(json.dumps({"name": "s", "expectations": [NOT_NULL]}))
    first = _load_in_a_fresh_process(suite, tmp_path / "cache")
    again = _load_in_a_fresh_process(suite, tmp_path / "cache")
    assert first == {"ok": True, "gx": True}
    assert again == {"ok": True, "gx": False}


def test_a_changed_suite_is_checked_again_and_refusals_are_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDX_CACHE_DIR", str(tmp_path / "cache"))
    suite = tmp_path / "s.json"
    suite.write_text(json.dumps({"name": "s", "expectations": [NOT_NULL]}))
    load_suite(suite)
    bad = {"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "colour": 1}}
    suite.write_text(json.dumps({"name": "s", "expectations": [NOT_NULL, bad]}))
    for _ in range(2):
        with pytest.raises(SuiteInvalid, match="index 1"):
            load_suite(suite)
    assert len(list((tmp_path / "cache" / "suites-accepted").iterdir())) == 1

"""GX is imported without scipy.stats and altair, which load when something reads them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

from cdx.validations.expectations.suites import run_suite

REPO = Path(__file__).parents[2]


def _fresh(script: str, *, path: Path | None = None) -> dict[str, object]:
    """The script in a new interpreter; its last line of output, read as JSON."""
    prefix = f"import sys; sys.path.insert(0, {str(path)!r})\n" if path else ""
    out = subprocess.run(
        [sys.executable, "-c", prefix + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_suite_runs_without_importing_scipy_stats_or_altair() -> None:
    seen = _fresh(
        """
        import json, sys
        import pandas as pd
        from cdx.validations.expectations.suites import run_suite
        suite = {"name": "s", "expectations": [
            {"type": "expect_column_values_to_be_between",
             "kwargs": {"column": "age", "min_value": 0, "max_value": 120}},
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "age"}}]}
        found = run_suite(suite, pd.DataFrame({"age": [30, 150, 30]}), resource="t")
        print(json.dumps({"codes": sorted(f.code for f in found),
                          "gx": "great_expectations" in sys.modules,
                          "loaded": [m for m in ("scipy.stats", "altair") if m in sys.modules]}))
        """
    )
    assert seen == {
        "codes": [
            "expect_column_values_to_be_between",
            "expect_column_values_to_be_unique",
            "expect_column_values_to_be_unique",
        ],
        "gx": True,
        "loaded": [],
    }


def test_an_expectation_that_uses_scipy_gets_it() -> None:
    suite = {
        "name": "s",
        "expectations": [
            {
                "type": "expect_column_kl_divergence_to_be_less_than",
                "kwargs": {
                    "column": "district",
                    "partition_object": {"values": ["a", "b"], "weights": [0.5, 0.5]},
                    "threshold": 0.1,
                },
            }
        ],
    }
    even = pd.DataFrame({"district": ["a", "b"] * 50})
    skewed = pd.DataFrame({"district": ["a"] * 95 + ["b"] * 5})
    assert run_suite(suite, even, resource="t") == []
    (finding,) = run_suite(suite, skewed, resource="t")
    assert (finding.code, finding.value) == ("expect_column_kl_divergence_to_be_less_than", "0.49")


def test_the_stand_in_gives_the_real_module_and_leaves_imports_as_usual() -> None:
    seen = _fresh(
        """
        import json, sys
        from cdx.validations.expectations.deferred_imports import (
            DeferredModule,
            import_great_expectations,
        )
        import_great_expectations()
        from great_expectations.expectations.core import (
            expect_column_kl_divergence_to_be_less_than as kl,
        )
        stand_in = kl.stats
        deferred = isinstance(stand_in, DeferredModule) and "scipy.stats" not in sys.modules
        entropy = round(float(stand_in.entropy([0.5, 0.5], [0.9, 0.1])), 4)
        import scipy.stats
        from scipy.stats import entropy as imported
        print(json.dumps({"deferred": deferred, "entropy": entropy,
                          "same": imported is stand_in.entropy and
                                  type(scipy.stats) is type(sys),
                          "in_dir": "entropy" in dir(stand_in)}))
        """
    )
    assert seen == {"deferred": True, "entropy": 0.5108, "same": True, "in_dir": True}


def test_a_submodule_imported_meanwhile_is_run_once_under_its_real_parent(
    tmp_path: Path,
) -> None:
    package = tmp_path / "heavy"
    package.mkdir()
    (package / "__init__.py").write_text("RUNS = []\nfrom heavy import part\nREADY = True\n")
    (package / "part.py").write_text("import heavy\nheavy.RUNS.append('part')\n")
    (package / "alone.py").write_text("import heavy\nheavy.RUNS.append('alone')\n")
    seen = _fresh(
        """
        import json, sys
        from cdx.validations.expectations import deferred_imports as d
        with d._deferred(["heavy"]):
            import heavy
            deferred = isinstance(heavy, d.DeferredModule)
            import heavy.part
            import heavy.alone
        import heavy as after
        print(json.dumps({"deferred": deferred, "runs": after.RUNS, "ready": after.READY,
                          "real": not isinstance(after, d.DeferredModule),
                          "read_through": heavy.READY}))
        """,
        path=tmp_path,
    )
    assert seen == {
        "deferred": True,
        "runs": ["part", "alone"],
        "ready": True,
        "real": True,
        "read_through": True,
    }

"""How long `--format sdmx-csv` takes on a large table of indicator values.

A table of 47 Kenyan counties × 2 sexes × N age codes (one value each) is written as a
package directory (descriptor and CSV, unsealed: export_package's verification is
measured elsewhere), then exported three times. Printed per run: mapping the rows to
SDMX keys (cdx/exports/sdmx_observations.py), the whole export (mapping plus pysdmx's
writer), and, as the reference measured in the same run, reading the same CSV once
with csv.DictReader.

    .venv/bin/python tests/bench/sdmx_export.py [--ages 1000]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import tempfile
import time
from pathlib import Path


def _package(root: Path, ages: int) -> dict[str, object]:
    import pycountry

    counties = sorted(s.code for s in pycountry.subdivisions.get(country_code="KE"))
    age_values = [f"a{i}" for i in range(ages)]
    (root / "data").mkdir(parents=True)
    with (root / "data" / "rates.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["county", "sex", "age", "value"])
        number = 0
        for county in counties:
            for sex in ("woman", "man"):
                for age in age_values:
                    writer.writerow([county, sex, age, f"{number % 997 / 10:.1f}"])
                    number += 1
    fields = [{"name": n, "type": "string"} for n in ("county", "sex", "age")]
    descriptor: dict[str, object] = {
        "id": "urn:cdx:package:bench/rates@1.0.0",
        "resources": [
            {
                "name": "rates",
                "path": "data/rates.csv",
                "schema": {"fields": [*fields, {"name": "value", "type": "number"}]},
            }
        ],
        "citizenData": {
            "geographicCoverage": {"country": "KE"},
            "referencePeriod": {"start": "2026-01-01", "end": "2026-12-31"},
            "areaCodes": [{"name": c, "iso3166_2": c} for c in counties],
            "dimensions": {
                "county": {"dimension": "REF_AREA", "codes": {}},
                "sex": {"dimension": "SEX", "codes": {"woman": "F", "man": "M"}},
                "age": {
                    "dimension": "AGE",
                    "codes": {a: f"Y{i}" for i, a in enumerate(age_values)},
                },
            },
            "indicators": [
                {"resource": "rates", "column": "value", "series": "X_BENCH", "unitMeasure": "PT"}
            ],
        },
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return descriptor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ages", type=int, default=1000)
    arguments = parser.parse_args()
    from cdx.exports.sdmx_csv import SDMX_CSV
    from cdx.exports.sdmx_observations import observations

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "package"
        descriptor = _package(root, arguments.ages)
        rows = 47 * 2 * arguments.ages
        print("| run | rows | DictReader read s | mapping s | whole export s | export / read |")
        print("|---|---|---|---|---|---|")
        for run in range(3):
            out = Path(scratch) / f"out{run}"
            out.mkdir()
            start = time.perf_counter()
            with (root / "data" / "rates.csv").open(encoding="utf-8", newline="") as file:
                read = sum(1 for _ in csv.DictReader(file))
            read_s = time.perf_counter() - start
            start = time.perf_counter()
            mapped = observations(root, descriptor)
            mapping_s = time.perf_counter() - start
            start = time.perf_counter()
            SDMX_CSV.export(root, out)
            export_s = time.perf_counter() - start
            assert read == len(mapped.rows) == rows
            print(
                f"| {run + 1} | {rows} | {read_s:.2f} | {mapping_s:.2f} | {export_s:.2f} "
                f"| {export_s / read_s:.1f}× |"
            )
            shutil.rmtree(out)


if __name__ == "__main__":
    main()

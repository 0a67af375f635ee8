"""Benchmark: the privacy gate on survey rows with two free-text columns, beside validation.

    .venv/bin/python tests/bench/privacy_gate.py [--rows 1000000]

Writes a synthetic survey (respondent code, county, age, sex, disability, score, and two
free-text answers in English, Swahili, Nepali, Bengali and Vietnamese), then times, in
the same run and on the same file:

- validation: `cdx.validations.package_check.validate_table` (header and Table Schema);
- the gate: `cdx.protect.gate.protect_package` (roles, every detector over both
  text columns with names on, keyed hashes, k-anonymity with an age-band rule, writing
  the protected table back).

Prints rows per second for each and the ratio gate / validation. The text is clean, so
the gate runs its whole path (a hit would stop it after the scan).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from cdx.core.coalition import Generalisation, PrivacyPolicy  # noqa: E402
from cdx.protect.gate import protect_package  # noqa: E402
from cdx.validations.package_check import validate_table  # noqa: E402

COUNTIES = ["Kisumu", "Nairobi", "Turkana", "Kilifi", "Bungoma"]
ANSWERS = [
    "Medicines out of stock for weeks",
    "We waited 4 hours and 12 of us were sent home",
    "Nurses shout at us when we ask questions",
    "Asked to pay KES 500 for services that should be free",
    "Better since the new clinical officer came in March 2026",
    "Dawa hazipatikani, tulisubiri masaa matatu",
    "स्वास्थ्य चौकीमा औषधि छैन, २५ जना फर्किए",
    "স্বাস্থ্যকেন্দ্রে ৩ ঘণ্টা অপেক্ষা করতে হয়েছে",
    "Trạm y tế xã thiếu thuốc, chờ 2 tiếng",
    "No ramp at the entrance for wheelchair users",
    "",
]
SCHEMA = {
    "fields": [
        {"name": "respondent_id", "type": "string", "cdx:role": "direct-identifier"},
        {"name": "county", "type": "string", "cdx:role": "quasi-identifier"},
        {"name": "age", "type": "integer", "cdx:role": "quasi-identifier"},
        {"name": "sex", "type": "string", "cdx:role": "quasi-identifier"},
        {"name": "disability", "type": "boolean", "cdx:role": "sensitive"},
        {"name": "score", "type": "integer", "cdx:role": "safe"},
        {"name": "problem", "type": "string", "cdx:role": "safe", "cdx:detect": ["name"]},
        {"name": "suggestion", "type": "string", "cdx:role": "safe", "cdx:detect": ["name"]},
    ],
    "missingValues": [""],
}


def write_survey(path: Path, rows: int) -> None:
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([f["name"] for f in SCHEMA["fields"]])  # type: ignore[index]
        for number in range(1, rows + 1):
            writer.writerow(
                [
                    f"R-{number:07d}",
                    rng.choice(COUNTIES),
                    rng.randrange(15, 80),
                    rng.choice(["female", "male"]),
                    rng.choice(["true", "false"]),
                    rng.randrange(1, 6),
                    rng.choice(ANSWERS),
                    rng.choice(ANSWERS),
                ]
            )


def package_with(csv_path: Path, directory: Path) -> Path:
    (directory / "data").mkdir(parents=True)
    shutil.copyfile(csv_path, directory / "data" / "responses.csv")
    descriptor = {
        "citizenData": {"consentBasis": "informed-verbal", "collectionMethod": "survey"},
        "resources": [{"name": "responses", "path": "data/responses.csv", "schema": SCHEMA}],
    }
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cdx-bench-privacy-") as scratch:
        root = Path(scratch)
        source = root / "survey.csv"
        write_survey(source, args.rows)
        print(f"{args.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB")

        started = time.perf_counter()
        findings, checked = validate_table(source, SCHEMA, None, resource="responses")
        validation = time.perf_counter() - started
        assert checked == args.rows and not findings, findings[:3]

        package = package_with(source, root / "package")
        policy = PrivacyPolicy(
            identifiers={"respondent_id": "keyed-hash"},
            generalise=[Generalisation(column="age", band=10)],
        )
        started = time.perf_counter()
        decision, blocking = protect_package(
            package,
            policy,
            dataset="bench/survey",
            country="KE",
            pseudonym_key=lambda: b"bench-key-not-a-secret-0123456789",
        )
        gate = time.perf_counter() - started
        assert decision.accepted, [f.sentence() for f in blocking[:3]]

    risk = decision.residual_risk()
    print(f"validation  {validation:8.1f} s  {args.rows / validation:>12,.0f} rows/s")
    print(f"privacy gate{gate:8.1f} s  {args.rows / gate:>12,.0f} rows/s")
    print(f"gate / validation time: {gate / validation:.2f}")
    print(
        f"suppressed {risk['recordsSuppressed']:,} records, smallest class "
        f"{risk['smallestEquivalenceClass']}"
    )


if __name__ == "__main__":
    main()

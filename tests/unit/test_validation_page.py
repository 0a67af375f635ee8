"""reports/validation.html as a person reads it: each defect issue 24 listed has a test here."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import seal_example
from tests.unit.test_privacy_gate import run_gate


class _Text(HTMLParser):
    """The page's visible text (no script or style), and its tables' header rows."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.tables = 0
        self.rows_in_tables: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "table":
            self.rows_in_tables.append(0)
        if tag == "tr" and self.rows_in_tables:
            self.rows_in_tables[-1] += 1
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "dt", "dd", "tr", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def read(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


def text_of(page: str) -> str:
    return re.sub(r"[ \t]+", " ", "".join(read(page).parts))


@pytest.fixture(scope="module")
def refused_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example score card with a phone number and a name planted in one comment."""
    import shutil

    from cdx.cli.scaffold import init_coalition
    from tests.conftest import EXAMPLE

    target = tmp_path_factory.mktemp("refused") / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    data = target / "data" / "health-scorecard-2026q1.csv"
    data.write_text(
        data.read_text().replace("Short queue in the morning", "Call Mama Achieng 0712 345 678", 1)
    )
    paths, decision = run_gate(target, "health-scorecard")
    assert not decision.accepted
    return (paths.package / "reports" / "validation.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def valid_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    import shutil

    from cdx.cli.scaffold import init_coalition
    from tests.conftest import EXAMPLE

    target = tmp_path_factory.mktemp("valid") / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    package = seal_example(target)
    return (package / "reports" / "validation.html").read_text(encoding="utf-8")


def test_no_python_none_on_the_page(refused_page: str, valid_page: str) -> None:
    for page in (refused_page, valid_page):
        assert not re.search(r"\bNone\b", text_of(page))


def test_a_refused_table_does_not_end_in_a_bare_arrow(refused_page: str) -> None:
    text = text_of(refused_page)
    assert "300" in text
    assert not re.search(r"→\s*(\n|$)", text)


def test_no_markdown_backticks_on_the_page(refused_page: str, valid_page: str) -> None:
    for page in (refused_page, valid_page):
        assert "`" not in text_of(page)
    assert "<code>privacy.allow</code>" in refused_page


def test_a_name_finding_is_not_given_the_phone_hint(refused_page: str) -> None:
    lines = [line for line in text_of(refused_page).splitlines() if "name" in line.lower()]
    name_lines = [line for line in lines if "facility's phone" in line]
    assert not name_lines, name_lines
    assert "facility's phone" in text_of(refused_page)  # the phone finding keeps its hint


def test_a_valid_dataset_has_no_empty_findings_table(valid_page: str) -> None:
    parsed = read(valid_page)
    assert all(rows > 1 for rows in parsed.rows_in_tables), parsed.rows_in_tables
    assert "No findings" in text_of(valid_page)


def test_the_risks_not_covered_are_shown(valid_page: str, refused_page: str) -> None:
    for page in (valid_page, refused_page):
        assert "attribute disclosure within classes (l-diversity)" in text_of(page)


def test_the_dataset_metadata_is_shown(valid_page: str) -> None:
    text = text_of(valid_page)
    assert "Health services community score card, five counties, Q1 2026" in text
    assert "persons with disabilities" in text  # the population
    assert "community-scorecard" in text  # the collection method
    assert "2026-03-01" in text and "informed-verbal-consent-of-groups" in text


def test_the_page_is_laid_out_for_a_phone(valid_page: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in valid_page
    assert "overflow-x: auto" in valid_page  # wide tables scroll inside their own box

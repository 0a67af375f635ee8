"""Every human-visible string of the page templates goes through gettext, and the pages
take the language's code and direction."""

from __future__ import annotations

import gettext
import re

from cdx.reports.rendering import TEMPLATES, direction, render

# Text that is the same in every language: command lines, file names, a hash's name.
UNTRANSLATED = {"SHA-256", "cdx pull", "cdx verify", "trust.json", "reports/privacy.json", "k"}


def visible_literals(source: str) -> list[str]:
    """The words a template writes itself, outside Jinja tags, trans blocks and markup."""
    source = re.sub(r"{%-?\s*trans\b.*?endtrans\s*-?%}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}|{%.*?%}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = re.sub(r"<[^>]*>", " ", source)
    source = re.sub(r"&[a-z]+;", " ", source)
    found = []
    for chunk in re.split(r"\s{2,}|\n", source):
        words = chunk.strip(" ()·:;,./")
        if re.search(r"[A-Za-z]{2,}", words) and words not in UNTRANSLATED:
            found.append(words)
    return found


def test_no_template_writes_words_of_its_own() -> None:
    for template in TEMPLATES.iterdir():
        if template.name.endswith(".html"):
            text = template.read_text(encoding="utf-8")
            text = text.replace("cdx pull", " ").replace("cdx verify", " ")
            text = text.replace("--to", " ").replace("--trust trust.json", " ")
            assert visible_literals(text) == [], template.name


class Marked(gettext.NullTranslations):
    """Marks every message it is asked for, as a real catalogue would translate it."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


def test_a_page_speaks_the_translations_it_is_given_and_its_direction() -> None:
    page = render(
        "validation.html",
        lang="ar",
        translations=Marked(),
        report={"dataset": "kenya-lnob/x", "valid": True, "summary": {}},
        privacy=None,
        descriptor=None,
        by_rule=[],
        findings=[],
        shown=0,
        total=0,
    )
    assert '<html lang="ar" dir="rtl">' in page
    assert "<title>«Validation report: kenya-lnob/x»</title>" in page
    assert "«No findings: nothing to fix.»" in page
    assert direction("fr") == "ltr" and direction("ar-PS") == "rtl"

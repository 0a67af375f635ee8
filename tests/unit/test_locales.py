"""cdx's catalogues: every message translated in every language it ships, each
translation with the message's placeholders, the compiled .mo files up to date."""

from __future__ import annotations

import gettext
import io
import pickle
import re
import string
from pathlib import Path
from typing import Any

import jinja2
import pytest
from babel.messages.catalog import Catalog

from cdx.core.errors import LanguageUnknown
from cdx.core.i18n import (
    SUPPORTED,
    Lines,
    choose_language,
    direction,
    locale_language,
    localise,
    say,
    tr,
    tr_n,
    translations_for,
    use_language,
)
from infra.locales import (
    COMPLETE,
    compiled,
    extract,
    po_path,
    read_catalogue,
    translated_languages,
    untranslated,
)

TEMPLATE = extract()


def _ids(message: Any) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def _strings(message: Any) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


PERCENT = re.compile(r"%\((\w+)\)([#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrs])")


def placeholders(text: str) -> set[tuple[str, str | None, str | None]]:
    """`{name!r:,}` → (name, r, ,), and a template's `%(name)s` → (name, %, s): a
    translation must keep each one as it is."""
    braces = {
        (field, conversion, spec)
        for _, field, spec, conversion in string.Formatter().parse(text)
        if field is not None
    }
    return braces | {(name, "%", spec) for name, spec in PERCENT.findall(text)}


def test_the_extraction_finds_the_messages_of_the_journeys() -> None:
    ids = {_ids(message)[0] for message in TEMPLATE if message.id}
    assert "no coalition file at {path}" in ids
    assert "{file} differs from what was sealed" in ids
    assert "{count:,} error" in ids  # a plural, from tr_n/say_n
    assert len(ids) > 100


@pytest.mark.parametrize("language", COMPLETE)
def test_every_message_is_translated(language: str) -> None:
    """A string newly marked with tr/say (or {% trans %} in a template) and not yet
    translated fails here: run `make locales`, then translate its msgstr."""
    assert untranslated(read_catalogue(language), TEMPLATE) == []


def test_templates_are_extracted_with_their_placeholders(tmp_path: Path) -> None:
    """babel.cfg reads the report and site templates with Jinja2's extractor."""
    page = tmp_path / "cdx" / "reports" / "templates" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<h1>{% trans %}Validation report{% endtrans %}</h1>"
        "<p>{% trans count=rows %}{{ count }} row{% pluralize %}{{ count }} rows{% endtrans %}</p>"
        "<p>{{ _('%(file)s is listed but missing', file=name) }}</p>",
        encoding="utf-8",
    )
    (tmp_path / "cdx" / "reports" / "words.py").write_text('say("Checked {count} files")\n')
    found = extract(tmp_path, help_texts=False)
    assert {_ids(message)[0] for message in found if message.id} == {
        "Validation report",
        "%(count)s row",
        "%(file)s is listed but missing",
        "Checked {count} files",
    }
    assert placeholders("%(count)s rows") == {("count", "%", "s")}


def test_a_new_message_without_translation_is_found() -> None:
    template = Catalog()
    for message in TEMPLATE:
        if message.id:
            template.add(message.id)
    template.add("a message nobody translated yet {name}")
    assert untranslated(read_catalogue("fr"), template) == [
        "a message nobody translated yet {name}"
    ]


@pytest.mark.parametrize("language", translated_languages())
def test_each_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    wrong = []
    for message in read_catalogue(language):
        if not message.id or not message.string:
            continue
        wanted = placeholders(_ids(message)[-1])
        wrong += [
            (_ids(message)[0], said)
            for said in _strings(message)
            if said and placeholders(said) != wanted
        ]
    assert wrong == []


def test_a_template_placeholder_counts_as_one() -> None:
    assert placeholders("%(count)d rows in {file}") == {("count", "%", "d"), ("file", None, "")}


def test_the_singular_and_plural_of_a_message_have_the_same_placeholders() -> None:
    plurals = [message for message in TEMPLATE if isinstance(message.id, tuple | list)]
    assert plurals
    assert all(placeholders(one) == placeholders(many) for one, many in (m.id for m in plurals))


@pytest.mark.parametrize("language", translated_languages())
def test_the_compiled_catalogue_is_the_po_file_compiled(language: str) -> None:
    """cdx.mo travels in the wheel; `make locales` writes it from cdx.po."""
    shipped = po_path(language).with_suffix(".mo").read_bytes()
    assert shipped == compiled(read_catalogue(language))
    assert gettext.GNUTranslations(io.BytesIO(shipped)).gettext("Error") != "Error"


def test_direction_of_writing() -> None:
    assert direction("ar") == "rtl"
    assert direction("ar_PS") == "rtl"
    assert {direction(code) for code in SUPPORTED if code != "ar"} == {"ltr"}
    assert direction("fr") == "ltr"


def test_the_language_is_the_option_then_the_coalition_then_the_locale() -> None:
    environ = {"LANG": "bn_BD.UTF-8"}
    assert choose_language("fr", "sw", environ) == "fr"
    assert choose_language(None, "sw", environ) == "sw"
    assert choose_language(None, None, environ) == "bn"
    assert choose_language(None, None, {}) == "en"
    assert choose_language("fr-CA", None, {}) == "fr"


def test_the_locale_is_read_as_posix_orders_it() -> None:
    assert locale_language({"LC_ALL": "vi_VN.UTF-8", "LANG": "fr_FR.UTF-8"}) == "vi"
    assert locale_language({"LC_MESSAGES": "ne_NP", "LANG": "fr_FR.UTF-8"}) == "ne"
    assert locale_language({"LANG": "sw_KE.UTF-8@euro"}) == "sw"
    # a locale cdx does not speak, or none: English, never an error
    assert locale_language({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}) is None
    assert locale_language({"LANG": "de_DE.UTF-8"}) is None


def test_an_unknown_language_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(LanguageUnknown) as caught:
        choose_language("klingon", None, {})
    assert caught.value.code == "language-unknown"
    assert "en, fr, bn, ne, sw, vi, ar" in str(caught.value.hint)
    with pytest.raises(LanguageUnknown):
        choose_language(None, "xx", {})


def test_a_marked_message_is_english_until_shown_and_translated_when_shown() -> None:
    message = tr("no coalition file at {path}", path="/x/coalition.yaml")
    assert message == "no coalition file at /x/coalition.yaml"
    token = use_language("fr")
    try:
        assert localise(message) == "pas de fichier de coalition à /x/coalition.yaml"
        assert say_in_plural(1) == "1 erreur"
        assert say_in_plural(1204) == "1,204 erreurs"
        assert say("Error") == "Erreur"
    finally:
        use_language("en")
        del token


def say_in_plural(count: int) -> str:
    return str(localise(tr_n("{count:,} error", "{count:,} errors", count)))


def test_nested_messages_and_lines_are_translated_each() -> None:
    problems = Lines([tr("unknown key `{key}`", key="coalition.colour")])
    message = tr("coalition.yaml has problems:{problems}", problems=problems)
    assert str(message) == "coalition.yaml has problems:\n    unknown key `coalition.colour`"
    said = localise(message, translations_for("sw"))
    assert said == "coalition.yaml ina matatizo:\n    ufunguo usiojulikana `coalition.colour`"


def test_a_pickled_message_keeps_what_it_needs_to_be_translated() -> None:
    """An error crossing a Prefect result is unpickled before the command line shows it."""
    message = pickle.loads(pickle.dumps(tr_n("{count:,} cell", "{count:,} cells", 2)))
    assert message == "2 cells"
    assert localise(message, translations_for("vi")) == "2 ô"


def test_the_templates_render_with_the_catalogue_and_direction() -> None:
    """What the report and site templates plug into: jinja2.ext.i18n with a catalogue."""
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    environment.install_gettext_translations(translations_for("ar"), newstyle=True)  # type: ignore[attr-defined]
    page = environment.from_string(
        '<html lang="{{ lang }}" dir="{{ dir }}"><p>{% trans %}Error{% endtrans %}</p>'
        "<p>{{ _('invalid') }}</p></html>"
    ).render(lang="ar", dir=direction("ar"))
    assert page == '<html lang="ar" dir="rtl"><p>خطأ</p><p>غير صالح</p></html>'

"""The languages cdx speaks: gettext catalogues, the language in use, and texts marked
for translation.

Messages are written in English, which is the catalogues' msgid, with named
placeholders: `tr("no coalition file at {path}", path=path)` is a `Text`, a string whose
value is the English sentence (logs, `str(error)`) that remembers its msgid and values,
so whoever shows it to a person (cdx/cli/output.py, the reports) translates it then with
`localise`. A raise site thus stays free of any language; `say` translates at once, for
lines the command line prints itself. The catalogues are cdx/locales/LANG/LC_MESSAGES/
cdx.po, compiled to cdx.mo beside them (`make locales`); reading one needs only the
standard library's gettext.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from cdx.core.errors import LanguageUnknown

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "cdx"
SOURCE_LANGUAGE = "en"
LanguageCode = Literal["en", "fr", "bn", "ne", "sw", "vi", "ar"]
SUPPORTED: tuple[str, ...] = get_args(LanguageCode)
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "dv", "yi", "ckb"})
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first set one wins

_active: contextvars.ContextVar[str] = contextvars.ContextVar("cdx_language", default="en")


class Text(str):
    """An English message that can be said again in another language.

    Concatenating or formatting it gives a plain `str` (English): only a whole `Text`
    is translated.
    """

    msgid: str
    params: dict[str, Any]
    plural: str | None  # with `count` among the params: a message with plural forms

    def __new__(cls, msgid: str, params: Mapping[str, Any], plural: str | None = None) -> Text:
        english = plural if plural is not None and params["count"] != 1 else msgid
        text = super().__new__(cls, english.format(**params) if params else english)
        text.msgid = msgid
        text.params = dict(params)
        text.plural = plural
        return text

    def __getnewargs__(self) -> tuple[str, dict[str, Any], str | None]:  # type: ignore[override]
        return (self.msgid, self.params, self.plural)  # a pickled error keeps its msgid

    def localised(self, translations: gettext.NullTranslations) -> str:
        if self.plural is None:
            said = translations.gettext(self.msgid)
        else:
            said = translations.ngettext(self.msgid, self.plural, self.params["count"])
        params = {key: localise(value, translations) for key, value in self.params.items()}
        try:
            return said.format(**params) if params else said
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            return str(self)


class Lines(str):
    """Messages shown one to a line, each indented under the sentence that holds them."""

    items: tuple[Any, ...]

    def __new__(cls, items: Any, indent: str = "\n    ") -> Lines:
        listed = tuple(items)
        lines = super().__new__(cls, "".join(indent + str(item) for item in listed))
        lines.items = listed
        lines.indent = indent
        return lines

    indent: str

    def __getnewargs__(self) -> tuple[tuple[Any, ...], str]:  # type: ignore[override]
        return (self.items, self.indent)

    def localised(self, translations: gettext.NullTranslations) -> str:
        return "".join(self.indent + str(localise(item, translations)) for item in self.items)


def tr(msgid: str, /, **params: Any) -> Text:
    """Mark an English message for translation when it is shown (extracted by Babel)."""
    return Text(msgid, params)


def tr_n(singular: str, plural: str, count: int, /, **params: Any) -> Text:
    """`tr` for a message about `count` things (`{count}` is a placeholder)."""
    return Text(singular, {"count": count, **params}, plural)


def localise(value: Any, translations: gettext.NullTranslations | None = None) -> Any:
    """`value` in the language in use when it is a `Text`; anything else as it is."""
    if isinstance(value, Text | Lines):
        return value.localised(translations or catalogue(_active.get()))
    return value


def localise_all(data: Any) -> Any:
    """A JSON document with every marked text in it in the language in use."""
    if isinstance(data, dict):
        return {key: localise_all(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [localise_all(value) for value in data]
    return localise(data)


def say(msgid: str, /, **params: Any) -> str:
    """The message in the language in use, now (lines the command line prints)."""
    return str(localise(tr(msgid, **params)))


def say_n(singular: str, plural: str, count: int, /, **params: Any) -> str:
    """The message for `count` things in the language in use: `{count}` is a placeholder."""
    return str(localise(tr_n(singular, plural, count, **params)))


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language; English (and a missing file) say the msgid."""
    return gettext.translation(DOMAIN, LOCALES, languages=[language], fallback=True)


def direction(language: str) -> Literal["ltr", "rtl"]:
    """Which way the language is written: `dir` of an HTML page in it."""
    return "rtl" if language.split("-")[0].split("_")[0].lower() in RIGHT_TO_LEFT else "ltr"


def check_language(code: str, *, where: str | None = None) -> str:
    """`code` as cdx knows it (`fr`, `FR`, `fr_FR`, `fr-CA` → `fr`), else LanguageUnknown."""
    short = code.strip().replace("-", "_").split("_")[0].lower()
    if short in SUPPORTED:
        return short
    raise LanguageUnknown(
        tr("cdx does not speak the language {code!r}", code=code),
        hint=tr("use one of: {languages}", languages=", ".join(SUPPORTED)),
        where=where,
    )


def locale_language(environ: Mapping[str, str]) -> str | None:
    """The language of the locale (LC_ALL, LC_MESSAGES, LANG) when cdx speaks it."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            short = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return short if short in SUPPORTED else None
    return None


def choose_language(asked: str | None, coalition: str | None, environ: Mapping[str, str]) -> str:
    """--lang, else coalition.yaml's `language:`, else the locale, else English."""
    if asked:
        return check_language(asked, where="--lang")
    if coalition:
        return check_language(coalition, where="coalition.yaml")
    return locale_language(environ) or SOURCE_LANGUAGE


def use_language(language: str) -> contextvars.Token[str]:
    """Speak `language` from now on in this context (the command being run)."""
    return _active.set(check_language(language))


def language_in_use() -> str:
    return _active.get()


def translations_for(language: str) -> gettext.NullTranslations:
    """The catalogue the report and site templates render with (jinja2.ext.i18n)."""
    return catalogue(check_language(language))

"""The one Jinja2 environment for every page cdx writes: reports/validation.html and the
catalogue site (cdx/site) load the same templates (cdx/reports/templates/).

Every human-visible string in a template is marked for gettext (`{% trans %}`, `_()`);
`translations` is any gettext.NullTranslations-compatible object; when None, the page
speaks `lang` from cdx's own catalogues (cdx/core/i18n.py), English for a language it has
no catalogue of.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import re
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup, escape

from cdx.core.i18n import catalogue
from cdx.core.i18n import direction as direction  # `<html dir>`, for the pages' callers

TEMPLATES = files("cdx.reports") / "templates"
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(text: object) -> Markup:
    """Escape `text` and turn its Markdown code spans (`privacy.allow`) into <code>."""
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape("" if text is None else text))))


def left_to_right(value: object) -> Markup:
    """A date, version or code kept in its own order inside a right-to-left sentence."""
    return Markup('<bdi dir="ltr">') + escape("" if value is None else value) + Markup("</bdi>")


def _new_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def environment(translations: Any | None = None) -> jinja2.Environment:
    """An environment speaking `translations` (gettext.NullTranslations when None); one
    per translations object, so each compiles the templates once."""
    return _environment_for(translations)


@functools.lru_cache(maxsize=32)
def _environment_for(translations: Any | None) -> jinja2.Environment:
    env = _new_environment()
    env.filters["code"] = code_spans
    env.filters["ltr"] = left_to_right
    env.filters["number"] = lambda value: f"{value:,}" if isinstance(value, int) else value
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations if translations is not None else gettext.NullTranslations(), newstyle=True
    )
    return env


def render(
    template: str, *, lang: str = "en", translations: Any | None = None, **context: Any
) -> str:
    """`template` rendered in `lang`, with `<html lang dir>` set from it."""
    if translations is None:
        translations = catalogue(lang)
    page = environment(translations).get_template(template)
    return page.render(lang=lang, dir=direction(lang), **context)


@functools.cache
def templates_fingerprint() -> str:
    """SHA-256 over every template: a page whose templates changed is built again."""
    digest = hashlib.sha256()
    for entry in sorted(TEMPLATES.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()

"""cdx's gettext catalogues: extract the messages, update each language, compile.

    make locales        # = python -m infra.locales: all three steps

Extraction reads babel.cfg (Python sources and Jinja2 templates under cdx/) with the
markers of cdx/core/i18n.py as keywords and adds the --help texts of the command line;
the result is written to cdx/locales/cdx.pot and merged into every
cdx/locales/LANG/LC_MESSAGES/cdx.po (new messages arrive untranslated), and each .po is
compiled to the cdx.mo the wheel carries. tests/unit/test_locales.py runs the same
extraction and fails on a message a supported language lacks.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from cdx.core.i18n import DOMAIN, LOCALES, SOURCE_LANGUAGE, SUPPORTED

REPO = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "tr": None, "say": None, "tr_n": (1, 2), "say_n": (1, 2)}
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
# Languages whose every message must be translated (a test checks); any other of
# SUPPORTED may be partial: a missing message is said in English.
COMPLETE = ("fr", "bn", "ne", "sw", "vi", "ar")


def extract(root: Path = REPO, *, help_texts: bool = True) -> Catalog:
    """Every marked message of the sources and templates under `root` (babel.cfg's
    patterns), and the command line's --help texts, as a template catalogue."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project="cdx", domain=DOMAIN, charset="utf-8", fuzzy=False)
    found = extract_from_dir(str(root), method_map, options_map, keywords=KEYWORDS)
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for text in _help_texts() if help_texts else []:
        template.add(text, None, [(HELP_PLACE, None)])
    return template


HELP_PLACE = "cdx --help"


def _help_texts() -> list[str]:
    """The command line's --help texts, as Typer gives them to click (docstrings and
    `help=`): cdx/cli/language.py looks each one up when --help is asked in a language."""
    from typer.main import get_command

    from cdx.cli.app import app
    from cdx.cli.language import help_texts

    return help_texts(get_command(app))


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def compiled(catalogue: Catalog) -> bytes:
    """The .mo bytes of a catalogue (fuzzy entries left out, as gettext expects)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def translated_languages() -> list[str]:
    return [language for language in SUPPORTED if language != SOURCE_LANGUAGE]


def untranslated(catalogue: Catalog, template: Catalog) -> list[str]:
    """The template's messages the catalogue lacks, or has only as fuzzy guesses."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, message.context)
        if found is None or found.fuzzy or not _complete(found):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def _complete(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return all(strings)


def update_all() -> None:
    """Write the template, merge it into each language's catalogue, compile them."""
    template = extract()
    _write(TEMPLATE, template)
    for language in translated_languages():
        path = po_path(language)
        if path.exists():
            catalogue = read_catalogue(language)
            catalogue.update(template, update_header_comment=False)
        else:
            catalogue = Catalog(
                locale=language, domain=DOMAIN, project="cdx", charset="utf-8", fuzzy=False
            )
            catalogue.update(template)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, catalogue)
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(read_catalogue(language)):
            mo.write_bytes(compiled(read_catalogue(language)))
        missing = untranslated(catalogue, template)
        print(f"{language}: {len(template) - len(missing)} of {len(template)} translated")


HEADER = """\
# cdx's messages{language}. Translate the msgstr lines (keep {{placeholders}}, codes,
# option, file and command names as they are), then run `make locales`."""
DATED = (b"POT-Creation-Date:", b"PO-Revision-Date:")


def _write(path: Path, catalogue: Catalog) -> None:
    """Write a catalogue; one whose messages did not change is left as it is (its dates
    would be the only difference)."""
    catalogue.fuzzy = False
    language = f" in {catalogue.locale.english_name}" if catalogue.locale else ""
    catalogue.header_comment = HEADER.format(language=language)
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=0, include_lineno=False, sort_output=True)
    if not path.exists() or _undated(path.read_bytes()) != _undated(buffer.getvalue()):
        path.write_bytes(buffer.getvalue())


def _undated(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.lstrip(b'"').startswith(DATED)]


if __name__ == "__main__":
    update_all()
    sys.exit(0)

"""Which language a command speaks: --lang, else coalition.yaml's `language:`, else the
locale, else English. Every command gets --lang from `speaks_errors` (cdx/cli/app.py);
`--help` is said in the same language (`translate_help`, at start, before click parses)."""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cdx.cli.options import DEFAULT_CONFIG, LangOption
from cdx.core.errors import CdxError, LanguageUnknown
from cdx.core.i18n import SOURCE_LANGUAGE, catalogue, choose_language, say, use_language

LANG_PARAMETER = "lang"


def with_lang_option(wrapper: Callable[..., Any], command: Callable[..., Any]) -> None:
    """Give `wrapper` (which wraps `command`) a --lang option Typer sees."""
    signature = inspect.signature(command, eval_str=True)
    if LANG_PARAMETER in signature.parameters:
        return
    lang = inspect.Parameter(
        LANG_PARAMETER, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOption
    )
    parameters = [*signature.parameters.values(), lang]
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**command.__annotations__, LANG_PARAMETER: LangOption}


def speak_language_of(kwargs: dict[str, Any]) -> None:
    """Take --lang out of a command's arguments and speak the language chosen."""
    asked = kwargs.pop(LANG_PARAMETER, None)
    config = kwargs.get("config")
    coalition = _coalition_language(config) if asked is None else None
    use_language(choose_language(asked, coalition, os.environ))


def _coalition_language(config: Any) -> str | None:
    """coalition.yaml's `language:`, read before the command loads the file itself; a file
    that cannot be read says nothing here (the command reports it, in the locale's language).
    A command given several (`cdx site --config A --config B`) takes the language of none."""
    if isinstance(config, list) and len(config) == 1:
        config = config[0]
    if not isinstance(config, Path):
        return None
    path = config / "coalition.yaml" if config.is_dir() else config
    if not path.is_file():
        return None
    from cdx.core.yaml_lines import load_yaml_with_lines

    try:
        data, _ = load_yaml_with_lines(path)
    except (CdxError, OSError, ValueError):
        return None
    coalition = data.get("coalition") if isinstance(data, dict) else None
    language = coalition.get("language") if isinstance(coalition, dict) else None
    return language if isinstance(language, str) else None


def help_texts(command: Any) -> list[str]:
    """Every help text of a click command tree: its commands' and their parameters'."""
    found = [command.help] if command.help else []
    found += [param.help for param in command.params if getattr(param, "help", None)]
    for sub in getattr(command, "commands", {}).values():
        found += help_texts(sub)
    return found


def translate_help(command: Any, argv: list[str], environ: Mapping[str, str]) -> None:
    """Say the help of `command` (built by Typer) in the language the arguments, the
    coalition or the locale ask for. A language cdx does not speak leaves it in English:
    the command itself then refuses it."""
    try:
        language = _help_language(argv, environ)
    except LanguageUnknown:
        return
    if language == SOURCE_LANGUAGE:
        return
    use_language(language)
    _translate_tree(command, catalogue(language).gettext)
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = say("Arguments")
    rich_utils.OPTIONS_PANEL_TITLE = say("Options")
    rich_utils.COMMANDS_PANEL_TITLE = say("Commands")
    rich_utils.REQUIRED_LONG_STRING = say("[required]")
    rich_utils.DEFAULT_STRING = say("[default: {}]")
    rich_utils.ENVVAR_STRING = say("[env var: {}]")


# A line break inside a paragraph of a docstring, not before a list item or indented line.
_WRAPPED = re.compile(r"(?<=\S)\n(?=[^\s\-*\d])")


def unwrap_help(command: Any) -> None:
    """Join the lines of each help paragraph, so the terminal wraps them at its own width
    (Typer keeps a docstring's line breaks, leaving one word on a line of its own)."""
    _translate_tree(command, lambda text: _WRAPPED.sub(" ", text))


def _translate_tree(command: Any, gettext: Callable[[str], str]) -> None:
    if command.help:
        command.help = gettext(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = gettext(param.help)
    for sub in getattr(command, "commands", {}).values():
        _translate_tree(sub, gettext)


def _help_language(argv: list[str], environ: Mapping[str, str]) -> str:
    asked = _option_value(argv, "--lang")
    config = _option_value(argv, "--config", "-c") or environ.get("CDX_CONFIG") or DEFAULT_CONFIG
    coalition = None if asked else _coalition_language(Path(config))
    return choose_language(asked, coalition, environ)


def _option_value(argv: list[str], *names: str) -> str | None:
    for number, argument in enumerate(argv):
        if argument in names and number + 1 < len(argv):
            return argv[number + 1]
        for name in names:
            if argument.startswith(f"{name}="):
                return argument.split("=", 1)[1]
    return None

"""Which language a command speaks: --lang, else coalition.yaml's `language:`, else the
locale, else English. Every command gets --lang from `speaks_errors` (cdx/cli/app.py)."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdx.cli.options import LangOption
from cdx.core.errors import CdxError
from cdx.core.i18n import choose_language, use_language

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
    that cannot be read says nothing here (the command reports it, in the locale's language)."""
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

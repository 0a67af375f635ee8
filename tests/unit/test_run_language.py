"""The language of a run's pages: the one the command chose, else (a run no command
started, such as a Prefect deployment) coalition.yaml's `language:`, else the locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdx.core.coalition import load_coalition
from cdx.core.settings import Settings
from cdx.flows.run_context import end_run, start_run
from cdx.seal.provenance import RunRecord


def language_of_a_run(config: Path, language: str | None = None) -> str:
    coalition = load_coalition(config)
    settings = Settings(work_dir=config.parent / ".cdx")
    run = start_run(
        coalition, "health-scorecard", RunRecord(), settings, publishing=False, language=language
    )
    end_run(run)
    return run.language


def say_in(config: Path, language: str) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\ncoalition:\n", f"\ncoalition:\n  language: {language}\n", 1))


@pytest.fixture
def in_vietnamese_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")


def test_the_command_s_choice_wins(coalition_dir: Path, in_vietnamese_locale: None) -> None:
    config = coalition_dir / "coalition.yaml"
    say_in(config, "sw")
    assert language_of_a_run(config, "fr") == "fr"


def test_without_a_command_the_coalition_then_the_locale_choose(
    coalition_dir: Path, in_vietnamese_locale: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = coalition_dir / "coalition.yaml"
    assert language_of_a_run(config) == "vi"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert language_of_a_run(config) == "en"
    say_in(config, "sw")
    assert language_of_a_run(config) == "sw"

"""The command line in the data officer's language: --lang, coalition.yaml's `language:`,
or the locale; the error codes and the JSON's machine fields the same in every one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CDX = [sys.executable, "-m", "cdx.cli.app"]
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def cdx(*args: str, cwd: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in LOCALE}
    env.update({"NO_COLOR": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **environ})
    env.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [*CDX, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def with_formulas(tmp_path: Path) -> Path:
    """The example coalition, its score card with two cells a spreadsheet would run."""
    target = tmp_path / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", target, ignore=shutil.ignore_patterns("keys"))
    data = target / "data" / "health-scorecard-2026q1.csv"
    text = data.read_text(encoding="utf-8")
    text = text.replace("Short queue in the morning", '=HYPERLINK("http://x.example")', 1)
    data.write_text(text.replace("Sometimes good, sometimes not", "@SUM(A1:A9)", 1))
    return target


def refusal(cwd: Path, *options: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return cdx("validate", "health-scorecard", *options, cwd=cwd, **environ)


def test_lang_fr_says_the_refusal_in_french_with_the_same_code(with_formulas: Path) -> None:
    english = refusal(with_formulas)
    assert english.returncode == 1, english.stderr
    assert "Error [source-formula]" in english.stderr
    assert "2 cells would run as a spreadsheet formula" in english.stderr
    assert "How to fix:" in english.stderr

    french = refusal(with_formulas, "--lang", "fr")
    assert french.returncode == 1
    assert "Erreur [source-formula]" in french.stderr
    assert "2 cellules s'exécuteraient comme une formule de tableur" in french.stderr
    assert "ligne 3, colonne 9 (`comment`)" in french.stderr
    assert "Comment corriger : corrigez ces cellules" in french.stderr
    assert "`formulas: neutralise`" in french.stderr  # names stay as they are written


def test_json_keeps_the_machine_fields_and_says_the_words_in_the_language(
    with_formulas: Path,
) -> None:
    english = json.loads(refusal(with_formulas, "--json").stdout)["error"]
    french = json.loads(refusal(with_formulas, "--json", "--lang", "fr").stdout)["error"]
    assert french["code"] == english["code"] == "source-formula"
    assert french["where"] == english["where"]
    assert french["message"] != english["message"]
    assert "formule de tableur" in french["message"]


def test_the_locale_chooses_the_language(with_formulas: Path) -> None:
    bengali = refusal(with_formulas, LANG="bn_BD.UTF-8")
    assert bengali.returncode == 1
    assert "ত্রুটি [source-formula]" in bengali.stderr
    assert "স্প্রেডশিট সূত্র হিসেবে চলবে" in bengali.stderr
    assert "কীভাবে ঠিক করবেন:" in bengali.stderr
    # --lang wins over the locale
    assert (
        "Error [source-formula]"
        in refusal(with_formulas, "--lang", "en", LANG="bn_BD.UTF-8").stderr
    )


def test_coalition_yaml_chooses_the_language_over_the_locale(with_formulas: Path) -> None:
    config = with_formulas / "coalition.yaml"
    text = config.read_text(encoding="utf-8")
    assert text.count("coalition:\n") == 1
    config.write_text(text.replace("coalition:\n", "coalition:\n  language: sw\n", 1))
    swahili = refusal(with_formulas, LANG="vi_VN.UTF-8")
    assert swahili.returncode == 1
    assert "Hitilafu [source-formula]" in swahili.stderr
    assert "vitaendeshwa kama fomula ya lahajedwali" in swahili.stderr
    assert "Jinsi ya kurekebisha:" in swahili.stderr
    nepali = refusal(with_formulas, "--lang", "ne")
    assert "त्रुटि [source-formula]" in nepali.stderr


def test_an_unknown_language_is_refused_with_the_known_ones(with_formulas: Path) -> None:
    asked = refusal(with_formulas, "--lang", "xx")
    assert asked.returncode == 2
    assert "[language-unknown] --lang: cdx does not speak the language 'xx'" in asked.stderr
    assert "en, fr, bn, ne, sw, vi, ar" in asked.stderr

    config = with_formulas / "coalition.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "coalition:\n", "coalition:\n  language: tlh\n", 1
        )
    )
    written = refusal(with_formulas)
    assert written.returncode == 2 and "[language-unknown]" in written.stderr
    assert "en, fr, bn, ne, sw, vi, ar" in written.stderr


def test_a_tampered_package_is_refused_in_vietnamese(sealed: Path, trust_file: Path) -> None:
    data = sealed / "data" / "scores.csv"
    data.write_bytes(data.read_bytes().replace(b"Kisumu", b"Kisumo", 1))
    said = cdx("verify", str(sealed), "--trust", str(trust_file), "--lang", "vi", cwd=sealed)
    assert said.returncode == 1
    assert "✗ data/scores.csv khác với bản đã niêm phong  [file-modified]" in said.stdout
    assert "✗ bị từ chối" in said.stdout
    as_json = cdx(
        "verify", str(sealed), "--trust", str(trust_file), "--json", "--lang", "vi", cwd=sealed
    )
    problems = json.loads(as_json.stdout)["problems"]
    assert [problem["code"] for problem in problems] == ["file-modified"]


def test_every_command_takes_lang() -> None:
    from typer.main import get_command

    from cdx.cli.app import app

    def commands(group: object, path: str = "cdx") -> list[tuple[str, object]]:
        found = []
        for name, command in getattr(group, "commands", {}).items():
            found.append((f"{path} {name}", command))
            found += commands(command, f"{path} {name}")
        return found

    every = commands(get_command(app))
    assert len(every) > 10
    missing = [
        name
        for name, command in every
        if not hasattr(command, "commands")
        and "--lang" not in [option for p in command.params for option in p.opts]  # type: ignore[attr-defined]
    ]
    assert missing == []


def test_help_is_said_in_the_language_asked(tmp_path: Path) -> None:
    french = cdx("verify", "--help", "--lang", "fr", cwd=tmp_path)
    assert french.returncode == 0
    assert "Vérifier chaque fichier, la signature et le profil" in french.stdout
    assert "Langue des messages" in french.stdout and "--lang" in french.stdout
    swahili = cdx("--help", cwd=tmp_path, LANG="sw_KE.UTF-8")
    assert "Amri" in swahili.stdout and "Hakiki faili, au seti ya data" in swahili.stdout
    # a language cdx does not speak leaves the help in English; the command refuses it
    assert "Check every file" in cdx("verify", "--help", "--lang", "xx", cwd=tmp_path).stdout

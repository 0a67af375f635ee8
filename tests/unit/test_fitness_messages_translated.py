"""Fitness-for-use errors (cdx/core/code_lists.py) said in the person's language, with the
same code and the same English `message` for logs and JSON consumers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdx.core.coalition import load_coalition
from cdx.core.errors import DimensionCodeUnknown, LanguageTagInvalid
from cdx.core.i18n import localise, translations_for
from tests.unit.fitness_coalition import add_rates_dataset
from tests.unit.test_fitness_metadata import _coalition


def test_a_language_tag_refusal_in_french_and_swahili(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path))
    config.write_text(config.read_text().replace("[en, sw-KE]", "[en, Kiswahili]"))
    with pytest.raises(LanguageTagInvalid) as refused:
        load_coalition(config)
    error = refused.value
    assert error.code == "language-tag-invalid"
    assert str(error.message) == "'Kiswahili' is not a BCP 47 language tag"
    french = localise(error.message, translations_for("fr"))
    assert french == "'Kiswahili' n'est pas une étiquette de langue BCP 47"
    assert (
        localise(error.hint, translations_for("sw"))
        == "andika lebo kama en, sw, fr, en-KE au sw-TZ"
    )


def test_a_code_list_problem_is_translated_inside_its_sentence(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path))
    config.write_text(config.read_text().replace("{woman: F, man: M}", "{woman: W, man: M}"))
    with pytest.raises(DimensionCodeUnknown) as refused:
        load_coalition(config)
    french = localise(refused.value.message, translations_for("fr"))
    assert "absent de CL_SEX :" in french and "→ SEX 'W'" in french
    assert "not in CL_SEX" in str(refused.value.message)

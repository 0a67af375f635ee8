"""Every rule cdx checks a table with, by its stable code: the one place a check is
declared (rule.py says what a declaration holds).

Adding a check: declare it in structure_rules.py or schema_rules.py (code, wording,
severity, scope, engines, example), implement it in each engine it names, and
tests/unit/test_rule_parity.py checks its example on them.
"""

from __future__ import annotations

from cdx.validations.table.rule import Engine, Rule
from cdx.validations.table.schema_rules import SCHEMA_RULES
from cdx.validations.table.structure_rules import STRUCTURE_RULES


def _by_code(rules: list[Rule]) -> dict[str, Rule]:
    by_code: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in by_code:
            raise ValueError(f"the rule {rule.code!r} is declared twice")
        by_code[rule.code] = rule
    return by_code


RULES: dict[str, Rule] = _by_code(STRUCTURE_RULES + SCHEMA_RULES)


def checked_by(engine: Engine) -> set[str]:
    """The codes of the rules an engine checks."""
    return {code for code, rule in RULES.items() if engine in rule.engines}

"""YAML loading that remembers where each value stood, so errors can point at a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cdx.core.errors import ConfigError

# libyaml's loader when PyYAML has it: the pure-Python one took 0.4 s for a 10-dataset
# coalition.yaml, paid by every publish run (measured in tests/bench/orchestration.py).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_with_lines(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse `path`, returning the data and its node tree (for line look-ups)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"this is not valid YAML ({problem})",
            where=where,
            hint="check the indentation, and put a space after the colon of every `key: value`",
        ) from exc
    return data, node


def line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the value at `loc` (a pydantic error location), best effort."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    # An unknown key is reported at the key itself; its value may be nested.
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                return line
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line

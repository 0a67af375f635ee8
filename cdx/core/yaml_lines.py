"""YAML loading that remembers where each value stood, so errors can point at a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cdx.core.errors import ConfigError, ConfigTooDeep, ConfigTooLarge

# libyaml's loader when PyYAML has it: the pure-Python one is slow enough to matter on
# every publish run (docs/decisions/0052-libyaml-loader.md).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A coalition.yaml is a few kilobytes, nested five or six levels. libyaml recurses once
# per level and crashed the process (SIGSEGV) on a list nested 50,000 deep: a file that
# might be that deep is read by the pure-Python loader, which stops at MAX_DEPTH.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
BLOCK_INDICATORS = " -?:"


def nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth of `text`: the deepest bracket nesting plus
    twice the widest run of indentation and indicators (`- - -`) starting a line. A quoted
    bracket counts too, which only overestimates."""
    flow = deepest = 0
    for char in text:
        if char in "[{":
            flow += 1
            deepest = max(deepest, flow)
        elif char in "]}" and flow:
            flow -= 1
    widest = max(
        (len(line) - len(line.lstrip(BLOCK_INDICATORS)) for line in text.split("\n")), default=0
    )
    return deepest + 2 * widest + 1


class _DepthLimitedLoader(yaml.SafeLoader):
    """The pure-Python safe loader, refusing a document nested deeper than MAX_DEPTH."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ConfigTooDeep(
                    f"the file is nested more than {MAX_DEPTH} levels deep",
                    where=f"{mark.name}:{mark.line + 1}",
                    hint="a coalition.yaml needs a handful of levels; check that the file "
                    "is the coalition.yaml you meant",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _compose_and_load(text: str, path: Path) -> tuple[Any, yaml.Node | None]:
    if nesting_bound(text) <= MAX_DEPTH:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        return yaml.load(text, Loader=SAFE_LOADER), node
    loader = _DepthLimitedLoader(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def load_yaml_with_lines(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse `path`, returning the data and its node tree (for line look-ups)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ConfigTooLarge(
            f"the file is {size:,} bytes, more than the {MAX_BYTES:,} a coalition.yaml may be",
            where=str(path),
            hint="a coalition.yaml is a few kilobytes; check that this is the file you meant",
        )
    text = path.read_text(encoding="utf-8-sig")
    try:
        data, node = _compose_and_load(text, path)
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

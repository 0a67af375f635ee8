"""Text as an SQL string literal, the one quoting every generated query uses."""

from __future__ import annotations


def sql_string(text: str) -> str:
    """`text` as a single-quoted SQL literal: 'it''s'."""
    return "'" + text.replace("'", "''") + "'"

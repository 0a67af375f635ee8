"""Parse the Solr (Lucene) query syntax CKAN sends into a small syntax tree.

Covers what CKAN core sends for dataset search and package_show: fielded terms,
phrases, ``*:*``, ``AND``/``OR``/``NOT``/``&&``/``||``/``!``/``+``/``-``,
brackets, wildcards (``*``, ``?``) and ranges (``[a TO b]``, ``{a TO b}``).
Boosts (``^2``) and fuzziness/proximity (``~1``) are accepted and ignored.
Clause combination follows Lucene's classic query parser, including its
``q.op`` handling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ALL_FIELDS = "*"
_SPECIAL = set(' \t\r\n()[]{}"^~:')


class QuerySyntaxError(ValueError):
    """The query is not valid Solr syntax (as far as this parser knows it)."""


@dataclass(frozen=True)
class MatchAll:
    """``*:*``"""


@dataclass(frozen=True)
class Term:
    """``field:value``; ``raw`` keeps backslash escapes so wildcards can be told apart."""

    field: str
    raw: str

    @property
    def value(self) -> str:
        return unescape(self.raw)

    @property
    def is_wildcard(self) -> bool:
        return any(char in "*?" for char, escaped in escaped_chars(self.raw) if not escaped)


@dataclass(frozen=True)
class Phrase:
    """``field:"some words"``"""

    field: str
    value: str


@dataclass(frozen=True)
class Range:
    """``field:[low TO high]``; ``None`` is an open end (``*``)."""

    field: str
    low: str | None
    high: str | None
    include_low: bool
    include_high: bool


@dataclass
class Boolean:
    """Lucene BooleanQuery: all ``must``, no ``must_not``, and one ``should`` when no must."""

    must: list[Node] = field(default_factory=list)
    should: list[Node] = field(default_factory=list)
    must_not: list[Node] = field(default_factory=list)


Node = MatchAll | Term | Phrase | Range | Boolean

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"


def parse(query: str, default_field: str = "text", default_operator: str = "AND") -> Node:
    """Parse ``query``; bare terms search ``default_field``."""
    parser = _Parser(_tokenize(query), default_field, default_operator.upper() == "AND")
    node = parser.parse_query(default_field, closing=False)
    if parser.position != len(parser.tokens):
        raise QuerySyntaxError(f"Unexpected {parser.tokens[parser.position]!r} in {query!r}")
    return node


def unescape(raw: str) -> str:
    return "".join(char for char, _ in escaped_chars(raw))


def escaped_chars(raw: str) -> list[tuple[str, bool]]:
    """Characters of ``raw`` with a flag telling whether each was backslash-escaped."""
    chars, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            chars.append((raw[i + 1], True))
            i += 2
        else:
            chars.append((raw[i], False))
            i += 1
    return chars


# Tokens are tuples: (kind, payload). Kinds: ( ) + - NOT AND OR FIELD TERM PHRASE RANGE.
Token = tuple[str, object]


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append((char, None))
            i += 1
        elif char in "+-!":
            tokens.append(({"+": "+", "-": "-", "!": "NOT"}[char], None))
            i += 1
        elif text.startswith("&&", i) or text.startswith("||", i):
            tokens.append(("AND" if char == "&" else "OR", None))
            i += 2
        elif char in "^~":  # boost or fuzziness: accepted, ignored
            i += 1
            while i < len(text) and (text[i].isdigit() or text[i] == "."):
                i += 1
        elif char == '"':
            end = _find_unescaped(text, '"', i + 1)
            tokens.append(("PHRASE", unescape(text[i + 1 : end])))
            i = end + 1
        elif char in "[{":
            end = _find_unescaped(text, "]}", i)
            tokens.append(("RANGE", _range_bounds(text[i : end + 1])))
            i = end + 1
        else:
            start = i
            while i < len(text) and text[i] not in _SPECIAL:
                i += 2 if text[i] == "\\" else 1
            raw = text[start:i]
            if i < len(text) and text[i] == ":":
                tokens.append(("FIELD", unescape(raw)))
                i += 1
            elif raw in ("AND", "OR", "NOT"):
                tokens.append((raw, None))
            elif raw:
                tokens.append(("TERM", raw))
            else:
                raise QuerySyntaxError(f"Unexpected {char!r} at {i} in {text!r}")
    return tokens


def _find_unescaped(text: str, chars: str, start: int) -> int:
    """Index of the first of ``chars`` at or after ``start`` that is not backslash-escaped."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] in chars:
            return i
        else:
            i += 1
    raise QuerySyntaxError(f"Unterminated phrase or range in {text!r}")


def _range_bounds(text: str) -> tuple[str | None, str | None, bool, bool]:
    match = re.fullmatch(
        r'[\[{]\s*("(?:[^"\\]|\\.)*"|\S+)\s+TO\s+("(?:[^"\\]|\\.)*"|\S+)\s*[\]}]', text
    )
    if not match:
        raise QuerySyntaxError(f"Invalid range {text!r}")

    def bound(raw: str) -> str | None:
        if raw == "*":
            return None
        return unescape(raw[1:-1] if raw.startswith('"') else raw)

    return bound(match[1]), bound(match[2]), text[0] == "[", text[-1] == "]"


@dataclass
class _Clause:
    occur: str
    node: Node


class _Parser:
    def __init__(self, tokens: list[Token], default_field: str, default_and: bool) -> None:
        self.tokens = tokens
        self.position = 0
        self.default_field = default_field
        self.default_and = default_and

    def _peek_token(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _peek(self) -> str | None:
        token = self._peek_token()
        return token[0] if token else None

    def _next(self) -> Token:
        if self.position >= len(self.tokens):
            raise QuerySyntaxError("Query ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def parse_query(self, field_name: str, closing: bool) -> Node:
        clauses: list[_Clause] = []
        while (kind := self._peek()) is not None and not (closing and kind == ")"):
            conjunction = None
            if kind in ("AND", "OR"):
                conjunction = str(self._next()[0])
            modifier = None
            if self._peek() in ("+", "-", "NOT"):
                modifier = "-" if self._next()[0] in ("-", "NOT") else "+"
            self._add_clause(clauses, conjunction, modifier, self._parse_clause(field_name))
        return _to_boolean(clauses)

    def _add_clause(
        self, clauses: list[_Clause], conjunction: str | None, modifier: str | None, node: Node
    ) -> None:
        # Mirrors org.apache.lucene.queryparser.classic.QueryParserBase.addClause.
        if clauses and conjunction == "AND" and clauses[-1].occur != MUST_NOT:
            clauses[-1].occur = MUST
        if clauses and self.default_and and conjunction == "OR" and clauses[-1].occur != MUST_NOT:
            clauses[-1].occur = SHOULD
        prohibited = modifier == "-"
        if self.default_and:
            required = not prohibited and conjunction != "OR"
        else:
            required = modifier == "+" or (conjunction == "AND" and not prohibited)
        occur = MUST_NOT if prohibited else MUST if required else SHOULD
        clauses.append(_Clause(occur, node))

    def _parse_clause(self, field_name: str) -> Node:
        kind, payload = self._next()
        if kind == "FIELD":
            inner_field = str(payload)
            if inner_field == ALL_FIELDS and self._peek_token() == ("TERM", "*"):
                self.position += 1
                return MatchAll()
            return self._parse_clause(inner_field)
        if kind == "(":
            node = self.parse_query(field_name, closing=True)
            if self._next()[0] != ")":
                raise QuerySyntaxError("Missing closing bracket")
            return node
        if kind == "PHRASE":
            return Phrase(field_name, str(payload))
        if kind == "RANGE":
            return Range(field_name, *payload)  # type: ignore[misc]
        if kind == "TERM":
            return Term(field_name, str(payload))
        raise QuerySyntaxError(f"Unexpected {kind!r}")


def _to_boolean(clauses: list[_Clause]) -> Node:
    if len(clauses) == 1 and clauses[0].occur != MUST_NOT:
        return clauses[0].node
    boolean = Boolean()
    for clause in clauses:
        getattr(boolean, clause.occur).append(clause.node)
    return boolean

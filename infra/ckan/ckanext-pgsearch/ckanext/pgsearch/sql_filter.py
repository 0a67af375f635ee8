"""Turn a parsed Solr query into a PostgreSQL WHERE clause over ``pgsearch_document``.

Field types follow CKAN's Solr schema (ckan/config/solr/schema.xml):

- ``text`` (the catch-all field) is the ``text_vector`` column;
- text-typed fields (title, notes, extras_*, res_name …) are matched with full-text
  search on the field's values (English stemming, like Solr's ``text`` type);
- ``name_ngram``/``title_ngram`` match a substring of name/title, case-insensitively;
- every other field is a string field: exact, case-sensitive match on any of its values.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .query_parser import Boolean, MatchAll, Node, Phrase, Range, Term, escaped_chars

TEXT_FIELDS = frozenset(
    {
        "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
        "res_name", "res_description", "urls", "depends_on", "dependency_of",
        "derives_from", "has_derivation", "links_to", "linked_from", "child_of", "parent_of",
    }
)  # fmt: skip
TEXT_FIELD_PREFIXES = ("extras_", "res_extras_")
NGRAM_SOURCES = {"name_ngram": "name", "title_ngram": "title"}
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass
class SqlFragment:
    """A piece of SQL with its positional (``%s``) parameters, in order."""

    sql: str
    params: list[object] = field(default_factory=list)


def where_clause(node: Node) -> SqlFragment:
    compiler = _Compiler()
    return SqlFragment(compiler.compile(node), compiler.params)


def rank_expression(node: Node) -> SqlFragment:
    """Relevance: ts_rank of the query's free-text words (any of them) against ``text_vector``."""
    words = " ".join(_free_text_words(node))
    if not words:
        return SqlFragment("1.0")
    return SqlFragment(
        "ts_rank(text_vector, replace(plainto_tsquery('english', %s)::text, '&', '|')::tsquery)",
        [words],
    )


def _is_text_field(name: str) -> bool:
    return name == "text" or name in TEXT_FIELDS or name.startswith(TEXT_FIELD_PREFIXES)


def _free_text_words(node: Node) -> list[str]:
    if isinstance(node, Boolean):
        return [word for child in node.must + node.should for word in _free_text_words(child)]
    if isinstance(node, Term) and node.field == "text" and not node.is_wildcard:
        return [node.value]
    if isinstance(node, Phrase) and node.field == "text":
        return [node.value]
    return []


class _Compiler:
    def __init__(self) -> None:
        self.params: list[object] = []

    def compile(self, node: Node) -> str:
        if isinstance(node, MatchAll):
            return "TRUE"
        if isinstance(node, Boolean):
            return self._boolean(node)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Term) and node.is_wildcard:
            return self._wildcard(node)
        if node.field in NGRAM_SOURCES:
            text = self._text_of(NGRAM_SOURCES[node.field])
            self.params.append("%" + re.sub(r"([\\%_])", r"\\\1", node.value) + "%")
            return f"{text} ILIKE %s"
        if _is_text_field(node.field):
            to_query = "phraseto_tsquery" if isinstance(node, Phrase) else "plainto_tsquery"
            vector = self._vector_of(node.field)
            self.params.append(node.value)
            return f"{vector} @@ {to_query}('english', %s)"
        return self._any_value(node.field, "v = %s", node.value)

    def _boolean(self, node: Boolean) -> str:
        parts = [self.compile(child) for child in node.must]
        if node.should and not node.must:  # Lucene: with a MUST, SHOULD clauses only score
            parts.append("(" + " OR ".join(self.compile(child) for child in node.should) + ")")
        parts.extend(f"NOT {self.compile(child)}" for child in node.must_not)
        return "(" + " AND ".join(parts or ["TRUE"]) + ")"

    def _range(self, node: Range) -> str:
        low, high = _resolve_now(node.low), _resolve_now(node.high)
        bounds = [b for b in (low, high) if b is not None]
        numeric = bool(bounds) and all(_NUMBER.fullmatch(b) for b in bounds)
        value = "(CASE WHEN v ~ '^-?[0-9]+([.][0-9]+)?$' THEN v::numeric END)" if numeric else "v"
        placeholder = "%s::numeric" if numeric else "%s"
        conditions = []
        if low is not None:
            conditions.append(f"{value} >{'=' if node.include_low else ''} {placeholder}")
        if high is not None:
            conditions.append(f"{value} <{'=' if node.include_high else ''} {placeholder}")
        return self._any_value(node.field, " AND ".join(conditions) or "TRUE", *bounds)

    def _wildcard(self, node: Term) -> str:
        if node.raw == "*":  # field:* means "has a value"
            return self._any_value(node.field, "TRUE")
        if node.field in NGRAM_SOURCES or _is_text_field(node.field):
            # Text fields are matched word by word, case-insensitively, like Solr's tokens.
            source = NGRAM_SOURCES.get(node.field, node.field)
            text = "content" if source == "text" else self._text_of(source)
            self.params.append(r"\m" + _wildcard_regex(node.raw, r"\w*", r"\w") + r"\M")
            return f"{text} ~* %s"
        pattern = "^" + _wildcard_regex(node.raw, ".*", ".") + "$"
        return self._any_value(node.field, "v ~ %s", pattern)

    def _any_value(self, field_name: str, condition: str, *values: object) -> str:
        """True when any value of a (possibly multi-valued) field meets ``condition`` on ``v``."""
        self.params.append(field_name)
        self.params.extend(values)
        return f"EXISTS (SELECT 1 FROM pgsearch_values(doc, %s) AS v WHERE {condition})"

    def _vector_of(self, field_name: str) -> str:
        if field_name == "text":
            return "text_vector"
        return f"to_tsvector('english', {self._text_of(field_name)})"

    def _text_of(self, field_name: str) -> str:
        self.params.append(field_name)
        return "pgsearch_text(doc, %s)"


def _wildcard_regex(raw: str, any_run: str, any_char: str) -> str:
    wildcards = {"*": any_run, "?": any_char}
    return "".join(
        wildcards[char] if char in wildcards and not escaped else re.escape(char)
        for char, escaped in escaped_chars(raw)
    )


def _resolve_now(bound: str | None) -> str | None:
    """Solr date math: only a bare ``NOW`` is understood."""
    if bound != "NOW":
        return bound
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

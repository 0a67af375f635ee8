"""CREATE TABLE and COMMENT statements from a resource's Table Schema.

Types from column_types; `required` → NOT NULL; `unique` → UNIQUE; `primaryKey` and
`foreignKeys` (within the package, to a primary key or unique field) → the database's own
keys; `enum`, `minimum`/`maximum` (and exclusive), `minLength`/`maxLength` and `pattern`
→ CHECK constraints, each with its test for load.row_scan (a target whose dialect has
`checks_scanned_first` declares those NOT VALID, decision 0073). What a database cannot
hold is listed in `not_enforced`, never silently dropped (decision 0071).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdx.core.errors import LoadFailed
from cdx.core.package_paths import safe_member_path
from cdx.core.sql_text import sql_string
from cdx.load.column_types import Kind, column_kind, holds_values_as_typed
from cdx.load.naming import qualified, quoted
from cdx.load.row_scan import pattern_check, pattern_scannable
from cdx.load.target import LoadColumn, RowCheck, SqlDialect, TableLoad

LITERAL_TYPES = {"date": "DATE", "time": "TIME", "datetime": "TIMESTAMPTZ"}


@dataclass
class TablePlan:
    resource: str
    create: str
    comments: list[str]
    load: TableLoad
    not_enforced: list[str] = field(default_factory=list)
    after_load: str | None = None  # keys and checks added once the rows are in


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _literal(value: Any, kind: Kind) -> str | None:
    """`value` as an SQL literal of the column's kind; None when it is not one."""
    if kind in ("integer", "year"):
        number = int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else value
        return str(number) if isinstance(number, int) and not isinstance(number, bool) else None
    if kind == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return repr(number) if math.isfinite(number) else None
    if kind == "boolean":
        return {True: "TRUE", False: "FALSE"}.get(value) if isinstance(value, bool) else None
    if kind in LITERAL_TYPES and isinstance(value, str):
        return f"{LITERAL_TYPES[kind]} {sql_string(value)}"
    return sql_string(value) if kind == "text" and isinstance(value, str) else None


def _comment(item: dict[str, Any]) -> str | None:
    parts = [item.get("title"), item.get("description")]
    text = " — ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return text or None


class _Checks:
    """The CHECK constraints of one field, and what could not be one."""

    def __init__(self, dialect: SqlDialect, pattern_works: Callable[[str], bool]) -> None:
        self.dialect, self.pattern_works = dialect, pattern_works
        self.checks: list[str] = []
        self.scans: list[RowCheck | None] = []  # each check's row scan, when it has one
        self.not_enforced: list[str] = []

    def _add(self, check: str, where: str, column: str, broken: str | None) -> None:
        self.checks.append(check)
        self.scans.append(RowCheck(where, column, broken) if broken else None)

    def add(self, resource: str, spec: dict[str, Any]) -> None:
        name, kind = spec["name"], column_kind(spec)
        column = quoted(name)
        typed = holds_values_as_typed(spec)
        for rule, value in (spec.get("constraints") or {}).items():
            where = f"{resource}.{name} {rule}"
            if rule in ("required", "unique"):
                continue
            if rule == "enum" and typed and isinstance(value, list):
                literals = [_literal(v, kind) for v in value]
                if all(literals) and literals:
                    check = f"{column} IN ({', '.join(map(str, literals))})"
                    self._add(check, where, name, f"NOT ({check})")
                    continue
            bound = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">"}
            bound["exclusiveMaximum"] = "<"
            if rule in bound and typed and kind != "text":
                literal = _literal(value, kind)
                if literal is not None:
                    check = f"{column} {bound[rule]} {literal}"
                    self._add(check, where, name, f"NOT ({check})")
                    continue
            lengths = {"minLength": ">=", "maxLength": "<="}
            if rule in lengths and kind == "text" and isinstance(value, int):
                check = f"length({column}) {lengths[rule]} {value}"
                self._add(check, where, name, f"NOT ({check})")
                continue
            pattern = rule == "pattern" and isinstance(value, str) and kind == "text"
            if pattern and spec.get("type", "string") == "string" and self.pattern_works(value):
                scan = pattern_check(column, value) if pattern_scannable(value) else None
                self._add(self.dialect.pattern_check(column, value), where, name, scan)
                continue
            self.not_enforced.append(where)


def _check_identifier(dialect: SqlDialect, name: str, what: str) -> None:
    limit = dialect.max_identifier
    if limit is not None and len(name.encode()) > limit:
        raise LoadFailed(
            f"the {what} name {name[:40]!r}… is longer than {dialect.name} allows ({limit} bytes)",
            hint="ask the coalition for shorter names in its Table Schema",
        )


def _foreign_keys(
    resource: str, schema: dict[str, Any], keys_of: dict[str, list[list[str]]], db_schema: str
) -> tuple[list[str], list[str], set[str]]:
    """FOREIGN KEY clauses, what could not be one, and the tables referred to."""
    clauses, skipped, parents = [], [], set()
    for foreign in schema.get("foreignKeys") or []:
        fields = _as_list(foreign.get("fields"))
        reference = foreign.get("reference") or {}
        target = reference.get("resource") or resource
        target_fields = _as_list(reference.get("fields"))
        if "package" in reference or target_fields not in keys_of.get(target, []):
            skipped.append(f"{resource} foreign key ({', '.join(fields)}) → {target}")
            continue
        columns = ", ".join(map(quoted, fields))
        clauses.append(
            f"FOREIGN KEY ({columns}) REFERENCES {qualified(db_schema, target)} "
            f"({', '.join(map(quoted, target_fields))})"
        )
        if target != resource:
            parents.add(target)
    return clauses, skipped, parents


def _keys(schema: dict[str, Any]) -> list[list[str]]:
    """The column lists a foreign key may refer to: the primary key and unique fields."""
    keys = [_as_list(schema.get("primaryKey"))] if schema.get("primaryKey") else []
    unique = [
        f["name"] for f in schema.get("fields", []) if (f.get("constraints") or {}).get("unique")
    ]
    return keys + [[name] for name in unique]


def _header(csv: Path) -> list[str]:
    import csv as csv_module

    with csv.open(newline="", encoding="utf-8") as handle:
        return next(csv_module.reader(handle), [])


def plan_tables(
    package_dir: Path,
    descriptor: dict[str, Any],
    db_schema: str,
    dialect: SqlDialect,
    pattern_works: Callable[[str], bool],
) -> list[TablePlan]:
    """One plan per resource, parents before the tables whose foreign keys refer to them."""
    resources = [r for r in descriptor.get("resources", []) if r.get("schema")]
    keys_of = {r["name"]: _keys(r["schema"]) for r in resources}
    plans: dict[str, TablePlan] = {}
    parents_of: dict[str, set[str]] = {}
    for resource in resources:
        name, schema = resource["name"], resource["schema"]
        _check_identifier(dialect, name, "table")
        table = qualified(db_schema, name)
        by_name = {f["name"]: f for f in schema.get("fields", [])}
        checks = _Checks(dialect, pattern_works)
        lines, keys, comments = [], [], []
        primary = _as_list(schema.get("primaryKey"))
        package_missing = tuple(schema.get("missingValues", [""]))
        csv = package_dir / str(safe_member_path(resource["path"]))
        columns = []
        for column_name in _header(csv):
            spec = by_name.get(column_name)
            if spec is None:
                raise LoadFailed(
                    f"{resource['path']} has a column {column_name!r} its Table Schema lacks",
                    hint="ask the coalition to publish the package again; `cdx verify` checks "
                    "files against the manifest, not columns against the schema",
                )
            _check_identifier(dialect, column_name, "column")
            kind = column_kind(spec)
            constraints = spec.get("constraints") or {}
            line = f"{quoted(column_name)} {dialect.column_type(kind)}"
            if constraints.get("required") or column_name in primary:
                line += " NOT NULL"
            if constraints.get("unique") and primary != [column_name]:
                keys.append(f"UNIQUE ({quoted(column_name)})")
            lines.append(line)
            checks.add(name, spec)
            text = _comment(spec)
            if text:
                comments.append(
                    f"COMMENT ON COLUMN {table}.{quoted(column_name)} IS {sql_string(text)}"
                )
            missing = tuple(spec.get("missingValues", package_missing))
            columns.append(LoadColumn(column_name, kind, missing))
        if primary:
            keys.insert(0, f"PRIMARY KEY ({', '.join(map(quoted, primary))})")
        foreign, skipped, parents = _foreign_keys(name, schema, keys_of, db_schema)
        scanned = []
        for check, scan in zip(checks.checks, checks.scans, strict=True):
            if scan and dialect.checks_scanned_first:  # every row tested by load.row_scan
                keys.append(f"CHECK ({check}) NOT VALID")
                scanned.append(scan)
            else:
                keys.append(f"CHECK ({check})")
        keys += foreign
        text = _comment(schema) or _comment(resource)
        if text:
            comments.insert(0, f"COMMENT ON TABLE {table} IS {sql_string(text)}")
        if dialect.constraints_after_load:  # one scan of the loaded rows checks them all
            create = f"CREATE TABLE {table} (\n  " + ",\n  ".join(lines) + "\n)"
            added = ",\n  ".join(f"ADD {k}" for k in keys)
            after = f"ALTER TABLE {table}\n  {added}" if keys else None
        else:
            create = f"CREATE TABLE {table} (\n  " + ",\n  ".join(lines + keys) + "\n)"
            after = None
        plans[name] = TablePlan(
            name,
            create,
            comments,
            TableLoad(table, csv, tuple(columns), tuple(scanned)),
            checks.not_enforced + skipped,
            after,
        )
        parents_of[name] = parents
    return _parents_first(plans, parents_of)


def _parents_first(plans: dict[str, TablePlan], parents_of: dict[str, set[str]]) -> list[TablePlan]:
    ordered: list[TablePlan] = []
    placed: set[str] = set()
    while len(ordered) < len(plans):
        ready = [n for n in plans if n not in placed and parents_of[n] <= placed]
        if not ready:
            raise LoadFailed(
                "the package's foreign keys refer to each other in a circle",
                hint="ask the coalition to break the cycle in its Table Schemas",
            )
        for name in ready:
            ordered.append(plans[name])
            placed.add(name)
    return ordered

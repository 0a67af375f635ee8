"""Structure and Table Schema checks as columnar queries, with frictionless-py's findings.

Each field's rules (missing, typed, value: field_sql.py) are evaluated once per row
while the table loads (`table_rules`), which stores only whether a row breaks any check
(`bad`). The checks then read those rows alone, with a flag per (error type, field)
condition (the table `broken`); counts and each pair's first rows, at most `cap` of them,
come from that small table, so a file with millions of bad cells costs counts, not
objects. Uniqueness
and keys are checked across the whole table with grouped queries that DuckDB spills to
disk when they do not fit in memory.

The errors are the ones frictionless-py reports (see field_sql.py for the cell
rules, and resources/table.py and table/row.py there for the row rules): a row whose
fields are all missing is one `blank-row` and nothing else but its key; surplus cells are
one `extra-cell` each; an absent cell is a `missing-cell` and, when required, also a
`constraint-required`; a repeated value is reported on every row after the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cdx.core.findings import CappedFindings, Finding
from cdx.validations.table.field_sql import FieldSql, loading_columns, rule_columns, text_or_null
from cdx.validations.table.loaded import MANY_COLUMNS, LoadedTable, Rules, scalar, with_derived
from cdx.validations.table.readings import LONG_FORM_CELLS, drop_readings, read_in_long_form
from cdx.validations.table.rules import RULES
from cdx.validations.table.table_schema import (
    foreign_key_fields,
    key_names,
    missing_values,
    schema_finding,
)

CELL, EXTRA, MISSING, UNIQUE, PRIMARY, FOREIGN = range(6)  # frictionless' order in a row


@dataclass(frozen=True)
class TableError:
    """The attributes of a frictionless error that table_schema.py words into a finding."""

    type: str
    row_number: int | None = None
    field_name: str | None = None
    field_number: int | None = None
    cell: str | None = None
    note: str = ""
    label: str | None = None

    @property
    def message(self) -> str:
        return f"{self.type}: {self.note}"


@dataclass(frozen=True)
class RowCheck:
    """A condition on one row of `ruled`; every row where it holds is one error."""

    type: str
    order: tuple[int, int, int]
    alone: str  # the condition on a row that is not blank (the blank-row check: blank)
    cell: str = "NULL"
    field_name: str | None = None
    field_number: int | None = None
    note: str = ""
    late: bool = False  # checked after loading, not in `bad`: a join would reorder the load

    @property
    def broken(self) -> str:
        """The condition on any row of `flagged`, whose `blank_row` says the row is blank
        (a blank row breaks the blank-row check alone). Written once there, not into every
        check, where the SQL would grow with the square of the fields
        (docs/decisions/0026-blank-row-stored-once.md)."""
        if self.type == "blank-row":
            return self.alone
        return f"NOT blank_row AND {self.alone}"


def check_cells(
    table: LoadedTable, fields: list[FieldSql], schema: dict[str, Any], *, resource: str, cap: int
) -> CappedFindings:
    """Every structure and Table Schema error in the loaded table, as capped findings.

    The table was loaded with `table_rules(fields)`.
    """
    specs = {spec["name"]: spec for spec in schema.get("fields", [])}
    found: list[tuple[tuple[int, ...], Finding]] = []
    left_out: dict[tuple[str | None, str], int] = {}  # by column and code
    place = _reading_order(fields, schema)

    def keep(
        order: tuple[int, ...], code: str, errors: list[TableError], total: int, column: str | None
    ) -> None:
        if order[0] == CELL and order[1] in place:
            order = (CELL, place[order[1]], *order[2:])
        for error in errors:
            found.append(((error.row_number or 0, *order), schema_finding(error, specs, resource)))
        left_out[(column, code)] = left_out.get((column, code), 0) + total - len(errors)

    labels = label_errors(table.header, [spec["name"] for spec in schema.get("fields", [])])
    keep((0, 0, 0), "", labels, len(labels), None)
    checks = row_checks(table.columns, fields)
    counts = _flag(table, checks, fields)
    # no row of `broken` breaks a check counted 0 (and with no bad row, there is no
    # `broken`: _flag skips it)
    broken = {number: checks[number] for number, total in enumerate(counts) if total}
    shown = _first_rows(table, broken, cap)
    # a row each where every row is bad: on a long file it can hold the whole memory
    # budget, leaving grouping the keys below none
    # (docs/decisions/0020-broken-holds-flags-alone.md)
    table.connection.execute("DROP TABLE IF EXISTS broken").fetchall()
    for number, (check, total) in enumerate(zip(checks, counts, strict=True)):
        extra = table.blank_lines if check.type == "blank-row" else []
        if total + len(extra):
            rows = sorted(shown.get(number, []) + [(row, None) for row in extra])[:cap]
            errors = [
                TableError(check.type, row, check.field_name, check.field_number, cell, check.note)
                for row, cell in rows
            ]
            keep(check.order, _code(check), errors, total + len(extra), check.field_name or None)
    listed: dict[str, tuple[int, list[tuple[int, Any]]]] = {}  # a unique key is often primary
    for key in key_checks(table, fields, schema):
        if key.query not in listed:
            listed[key.query] = _listed(table, key.query, cap)
        total, rows = listed[key.query]
        if key.empty:  # a primary key: rows without one, and empty lines, break it too
            empty_total, empty_rows = _listed(table, key.empty, cap)
            blank = [(row, None) for row in table.blank_lines]
            total += empty_total + len(blank)
            rows = sorted(rows + empty_rows + blank)[:cap]
        errors = [key.error(row, shown) for row, shown in rows]
        keep(key.order, key.type, errors, total, key.field_name)
    findings = CappedFindings(cap=cap)
    for _, finding in sorted(found, key=lambda pair: pair[0]):
        findings.add(finding)
    for (column, code), count in left_out.items():
        # a warning's findings past the cap are counted as warnings (its rule says so)
        severity = RULES[code].severity if code in RULES else "error"
        findings.count_left_out(code, severity, count, resource, column)
    return findings


def _reading_order(fields: list[FieldSql], schema: dict[str, Any]) -> dict[int, int]:
    """Where each field's cell errors come in a row, as frictionless reads its cells.

    It reads the unique fields' cells first (in field order), then the primary key's (in
    the key's order), then each foreign key's (in the schema's order), then the rest. (A
    row whose unique cell or primary key repeats an earlier one is read whole at that
    point, in field order; not modelled: the order within such rows can differ, the
    findings do not.)
    """
    names = {f.name: f.number for f in fields}
    early = [f.name for f in fields if schema_constraint(schema, f.name, "unique")]
    keys = [key_names(schema.get("primaryKey"))]
    keys += [foreign_key_fields(reference)[0] for reference in schema.get("foreignKeys", [])]
    for key in keys:
        if key and all(name in names for name in key):
            early += [name for name in key if name not in early]
    first = [names[name] for name in early]
    rest = [f.number for f in fields if f.number not in first]
    return {number: place for place, number in enumerate(first + rest, start=1)}


@dataclass(frozen=True)
class KeyCheck:
    """A whole-table query listing (k, shown) for rows breaking a unique or key rule."""

    type: str
    order: tuple[int, int, int]
    query: str
    field_name: str | None = None
    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    resource: str = ""
    empty: str = ""  # a primary key's query for rows without a key
    # how the values shown are printed, as frictionless prints the value it reads of the
    # cell's text (_printed: a number's Decimal, a datetime's Python datetime): one for a
    # unique field, one per source field of a foreign key (whose `shown` is a list)
    printers: tuple[str | None, ...] = (None,)

    def error(self, row: int, shown: Any) -> TableError:
        if self.type == "foreign-key":
            values = ", ".join(
                "None" if text is None else _print(text, printer) or ""
                for text, printer in zip(shown, self.printers, strict=True)
            )
            note = (
                f'for "{", ".join(self.source)}": values "{values}" not found in the lookup '
                f'table "{self.resource}" as "{", ".join(self.target)}"'
            )
            return TableError(self.type, row, None, None, None, note)
        if self.type == "primary-key":
            return TableError(self.type, row)
        return TableError(self.type, row, self.field_name, None, _print(shown, self.printers[0]))


def _print(text: str | None, printed: str | None) -> str | None:
    if printed == "number":
        return _decimal(text)
    return text if printed is None else _datetime(text, printed)


def _decimal(text: str | None) -> str | None:
    """A number cell as frictionless prints its value: 1.50, Infinity, 5E+1."""
    try:
        return str(Decimal(str(text).strip()))
    except (InvalidOperation, ValueError):
        return text


def _datetime(text: str | None, form: str) -> str | None:
    """A datetime cell as frictionless prints its value: Python's datetime, read by
    dateutil's isoparse (the default format) or strptime, with its offset as written
    (2024-01-05 10:00:00+05:45; 10:00:00.500000)."""
    import datetime as dt

    from dateutil import parser

    if text is None:
        return text
    try:
        read = parser.isoparse(text) if form == "default" else dt.datetime.strptime(text, form)
    except (TypeError, ValueError, OverflowError):
        return text
    return str(read)


def table_rules(fields: list[FieldSql], suspect: str | None = None) -> Rules:
    """The rules load_table evaluates while loading; the fields then name their columns.

    `suspect` is the suite's (expectations/columnar.py, `suspect_rows`), evaluated in the same scan.
    """
    derived = rule_columns(fields)

    def broken(columns: int) -> str:
        # a blank row is bad, so the others need not say "and not blank"
        checks = row_checks(columns, fields)
        return " OR ".join(f"({check.alone})" for check in checks if not check.late)

    wide = len(fields) > MANY_COLUMNS  # the SQL's planning is a good part of the time
    return Rules(derived, broken, suspect, loading_columns(fields) if wide else None)


def row_checks(columns: int, fields: list[FieldSql]) -> list[RowCheck]:
    """The per-row conditions, frictionless' cell, extra-cell and missing-cell errors.

    `columns` cells are declared per row: those beyond the fields hold surplus cells.
    """
    blank = " AND ".join(f.missing for f in fields) or "false"
    checks = [RowCheck("blank-row", (CELL, 0, 0), blank)]

    def add(
        kind: str,
        order: tuple[int, int, int],
        alone: str,
        f: FieldSql,
        note: str = "",
        late: bool = False,
    ) -> None:
        shown = f"coalesce({f.cell}, 'None')"  # frictionless prints an absent cell as None
        checks.append(RowCheck(kind, order, alone, shown, f.name, f.number, note, late))

    for f in fields:
        if f.required:
            add("constraint-error", (CELL, f.number, 0), f.missing, f, f.required.note)
        add("type-error", (CELL, f.number, 1), f"NOT {f.missing} AND NOT {f.typed}", f)
        for index, rule in enumerate(f.constraints, start=2):
            broken = f"NOT {f.missing} AND {f.typed} AND ({rule.broken})"
            add("constraint-error", (CELL, f.number, index), broken, f, rule.note, rule.late)
    for number in range(len(fields) + 1, columns + 1):
        extra = f"c{number} IS NOT NULL"
        checks.append(RowCheck("extra-cell", (EXTRA, number, 0), extra, f"c{number}", "", number))
    for f in fields:
        missing = f"{f.cell} IS NULL"
        checks.append(
            RowCheck("missing-cell", (MISSING, f.number, 0), missing, "''", f.name, f.number)
        )
    return checks


def key_checks(
    table: LoadedTable, fields: list[FieldSql], schema: dict[str, Any]
) -> list[KeyCheck]:
    """Unique fields, the primary key and self-referencing foreign keys, over the whole table."""
    by_name = {f.name: f for f in fields}
    missing = missing_values(schema)
    checks = []
    for f in fields:
        if schema_constraint(schema, f.name, "unique"):
            query = _repeats(table, [f], missing)
            order = (UNIQUE, f.number, 0)
            shown_as = (_printed(f),)
            checks.append(KeyCheck("unique-error", order, query, f.name, printers=shown_as))
    key = key_names(schema.get("primaryKey"))
    if key and all(name in by_name for name in key):
        parts = " AND ".join(f"{read(by_name[name])} IS NULL" for name in key)
        no_key = f"SELECT k, NULL AS shown FROM {table.ruled_view()} WHERE k > 1 AND {parts}"
        query = _repeats(table, [by_name[name] for name in key], missing)
        checks.append(KeyCheck("primary-key", (PRIMARY, 0, 0), query, empty=no_key))
    for index, reference in enumerate(schema.get("foreignKeys", [])):
        source, target = foreign_key_fields(reference)
        if all(name in by_name for name in source + target):
            query = _orphans(table.ruled_view(), by_name, source, target)
            resource = reference.get("reference", {}).get("resource", "")
            order = (FOREIGN, index, 0)
            printers = tuple(_printed(by_name[name]) for name in source)
            checks.append(
                KeyCheck(
                    "foreign-key",
                    order,
                    query,
                    None,
                    tuple(source),
                    tuple(target),
                    resource,
                    printers=printers,
                )
            )
    return checks


def whole_columns(fields: list[FieldSql], schema: dict[str, Any]) -> set[int]:
    """The columns these checks read on every row (load_table's `whole`): keys, late rules.

    Every other check reads a row's cells only when the row was loaded as `bad`.
    """
    names = {f.name for f in fields if schema_constraint(schema, f.name, "unique")}
    names.update(key_names(schema.get("primaryKey")))
    for reference in schema.get("foreignKeys", []):
        names.update(*foreign_key_fields(reference))
    return {f.number for f in fields if f.name in names or any(c.late for c in f.constraints)}


def read(f: FieldSql) -> str:
    """The typed value as frictionless keeps it for keys: NULL when missing or mistyped."""
    return f"(CASE WHEN {f.missing} OR NOT {f.typed} THEN NULL ELSE {f.value} END)"


def label_errors(header: list[str], names: list[str]) -> list[TableError]:
    """frictionless' header errors: extra, missing, blank, repeated and incorrect labels.

    Labels are compared with the spaces around them stripped, as frictionless reads them
    (`id ` is the field `id`)."""
    if not header:
        return []
    header = [label.strip() for label in header]
    errors = [
        TableError("extra-label", None, "", number, None, "", label)
        for number, label in enumerate(header, start=1)
        if number > len(names)
    ]
    errors += [
        TableError("missing-label", None, name, number, None, "", "")
        for number, name in enumerate(names, start=1)
        if number > len(header)
    ]
    for number, (name, label) in enumerate(zip(names, header, strict=False), start=1):
        if not label:
            errors.append(TableError("blank-label", None, name, number, None, "", ""))
            continue
        earlier = [str(n) for n, seen in enumerate(header[: number - 1], start=1) if seen == label]
        if earlier:
            note = f'at position "{", ".join(earlier)}"'
            errors.append(TableError("duplicate-label", None, name, number, None, note, label))
        elif label != name:
            errors.append(TableError("incorrect-label", None, name, number, None, "", label))
    return errors


def schema_constraint(schema: dict[str, Any], name: str, constraint: str) -> Any:
    spec: dict[str, Any] = next((s for s in schema.get("fields", []) if s.get("name") == name), {})
    return spec.get("constraints", {}).get(constraint)


def _repeats(table: LoadedTable, key: list[FieldSql], missing: list[str]) -> str:
    """Rows after the first with the same key (rows without a key are not listed)."""
    if all(f.kind in ("string", "any") for f in key) and "" in missing:
        # the text itself, as the suite groups it: one grouping serves both
        repeated = table.repeated([text_or_null(f.cell, missing) for f in key])
    else:
        grouped = [_grouped(f) for f in key]
        nans = [f"coalesce(isnan({read(f)}), false)" for f in key if f.kind == "number"]
        if len(key) > 1 and nans:
            # NaN equals nothing, not even NaN: a key holding one is no other row's key
            # (_grouped makes it NULL, which a missing part of another key would equal)
            grouped.append(f"(CASE WHEN {' OR '.join(nans)} THEN k END)")
        repeated = table.repeated(grouped, table.ruled_view())
    if len(key) == 1 and _printed(key[0]):
        # frictionless prints the value it read of the text (the Decimal 1.50, not 1.5; a
        # datetime as Python writes it): the text, for KeyCheck.error
        cell = key[0].cell
        later = f"{repeated} r JOIN cells c USING (k) WHERE r.k > r.first"
        return f"SELECT r.k, c.{cell} AS shown FROM {later}"
    shown = "CAST(g0 AS VARCHAR)"
    if len(key) == 1 and key[0].kind == "boolean":
        shown = _python_bool("g0")
    return f"SELECT k, {shown} AS shown FROM {repeated} WHERE k > first"


def _printed(f: FieldSql) -> str | None:
    """How KeyCheck.error prints a repeated cell of this field (None: as DuckDB does)."""
    return "number" if f.kind == "number" else f.form if f.kind == "datetime" else None


def _grouped(f: FieldSql) -> str:
    """The key frictionless compares: NaN equals nothing, not even NaN (Decimal's); a
    datetime with an offset never equals one without (Python's), the same instant with
    another offset does."""
    value = read(f)
    if f.kind == "number":
        return f"(CASE WHEN isnan({value}) THEN NULL ELSE {value} END)"
    if f.kind == "datetime" and f.form == "default":
        from cdx.validations.table.dates import OFFSET  # it reads field_sql

        offset = f"regexp_matches({f.cell}, '{OFFSET}$')"
        return f"(CASE WHEN {offset} THEN {value}::VARCHAR || ' aware' ELSE {value}::VARCHAR END)"
    return value


def _orphans(ruled: str, by_name: dict[str, FieldSql], source: list[str], target: list[str]) -> str:
    """Rows whose values of `source` are no row's values of `target`; `shown` lists each
    value as frictionless prints it (KeyCheck.error joins them, `printers`)."""
    values = ", ".join(
        f"{_compared(by_name[n])} AS s{i}, {_text_of(by_name[n])} AS p{i}"
        for i, n in enumerate(source, 1)
    )
    targets = ", ".join(f"{_compared(by_name[n])} AS t{i}" for i, n in enumerate(target, 1))
    # NaN equals nothing (DuckDB finds it equal to NaN): no target has one, so a source
    # NaN finds none
    nans = [f"isnan(t{i})" for i, n in enumerate(target, 1) if by_name[n].kind == "number"]
    real = f"NOT coalesce({' OR '.join(nans)}, false)" if nans else "true"
    same = " AND ".join(f"s{i} IS NOT DISTINCT FROM t{i}" for i in range(1, len(source) + 1))
    all_empty = " AND ".join(f"s{i} IS NULL" for i in range(1, len(source) + 1))
    no_target = " AND ".join(f"t{i} IS NULL" for i in range(1, len(target) + 1))
    shown = "[" + ", ".join(f"p{i}" for i in range(1, len(source) + 1)) + "]"
    return f"""
        WITH source AS (SELECT k, {values} FROM {ruled} WHERE k > 1),
             target AS (SELECT DISTINCT * FROM (SELECT {targets} FROM {ruled} WHERE k > 1)
                        WHERE {real})
        SELECT k, {shown} AS shown FROM source
        WHERE NOT ({all_empty})
          AND NOT EXISTS (SELECT 1 FROM target WHERE NOT ({no_target}) AND {same})"""


def _python_bool(value: str) -> str:
    """SQL: a boolean as Python prints it, True or False (NULL stays NULL)."""
    return f"(CASE WHEN {value} THEN 'True' WHEN NOT {value} THEN 'False' END)"


def _compared(f: FieldSql) -> str:
    """A foreign key's value: a datetime with an offset is not one without (Python's);
    NaN stays NaN (_orphans keeps no target that is NaN: it equals nothing)."""
    return _grouped(f) if f.kind == "datetime" else read(f)


def _text_of(f: FieldSql) -> str:
    """SQL: the value as frictionless prints it, or the text KeyCheck.error prints so (a
    number's, a datetime's); NULL where the row has no value."""
    value = read(f)
    if f.kind == "boolean":
        return _python_bool(value)
    if _printed(f):
        return f"(CASE WHEN {value} IS NOT NULL THEN {f.cell} END)"
    return f"CAST({value} AS VARCHAR)"


def blank_row(checks: list[RowCheck]) -> str:
    """SQL over `ruled`: the row is blank. Computed once per row as the column `blank_row`,
    which RowCheck.broken reads."""
    return next((check.alone for check in checks if check.type == "blank-row"), "false")


def _flag(table: LoadedTable, checks: list[RowCheck], fields: list[FieldSql]) -> list[int]:
    """How many rows break each check; the rows breaking any are flagged in `broken`.

    `broken` holds k and b0, b1, … (true where checks[i] is broken), for the rows loaded
    as `bad` and those breaking a late check (an enum): the only ones where a check can
    be broken. Their cells stay in `cells` (_first_rows reads the few it shows): copying
    them would be most of the cost where every row is bad
    (docs/decisions/0020-broken-holds-flags-alone.md).
    """
    connection = table.connection
    if not any(check.late for check in checks) and not scalar(
        connection, "SELECT count(*) FROM cells WHERE k > 1 AND bad"
    ):
        # no row broke a check while loading: every count is 0, and planning the flags
        # would be most of the cost of a clean wide file
        # (docs/decisions/0028-wide-tables-skip-unneeded-planning.md)
        return [0] * len(checks)
    cells = "".join(f", c{i}" for i in range(1, table.columns + 1))
    blank = blank_row(checks)
    late = " OR ".join(["bad"] + [f"({check.alone})" for check in checks if check.late])
    # the rows first, then their flags: flags over the view `ruled` read every column of
    # every row (docs/decisions/0019-rules-evaluated-while-loading.md). The rows are
    # picked with the derived columns their condition reads, not all of them: planning
    # all of them is what a wide table spends its time on
    # (docs/decisions/0028-wide-tables-skip-unneeded-planning.md)
    picking = table.ruled("cells", reading=f"{blank} {late}")
    picked = f"""SELECT k{cells}, bad, ({blank}) AS blank_row FROM ({picking})
        WHERE k > 1 AND ({late})"""
    # read once, as a CTE DuckDB materializes: where every row is bad, faster than storing
    # them as a table and flagging them there, or flagging them as they are picked (a
    # subquery); where few are, the same as a table
    # (docs/decisions/0020-broken-holds-flags-alone.md)
    source, derived, flagging = "picked", table.derived, list(enumerate(checks))
    picking_first = f"WITH picked AS MATERIALIZED ({picked}) "
    wide = table.loading is not None  # loaded with short rules: planning is the cost
    if wide:  # read more than once below: stored once
        connection.execute(f"CREATE OR REPLACE TEMP TABLE flagged AS {picked}").fetchall()
        source, picking_first = "flagged", ""
    if wide and scalar(connection, "SELECT count(*) FROM flagged") * len(fields) <= LONG_FORM_CELLS:
        # numbers and dates read in long form: a short SQL to plan
        source, read = read_in_long_form(connection, "flagged", fields)
        derived = read + [(name, sql) for name, sql in derived if name not in dict(read)]
    elif wide:
        # many bad rows: the cells of fields no bad row may break are not checked (the
        # common case: one column written otherwise on every row)
        maybe = _fields_maybe_broken(table, checks)
        flagging = [(i, check) for i, check in flagging if _flagged_with(check, maybe)]
    # a row that is not bad breaks only late checks, and may not keep its other cells
    flags = ", ".join(
        f"{check.broken if check.late else f'bad AND ({check.broken})'} AS b{i}"
        for i, check in flagging
    )
    ruled = with_derived(source, derived, reading=flags)  # the columns the flags read
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE broken AS {picking_first}SELECT k, {flags} FROM ({ruled})"
    ).fetchall()
    connection.execute("DROP TABLE IF EXISTS flagged").fetchall()
    drop_readings(connection)
    counts = ", ".join(f"count_if(b{i})" for i, _ in flagging)  # NULL on no rows
    counted = connection.execute(f"SELECT {counts} FROM broken").fetchall()[0]
    found = {i: int(n or 0) for (i, _), n in zip(flagging, counted, strict=True)}
    return [found.get(i, 0) for i in range(len(checks))]


def _fields_maybe_broken(table: LoadedTable, checks: list[RowCheck]) -> set[int]:
    """The fields whose cell checks may break on some row of `flagged`, by the loading
    scan's rules (Rules.loading): where they hold on no row, neither do the whole rules.

    A pass over every cell of the bad rows (the cost of loading them again), which pays
    where the errors sit in a few columns, as when one column is written otherwise on
    every row; where every column has bad cells it is time lost. (A field's checks
    written as one condition, reading its value once, cost the same as this pass:
    docs/decisions/0032-fields-maybe-broken-pass.md.)
    """
    conditions: dict[int, list[str]] = {}
    for check in checks:
        if check.type in CELL_CHECKS and not check.late and check.field_number is not None:
            conditions.setdefault(check.field_number, []).append(f"({check.alone})")
    numbers = sorted(conditions)
    anys = [f"bool_or({' OR '.join(conditions[number])})" for number in numbers]
    if not anys:
        return set()
    rows = with_derived("flagged", table.loading or table.derived, reading=" ".join(anys))
    held = table.connection.execute(
        f"SELECT {', '.join(anys)} FROM ({rows}) WHERE NOT blank_row"
    ).fetchall()[0]
    return {number for number, holds in zip(numbers, held, strict=True) if holds}


CELL_CHECKS = ("type-error", "constraint-error")  # a field's checks of a cell's value


def _flagged_with(check: RowCheck, maybe: set[int]) -> bool:
    """Whether the check is flagged, where only the fields `maybe` may break."""
    return check.late or check.type not in CELL_CHECKS or check.field_number in maybe


def _first_rows(
    table: LoadedTable, broken: dict[int, RowCheck], cap: int
) -> dict[int, list[tuple[int, Any]]]:
    """The first `cap` rows breaking each check (by its number in `broken`), with the
    cell shown: the rows from `broken`, their cells read together for all."""
    connection = table.connection
    rows = {
        number: [
            k
            for (k,) in connection.execute(
                f"SELECT k FROM broken WHERE b{number} ORDER BY k LIMIT {cap}"
            ).fetchall()
        ]
        for number in broken
    }
    wanted = sorted({k for listed in rows.values() for k in listed})
    if not wanted:
        return {}
    shown = sorted({check.cell for check in broken.values()})
    cells = {
        row[0]: dict(zip(shown, row[1:], strict=True)) for row in table.cells_of(wanted, shown)
    }
    return {
        number: [(table.spreadsheet_row(k), cells[k][broken[number].cell]) for k in listed]
        for number, listed in rows.items()
    }


def _listed(table: LoadedTable, query: str, cap: int) -> tuple[int, list[tuple[int, Any]]]:
    """How many rows the query lists, and the first `cap` of them by row."""
    rows = table.connection.execute(
        f"SELECT count(*) OVER () AS total, k, shown FROM ({query}) ORDER BY k LIMIT {cap}"
    ).fetchall()
    listed = [(table.spreadsheet_row(k), shown) for _, k, shown in rows]
    return (int(rows[0][0]) if rows else 0), listed


def _code(check: RowCheck) -> str:
    if check.type == "constraint-error":
        return "constraint-" + check.note.split('"')[1]
    return check.type

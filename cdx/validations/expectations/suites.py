"""Great Expectations suites: load one, read a table for it, run it, and report findings.

GX and pandas are imported inside the functions: importing GX is slow
(docs/decisions/0038-deferred-gx-imports.md) and the command line must stay fast when no
suite runs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdx.core.accepted_files import already_accepted, remember_accepted
from cdx.core.errors import SuiteInvalid
from cdx.core.findings import Finding, Origin, Severity, shown_cell
from cdx.packaging.tabular import csv_rows
from cdx.validations.table.table_schema import FALSE_VALUES, TRUE_VALUES, missing_values

_GX_ONE_AT_A_TIME = threading.Lock()  # datasets of a coalition run validate in threads

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

INDEX_KEY = "cdx_index"  # GX returns results out of suite order; this maps them back
# Python-backed text: when pyarrow is installed pandas 3 backs "string" with Arrow, and GX's
# regex checks then follow RE2 instead of Python's re — other matches, other messages.
TEXT = "string[python]"
GX = "great-expectations"  # the distribution whose acceptance of a suite is remembered
# cdx's own checks of a suite beside GX's (_suite_problem); raised when they refuse more,
# so that a suite accepted under fewer checks is checked again
# (docs/decisions/0016-refuse-schemas-and-suites-engines-cannot-run.md)
SUITE_CHECKS = 2
LISTED = 10  # values or rows named in one message before "and N more"
SUITE_HINT = "Compare with validations/suites/example-scorecard.json (GX 1.x suite format)."
# Per expectation type (without `expect_`): the rule in a few words, and the message for a
# failing row ({value}, {length}) or table ({observed}, {count}, {rows}, {mismatch}).
WORDING: dict[str, tuple[str, str]] = {
    "column_values_to_not_be_null": ("must be filled in", "is missing but this column {rule}"),
    "column_values_to_be_between": ("{bounds}", "{value} is not {rule}"),
    "column_values_to_be_in_set": ("one of: {value_set}", "{value} is not {rule}"),
    "column_values_to_match_regex": ("matches {regex}", "{value} does not match {regex}"),
    "column_values_to_be_unique": ("unique", "{value} appears more than once but must be unique"),
    "column_value_lengths_to_be_between": (
        "{bounds} characters long",
        "{value} is {length} characters long, but it must be {rule}",
    ),
    "table_row_count_to_be_between": (
        "{bounds} rows",
        "the file has {observed} rows, but it must have {rule}",
    ),
    "column_mean_to_be_between": (
        "average {bounds}",
        "the average is {observed}, but it must be {bounds}",
    ),
    "compound_columns_to_be_unique": (
        "each combination of {column_list} once",
        "{count} rows repeat a combination of {column_list} meant to be unique: rows {rows}",
    ),
    "table_columns_to_match_set": (
        "{match} the columns {column_set}",
        "the columns do not match the suite: {mismatch}",
    ),
}


def load_suite(path: Path) -> dict[str, Any]:
    """Read a GX 1.x suite JSON file, checking every expectation with GX.

    A file GX has accepted before (same bytes, same GX) is not checked again: see
    cdx/accepted_files.py.
    """
    try:
        content = path.read_bytes()
        suite = json.loads(content.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        hint = "Save the suite as UTF-8 JSON; a JSON linter points at the place."
        raise SuiteInvalid(
            f"the suite is not readable JSON: {e}", where=str(path), hint=hint
        ) from e
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        shape = 'the suite is not a JSON object with an "expectations" list'
        raise SuiteInvalid(shape, where=str(path), hint=SUITE_HINT)
    if already_accepted(content, GX, SUITE_CHECKS):
        return suite
    for index, spec in enumerate(suite["expectations"]):
        if problem := _suite_problem(spec):
            kind = spec.get("type", "?") if isinstance(spec, dict) else "?"
            which = (
                f"expectation {index + 1} of {len(suite['expectations'])} (index {index}, {kind})"
            )
            raise SuiteInvalid(f"{which} {problem[0]}", where=str(path), hint=problem[1])
    remember_accepted(content, GX, SUITE_CHECKS)
    return suite


def _suite_problem(spec: Any) -> tuple[str, str] | None:
    """What is wrong with one expectation and how to fix it; None when GX accepts it."""
    _import_gx()
    from great_expectations.compatibility.pydantic import ValidationError
    from great_expectations.exceptions import ExpectationNotFoundError, GreatExpectationsError
    from great_expectations.expectations.registry import (
        list_registered_expectation_implementations as known_types,
    )

    if isinstance(spec, dict) and "expectation_type" in spec:
        return "uses the GX 0.x key `expectation_type`", 'Rename it to "type" (GX 1.x format).'
    if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
        return 'is not an object with a "type"', SUITE_HINT
    if not isinstance(spec.get("kwargs", {}), dict) or not isinstance(spec.get("meta", {}), dict):
        return 'has "kwargs" or "meta" that is not an object', SUITE_HINT
    if spec.get("meta", {}).get("severity", "error") not in ("error", "warning"):
        return 'has a meta "severity" other than "error" or "warning"', "Use one of those two."
    low, high = (spec.get("kwargs", {}).get(bound) for bound in ("min_value", "max_value"))
    numbers = all(isinstance(b, int | float) and not isinstance(b, bool) for b in (low, high))
    if (numbers or (isinstance(low, str) and isinstance(high, str))) and low > high:
        # GX accepts it here and refuses it only when it runs, which it may never do on a
        # file where no row could fail (the columnar path then asks GX nothing)
        return (
            f"has min_value {low!r} greater than max_value {high!r}",
            "Swap the two bounds, or fix the one that is wrong.",
        )
    try:
        _configuration(spec, 0, None).to_domain_obj()
        regex = spec.get("kwargs", {}).get("regex")
        re.compile(regex) if isinstance(regex, str) else None
    except ExpectationNotFoundError:
        close = difflib.get_close_matches(spec["type"], known_types(), n=1)
        hint = f"Did you mean `{close[0]}`?" if close else "See greatexpectations.io/expectations."
        return "is not an expectation type GX knows", hint
    except ValidationError as e:
        wrong: dict[str, str] = {}  # GX lists every type a value failed to be; keep the first
        for error in e.errors():
            name = ".".join(str(part) for part in error["loc"] if part != "__root__")
            wrong.setdefault(f"`{name}`: " if name else "", error["msg"])
        reasons = "; ".join(name + why for name, why in wrong.items())
        return f"has kwargs GX rejects: {reasons}", "Correct those kwargs (names and value types)."
    except re.error as e:
        return f"has a regex that does not compile: {e}", "Fix the pattern (Python syntax)."
    except (GreatExpectationsError, TypeError, ValueError) as e:
        return f"is not valid: {e}", SUITE_HINT
    return None


def read_frame(csv_path: Path, table_schema: dict[str, Any]) -> pd.DataFrame:
    """Read a UTF-8 CSV with dtypes from its Table Schema; unparseable values become missing.

    Row i of the frame is data row i of the file (spreadsheet row i + 2): blank lines stay
    as empty rows and short or long rows are padded or cut, so row numbers never shift.
    """
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv_rows(handle))
    header, records = (rows[0], rows[1:]) if rows else ([], [])
    padded = [row[: len(header)] + [""] * (len(header) - len(row)) for row in records]
    columns = list(zip(*padded, strict=True)) if padded else [()] * len(header)
    texts: dict[str, Any] = {}
    for name, cells in zip(header, columns, strict=True):
        texts.setdefault(name, cells)  # a repeated header is a structure error, reported elsewhere
    return frame_from_text(texts, table_schema, range(len(padded)))


def frame_from_text(
    texts: dict[str, Any], table_schema: dict[str, Any], index: Any
) -> pd.DataFrame:
    """A frame typed from the Table Schema out of the cells' text, one sequence per column."""
    import pandas as pd

    fields = {field["name"]: field for field in table_schema.get("fields", [])}
    missing = missing_values(table_schema)
    data: dict[str, pd.Series] = {}
    for name, cells in texts.items():
        text = pd.Series(cells, dtype=TEXT, index=pd.Index(index))
        data[name] = _typed(text.mask(text.isin(missing)), fields.get(name, {}))
    return pd.DataFrame(data, index=pd.Index(index) if len(texts) == 0 else None)


def _typed(text: pd.Series, field: dict[str, Any]) -> pd.Series:
    import pandas as pd

    kind = field.get("type", "string")
    if kind == "integer":
        whole = text.where(text.str.fullmatch(r"[+-]?\d+"))
        return pd.to_numeric(whole, errors="coerce").astype("Int64")
    if kind == "number":
        return pd.to_numeric(text, errors="coerce").astype("float64")
    if kind == "boolean":
        flags = pd.Series(pd.NA, index=text.index, dtype="boolean")
        flags[text.isin(field.get("trueValues", TRUE_VALUES))] = True
        flags[text.isin(field.get("falseValues", FALSE_VALUES))] = False
        return flags
    if kind in ("date", "datetime"):
        default = "%Y-%m-%d" if kind == "date" else "ISO8601"
        form = {"default": default, "any": "mixed"}.get(field.get("format", "default"))
        moments = pd.to_datetime(text, errors="coerce", format=form or field["format"], utc=True)
        return moments.dt.tz_localize(None)  # as UTC wall-clock time: comparable with bounds
    return text


def run_suite(
    suite: dict[str, Any],
    frame: pd.DataFrame,
    *,
    resource: str,
    only: set[int] | None = None,
    columns: list[str] | None = None,
) -> list[Finding]:
    """Run the suite with GX on the frame: a finding per unexpected value or failed check.

    `only` runs the expectations at those suite positions; `columns` names the table's
    columns when the frame holds only some of them (expectations/columnar.py builds such frames).
    """
    found = run_expectations(suite, frame, resource=resource, only=only, columns=columns)
    return [finding for index in sorted(found) for finding in found[index]]


def run_expectations(
    suite: dict[str, Any],
    frame: pd.DataFrame,
    *,
    resource: str,
    only: set[int] | None = None,
    columns: list[str] | None = None,
    totals: dict[int, int] | None = None,
) -> dict[int, list[Finding]]:
    """run_suite's findings by the position of their expectation in the suite.

    `totals` gives, by position, how many rows are unexpected in the whole table when the
    frame holds only some of them: a finding that counts rows says that number.
    """
    _import_gx()

    specs: list[dict[str, Any]] = suite.get("expectations", [])
    found: dict[int, list[Finding]] = {}
    expectations = []
    present = set(frame.columns if columns is None else columns)
    for index, spec in enumerate(specs):
        if only is not None and index not in only:
            continue
        absent = [repr(name) for name in _columns(spec) if name not in present]
        try:
            if absent:
                raise ValueError(f"the file has no column {', '.join(absent)}")
            expectations.append(_configuration(spec, index, frame).to_domain_obj())
        except Exception as e:  # one broken expectation must not stop the others
            found[index] = [_broken(spec, index, str(e), resource)]
    if not expectations:
        return found
    with _GX_ONE_AT_A_TIME:  # GX keeps its project context in a module global
        return _validate(suite, specs, expectations, frame, resource, found, totals or {})


def _validate(
    suite: dict[str, Any],
    specs: list[dict[str, Any]],
    expectations: list[Any],
    frame: pd.DataFrame,
    resource: str,
    found: dict[int, list[Finding]],
    totals: dict[int, int],
) -> dict[int, list[Finding]]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm on stderr
    asset = context.data_sources.add_pandas("cdx").add_dataframe_asset("table")
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": frame}
    )
    checks = gx.ExpectationSuite(name=suite.get("name") or "cdx", expectations=expectations)
    import pandas as pd

    with pd.option_context("mode.string_storage", "python"):  # see TEXT: GX casts to str
        results = batch.validate(checks, result_format="COMPLETE").results
    for result in results:
        index = getattr(result.expectation_config, "meta", {})[INDEX_KEY]
        info = result.exception_info or {}  # one record, or one per failed metric
        raised = [info] if "raised_exception" in info else list(info.values())
        if failure := next((e for e in raised if e.get("raised_exception")), None):
            why = " ".join(str(failure.get("exception_message") or "no reason given").split())
            found[index] = [_broken(specs[index], index, why, resource)]
        elif not result.success:
            found[index] = _findings(
                specs[index], result.result, frame, resource, totals.get(index)
            )
    return found


def _import_gx() -> None:
    """Import GX (once per process) without the modules it never uses here."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # never phone home
    from cdx.validations.expectations.deferred_imports import import_great_expectations

    import_great_expectations()


def _configuration(
    spec: dict[str, Any], index: int, frame: pd.DataFrame | None
) -> ExpectationConfiguration:
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    kwargs = dict(spec.get("kwargs", {}))
    column = kwargs.get("column")
    if frame is not None and column in frame.columns and frame[column].dtype.kind == "M":
        import pandas as pd

        # GX turns "2030-01-01" into a date, which pandas will not compare with timestamps
        for bound in ("min_value", "max_value"):
            if isinstance(kwargs.get(bound), str):
                kwargs[bound] = pd.Timestamp(kwargs[bound])
    extra = {key: spec[key] for key in ("description", "severity", "notes") if key in spec}
    meta = {**spec.get("meta", {}), INDEX_KEY: index}
    return ExpectationConfiguration(type=spec["type"], kwargs=kwargs, meta=meta, **extra)


def columns_named(spec: dict[str, Any]) -> list[str]:
    """The columns an expectation's kwargs name."""
    return _columns(spec)


def _columns(spec: dict[str, Any]) -> list[str]:
    kwargs = spec.get("kwargs", {})
    named = [kwargs.get(key) for key in ("column", "column_A", "column_B")]
    return [name for name in [*named, *kwargs.get("column_list", [])] if isinstance(name, str)]


def _broken(spec: dict[str, Any], index: int, why: str, resource: str) -> Finding:
    kind = spec.get("type", "?")
    message = (
        f"check {index + 1} of the suite ({kind}) could not run: {why.rstrip('.')}."
        " Fix the suite or the file, then validate again"
    )
    return _finding(spec, "expectation-error", message, resource, rule=kind)


def _finding(spec: dict[str, Any], code: str, message: str, resource: str, **more: Any) -> Finding:
    gx_level = {"warning": "warning", "info": "warning"}.get(spec.get("severity", ""), "error")
    description = spec.get("meta", {}).get("description") or spec.get("description")
    return Finding(
        code=code,
        message=f"{message}. {description}" if description else message,
        origin=Origin.EXPECTATION,
        severity=Severity(spec.get("meta", {}).get("severity", gx_level)),
        resource=resource,
        field=spec.get("kwargs", {}).get("column"),
        **more,
    )


def _findings(
    spec: dict[str, Any],
    result: dict[str, Any],
    frame: pd.DataFrame,
    resource: str,
    total: int | None = None,
) -> list[Finding]:
    kind, kwargs = spec["type"], spec.get("kwargs", {})
    exact = kwargs.get("exact_match", True)
    words = {
        "bounds": _bounds(kwargs),
        "regex": kwargs.get("regex"),
        "match": "exactly" if exact else "at least",
    }
    words |= {
        key: _listing(kwargs.get(key, [])) for key in ("value_set", "column_list", "column_set")
    }
    plain = kind.removeprefix("expect_")
    other = plain.replace("_to_be_between", "").replace("_", " ") + " {bounds}"
    rule_template, template = WORDING.get(plain, (other, ""))
    rule = rule_template.format(**words).strip()
    indexes = [int(row) for row in result.get("unexpected_index_list", [])]
    if "unexpected_index_list" in result and plain != "compound_columns_to_be_unique":
        # GX cuts unexpected_list at 200 values even in COMPLETE, but lists every index
        names, values = _columns(spec), result["unexpected_list"]
        if names:
            picked = frame.loc[indexes, names]
            values = picked[names[0]].tolist() if len(names) == 1 else picked.to_dict("records")
        found = []
        for row, value in zip(indexes, values, strict=False):
            whole = _text(value)
            text = None if whole is None else shown_cell(whole)
            message = (template or "{value} does not pass the check: {rule}").format(
                **words, rule=rule, value=_shown(value, text), length=len(whole or "")
            )
            found.append(
                _finding(spec, kind, message, resource, row=row + 2, rule=rule, value=text)
            )
        return found
    observed = result.get("observed_value")
    value = _text(round(observed, 2) if isinstance(observed, float) else observed)
    mismatched = result.get("details", {}).get("mismatched", {})
    if not isinstance(mismatched, dict):  # an ordered list's are positions, not names
        mismatched = {}
    named = (
        ("missing", mismatched.get("missing")),
        ("not expected", exact and mismatched.get("unexpected")),
    )
    template = template or ("found {observed}, but expected {rule}" if value else "fails: {rule}")
    message = template.format(
        **words,
        rule=rule,
        observed="unknown (there are no values)" if value is None else value,
        count=total or len(indexes),
        rows=_listing([row + 2 for row in indexes], total),
        mismatch="; ".join(f"{label} {_listing(names)}" for label, names in named if names),
    )
    value = None if plain == "table_columns_to_match_set" else value
    return [_finding(spec, kind, message, resource, rule=rule, value=value)]


def _bounds(kwargs: dict[str, Any]) -> str:
    low, high = _text(kwargs.get("min_value")), _text(kwargs.get("max_value"))
    if (
        low is not None
        and high is not None
        and not (kwargs.get("strict_min") or kwargs.get("strict_max"))
    ):
        return f"between {low} and {high}"
    above = f"{'more than' if kwargs.get('strict_min') else 'at least'} {low}"
    below = f"{'less than' if kwargs.get('strict_max') else 'at most'} {high}"
    return " and ".join([above] * (low is not None) + [below] * (high is not None))


def _listing(items: list[Any], total: int | None = None) -> str:
    """The first LISTED items, and how many more there are (of `total` when given)."""
    shown = ", ".join(str(_text(item)) for item in items[:LISTED])
    more = (total or len(items)) - LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _text(value: Any) -> str | None:
    """A value as a person would type it in a spreadsheet; None when it is missing."""
    import numpy as np
    import pandas as pd

    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{key}={_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set):
        return _listing(list(value))
    if value is None or pd.isna(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any, text: str | None) -> str:
    """The value in a message: quoted when it is text, so trailing spaces show."""
    if text is None:
        return "an empty cell"
    return f"'{text}'" if isinstance(value, str) else text

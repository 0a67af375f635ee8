"""Benchmark: validation of a 1M-row table (Table Schema + 10-expectation suite), four ways.

    .venv/bin/python tests/bench/validation.py [--rows 1000000] [--fast-generator] [--keep DIR]
    .venv/bin/python tests/bench/validation.py --large [--keep DIR]
    .venv/bin/python tests/bench/validation.py --rows 10000000 --every-row-bad [--keep DIR]

Generates a household-survey CSV (12 columns, a typical constrained Table Schema, one row
in 1,000 carrying a planted error of some kind; tests/planted_table.py) and measures, each
in its own child process so peak RSS is its own:

- frictionless-py `Resource.validate()` (the Table Schema only, as today's check_table);
- pandas read (read_frame) + the GX suite on the whole frame (today's run_suite);
- the DuckDB floor: every row check and the uniqueness counts as one parallel SQL scan of
  the CSV (no table, no row numbers), counts only, no findings;
- the DuckDB floor with the suite: the same scan also computing the suite's ten
  expectations as SQL aggregates (suite_sql), so the same checks as cdx: the target's
  reference;
- cdx: `validate_table` with the schema and the suite (the columnar engine).

The table is written by `write_table` (Python, ~7.5 MB/s) or, with `--fast-generator`,
by `write_table_fast` (DuckDB SQL, ~50 MB/s; same planted errors, other values). `--large`
is 30M rows (~2.6 GB) by the fast generator. From 10M rows on, the fast generator is
used (its record ids widen to 8 digits, and the schema's pattern with them: schema_for),
frictionless and pandas+GX are not run (tens of minutes; the whole file as one frame in
RAM), and the memory target for the large file is printed beside cdx's peak RSS.
`--every-row-bad` validates with a record_id pattern one digit too short, which every row
breaks (a column written otherwise on every row, as day-first dates often are): every row
is then a bad row to flag and count within the memory budget.

The engines that take seconds run RUNS (5) times, each in a new process, and the run
of median time is reported with the spread (frictionless and pandas+GX, minutes each,
run once). Times exclude interpreter start-up and imports (modules are imported before the clock
starts); peak RSS is the child's whole peak, imports included, and the RSS after imports
is printed beside it. Then `cdx validate` on a 1,000-row file is timed as a person runs it.
Prints a Markdown table for the README. This is a script, not a timed test: the figures
depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.child_runs import in_child  # noqa: E402
from tests.planted_table import (  # noqa: E402
    SCHEMA,
    SUITE,
    record_id_width,
    schema_for,
    write_table,
    write_table_fast,
)

ENGINES = ("frictionless", "pandas+gx", "duckdb-floor", "duckdb-floor+suite", "cdx")
LARGE = 30_000_000
# From here on: the fast generator only, no frictionless or pandas+GX, the RSS target.
LARGE_FROM = 10_000_000
RSS_TARGET_GB = 1.5
RUNS = 5  # runs of each engine that takes seconds; the median is reported


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def child(engine: str, csv_path: Path, rows: int) -> dict[str, Any]:
    """Run one engine in this (child) process; return seconds, rows, findings and memory.

    The schema is `bench_schema(rows)`, as the parent's: SCHEMA below 10M rows.
    """
    schema = bench_schema(rows)
    if engine == "frictionless":
        from frictionless import Resource, Schema

        started = time.perf_counter()
        table = Resource(
            path=csv_path.name, basepath=str(csv_path.parent), schema=Schema.from_descriptor(schema)
        )
        after_imports = peak_mb()
        report = table.validate(limit_errors=10**9)
        rows, found = report.tasks[0].stats["rows"], len(report.tasks[0].errors)
    elif engine == "pandas+gx":
        import great_expectations  # noqa: F401  (the library as it imports itself)

        from cdx.validations.expectations.suites import read_frame, run_suite

        after_imports, started = peak_mb(), time.perf_counter()
        frame = read_frame(csv_path, schema)
        read = time.perf_counter() - started
        found = len(run_suite(SUITE, frame, resource="t"))
        rows = len(frame)
        return _result(started, after_imports, rows, found, read_seconds=read)
    elif engine in ("duckdb-floor", "duckdb-floor+suite"):
        import duckdb

        suite = SUITE if engine == "duckdb-floor+suite" else None
        after_imports, started = peak_mb(), time.perf_counter()
        from cdx.validations.table.loaded import register_functions

        connection = duckdb.connect()
        register_functions(connection)  # the fields' SQL calls them, as cdx's does
        try:
            rows, found = duckdb_floor(connection, csv_path, schema, suite)
        finally:
            connection.close()
    else:
        import duckdb
        import pandas  # noqa: F401

        from cdx.validations.expectations.deferred_imports import import_great_expectations
        from cdx.validations.package_check import validate_table

        import_great_expectations()  # as cdx imports it: without scipy.stats and altair

        after_imports, started = peak_mb(), time.perf_counter()
        findings, rows = validate_table(csv_path, schema, SUITE, resource="t")
        found = len(findings) + sum(getattr(findings, "left_out", {}).values())
        result = _result(started, after_imports, rows, found)
        return {**result, "phases": phases(csv_path, schema)}
    return _result(started, after_imports, rows, found)


def phases(csv_path: Path, schema: dict[str, Any]) -> dict[str, float]:
    """validate_table's steps again, one by one, timed: where cdx's seconds go."""
    from cdx.validations.expectations.columnar import run_suite_on_table
    from cdx.validations.package_check import load_for_checks
    from cdx.validations.table.checks import check_cells
    from cdx.validations.table.field_sql import fields_sql
    from cdx.validations.table.header import read_header

    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    fields = fields_sql(schema, read_header(csv_path))
    table = load_for_checks(csv_path, fields, schema, SUITE)  # as validate_table loads it
    took = {"load (rules included)": lap()}
    check_cells(table, fields, schema, resource="t", cap=1000)
    took["Table Schema checks"] = lap()
    run_suite_on_table(SUITE, table, schema, resource="t", cap=1000)
    took["suite (GX included)"] = lap()
    table.close()
    return took


def _result(started: float, after_imports: float, rows: int, found: int, **more: Any) -> dict:
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "findings": found,
        "rss_after_imports_mb": after_imports,
        "peak_rss_mb": peak_mb(),
        **more,
    }


def duckdb_floor(
    connection: Any, csv_path: Path, schema: dict[str, Any], suite: dict[str, Any] | None
) -> tuple[int, int]:
    """The same per-row checks and uniqueness as one parallel scan of the CSV, counts only.

    With the suite, its expectations too, as SQL aggregates in the same scan (suite_sql):
    the checks cdx makes, without row numbers, findings or GX.
    """
    from cdx.packaging.csv_cells import FEW_EXTRA_CELLS, csv_cells
    from cdx.validations.table.checks import blank_row, row_checks
    from cdx.validations.table.field_sql import fields_sql, rule_columns
    from cdx.validations.table.header import read_header

    header = read_header(csv_path)
    fields = fields_sql(schema, header)
    derived = "".join(f", {sql} AS {name}" for name, sql in rule_columns(fields))
    columns = len(fields) + FEW_EXTRA_CELLS
    source = csv_cells(csv_path, columns, header=True)  # cdx's own reading, header skipped
    checks = row_checks(columns, fields)
    connection.execute(
        f"""CREATE VIEW ruled AS SELECT *, ({blank_row(checks)}) AS blank_row
        FROM (SELECT *{derived} FROM {source})"""
    ).fetchall()
    counts = ", ".join(f"count_if({check.broken})" for check in checks)
    if suite is not None:
        counts += "".join(f", {sql}" for sql in suite_sql(suite, header, schema))
    query = f"SELECT count(*), count(c1) - count(DISTINCT c1), {counts} FROM ruled"
    totals = connection.execute(query).fetchall()[0]
    return int(totals[0]), int(sum(totals[1:]))


def suite_sql(suite: dict[str, Any], header: list[str], schema: dict[str, Any]) -> list[str]:
    """Each expectation of the planted suite as one SQL aggregate (a count of unexpected
    rows, or 0/1 for a table-level one), over the cells read as read_frame reads them."""
    missing = ", ".join(f"'{v}'" for v in schema.get("missingValues", [""]))
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}

    def text(name: str) -> str:
        cell = f"c{header.index(name) + 1}"
        return f"(CASE WHEN {cell} IN ({missing}) THEN NULL ELSE {cell} END)"

    def value(name: str) -> str:
        if types[name] == "date":
            return f"try_strptime({text(name)}, '%Y-%m-%d')"
        if types[name] in ("integer", "number"):
            return f"TRY_CAST({text(name)} AS DOUBLE)"
        return text(name)

    def outside(v: str, low: Any, high: Any, literal: str = "{}") -> str:
        parts = [f"{v} {sign} {literal.format(x)}" for sign, x in (("<", low), (">", high))]
        return " OR ".join(p for p, x in zip(parts, (low, high), strict=True) if x is not None)

    sql = []
    for spec in suite["expectations"]:
        kind, kw = spec["type"], spec["kwargs"]
        name, low, high = kw.get("column"), kw.get("min_value"), kw.get("max_value")
        if kind == "expect_table_row_count_to_be_between":
            sql.append(f"CAST(NOT (count(*) >= {low}) AS INTEGER)")
        elif kind == "expect_column_values_to_not_be_null":
            sql.append(f"count_if({text(name)} IS NULL)")
        elif kind == "expect_column_values_to_be_unique":
            sql.append(f"count({value(name)}) - count(DISTINCT {value(name)})")
        elif kind == "expect_column_values_to_match_regex":
            sql.append(f"count_if(NOT regexp_matches({text(name)}, '{kw['regex']}'))")
        elif kind == "expect_column_values_to_be_in_set":
            listed = ", ".join(f"'{v}'" for v in kw["value_set"])
            sql.append(f"count_if({text(name)} NOT IN ({listed}))")
        elif kind == "expect_column_values_to_be_between" and types[name] == "date":
            dated = outside(value(name), low, high, literal="TIMESTAMP '{}'")
            sql.append(f"count_if({dated})")
        elif kind == "expect_column_values_to_be_between":
            sql.append(f"count_if({outside(value(name), low, high)})")
        elif kind == "expect_compound_columns_to_be_unique":
            row = ", ".join(f"'{n}': {value(n)}" for n in kw["column_list"])
            sql.append(f"count(*) - count(DISTINCT {{{row}}})")
        elif kind == "expect_column_mean_to_be_between":
            sql.append(f"CAST(NOT (avg({value(name)}) BETWEEN {low} AND {high}) AS INTEGER)")
        elif kind == "expect_column_value_lengths_to_be_between":
            sql.append(f"count_if({outside(f'length({text(name)})', low, high)})")
        else:
            raise ValueError(f"the floor has no SQL for {kind}")
    return sql


def measure_median(engine: str, csv_path: Path, rows: int) -> dict[str, Any]:
    """The run of median time out of RUNS for the engines that take seconds (one run for
    frictionless and pandas+GX, minutes each, and on the large file): this VM's timings
    vary by 20-30% from run to run. The spread is kept beside the median."""
    runs = 1 if engine in ("frictionless", "pandas+gx") or rows >= LARGE_FROM else RUNS
    measured = sorted((measure(engine, csv_path, rows) for _ in range(runs)), key=_seconds)
    median = measured[len(measured) // 2]
    return {**median, "spread": [_seconds(m) for m in measured]} if runs > 1 else median


def _seconds(result: dict[str, Any]) -> float:
    return float(result["seconds"])


def measure(engine: str, csv_path: Path, rows: int) -> dict[str, Any]:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    return in_child(__file__, engine, str(csv_path), str(rows), cwd=REPO, env=env)


def cli_seconds(work: Path, *, error_every: int, env: dict[str, str]) -> float:
    """Wall time of `cdx validate` on a 1,000-row file, start-up and imports included."""
    small = write_table(work / f"small-{error_every}.csv", 1_000, error_every=error_every)
    (work / "schema.json").write_text(json.dumps(SCHEMA))
    (work / "suite.json").write_text(json.dumps(SUITE))
    cdx = REPO / ".venv" / "bin" / "cdx"
    args = [str(cdx), "validate", str(small), "--schema", str(work / "schema.json")]
    args += ["--suite", str(work / "suite.json")]
    started = time.perf_counter()
    subprocess.run(args, capture_output=True, cwd=work, env={**os.environ, **env})
    return time.perf_counter() - started


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.platform()}"


def versions() -> str:
    from importlib.metadata import version

    names = ("frictionless", "great-expectations", "pandas", "duckdb")
    return (
        ", ".join(f"{name} {version(name)}" for name in names)
        + f", Python {sys.version.split()[0]}"
    )


def too_heavy(rows: int) -> dict[str, str]:
    """Engines not run on a large file, and why (figures from the 2-core benchmark machine)."""
    if rows < LARGE_FROM:
        return {}
    scale = rows / LARGE
    return {
        "frictionless": f"row by row in Python, ~{43 * scale:.0f} min extrapolated",
        "pandas+gx": f"the whole file as one pandas frame, ~{25 * scale:.0f} GB of RAM",
    }


def generate(csv_path: Path, rows: int, *, fast: bool) -> str:
    """Write the table unless it exists; say how it was made and how long that took."""
    generator = write_table_fast if fast else write_table
    if csv_path.exists():
        return f"{csv_path.name} reused (--keep)"
    print(f"generating {rows:,} rows with {generator.__name__} …", file=sys.stderr)
    started = time.perf_counter()
    generator(csv_path, rows, error_every=1_000)
    seconds = time.perf_counter() - started
    rate = csv_path.stat().st_size / 1e6 / seconds
    said = f"generated by {generator.__name__} in {seconds:,.1f} s ({rate:,.1f} MB/s)"
    print(said, file=sys.stderr)
    return said


EVERY_ROW_BAD = "CDX_BENCH_EVERY_ROW_BAD"  # set by --every-row-bad, read by the children


def bench_schema(rows: int) -> dict[str, Any]:
    """schema_for(rows), or with --every-row-bad a record_id pattern no id fits."""
    schema = schema_for(rows)
    if os.environ.get(EVERY_ROW_BAD):
        record_id = schema["fields"][0]["constraints"]
        record_id["pattern"] = f"R[0-9]{{{record_id_width(rows) - 1}}}"
    return schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--large", action="store_true", help=f"{LARGE:,} rows (~2.6 GB), fast generator"
    )
    parser.add_argument(
        "--fast-generator",
        action="store_true",
        help="write the table with DuckDB (write_table_fast) instead of Python; "
        f"always from {LARGE_FROM:,} rows",
    )
    parser.add_argument("--keep", type=Path, help="directory for the generated files")
    parser.add_argument(
        "--every-row-bad", action="store_true", help="a pattern every record_id breaks"
    )
    parser.add_argument("--skip", action="append", default=[], choices=ENGINES)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        engine, path, child_rows = options.child
        print(json.dumps(child(engine, Path(path), int(child_rows))))
        return
    rows = LARGE if options.large else options.rows
    if options.every_row_bad:
        os.environ[EVERY_ROW_BAD] = "1"  # the children inherit it (measure)
    fast = options.fast_generator or rows >= LARGE_FROM
    if fast and not options.fast_generator and not options.large:
        print(f"{rows:,} rows: using the fast generator (ids of 8 digits)", file=sys.stderr)
    heavy = too_heavy(rows)
    with tempfile.TemporaryDirectory(prefix="cdx-bench-") as scratch:
        work = options.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        csv_path = work / (f"survey-{rows}-fast.csv" if fast else f"survey-{rows}.csv")
        notes = [generate(csv_path, rows, fast=fast)]
        if options.every_row_bad:
            notes.append("every row breaks the record_id pattern (--every-row-bad)")
        size_mb = csv_path.stat().st_size / 2**20
        results = {}
        for engine in ENGINES:
            if engine in heavy:
                notes.append(f"{engine} not run on {rows:,} rows: {heavy[engine]}")
                print(f"skipping {engine}: {heavy[engine]}", file=sys.stderr)
            elif engine not in options.skip:
                print(f"measuring {engine} …", file=sys.stderr)
                results[engine] = measure_median(engine, csv_path, rows)
        # A suite file never seen before is checked with GX (and then remembered): the
        # first clean run pays that once, the next ones do not import GX at all.
        # a cache of this run only: with --keep, `work` holds the last run's cache
        cache = {"CDX_CACHE_DIR": tempfile.mkdtemp(prefix="cache-", dir=work)}
        cli = (
            cli_seconds(work, error_every=10**9, env=cache),
            cli_seconds(work, error_every=10**9, env=cache),
            cli_seconds(work, error_every=100, env=cache),
        )
    report(rows, size_mb, results, cli, notes)


def report(
    rows: int,
    size_mb: float,
    results: dict[str, dict[str, Any]],
    cli: tuple[float, float, float],
    notes: list[str],
) -> None:
    print(f"\nValidation benchmark: {rows:,} rows x 12 columns, {size_mb:.0f} MiB CSV")
    print(f"Machine: {machine()}\nVersions: {versions()}\n")
    for note in notes:
        print(f"- {note}")
    print()
    print("| engine | seconds | rows/s | peak RSS (MiB) | RSS after imports (MiB) | findings |")
    print("|---|---:|---:|---:|---:|---:|")
    for engine, r in results.items():
        seconds = r["seconds"]
        extra = f" (read {r['read_seconds']:.1f} s)" if "read_seconds" in r else ""
        if "spread" in r:
            low, high = min(r["spread"]), max(r["spread"])
            extra += f" (median of {len(r['spread'])}: {low:.2f}-{high:.2f})"
        print(
            f"| {engine} | {seconds:.2f}{extra} | {r['rows'] / seconds:,.0f} | "
            f"{r['peak_rss_mb']:,.0f} | {r['rss_after_imports_mb']:,.0f} | {r['findings']:,} |"
        )
    cdx = results.get("cdx")
    print()
    if cdx and "phases" in cdx:
        laps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in cdx["phases"].items())
        print(f"- cdx, step by step (a second run): {laps}")
    if cdx and "frictionless" in results:
        speedup = results["frictionless"]["seconds"] / cdx["seconds"]
        print(f"- cdx vs frictionless: {speedup:.1f}x faster (target >= 25x)")
        if "duckdb-floor+suite" in results:
            # what the target asks beside what one counting scan of the same checks reaches
            ceiling = results["frictionless"]["seconds"] / results["duckdb-floor+suite"]["seconds"]
            print(f"  (the DuckDB floor with the suite, counts only: {ceiling:.1f}x frictionless)")
    if cdx and "duckdb-floor+suite" in results:
        ratio = cdx["seconds"] / results["duckdb-floor+suite"]["seconds"]
        print(
            f"- cdx vs DuckDB floor with the suite (the same checks as cdx): {ratio:.2f}x "
            "the floor's time (target <= 2x)"
        )
    if cdx and "duckdb-floor" in results:
        ratio = cdx["seconds"] / results["duckdb-floor"]["seconds"]
        print(f"- cdx vs DuckDB floor of the Table Schema checks alone: {ratio:.2f}x")
    if cdx:
        growth = cdx["peak_rss_mb"] - cdx["rss_after_imports_mb"]
        print(
            f"- cdx peak RSS / file size: {cdx['peak_rss_mb'] / size_mb:.2f}x "
            f"({cdx['peak_rss_mb']:,.0f} MiB; {growth:,.0f} MiB above the imports)"
        )
    if rows >= LARGE_FROM:
        target = f"- target: peak RSS ≤ {RSS_TARGET_GB} GB for the ~2 GB file"
        if cdx:
            peak_gb, size_gb = cdx["peak_rss_mb"] * 2**20 / 1e9, size_mb * 2**20 / 1e9
            met = "met" if peak_gb <= RSS_TARGET_GB else "NOT met"
            target += f" — cdx peak {peak_gb:.2f} GB on this {size_gb:.2f} GB file: {met}"
        print(target)
    print(
        f"- `cdx validate` on a 1,000-row file, whole process: {cli[1]:.2f} s when it is "
        f"clean (neither GX nor pandas imported; {cli[0]:.2f} s the first time a suite file "
        f"is seen, as GX checks it), {cli[2]:.2f} s with 10 bad rows (GX imported and run)"
    )


if __name__ == "__main__":
    main()

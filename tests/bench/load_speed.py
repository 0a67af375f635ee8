"""Benchmark: `cdx load` of a 1,000,000-row package against the database's own bulk path.

    .venv/bin/python tests/bench/load_speed.py [--rows 1000000] [--repeat 3]
        [--postgres postgresql://USER@127.0.0.1:5432/postgres]

The package: the example health score card sealed by cdx (tests/conftest.seal_example),
its table replaced by --rows generated rows of the same schema (ids widened to seven
digits so a million stay unique), then signed again with the package's own manifest and
signature functions. In the same run, each on a fresh database every time:
  DuckDB    reference: CREATE TABLE with the schema's types, then INSERT … SELECT from
            read_csv with those types given (no sniffing), no constraints;
            cdx load:  verification (every file hashed, signature, profile), schema, keys,
            NOT NULL and CHECKs, comments, the load log and latest views, one transaction.
  PostgreSQL reference: CREATE TABLE with the types, then COPY FROM STDIN of the same file
            (as psql's \\copy does); cdx load the same as above, in a throwaway database.
The breakdown, each timed alone in the same run:
  verification   verify_package (every file hashed, signature, profile);
  DuckDB  +keys  the reference with the primary key only; +all: with every key and CHECK
                 cdx declares (cdx's own DDL), without verification or metadata;
  PostgreSQL +key  COPY, then the primary key (the index the database must build);
          +cdx DDL COPY, then cdx's ALTER TABLE (key; CHECKs NOT VALID);
          +validated CHECKs  the same with every CHECK validated by PostgreSQL;
          row scan  cdx's DuckDB scan of the CSV for the CHECKs (load.row_scan), which
                 cdx load runs beside COPY.
Prints the best of --repeat for each with the range, and cdx / reference (target ≤ 1.3).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

GROUPS = ["women", "youth", "persons-with-disabilities", "elderly-people", "migrants"]
INDICATORS = ["availability-of-medicines", "staff-attitude", "waiting-time", "cost-of-services"]
AREAS = ["Kisumu", "Nairobi", "Mombasa", "Turkana", "Kakamega"]
COMMENTS = ["", "Short queue in the morning", '"Sometimes good, sometimes not"', "No drugs"]


def build_package(root: Path, rows: int) -> tuple[Path, Path]:
    """A sealed package of `rows` score-card rows; the package and its trust store."""
    from cdx.cli.scaffold import init_coalition
    from cdx.core.keys import load_signing_key
    from cdx.seal.manifest import build_manifest, write_manifest
    from cdx.seal.signature import sign_manifest, write_signature
    from tests.conftest import EXAMPLE, seal_example

    coalition = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, coalition, ignore=shutil.ignore_patterns("keys"))
    init_coalition(coalition)
    package = seal_example(coalition)
    pick = random.Random(22)
    data = package / "data" / "scores.csv"
    with data.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "scorecard_id,area,facility_code,group,indicator,score,participants,"
            "session_date,comment\n"
        )
        lines = []
        for n in range(1, rows + 1):
            comment = pick.choice(COMMENTS)
            lines.append(
                f"SC-{n:07d},{pick.choice(AREAS)},{pick.randrange(1, 9999):04d},"
                f"{pick.choice(GROUPS)},{pick.choice(INDICATORS)},{pick.randint(1, 5)},"
                f"{pick.randint(1, 200)},2026-0{pick.randint(1, 9)}-{pick.randint(10, 28)},"
                f"{comment}\n"
            )
            if len(lines) == 100_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
    descriptor = json.loads((package / "datapackage.json").read_text())
    resource = descriptor["resources"][0]
    resource["bytes"] = data.stat().st_size
    resource["hash"] = f"sha256:{hashlib.sha256(data.read_bytes()).hexdigest()}"
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    fields["scorecard_id"]["constraints"]["pattern"] = "SC-[0-9]{7}"
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    key = load_signing_key("kenya-lnob", coalition / "keys" / "kenya-lnob.key")
    manifest = build_manifest(
        package, coalition="kenya-lnob", dataset="health-scorecard", version="1.0.0"
    )
    write_manifest(package, manifest)
    write_signature(package / "manifest.sig", sign_manifest(manifest, key))
    return package, coalition / "keys" / "kenya-lnob.pub.json"


def _columns(package: Path) -> list[tuple[str, str]]:
    from cdx.load.column_types import column_kind

    descriptor = json.loads((package / "datapackage.json").read_text())
    return [(f["name"], column_kind(f)) for f in descriptor["resources"][0]["schema"]["fields"]]


def duckdb_reference(package: Path, path: Path) -> float:
    import duckdb

    from cdx.load.duckdb_target import TYPES

    columns = _columns(package)
    typed = ", ".join(f'"{name}" {TYPES[kind]}' for name, kind in columns)
    given = ", ".join(f"'{name}': '{TYPES[kind]}'" for name, kind in columns)
    started = time.perf_counter()
    connection = duckdb.connect(str(path))
    connection.execute(f"CREATE TABLE scores ({typed})")
    connection.execute(
        f"INSERT INTO scores SELECT * FROM read_csv('{package / 'data' / 'scores.csv'}', "
        f"header = true, auto_detect = false, columns = {{{given}}})"
    )
    connection.close()
    return time.perf_counter() - started


def postgres_reference(package: Path, url: str) -> float:
    import psycopg

    from cdx.load.postgres_target import TYPES

    columns = _columns(package)
    typed = ", ".join(f'"{name}" {TYPES[kind]}' for name, kind in columns)
    started = time.perf_counter()
    with psycopg.connect(url) as connection:
        connection.execute(f"CREATE TABLE scores ({typed})")
        with (
            connection.cursor().copy("COPY scores FROM STDIN (FORMAT csv, HEADER true)") as copy,
            (package / "data" / "scores.csv").open("rb") as data,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)
    return time.perf_counter() - started


def _plan(package: Path, dialect: object) -> object:
    """cdx's own CREATE TABLE (and ALTER TABLE) for the table, in a schema `ref`."""
    from cdx.load.ddl import plan_tables

    descriptor = json.loads((package / "datapackage.json").read_text())
    (plan,) = plan_tables(package, descriptor, "ref", dialect, lambda pattern: True)  # type: ignore[arg-type]
    return plan


def duckdb_keyed(package: Path, path: Path) -> float:
    """The reference with the primary key alone."""
    import duckdb

    from cdx.load.duckdb_target import TYPES

    columns = _columns(package)
    typed = ", ".join(f'"{name}" {TYPES[kind]}' for name, kind in columns)
    given = ", ".join(f"'{name}': '{TYPES[kind]}'" for name, kind in columns)
    started = time.perf_counter()
    connection = duckdb.connect(str(path))
    connection.execute(f'CREATE TABLE scores ({typed}, PRIMARY KEY ("scorecard_id"))')
    connection.execute(
        f"INSERT INTO scores SELECT * FROM read_csv('{package / 'data' / 'scores.csv'}', "
        f"header = true, auto_detect = false, columns = {{{given}}})"
    )
    connection.close()
    return time.perf_counter() - started


def duckdb_constrained(package: Path, path: Path) -> float:
    """The reference with the keys and CHECKs cdx declares, written by hand: the database's
    own cost of enforcing the Table Schema, without verification or metadata."""
    import duckdb

    from cdx.load.duckdb_target import DuckDBDialect, read_csv_sql

    plan = _plan(package, DuckDBDialect())
    started = time.perf_counter()
    connection = duckdb.connect(str(path))
    connection.execute("CREATE SCHEMA ref")
    connection.execute(plan.create)  # type: ignore[attr-defined]
    connection.execute(f"INSERT INTO ref.scores SELECT * FROM {read_csv_sql(plan.load)}")  # type: ignore[attr-defined]
    connection.close()
    return time.perf_counter() - started


def postgres_constrained(package: Path, url: str, after: str = "cdx") -> float:
    """COPY, then cdx's ALTER TABLE (`cdx`), its primary key alone (`key`), or cdx's ALTER
    TABLE with every CHECK validated by PostgreSQL (`validated`)."""
    import psycopg

    from cdx.load.postgres_target import PostgresDialect, copy_sql

    plan = _plan(package, PostgresDialect())
    names = [c.name for c in plan.load.columns]  # type: ignore[attr-defined]
    alter = str(plan.after_load)  # type: ignore[attr-defined]
    if after == "key":
        alter = alter.split(",\n")[0]
    elif after == "validated":
        alter = alter.replace(") NOT VALID", ")")
    started = time.perf_counter()
    with psycopg.connect(url) as connection:
        connection.execute("CREATE SCHEMA ref")
        connection.execute(plan.create)  # type: ignore[attr-defined]
        with (
            connection.cursor().copy(copy_sql('"ref"."scores"', names, "")) as copy,
            (package / "data" / "scores.csv").open("rb") as data,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        connection.execute(alter)
    return time.perf_counter() - started


def verification(package: Path, trust: Path) -> float:
    from cdx.core.keys import TrustStore
    from cdx.verify.verification import verify_package

    started = time.perf_counter()
    assert verify_package(package, TrustStore.load(trust)).ok
    return time.perf_counter() - started


def row_scan(package: Path) -> float:
    from cdx.load.postgres_target import PostgresDialect
    from cdx.load.row_scan import scan_rows

    plan = _plan(package, PostgresDialect())
    started = time.perf_counter()
    scan_rows(plan.load)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def cdx_load(package: Path, url: str, trust: Path) -> float:
    from cdx.core.keys import TrustStore
    from cdx.load.loading import load_package

    started = time.perf_counter()
    result = load_package(package, url, TrustStore.load(trust))
    elapsed = time.perf_counter() - started
    assert result.outcome == "loaded" and result.key_trusted, result
    return elapsed


def fresh_postgres(admin: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"cdx_load_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    return admin.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql://root@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cdx-load-bench-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        package, trust = build_package(root, args.rows)
        size = (package / "data" / "scores.csv").stat().st_size
        print(
            f"package: {args.rows:,} rows, {size / 1e6:.1f} MB CSV "
            f"(built and sealed in {time.perf_counter() - started:.1f} s)"
        )
        times: dict[str, list[float]] = {}

        def timed(key: str, run: Callable[[], float]) -> None:
            times.setdefault(key, []).append(run())

        def on_postgres(key: str, run: Callable[[str], float]) -> None:
            url, drop = fresh_postgres(args.postgres)
            try:
                timed(key, lambda: run(url))
            finally:
                drop()

        for n in range(args.repeat):
            timed("verification", lambda: verification(package, trust))
            timed("row scan", lambda: row_scan(package))
            duck = root / f"db-{n}"
            timed("dr", lambda d=duck: duckdb_reference(package, d.with_suffix(".r.duckdb")))
            timed("dk", lambda d=duck: duckdb_keyed(package, d.with_suffix(".k.duckdb")))
            timed("da", lambda d=duck: duckdb_constrained(package, d.with_suffix(".a.duckdb")))
            timed("dc", lambda d=duck: cdx_load(package, str(d.with_suffix(".c.duckdb")), trust))
            for path in root.glob("*.duckdb*"):
                path.unlink()
            on_postgres("pr", lambda url: postgres_reference(package, url))
            on_postgres("pk", lambda url: postgres_constrained(package, url, "key"))
            on_postgres("pd", lambda url: postgres_constrained(package, url, "cdx"))
            on_postgres("pv", lambda url: postgres_constrained(package, url, "validated"))
            on_postgres("pc", lambda url: cdx_load(package, url, trust))

        def figure(key: str) -> str:
            runs = times[key]
            return f"{min(runs):5.2f} s ({min(runs):.2f}–{max(runs):.2f})"

        print(f"verification {figure('verification')}   row scan {figure('row scan')}")
        for target, ref, parts in (
            ("DuckDB", "dr", (("+key", "dk"), ("+all keys and CHECKs", "da"))),
            (
                "PostgreSQL",
                "pr",
                (("+key", "pk"), ("+cdx DDL", "pd"), ("+validated CHECKs", "pv")),
            ),
        ):
            ours = "dc" if ref == "dr" else "pc"
            best_ref, best_ours = min(times[ref]), min(times[ours])
            print(
                f"{target:<10}  reference {figure(ref)}   cdx load {figure(ours)}   "
                f"ratio {best_ours / best_ref:4.2f} (target ≤ 1.30)"
            )
            for name, key in parts:
                best = min(times[key])
                print(
                    f"{'':<12}{name:<22}{figure(key)}   ratio to reference "
                    f"{best / best_ref:4.2f}, cdx load / it {best_ours / best:4.2f}"
                )


if __name__ == "__main__":
    main()

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
Also, as a second figure, each reference with the keys and CHECKs cdx declares, applied
by hand (cdx's own DDL): what the database itself spends enforcing the Table Schema, so
the rest of the gap (verification, metadata, views) shows on its own.
Prints the best of --repeat for each, and cdx / reference (target ≤ 1.3 each).
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


def postgres_constrained(package: Path, url: str) -> float:
    """As duckdb_constrained, for PostgreSQL: COPY, then cdx's ALTER TABLE."""
    import psycopg

    from cdx.load.postgres_target import PostgresDialect, copy_sql

    plan = _plan(package, PostgresDialect())
    names = [c.name for c in plan.load.columns]  # type: ignore[attr-defined]
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
        connection.execute(plan.after_load)  # type: ignore[attr-defined]
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
        times: dict[str, list[float]] = {k: [] for k in ("dr", "dk", "dc", "pr", "pk", "pc")}
        for n in range(args.repeat):
            times["dr"].append(duckdb_reference(package, root / f"ref-{n}.duckdb"))
            times["dk"].append(duckdb_constrained(package, root / f"refk-{n}.duckdb"))
            times["dc"].append(cdx_load(package, str(root / f"cdx-{n}.duckdb"), trust))
            for path in root.glob("*.duckdb*"):
                path.unlink()
            for key, run in (
                ("pr", postgres_reference),
                ("pk", postgres_constrained),
                ("pc", None),
            ):
                url, drop = fresh_postgres(args.postgres)
                try:
                    times[key].append(run(package, url) if run else cdx_load(package, url, trust))
                finally:
                    drop()
        for target, ref, keyed, ours in (
            ("DuckDB", "dr", "dk", "dc"),
            ("PostgreSQL", "pr", "pk", "pc"),
        ):
            best_ref, best_keyed, best_ours = min(times[ref]), min(times[keyed]), min(times[ours])
            print(
                f"{target:<10}  reference {best_ref:6.2f} s   cdx load {best_ours:6.2f} s   "
                f"ratio {best_ours / best_ref:4.2f} (target ≤ 1.30)   reference with cdx's "
                f"keys and CHECKs {best_keyed:6.2f} s, cdx load / it {best_ours / best_keyed:4.2f}"
            )
            runs = ", ".join(
                f"{name} " + " ".join(f"{t:.2f}" for t in times[key])
                for name, key in (("reference", ref), ("with checks", keyed), ("cdx", ours))
            )
            print(f"{'':<10}  runs (s): {runs}")


if __name__ == "__main__":
    main()

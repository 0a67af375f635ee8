"""`cdx export --format sdmx-csv` (SDMX-CSV 2.0 of the SDG dataflow) and Parquet read by DuckDB."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from cdx.cli.scaffold import init_coalition
from cdx.core.errors import SdmxNotDeclared, SdmxUnmappable
from cdx.core.keys import TrustStore
from cdx.exports.registry import export_package
from tests.conftest import EXAMPLE, seal_example
from tests.unit.fitness_coalition import RATES_CSV, add_rates_dataset

GLH = "IAEG-SDGs:DF_SDG_GLH(1.24)"


def _sealed_rates(
    root: Path, *, without: str | None = None, **changes: str
) -> tuple[Path, TrustStore]:
    """The rates table sealed; `without` is a line of its coalition.yaml to leave out."""
    coalition_dir = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, coalition_dir, ignore=shutil.ignore_patterns("keys"))
    init_coalition(coalition_dir)
    config = add_rates_dataset(coalition_dir, **changes)
    if without:
        text = config.read_text(encoding="utf-8")
        assert without in text
        config.write_text(text.replace(without, ""), encoding="utf-8")
    package = seal_example(coalition_dir, "barrier-rates")
    return package, TrustStore.load(coalition_dir / "keys" / "kenya-lnob.pub.json")


@pytest.fixture(scope="module")
def rates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TrustStore]:
    return _sealed_rates(tmp_path_factory.mktemp("rates"))


def test_sdmx_csv_is_read_back_by_pysdmx_with_the_declared_codes(
    rates: tuple[Path, TrustStore], tmp_path: Path
) -> None:
    from pysdmx.io import read_sdmx

    package, trust = rates
    written = export_package(package, "sdmx-csv", tmp_path / "out", trust)
    assert [p.name for p in written] == ["DF_SDG_GLH.csv"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["DF_SDG_GLH.csv"]

    message = read_sdmx(written[0])
    [dataset] = message.data
    assert dataset.short_urn == f"Dataflow={GLH}"
    frame = dataset.data
    source = list(csv.DictReader(RATES_CSV.splitlines()))
    assert len(frame) == len(source) == 8
    dimensions = ["FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE"]
    assert list(frame.columns[: len(dimensions)]) == dimensions
    assert {"TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "DISABILITY_STATUS"} <= set(frame.columns)
    assert set(frame["REF_AREA"]) == {"KE-17", "KE-43"}  # the areas' ISO 3166-2 codes
    assert set(frame["SEX"]) == {"F", "M"}
    assert set(frame["AGE"]) == {"Y15T24", "Y25T35"}
    assert set(frame["DISABILITY_STATUS"]) == {"_T"}  # no breakdown declared
    assert set(frame["FREQ"]) == {"Q"} and set(frame["TIME_PERIOD"]) == {"2026-Q2"}
    assert set(frame["SERIES"]) == {"CDX_HLTH_BARRIER"} and set(frame["UNIT_MEASURE"]) == {"PT"}
    by_key = {
        (r["REF_AREA"], r["SEX"], r["AGE"]): float(r["OBS_VALUE"]) for _, r in frame.iterrows()
    }
    assert by_key[("KE-43", "F", "Y15T24")] == 61.0
    assert by_key[("KE-17", "M", "Y25T35")] == 18.4

    header = written[0].read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    first = next(csv.DictReader(written[0].open(encoding="utf-8")))
    assert (first["STRUCTURE"], first["STRUCTURE_ID"], first["ACTION"]) == ("dataflow", GLH, "I")


def test_a_value_without_a_declared_code_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    with_intersex = RATES_CSV.replace("Turkana,man,25-35", "Turkana,intersex,25-35")
    package, trust = _sealed_rates(tmp_path / "coalition", csv_text=with_intersex)
    with pytest.raises(SdmxUnmappable) as refused:
        export_package(package, "sdmx-csv", tmp_path / "out", trust)
    assert "`sex`" in refused.value.message and "'intersex'" in refused.value.message
    assert "dimensions.<column>.codes" in (refused.value.hint or "")
    assert refused.value.code == "sdmx-unmappable"
    assert not (tmp_path / "out").exists()


def test_rows_that_share_an_sdmx_key_are_refused_with_their_row_numbers(
    tmp_path: Path,
) -> None:
    age_codes = '        age_group: {dimension: AGE, codes: {"15-24": Y15T24, "25-35": Y25T35}}\n'
    package, trust = _sealed_rates(tmp_path / "coalition", without=age_codes)
    with pytest.raises(SdmxUnmappable) as refused:
        export_package(package, "sdmx-csv", tmp_path / "out", trust)
    assert "rows 2 and 3 give the same SDMX key" in refused.value.message
    assert not (tmp_path / "out").exists()


def test_an_export_into_an_existing_empty_directory_leaves_it_empty_when_refused(
    tmp_path: Path,
) -> None:
    package, trust = _sealed_rates(
        tmp_path / "coalition", reference="{start: 2026-04-03, end: 2026-06-30}"
    )
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SdmxUnmappable) as refused:
        export_package(package, "sdmx-csv", out, trust)
    assert "not a calendar year, quarter or month" in refused.value.message
    assert list(out.iterdir()) == []


def test_a_package_without_indicators_is_refused_with_what_to_declare(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(SdmxNotDeclared) as refused:
        export_package(sealed, "sdmx-csv", tmp_path / "out", TrustStore.load(trust_file))
    assert "metadata.indicators" in (refused.value.hint or "")
    assert not (tmp_path / "out").exists()


DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}


@pytest.mark.parametrize("resource", ["scores", "rates"])
def test_parquet_read_back_by_duckdb_has_the_schema_types_and_row_count(
    resource: str,
    sealed: Path,
    trust_file: Path,
    rates: tuple[Path, TrustStore],
    tmp_path: Path,
) -> None:
    package, trust = (sealed, TrustStore.load(trust_file)) if resource == "scores" else rates
    export_package(package, "parquet", tmp_path / "out", trust)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    [meta] = [r for r in descriptor["resources"] if r["name"] == resource]
    with (package / meta["path"]).open(encoding="utf-8", newline="") as file:
        rows = sum(1 for _ in csv.DictReader(file))
    target = str(tmp_path / "out" / f"{resource}.parquet")
    with duckdb.connect() as db:
        described = db.execute("DESCRIBE SELECT * FROM read_parquet(?)", [target]).fetchall()
        count = db.execute("SELECT count(*) FROM read_parquet(?)", [target]).fetchone()
    fields = meta["schema"]["fields"]
    assert [(name, kind) for name, kind, *_ in described] == [
        (f["name"], DUCKDB_TYPES[f["type"]]) for f in fields
    ]
    assert count == (rows,)


def test_the_command_line_writes_sdmx_csv_and_says_what_it_wrote(
    rates: tuple[Path, TrustStore], tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    package, _ = rates
    # the rates coalition's key: its package is COALITION/.cdx/runs/RUN/package
    trust = package.parents[3] / "keys" / "kenya-lnob.pub.json"
    assert trust.is_file()
    out = tmp_path / "out"
    command = ["export", str(package), "--format", "sdmx-csv", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "cdx.cli.app", *command, "--trust", str(trust), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    said = json.loads(done.stdout)
    assert said["format"] == "sdmx-csv"
    assert said["files"] == [str(out / "DF_SDG_GLH.csv")]
    assert len((out / "DF_SDG_GLH.csv").read_text(encoding="utf-8").splitlines()) == 1 + 8

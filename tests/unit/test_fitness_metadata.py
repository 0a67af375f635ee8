"""Fitness-for-use metadata: coalition.yaml → datapackage.json → verify → catalog.json."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cdx.cli.scaffold import init_coalition
from cdx.connectors.catalogue import CatalogueEntry, PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.core.coalition import load_coalition
from cdx.core.errors import (
    AreaCodeUnknown,
    ConfigError,
    DimensionCodeUnknown,
    LanguageTagInvalid,
)
from cdx.core.keys import TrustStore
from cdx.verify.verification import verify_package
from tests.conftest import EXAMPLE, reseal_as, seal_example
from tests.unit.fitness_coalition import add_rates_dataset

NEW_FIELDS = (
    "updateFrequency",
    "issued",
    "modified",
    "referencePeriod",
    "sampling",
    "limitations",
    "languages",
    "versionNotes",
    "previousVersion",
    "areaCodes",
    "dimensions",
    "indicators",
)


def _coalition(root: Path) -> Path:
    target = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    return target


def _line_of(config: Path, text: str) -> int:
    lines = config.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_fitness_metadata_travels_from_coalition_yaml_to_the_package_and_catalogue(
    tmp_path: Path,
) -> None:
    coalition_dir = _coalition(tmp_path)
    add_rates_dataset(coalition_dir, version="1.1.0", previous="1.0.0")
    package = seal_example(coalition_dir, "barrier-rates")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    citizen = descriptor["citizenData"]
    assert citizen["updateFrequency"] == "quarterly"
    assert (citizen["issued"], citizen["modified"]) == ("2026-07-01", "2026-07-03")
    assert citizen["referencePeriod"] == {"start": "2026-04-01", "end": "2026-06-30"}
    assert citizen["collectionPeriod"] == {"start": "2026-04-01", "end": "2026-04-30"}
    assert citizen["sampling"] == {
        "frame": "Youth registers of partner youth groups",
        "selectionMethod": "stratified-random",
        "plannedSize": 240,
        "achievedSize": 228,
        "responseRate": 0.95,
        "weightsColumn": "respondents",
        "weightsDescription": "Cell sizes; rates are unweighted within a cell",
    }
    assert citizen["limitations"] == ["Only registered youth-group members were sampled."]
    assert citizen["languages"] == ["en", "sw-KE"]
    assert citizen["versionNotes"] == "First quarterly release."
    assert citizen["previousVersion"] == {
        "version": "1.0.0",
        "id": "urn:cdx:package:kenya-lnob/barrier-rates@1.0.0",
        "ref": "kenya-lnob/barrier-rates@1.0.0",
    }
    assert citizen["geographicCoverage"]["areas"] == ["Kisumu", "Turkana"]
    assert citizen["areaCodes"] == [
        {"name": "Kisumu", "iso3166_2": "KE-17", "pcode": "KE042"},
        {"name": "Turkana", "iso3166_2": "KE-43"},
    ]
    assert citizen["dimensions"]["sex"] == {"dimension": "SEX", "codes": {"woman": "F", "man": "M"}}
    assert citizen["indicators"][0]["unitMeasure"] == "PT"
    units = {f["name"]: f.get("unit") for f in descriptor["resources"][0]["schema"]["fields"]}
    assert units["share_reporting_barrier"] == "percent" and units["county"] is None

    trust = TrustStore.load(coalition_dir / "keys" / "kenya-lnob.pub.json")
    verification = verify_package(package, trust)
    assert verification.ok, verification.problems
    assert verification.warnings == []  # every field an office looks for first is there

    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(package, PackageRef("kenya-lnob", "barrier-rates", "1.1.0"))
    index = json.loads((tmp_path / "catalogue" / "catalog.json").read_text(encoding="utf-8"))
    [entry] = index["packages"]
    assert entry["updateFrequency"] == "quarterly"
    assert catalogue.entries()[0].update_frequency == "quarterly"


def test_an_unknown_iso_3166_2_code_is_refused_with_its_line(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path), kisumu_code="KE-99")
    with pytest.raises(AreaCodeUnknown) as refused:
        load_coalition(config)
    assert refused.value.code == "area-code-unknown"
    assert refused.value.where == f"{config}:{_line_of(config, 'iso_3166_2: KE-99')}"
    assert "KE-99 (Kisumu) is not an ISO 3166-2 subdivision of KE" in refused.value.message
    assert "ISO 3166-2 names Kisumu KE-17" in (refused.value.hint or "")


def test_a_code_of_another_country_is_refused(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path), kisumu_code="UG-102")
    config.write_text(config.read_text().replace("name: Kisumu,", "name: Kisumu county,"))
    with pytest.raises(AreaCodeUnknown, match="UG-102") as refused:
        load_coalition(config)
    assert "KE-01 Baringo" in (refused.value.hint or "")  # no name matched: a sample


def test_a_language_that_is_not_bcp_47_is_refused(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path))
    config.write_text(config.read_text().replace("[en, sw-KE]", "[en, Kiswahili]"))
    with pytest.raises(LanguageTagInvalid) as refused:
        load_coalition(config)
    assert refused.value.where == f"{config}:{_line_of(config, '[en, Kiswahili]')}"


def test_a_sex_code_outside_the_sdg_code_list_is_refused(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path))
    config.write_text(config.read_text().replace("{woman: F, man: M}", "{woman: W, man: M}"))
    with pytest.raises(DimensionCodeUnknown, match="not in CL_SEX"):
        load_coalition(config)


def test_a_previous_version_must_be_older(tmp_path: Path) -> None:
    config = add_rates_dataset(_coalition(tmp_path), version="1.0.0", previous="1.2.0")
    with pytest.raises(ConfigError, match=r"not older than version 1\.0\.0"):
        load_coalition(config)


def test_a_package_sealed_before_the_fitness_fields_still_verifies_with_warnings(
    sealed: Path, sealed_template: tuple[Path, Path], trust_file: Path
) -> None:
    descriptor = json.loads((sealed / "datapackage.json").read_text(encoding="utf-8"))
    citizen = descriptor["citizenData"]
    for name in NEW_FIELDS:
        citizen.pop(name, None)
    (sealed / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    keys = sealed_template[0] / "keys"
    reseal_as(sealed, "kenya-lnob", "health-scorecard", "1.0.0", keys)
    verification = verify_package(sealed, TrustStore.load(trust_file))
    assert verification.ok, verification.problems
    said = " ".join(w.message for w in verification.warnings)
    assert {w.code for w in verification.warnings} == {"profile-incomplete"}
    assert "referencePeriod" in said and "updateFrequency" in said


def test_an_index_entry_written_before_update_frequency_still_reads() -> None:
    old = {
        "coalition": "kenya-lnob",
        "dataset": "health-scorecard",
        "version": "1.0.0",
        "contentDigest": "sha256:" + "0" * 64,
        "keyId": "kenya-lnob:0123",
        "committed": "2026-01-01T00:00:00+00:00",
    }
    entry = CatalogueEntry.from_dict(old)
    assert entry.update_frequency is None
    assert entry.to_dict() == old


def test_a_coalition_yaml_whose_codes_were_accepted_loads_without_the_code_libraries(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    config = add_rates_dataset(_coalition(tmp_path))
    probe = (
        "import sys; from pathlib import Path; from cdx.core.coalition import load_coalition; "
        f"load_coalition(Path({str(config)!r})); "
        "print(sorted(m for m in ('pycountry', 'langcodes') if m in sys.modules))"
    )
    env = {**os.environ, "CDX_CACHE_DIR": str(tmp_path / "cache")}

    def imported() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.strip()

    assert imported() == "['langcodes', 'pycountry']"  # first load: both check the codes
    assert imported() == "[]"  # same bytes, same releases: remembered
    config.write_text(config.read_text().replace("KE-43", "KE-42"))
    assert imported() == "['langcodes', 'pycountry']"  # changed: checked again


def test_the_same_sources_built_on_another_day_are_the_same_content(tmp_path: Path) -> None:
    """A scheduled republish the next day must be `unchanged`, not a version conflict: no
    date derived from the build time may enter the descriptor beside `created`."""
    import datetime as dt

    from cdx.core.hashing import sha256_file
    from cdx.packaging.build import build_dataset
    from cdx.seal.manifest import content_digest

    coalition = load_coalition(EXAMPLE / "coalition.yaml")
    dataset = coalition.dataset("health-scorecard")
    digests = []
    for day, hour in ((7, 23), (8, 0)):
        work = tmp_path / f"day-{day}"
        staged = []
        for number, source in enumerate(dataset.sources):
            target = work / "staged" / f"{number}-{Path(source.path).name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(coalition.base_dir / source.path, target)
            staged.append(target)
        created = dt.datetime(2026, 12, day, hour, 59 if hour else 1, tzinfo=dt.UTC)
        build_dataset(coalition, "health-scorecard", staged, work / "package", created=created)
        package = work / "package"
        files = {
            p.relative_to(package).as_posix(): sha256_file(p)
            for p in package.rglob("*")
            if p.is_file()
        }
        digests.append(content_digest(package, files))
    assert digests[0] == digests[1]

"""Publishers of the local catalogue killed at chosen points (issue item 8).

Each kill is real: a forked child publishing into the catalogue SIGKILLs itself just
before a chosen filesystem call, or the test kills it after a random delay
(tests/security/crash_harness.py). What is left must verify, be collectable by
`cdx catalogue gc`, and be indexed by the next publish of any version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.core.keys import TrustStore
from tests.conftest import reseal_as
from tests.security.crash_harness import check_committed, local_campaign, run_child

COALITION, DATASET = "kenya-lnob", "health-scorecard"


def ref(version: str) -> PackageRef:
    return PackageRef(COALITION, DATASET, version)


@pytest.fixture
def packages(sealed_template: tuple[Path, Path], tmp_path: Path) -> dict[str, Path]:
    """The sealed example as versions 1.0.0 … 4.1.0, signed by the trusted test key."""
    made = {}
    for version in ("1.0.0", "2.0.0", "3.0.0", "4.0.0", "4.1.0"):
        target = tmp_path / "packages" / version
        shutil.copytree(sealed_template[1], target)
        reseal_as(target, COALITION, DATASET, version, sealed_template[0] / "keys")
        made[version] = target
    return made


@pytest.fixture
def trust(trust_file: Path) -> TrustStore:
    return TrustStore.load(trust_file)


def killed_after_real(call: str) -> None:
    """In the child: let the first `os.<call>` happen, then SIGKILL this process."""
    real = getattr(os, call)

    def then_die(*args: object, **kwargs: object) -> object:
        done = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return done

    setattr(os, call, then_die)


def age(path: Path, hours: float) -> None:
    """Make `path` and everything in it look `hours` old."""
    then = time.time() - hours * 3600
    for inner in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(inner, (then, then), follow_symlinks=False)


def test_a_publisher_killed_between_linking_and_unlinking_the_signature_leaves_a_clean_version(
    packages: dict[str, Path], trust: TrustStore, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")

    def publish_then_die_after_link() -> None:
        killed_after_real("link")
        catalogue.publish(packages["1.0.0"], ref("1.0.0"))

    assert run_child(publish_then_die_after_link, die_at=None, after_s=None)
    assert catalogue.versions(COALITION, DATASET) == ["1.0.0"]  # committed …
    assert check_committed(catalogue.root, COALITION, DATASET, trust) == []  # … and verifies
    assert not list((catalogue.root / ref("1.0.0").key).glob(".manifest.sig.*"))


def test_republishing_removes_a_signature_temporary_an_earlier_cdx_left_in_a_version(
    packages: dict[str, Path], trust: TrustStore, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(packages["1.0.0"], ref("1.0.0"))
    version = catalogue.root / ref("1.0.0").key
    stray = version / f".manifest.sig.{uuid.uuid4().hex}"
    os.link(version / "manifest.sig", stray)
    assert check_committed(catalogue.root, COALITION, DATASET, trust) != []
    assert catalogue.publish(packages["1.0.0"], ref("1.0.0")).status == "unchanged"
    assert not stray.exists()
    assert check_committed(catalogue.root, COALITION, DATASET, trust) == []


def test_a_version_committed_but_not_indexed_is_listed_by_publishing_another_version(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(packages["4.0.0"], ref("4.0.0"))
    index = catalogue.root / "catalog.json"
    # what a publisher killed between manifest.sig and catalog.json leaves
    index.write_text(json.dumps({**json.loads(index.read_text()), "packages": []}))
    assert catalogue.publish(packages["4.1.0"], ref("4.1.0")).status == "published"
    assert [e.version for e in catalogue.entries()] == ["4.0.0", "4.1.0"]


def test_gc_removes_what_killed_publishers_left_in_a_local_catalogue(
    packages: dict[str, Path], trust: TrustStore, tmp_path: Path
) -> None:
    from cdx.cli.app import app

    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(packages["1.0.0"], ref("1.0.0"))
    root = catalogue.root
    leftovers = {
        "staged": root / ".cdx-tmp" / uuid.uuid4().hex,
        "discarded": root / ".cdx-tmp" / f"discard-{uuid.uuid4().hex}",
        "uncommitted": root / ref("2.0.0").key,
    }
    for folder in leftovers.values():
        shutil.copytree(packages["2.0.0"], folder, ignore=shutil.ignore_patterns("manifest.sig"))
    index_temporary = root / f".catalog.json.{uuid.uuid4().hex}"
    index_temporary.write_text("{}")
    stray = root / ref("1.0.0").key / f".manifest.sig.{uuid.uuid4().hex}"
    os.link(root / ref("1.0.0").key / "manifest.sig", stray)
    for path in [*leftovers.values(), index_temporary, stray]:
        age(path, hours=2)
    fresh = root / ".cdx-tmp" / uuid.uuid4().hex  # a publisher staging right now
    shutil.copytree(packages["3.0.0"], fresh)

    dry = CliRunner().invoke(app, ["catalogue", "gc", str(root), "--older-than", "1h"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("would remove") == 5, dry.output
    assert all(p.exists() for p in [*leftovers.values(), index_temporary, stray])

    applied = CliRunner().invoke(
        app, ["catalogue", "gc", str(root), "--older-than", "1h", "--apply", "--json"]
    )
    assert applied.exit_code == 0, applied.output
    garbage = json.loads(applied.output)["garbage"]
    assert len(garbage) == 5 and all(g["removed"] for g in garbage)
    assert not any(p.exists() for p in [*leftovers.values(), index_temporary, stray])
    assert fresh.is_dir()  # too young to be anyone's leftover
    assert [p.name for p in (root / ".cdx-tmp").iterdir()] == [fresh.name]
    assert check_committed(root, COALITION, DATASET, trust) == []
    assert catalogue.versions(COALITION, DATASET) == ["1.0.0"]


def test_gc_indexes_a_committed_version_catalog_json_misses(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(packages["1.0.0"], ref("1.0.0"))
    (catalogue.root / "catalog.json").write_text(json.dumps({"packages": []}))
    dry = catalogue.collect_garbage(dt.timedelta(hours=1), apply=False)
    assert [(g.kind, g.remedy, g.removed) for g in dry] == [("unindexed version", "index", False)]
    assert catalogue.entries() == []
    catalogue.collect_garbage(dt.timedelta(hours=1), apply=True)
    assert [e.version for e in catalogue.entries()] == ["1.0.0"]


def test_publishers_killed_at_every_step_and_at_random_leave_a_consistent_catalogue(
    packages: dict[str, Path], trust: TrustStore, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    LocalCatalogue(template).publish(packages["1.0.0"], ref("1.0.0"))
    tally = local_campaign(template, tmp_path / "work", packages, trust, random_kills=150)
    print(tally.line(), dict(tally.outcomes))
    assert tally.problems == []
    assert tally.trials >= 150 and tally.killed >= 120
    assert tally.committed_after_kill > 0  # some kills fell between commit and index


def test_a_damaged_catalog_json_is_rebuilt_from_the_commits_by_the_next_publish(
    sealed: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, PackageRef("kenya-lnob", "health-scorecard", "1.0.0"))
    (tmp_path / "catalogue" / "catalog.json").write_text('{"packages": [1, 2]}')
    catalogue.publish(sealed, PackageRef("kenya-lnob", "health-scorecard", "1.0.0"))
    assert [(e.dataset, e.version) for e in catalogue.entries()] == [("health-scorecard", "1.0.0")]

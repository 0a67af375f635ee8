"""`cdx load` across loads: no-op reloads, versions side by side, refusals that write nothing,
the load log; each against a real DuckDB file and a real PostgreSQL database."""

from __future__ import annotations

import getpass
import hashlib
import json
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

from cdx.core.errors import LoadFailed, LoadVersionConflict, PackageNotVerified
from cdx.core.keys import TrustStore
from cdx.load.loading import load_package
from tests.integration.loading import (
    examples,
    query,
    resealed,
    schemas,
    trust_store_of,
)


@pytest.fixture(scope="module")
def sealed_examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    return examples(tmp_path_factory.mktemp("load-versions"))


@pytest.fixture
def trust(sealed_examples: tuple[Path, dict[str, Path]]) -> TrustStore:
    return TrustStore.load(sealed_examples[0] / "keys" / "kenya-lnob.pub.json")


@pytest.fixture
def keys(sealed_examples: tuple[Path, dict[str, Path]]) -> Path:
    """The example coalition's own key folder: packages resealed with it stay trusted."""
    return sealed_examples[0] / "keys"


@pytest.fixture
def survey(sealed_examples: tuple[Path, dict[str, Path]]) -> Path:
    return sealed_examples[1]["youth-survey"]


def test_loading_the_same_version_again_changes_nothing(
    into: str, survey: Path, trust: TrustStore
) -> None:
    first = load_package(survey, into, trust)
    again = load_package(survey, into, trust)
    assert (first.outcome, again.outcome) == ("loaded", "unchanged")
    assert again.tables == {}
    assert query(into, "SELECT count(*) FROM cdx.load_log") == [(1,)]
    assert query(into, "SELECT count(*) FROM kenya_lnob__youth_survey__v1_0_0.responses") == [
        (first.tables["responses"],)
    ]


def test_the_load_log_says_who_when_which_key_and_which_hashes(
    into: str, survey: Path, trust: TrustStore
) -> None:
    result = load_package(survey, into, trust)
    ((by, key, trusted, manifest_hash, files, cdx_version, package_id, loaded_at),) = query(
        into,
        "SELECT loaded_by, key_id, key_trusted, manifest_sha256, CAST(files AS TEXT), "
        "cdx_version, package_id, loaded_at FROM cdx.load_log",
    )
    manifest = json.loads((survey / "manifest.json").read_text())
    signature = json.loads((survey / "manifest.sig").read_text())
    assert by == getpass.getuser()
    assert (key, trusted) == (signature["keyId"], True)
    assert manifest_hash == hashlib.sha256((survey / "manifest.json").read_bytes()).hexdigest()
    assert json.loads(files) == manifest["files"]
    assert cdx_version == installed_version("cdx")
    assert package_id == "urn:cdx:package:kenya-lnob/youth-survey@1.0.0"
    assert loaded_at is not None and result.key_id == key
    ((descriptor, privacy),) = query(
        into, "SELECT CAST(descriptor AS TEXT), CAST(privacy AS TEXT) FROM cdx.packages"
    )
    assert json.loads(descriptor) == json.loads((survey / "datapackage.json").read_text())
    assert json.loads(privacy) == json.loads((survey / "reports" / "privacy.json").read_text())


def test_two_coalitions_with_the_same_table_name_load_side_by_side(
    into: str, survey: Path, tmp_path: Path, sealed_examples: tuple[Path, dict[str, Path]]
) -> None:
    other, other_key = resealed(survey, tmp_path / "other", "1.0.0", tmp_path, "nepal-cso")
    store = trust_store_of(
        sealed_examples[0] / "keys" / "kenya-lnob.pub.json", other_key, into=tmp_path / "t.json"
    )
    trust = TrustStore.load(store)
    mine, theirs = load_package(survey, into, trust), load_package(other, into, trust)
    assert (mine.schema, theirs.schema) == (
        "kenya_lnob__youth_survey__v1_0_0",
        "nepal_cso__youth_survey__v1_0_0",
    )
    for schema in ("kenya_lnob__youth_survey", "nepal_cso__youth_survey"):
        assert query(into, f"SELECT count(*) FROM {schema}.responses") == [(385,)]


def test_a_tampered_package_is_refused_and_nothing_is_written(
    into: str, survey: Path, tmp_path: Path, trust: TrustStore
) -> None:
    from tests.integration.loading import copy_package

    tampered = copy_package(survey, tmp_path / "tampered")
    data = tampered / "data" / "responses.csv"
    data.write_text(data.read_text().replace("Kisumu", "Nairobi", 1))
    for allow_untrusted in (False, True):
        with pytest.raises(PackageNotVerified) as refused:
            load_package(tampered, into, trust, allow_untrusted=allow_untrusted)
        assert "file-modified" in refused.value.message
    assert not Path(into).exists() or schemas(into) == set()


def test_an_untrusted_key_is_refused_unless_the_office_allows_it(into: str, survey: Path) -> None:
    with pytest.raises(PackageNotVerified):
        load_package(survey, into, None)
    assert not Path(into).exists() or schemas(into) == set()
    result = load_package(survey, into, None, allow_untrusted=True)
    assert (result.outcome, result.key_trusted) == ("loaded", False)
    assert query(into, "SELECT key_trusted FROM cdx.load_log") == [(False,)]


def test_a_new_version_loads_beside_the_old_and_the_latest_view_moves(
    into: str, survey: Path, tmp_path: Path, trust: TrustStore, keys: Path
) -> None:
    first_100 = ("responses", lambda text: "\n".join(text.splitlines()[:101]) + "\n")
    newer, _ = resealed(survey, tmp_path / "v110", "1.1.0", keys, rewrite=first_100)
    patch, _ = resealed(survey, tmp_path / "v101", "1.0.1", keys)
    load_package(survey, into, trust)
    assert query(into, "SELECT count(*) FROM kenya_lnob__youth_survey.responses") == [(385,)]
    moved = load_package(newer, into, trust)
    assert (moved.latest_version, moved.tables) == ("1.1.0", {"responses": 100})
    assert query(into, "SELECT count(*) FROM kenya_lnob__youth_survey.responses") == [(100,)]
    stays = load_package(patch, into, trust)  # older than the latest: the views stay
    assert stays.latest_version == "1.1.0"
    assert query(into, "SELECT count(*) FROM kenya_lnob__youth_survey.responses") == [(100,)]
    assert query(into, "SELECT count(*) FROM kenya_lnob__youth_survey__v1_0_0.responses") == [
        (385,)
    ]


def test_another_package_claiming_a_loaded_version_is_refused(
    into: str, survey: Path, tmp_path: Path, trust: TrustStore, keys: Path
) -> None:
    load_package(survey, into, trust)
    first_10 = ("responses", lambda text: "\n".join(text.splitlines()[:11]) + "\n")
    rival, _ = resealed(survey, tmp_path / "rival", "1.0.0", keys, rewrite=first_10)
    with pytest.raises(LoadVersionConflict):
        load_package(rival, into, trust)
    assert query(into, "SELECT count(*) FROM kenya_lnob__youth_survey.responses") == [(385,)]


def test_a_load_the_database_refuses_halfway_leaves_nothing(
    into: str, survey: Path, tmp_path: Path, trust: TrustStore, keys: Path
) -> None:
    # Signed but never validated: the last row breaks the schema's maximum distance.
    too_far = ("responses", lambda text: text.replace(",30.4,", ",999.0,"))
    broken, _ = resealed(survey, tmp_path / "broken", "2.0.0", keys, rewrite=too_far)
    with pytest.raises(LoadFailed):
        load_package(broken, into, trust)
    assert schemas(into) == set()

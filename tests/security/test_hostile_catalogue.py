"""A local catalogue written by someone hostile: pull reads nothing outside the version,
writes nothing outside its target, stops at every limit, and says why in a code."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.connectors.pull import pull_package
from cdx.core.keys import TrustStore
from cdx.core.package_limits import PackageLimits
from cdx.verify.verification import Verification
from tests.security.hostile_packages import (
    SENTINEL,
    add_entry,
    assert_nothing_left,
    codes,
    impostor_key,
    resign,
)

REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")


@pytest.fixture
def catalogue(sealed: Path, tmp_path: Path) -> LocalCatalogue:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    return catalogue


@pytest.fixture
def version_dir(catalogue: LocalCatalogue) -> Path:
    return catalogue.root / REF.key


@pytest.fixture
def key_file(sealed_template: tuple[Path, Path]) -> Path:
    return sealed_template[0] / "keys" / "kenya-lnob.key"


def pull(
    catalogue: LocalCatalogue, office: Path, trust_file: Path, **options: object
) -> Verification:
    _, verification = pull_package(
        catalogue, REF, office / "got", TrustStore.load(trust_file), **options
    )  # type: ignore[arg-type]
    return verification


# --------------------------------------------------------------------------- item 1: paths


@pytest.mark.parametrize(
    "hostile",
    ["../../../PWNED.txt", "data/../../../../PWNED.txt", "/tmp/cdx-hostile-PWNED.txt"],
)
def test_a_manifest_path_out_of_the_package_writes_nothing_anywhere(
    catalogue: LocalCatalogue,
    version_dir: Path,
    key_file: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
    hostile: str,
) -> None:
    resign(version_dir, key_file, add_entry(hostile))
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"path-unsafe"}
    assert_nothing_left(office, tmp_path)
    assert not Path("/tmp/cdx-hostile-PWNED.txt").exists()


def test_a_symlinked_folder_in_the_catalogue_is_neither_read_nor_written_through(
    catalogue: LocalCatalogue,
    version_dir: Path,
    key_file: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.csv").write_bytes(SENTINEL)
    (version_dir / "data" / "esc").symlink_to(elsewhere, target_is_directory=True)
    resign(version_dir, key_file, add_entry("data/esc/victim.csv", SENTINEL))
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"file-not-regular"}
    assert (elsewhere / "victim.csv").read_bytes() == SENTINEL
    assert_nothing_left(office, tmp_path)


def test_a_data_file_linked_to_a_secret_is_not_read(
    catalogue: LocalCatalogue,
    version_dir: Path,
    key_file: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    scores = version_dir / "data" / "scores.csv"
    scores.unlink()
    scores.symlink_to(secret)
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"file-not-regular"}
    assert_nothing_left(office, tmp_path)


def test_a_listed_but_missing_file_is_a_coded_refusal(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    (version_dir / "data" / "scores.csv").unlink()
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"file-missing"}
    assert_nothing_left(office, tmp_path)


def test_a_version_folder_linked_elsewhere_is_not_read(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "moved"
    version_dir.rename(moved)
    version_dir.symlink_to(moved, target_is_directory=True)
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"file-not-regular"}
    assert_nothing_left(office, tmp_path)


# --------------------------------------------------------------------------- item 3: limits


def test_a_manifest_linked_to_dev_zero_is_refused_at_once(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    (version_dir / "manifest.json").unlink()
    (version_dir / "manifest.json").symlink_to("/dev/zero")
    began = time.monotonic()
    verification = pull(catalogue, office, trust_file)
    assert time.monotonic() - began < 5
    assert codes(verification) == {"file-not-regular"}
    assert_nothing_left(office, tmp_path)


def test_a_manifest_over_the_size_limit_is_refused_unread(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    with (version_dir / "manifest.json").open("r+b") as handle:
        handle.truncate(4 * 1024**3)  # sparse: 4 GiB that cost no disk
    began = time.monotonic()
    verification = pull(catalogue, office, trust_file)
    assert time.monotonic() - began < 5
    assert codes(verification) == {"manifest-too-large"}
    assert_nothing_left(office, tmp_path)


def test_a_manifest_over_the_entry_limit_is_refused_before_any_data(
    catalogue: LocalCatalogue,
    version_dir: Path,
    key_file: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
) -> None:
    def many(manifest: dict[str, object]) -> None:
        files = manifest["files"]
        assert isinstance(files, list)
        files.extend({"path": f"data/x{i}.csv", "bytes": 1, "sha256": "0" * 64} for i in range(30))

    resign(version_dir, key_file, many)
    limits = PackageLimits(manifest_files=20)
    verification = pull(catalogue, office, trust_file, limits=limits)
    assert codes(verification) == {"manifest-too-many-files"}
    assert_nothing_left(office, tmp_path)


def test_a_data_file_longer_than_declared_is_stopped_at_its_size(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    with (version_dir / "data" / "scores.csv").open("r+b") as handle:
        handle.truncate(8 * 1024**3)
    began = time.monotonic()
    verification = pull(catalogue, office, trust_file)
    assert time.monotonic() - began < 5
    assert codes(verification) == {"file-too-large"}
    assert_nothing_left(office, tmp_path)


def test_a_data_file_linked_to_dev_zero_is_not_read(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    (version_dir / "data" / "scores.csv").unlink()
    (version_dir / "data" / "scores.csv").symlink_to("/dev/zero")
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"file-not-regular"}
    assert_nothing_left(office, tmp_path)


def test_a_pipe_in_the_catalogue_does_not_hang_the_pull(
    catalogue: LocalCatalogue, version_dir: Path, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    (version_dir / "data" / "scores.csv").unlink()
    os.mkfifo(version_dir / "data" / "scores.csv")
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"file-not-regular"}
    assert_nothing_left(office, tmp_path)


def test_the_signature_is_checked_before_any_data_file_is_fetched(
    catalogue: LocalCatalogue,
    version_dir: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
) -> None:
    impostor, _ = impostor_key(tmp_path)
    resign(version_dir, impostor, lambda manifest: None)
    # Were data fetched first, this would be file-missing (or a traceback).
    (version_dir / "data" / "scores.csv").unlink()
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"key-untrusted"}
    assert_nothing_left(office, tmp_path)


def test_verify_refuses_a_huge_manifest_without_reading_it(sealed: Path, trust_file: Path) -> None:
    from cdx.verify.verification import verify_package

    with (sealed / "manifest.json").open("r+b") as handle:
        handle.truncate(4 * 1024**3)
    began = time.monotonic()
    verification = verify_package(sealed, TrustStore.load(trust_file))
    assert time.monotonic() - began < 5
    assert codes(verification) == {"manifest-too-large"}


# --------------------------------------------------------------------------- item 4: keys


@pytest.mark.parametrize(
    "keys_json",
    [
        b"[1, 2]",
        b"{not json",
        b'{"kenya-lnob:0000000000000000": {"coalition": "kenya-lnob", "public_key": 5}}',
        b'{"kenya-lnob:0000000000000000": 5}',
        b"\xff\xfe",
    ],
)
def test_a_broken_keys_json_does_not_block_a_pull_the_trust_store_accepts(
    catalogue: LocalCatalogue, trust_file: Path, office: Path, keys_json: bytes
) -> None:
    (catalogue.root / "kenya-lnob" / "keys.json").write_bytes(keys_json)
    assert pull(catalogue, office, trust_file).ok


def test_a_broken_keys_json_is_no_keys_for_an_office_without_a_trust_store(
    catalogue: LocalCatalogue, office: Path
) -> None:
    (catalogue.root / "kenya-lnob" / "keys.json").write_bytes(b'{"x": {"public_key": 5}}')
    _, verification = pull_package(catalogue, REF, office / "got", None)
    assert codes(verification) == {"key-untrusted"}


def test_catalogue_keys_never_speak_for_a_coalition_the_trust_store_pins(
    catalogue: LocalCatalogue,
    version_dir: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
) -> None:
    impostor, entry = impostor_key(tmp_path)
    resign(version_dir, impostor, lambda manifest: None)
    catalogue.publish_key("kenya-lnob", entry)
    verification = pull(catalogue, office, trust_file, accept_catalogue_keys=True)
    assert codes(verification) == {"key-untrusted"}
    assert "holds other keys for coalition 'kenya-lnob'" in verification.problems[0].message
    assert_nothing_left(office, tmp_path)


# --------------------------------------------------------------------------- item 5: types


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("package", "kenya-lnob", "manifest-malformed"),
        ("package", [1], "manifest-malformed"),
        ("files", {"data/scores.csv": 1}, "manifest-malformed"),
        ("files", [1, 2], "manifest-malformed"),
        ("files", [{"path": "data/scores.csv", "bytes": "7", "sha256": "0" * 64}], None),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_in_words(
    catalogue: LocalCatalogue,
    version_dir: Path,
    key_file: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
    field: str,
    value: object,
    code: str | None,
) -> None:
    resign(version_dir, key_file, lambda manifest: manifest.__setitem__(field, value))
    verification = pull(catalogue, office, trust_file)
    assert not verification.ok
    if code:
        assert code in codes(verification)
    assert_nothing_left(office, tmp_path)


@pytest.mark.parametrize(
    "signature", [b'{"keyId": 5, "signature": []}', b"[]", b"null", b'{"keyId": "x"}']
)
def test_a_signature_of_the_wrong_shape_is_refused_in_words(
    catalogue: LocalCatalogue,
    version_dir: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
    signature: bytes,
) -> None:
    (version_dir / "manifest.sig").write_bytes(signature)
    verification = pull(catalogue, office, trust_file)
    assert codes(verification) == {"signature-malformed"}
    assert_nothing_left(office, tmp_path)


@pytest.mark.parametrize(
    "index",
    [
        {"packages": [1, 2]},
        {"packages": "all"},
        [],
        {"packages": [{"coalition": 5}]},
        {
            "packages": [
                dict.fromkeys(
                    ("coalition", "dataset", "version", "contentDigest", "keyId", "committed"), 5
                )
            ]
        },
    ],
)
def test_cdx_list_of_a_damaged_catalog_json_is_a_coded_error(
    catalogue: LocalCatalogue, index: object
) -> None:
    (catalogue.root / "catalog.json").write_text(json.dumps(index))
    result = CliRunner().invoke(app, ["list", str(catalogue.root)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "catalogue-error" in result.output


@pytest.mark.parametrize("target", ["secret", "/dev/zero"])
def test_a_catalog_json_that_is_a_link_is_not_read_and_the_next_gc_rewrites_it(
    catalogue: LocalCatalogue, tmp_path: Path, target: str
) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"packages": [], "secret": "office"}))
    index = catalogue.root / "catalog.json"
    index.unlink()
    index.symlink_to(secret if target == "secret" else Path(target))
    listed = CliRunner().invoke(app, ["list", str(catalogue.root), "--json"])
    assert listed.exit_code == 2 and json.loads(listed.output)["error"]["code"] == "catalogue-error"
    assert "office" not in listed.output
    healed = CliRunner().invoke(
        app, ["catalogue", "gc", str(catalogue.root), "--older-than", "0s", "--apply"]
    )
    assert healed.exit_code == 0, healed.output
    entries = [(e.coalition, e.dataset, e.version) for e in catalogue.entries()]
    assert not index.is_symlink() and entries == [(REF.coalition, REF.dataset, REF.version)]
    assert json.loads(secret.read_text())["secret"] == "office"  # the link's target untouched


def test_cdx_pull_with_a_trust_entry_of_the_wrong_type_is_a_coded_error(
    catalogue: LocalCatalogue, tmp_path: Path
) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"kenya-lnob:0": {"coalition": "kenya-lnob", "public_key": 5}}))
    result = CliRunner().invoke(
        app,
        [
            "pull",
            str(catalogue.root),
            str(REF),
            "--to",
            str(tmp_path / "got"),
            "--trust",
            str(trust),
        ],
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "truststore-invalid" in result.output


def test_cdx_pull_of_a_hostile_path_says_refused_with_a_code(
    catalogue: LocalCatalogue,
    version_dir: Path,
    key_file: Path,
    trust_file: Path,
    office: Path,
) -> None:
    resign(version_dir, key_file, add_entry("../../../PWNED.txt"))
    result = CliRunner().invoke(
        app,
        [
            "pull",
            str(catalogue.root),
            str(REF),
            "--to",
            str(office / "got"),
            "--trust",
            str(trust_file),
        ],
    )
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "[path-unsafe]" in result.output and "refused" in result.output

"""Any single change to a sealed package is detected, each with its own code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdx.core.keys import TrustStore, generate_key
from cdx.seal.manifest import read_manifest
from cdx.seal.signature import sign_manifest, write_signature
from cdx.verify.verification import verify_package


def codes(package: Path, trust: TrustStore | None) -> set[str]:
    return {problem.code for problem in verify_package(package, trust).problems}


def test_an_untouched_package_verifies(sealed: Path, trust_file: Path) -> None:
    result = verify_package(sealed, TrustStore.load(trust_file))
    assert result.ok, result.problems
    assert result.package == {
        "coalition": "kenya-lnob",
        "dataset": "health-scorecard",
        "version": "1.0.0",
    }


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("data/scores.csv", "file-modified"),
        ("datapackage.json", "file-modified"),
        ("reports/validation.json", "file-modified"),
        ("reports/validation.html", "file-modified"),
        ("provenance.jsonld", "file-modified"),
        ("manifest.json", "signature-invalid"),
        ("manifest.sig", "signature-invalid"),
    ],
)
@pytest.mark.parametrize("where", [0.0, 0.5, 1.0])
def test_a_flipped_byte_anywhere_is_detected(
    sealed: Path, trust_file: Path, relative: str, expected: str, where: float
) -> None:
    path = sealed / relative
    data = bytearray(path.read_bytes())
    index = min(int(len(data) * where), len(data) - 1)
    data[index] ^= 0x01
    path.write_bytes(bytes(data))
    found = codes(sealed, TrustStore.load(trust_file))
    # A flip may break the JSON of the manifest or signature itself: that is refused too.
    alternatives = {expected, "manifest-malformed", "signature-malformed"}
    assert found & alternatives, found


def test_a_dropped_file_is_detected(sealed: Path, trust_file: Path) -> None:
    (sealed / "reports" / "validation.html").unlink()
    assert codes(sealed, TrustStore.load(trust_file)) == {"file-missing"}


def test_an_added_file_is_detected(sealed: Path, trust_file: Path) -> None:
    (sealed / "data" / "extra.csv").write_text("a\n1\n")
    assert codes(sealed, TrustStore.load(trust_file)) == {"file-unexpected"}


def test_a_missing_signature_means_not_sealed(sealed: Path, trust_file: Path) -> None:
    (sealed / "manifest.sig").unlink()
    assert codes(sealed, TrustStore.load(trust_file)) == {"signature-missing"}


def test_a_signature_by_an_untrusted_key_is_refused(sealed: Path, tmp_path: Path) -> None:
    stranger = generate_key("kenya-lnob", tmp_path / "stranger.key")
    manifest = read_manifest(sealed / "manifest.json")
    write_signature(sealed / "manifest.sig", sign_manifest(manifest, stranger))
    assert codes(sealed, TrustStore.load(tmp_path / "stranger.pub.json")) == set()
    # ... but the verifier's real trust store does not know that key.
    real = tmp_path / "real.pub.json"
    generate_key("kenya-lnob", tmp_path / "real.key")
    assert codes(sealed, TrustStore.load(real)) == {"key-untrusted"}


def test_a_swapped_signature_from_another_package_is_refused(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    manifest = read_manifest(sealed / "manifest.json")
    manifest["package"]["version"] = "9.9.9"
    key = generate_key("kenya-lnob", tmp_path / "k.key")
    write_signature(sealed / "manifest.sig", sign_manifest(manifest, key))
    store = TrustStore.load(tmp_path / "k.pub.json")
    assert codes(sealed, store) == {"signature-invalid"}


def test_a_key_of_another_coalition_cannot_sign_for_this_one(sealed: Path, tmp_path: Path) -> None:
    other = generate_key("nepal-cso", tmp_path / "nepal.key")
    manifest = read_manifest(sealed / "manifest.json")
    write_signature(sealed / "manifest.sig", sign_manifest(manifest, other))
    assert codes(sealed, TrustStore.load(tmp_path / "nepal.pub.json")) == {"key-coalition-mismatch"}


def test_a_descriptor_outside_the_profile_is_refused_even_when_resigned(
    sealed: Path, tmp_path: Path
) -> None:
    from cdx.seal.manifest import build_manifest, write_manifest

    descriptor = json.loads((sealed / "datapackage.json").read_text())
    del descriptor["citizenData"]["consentBasis"]
    (sealed / "datapackage.json").write_text(json.dumps(descriptor))
    key = generate_key("kenya-lnob", tmp_path / "k.key")
    manifest = build_manifest(
        sealed, coalition="kenya-lnob", dataset="health-scorecard", version="1.0.0"
    )
    write_manifest(sealed, manifest)
    write_signature(sealed / "manifest.sig", sign_manifest(manifest, key))
    assert codes(sealed, TrustStore.load(tmp_path / "k.pub.json")) == {"profile-invalid"}


def test_without_any_key_nothing_is_trusted(sealed: Path) -> None:
    result = verify_package(sealed, None)
    assert not result.ok and {p.code for p in result.problems} == {"key-untrusted"}

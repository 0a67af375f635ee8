"""What a signer can get wrong, signed: verify refuses it, in words, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdx.core.errors import TrustStoreInvalid, UnsafePath
from cdx.core.keys import TrustStore
from cdx.core.package_paths import safe_member_path
from cdx.seal.manifest import read_manifest
from cdx.seal.signature import sign_manifest, write_signature
from cdx.verify.verification import verify_package
from tests.conftest import reseal_as


def resign(package: Path, keys: Path, change: Any) -> TrustStore:
    """Seal the package as another coalition, let `change` edit the manifest, sign again."""
    from cdx.core.keys import load_signing_key
    from cdx.seal.manifest import write_manifest

    trust = reseal_as(package, "other", "health-scorecard", "1.0.0", keys)
    manifest = read_manifest(package / "manifest.json")
    change(manifest)
    write_manifest(package, manifest)
    key = load_signing_key("other", keys / "other.key")
    write_signature(package / "manifest.sig", sign_manifest(manifest, key))
    return TrustStore.load(trust)


def codes(package: Path, trust: TrustStore) -> set[str]:
    return {problem.code for problem in verify_package(package, trust).problems}


@pytest.mark.parametrize(
    "text",
    [
        "../x",
        "data/../../etc/passwd",
        "/etc/passwd",
        "data\\scores.csv",
        "notes.txt",
        "data",
        "data//x.csv",
        "./datapackage.json",
        "manifest.json",
        "data/x\n",
        5,
        None,
        "",
    ],
)
def test_unsafe_member_paths_are_refused(text: object) -> None:
    with pytest.raises(UnsafePath) as caught:
        safe_member_path(text)
    assert caught.value.code == "path-unsafe" and caught.value.hint


@pytest.mark.parametrize(
    "text", ["datapackage.json", "provenance.jsonld", "data/scores.csv", "reports/a/b.html"]
)
def test_member_paths_inside_the_package_are_allowed(text: str) -> None:
    assert str(safe_member_path(text)) == text


def test_a_duplicate_manifest_path_is_a_problem(sealed: Path, tmp_path: Path) -> None:
    def duplicate(manifest: dict[str, Any]) -> None:
        first = next(e for e in manifest["files"] if e["path"] == "data/scores.csv")
        manifest["files"].append({**first, "sha256": "0" * 64})

    trust = resign(sealed, tmp_path / "keys", duplicate)
    assert "path-duplicate" in codes(sealed, trust)
    assert not verify_package(sealed, trust).ok


@pytest.mark.parametrize("path", ["notes.txt", "../outside.csv", "data\\x.csv", "/etc/hosts"])
def test_a_manifest_path_outside_data_and_reports_is_a_problem(
    sealed: Path, tmp_path: Path, path: str
) -> None:
    def add(manifest: dict[str, Any]) -> None:
        manifest["files"].append({"path": path, "bytes": 1, "sha256": "0" * 64})

    trust = resign(sealed, tmp_path / "keys", add)
    assert "path-unsafe" in codes(sealed, trust)


def test_a_resource_the_manifest_does_not_cover_is_a_problem(sealed: Path, tmp_path: Path) -> None:
    descriptor = json.loads((sealed / "datapackage.json").read_text())
    descriptor["resources"].append(
        {**descriptor["resources"][0], "name": "extra", "path": "data/extra.csv"}
    )
    (sealed / "datapackage.json").write_text(json.dumps(descriptor))
    trust = TrustStore.load(
        reseal_as(sealed, "other", "health-scorecard", "1.0.0", tmp_path / "keys")
    )
    assert "resource-unlisted" in codes(sealed, trust)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(package=["kenya-lnob"]),
        lambda m: m.update(package={"coalition": 5}),
        lambda m: m.update(files={"path": "data/scores.csv"}),
        lambda m: m.update(files=["data/scores.csv"]),
        lambda m: m["files"][0].update(bytes="12"),
    ],
)
def test_a_malformed_manifest_is_a_problem_not_a_traceback(
    sealed: Path, tmp_path: Path, change: Any
) -> None:
    trust = resign(sealed, tmp_path / "keys", change)
    result = verify_package(sealed, trust)
    assert not result.ok and result.problems


@pytest.mark.parametrize("signature", [5, None, ["x"], {"a": 1}])
def test_a_signature_that_is_not_text_is_a_problem(
    sealed: Path, trust_file: Path, signature: object
) -> None:
    sig = json.loads((sealed / "manifest.sig").read_text())
    sig["signature"] = signature
    (sealed / "manifest.sig").write_text(json.dumps(sig))
    assert codes(sealed, TrustStore.load(trust_file)) == {"signature-malformed"}


@pytest.mark.parametrize(
    "entry", [{"coalition": "kenya-lnob", "public_key": 5}, {"coalition": 5, "public_key": "AAAA"}]
)
def test_a_trust_entry_of_the_wrong_type_is_a_coded_error(tmp_path: Path, entry: object) -> None:
    store = tmp_path / "trust.json"
    store.write_text(json.dumps({"kenya-lnob:0123": entry}))
    with pytest.raises(TrustStoreInvalid):
        TrustStore.load(store)


def cdx(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cdx.cli.app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_verify_names_the_package_it_verified_not_the_directory(
    sealed: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "health-scorecard" / "1.0.0"
    shutil.copytree(sealed, folder)
    trust = reseal_as(folder, "kenya-lnob", "youth-survey", "1.0.0", tmp_path / "keys")

    human = cdx("verify", str(folder), "--trust", str(trust))
    assert human.returncode == 0, human.stdout + human.stderr
    assert "✓ verified kenya-lnob/youth-survey@1.0.0" in human.stdout
    assert str(folder) in human.stdout

    as_json = json.loads(cdx("verify", str(folder), "--trust", str(trust), "--json").stdout)
    assert as_json["ref"] == "kenya-lnob/youth-survey@1.0.0" and as_json["ok"] is True


def test_verify_with_a_malformed_trust_entry_speaks_in_codes(sealed: Path, tmp_path: Path) -> None:
    store = tmp_path / "trust.json"
    store.write_text(json.dumps({"kenya-lnob:0123": {"coalition": "k", "public_key": 5}}))
    run = cdx("verify", str(sealed), "--trust", str(store))
    assert run.returncode == 2 and "[truststore-invalid]" in run.stderr
    assert "Traceback" not in run.stderr

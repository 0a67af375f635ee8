"""Helpers that turn a sealed package into what a hostile catalogue would serve."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import PackageRef
from cdx.core.keys import generate_key, load_signing_key, trust_entry
from cdx.seal.signature import sign_manifest, write_signature
from cdx.verify.verification import Verification

Change = Callable[[dict[str, Any]], None]
REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")  # the sealed example


def resign(version_dir: Path, key_file: Path, change: Change, *, coalition: str = "kenya-lnob"):  # type: ignore[no-untyped-def]
    """Let `change` edit the manifest in `version_dir`, then sign it with `key_file`."""
    manifest = json.loads((version_dir / "manifest.json").read_text())
    change(manifest)
    (version_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    key = load_signing_key(coalition, key_file)
    write_signature(version_dir / "manifest.sig", sign_manifest(manifest, key))
    return manifest


def add_entry(path: str, data: bytes = b"pwned\n") -> Change:
    """A change that lists one more file, with the size and hash of `data`."""
    import hashlib

    def change(manifest: dict[str, Any]) -> None:
        manifest["files"].append(
            {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )

    return change


def impostor_key(directory: Path, coalition: str = "kenya-lnob") -> tuple[Path, dict[str, Any]]:
    """Another key that claims to be `coalition`'s: its file and its trust entry."""
    key = generate_key(coalition, directory / f"impostor-{coalition}.key")
    return directory / f"impostor-{coalition}.key", trust_entry(key.public)


SENTINEL = b"the office's own file\n"


def codes(verification: Verification) -> set[str]:
    return {problem.code for problem in verification.problems}


def assert_nothing_left(office: Path, tmp_path: Path) -> None:
    """No target, no partial copy, and the office's own file untouched (the `office`
    fixture of tests/security/conftest.py)."""
    assert list(office.iterdir()) == []
    assert (tmp_path / "office" / "PWNED.txt").read_bytes() == SENTINEL
    assert sorted(p.name for p in (tmp_path / "office").iterdir()) == ["PWNED.txt", "pulls"]

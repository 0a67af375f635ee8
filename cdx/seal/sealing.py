"""Seal a built, validated package: provenance, manifest, and the signature last."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdx.core.keys import SigningKey
from cdx.core.layout import DESCRIPTOR, SIGNATURE
from cdx.metadata.documents import write_metadata
from cdx.seal.manifest import build_manifest, write_manifest
from cdx.seal.provenance import RunRecord, SourceRecord, build_provenance, write_provenance
from cdx.seal.signature import sign_manifest, write_signature


@dataclass(frozen=True)
class SealedPackage:
    path: Path
    coalition: str
    dataset: str
    version: str
    key_id: str
    content_digest: str


def seal_package(
    package_dir: Path,
    *,
    key: SigningKey,
    coalition: dict[str, str],
    dataset: str,
    sources: list[SourceRecord],
    run: RunRecord,
    validation: dict[str, Any],
    decisions: dict[str, Any] | None = None,
    metadata: bool = True,
) -> SealedPackage:
    """Write provenance.jsonld, the metadata documents (DCAT-AP, schema.org) and
    manifest.json, then sign the manifest (manifest.sig).

    `metadata=False` seals a package as cdx did before it wrote metadata/ (such packages
    are still published and verified)."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    version = descriptor["version"]
    # Cells the build step changed (formula cells neutralised, decision 0061), by table:
    # the provenance says what was published otherwise than the coalition wrote it.
    changed = {
        resource["name"]: resource["cdx:formulaCells"]
        for resource in descriptor.get("resources", [])
        if "cdx:formulaCells" in resource
    }
    if changed:
        decisions = {**(decisions or {}), "cdx:formulaCells": changed}
    provenance = build_provenance(
        package_id=descriptor["id"],
        coalition=coalition,
        sources=sources,
        run=run,
        ended_at=dt.datetime.now(dt.UTC),
        validation=validation,
        extra_decisions=decisions,
        descriptor=descriptor,
    )
    write_provenance(package_dir, provenance)
    if metadata:
        privacy = (decisions or {}).get("cdx:privacy")
        write_metadata(package_dir, descriptor, validation=validation, privacy=privacy)
    manifest = build_manifest(
        package_dir, coalition=coalition["id"], dataset=dataset, version=version
    )
    write_manifest(package_dir, manifest)
    signature = sign_manifest(manifest, key)
    write_signature(package_dir / SIGNATURE, signature)
    return SealedPackage(
        path=package_dir,
        coalition=coalition["id"],
        dataset=dataset,
        version=version,
        key_id=signature["keyId"],
        content_digest=manifest["contentDigest"],
    )

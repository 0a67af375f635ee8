"""How much of a package cdx reads before it has reason to trust it.

A manifest, its signature and a catalogue's convenience keys are read before any
signature is checked, from a place that may be hostile: each is read only up to its
limit (docs/decisions/0067-hostile-catalogue.md says why these numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class PackageLimits:
    """Caps on what is read of a package or a catalogue before it is trusted."""

    manifest_bytes: int = 16 * MIB  # CDX_MAX_MANIFEST_BYTES; manifest-too-large
    manifest_files: int = 10_000  # CDX_MAX_MANIFEST_FILES; manifest-too-many-files
    signature_bytes: int = 64 * 1024  # manifest.sig is ~200 bytes; signature-malformed
    keys_bytes: int = MIB  # a catalogue's keys.json; beyond it the keys are ignored
    index_bytes: int = 256 * MIB  # a catalogue's catalog.json; catalogue-error
    # datapackage.json, provenance.jsonld, reports/*.json and metadata/* as cdx site and
    # cdx metadata read them from a package nobody verified (the example's are < 40 KiB)
    document_bytes: int = 16 * MIB

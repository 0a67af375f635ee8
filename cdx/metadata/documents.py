"""Write a version's metadata documents into its package, before it is sealed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdx.core.layout import DCAT_METADATA, SCHEMA_ORG_METADATA
from cdx.metadata.dcat_ap import dcat_description
from cdx.metadata.schema_org import schema_org_dataset


def write_metadata(
    package_dir: Path,
    descriptor: dict[str, Any],
    *,
    validation: dict[str, Any] | None = None,
    privacy: dict[str, Any] | None = None,
) -> list[Path]:
    """metadata/dcat.jsonld and metadata/schema-org.jsonld, from the descriptor and the
    outcomes the seal step knows; the manifest then covers them."""
    written = []
    for relative, document in (
        (DCAT_METADATA, dcat_description(descriptor, validation=validation, privacy=privacy)),
        (SCHEMA_ORG_METADATA, schema_org_dataset(descriptor)),
    ):
        path = package_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written

"""Prefect flow that pulls a package from a catalogue and verifies it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.pull import pull_package as fetch_and_verify
from cdx.connectors.registry import open_catalogue
from cdx.core.keys import TrustStore


@flow(name="pull_package", flow_run_name="pull {ref}")
def pull_package(catalogue: str, ref: str, to: str, trust: str | None = None) -> dict[str, Any]:
    """Fetch COALITION/DATASET[@VERSION] into `to` and verify it against `trust`."""
    store = TrustStore.load(Path(trust)) if trust else None
    resolved, verification = fetch_and_verify(
        open_catalogue(catalogue), PackageRef.parse(ref), Path(to), store
    )
    return {"ref": str(resolved), **verification.to_dict()}

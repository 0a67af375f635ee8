"""`load_package`: verify a package, then load it into a target in one transaction."""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from cdx.core.errors import LoadVersionConflict, PackageNotVerified
from cdx.core.hashing import sha256_file
from cdx.core.keys import TrustStore
from cdx.core.layout import DESCRIPTOR, MANIFEST, PROVENANCE, REPORT_JSON
from cdx.core.names import version_key
from cdx.core.package_limits import PackageLimits
from cdx.load import load_log
from cdx.load.ddl import plan_tables
from cdx.load.latest_views import point_latest
from cdx.load.naming import dataset_schema, quoted, version_schema
from cdx.load.registry import open_target
from cdx.verify.verification import Verification, verify_package

PRIVACY_JSON = "reports/privacy.json"
UNTRUSTED = "key-untrusted"  # the only problem --allow-untrusted lets pass


@dataclass
class LoadResult:
    ref: str
    target: str
    outcome: str  # "loaded" or "unchanged"
    schema: str
    latest_schema: str
    latest_version: str
    key_id: str
    key_trusted: bool
    manifest_sha256: str
    tables: dict[str, int] = field(default_factory=dict)
    not_enforced: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, **asdict(self)}


def checked_package(
    package_dir: Path, trust: TrustStore | None, *, allow_untrusted: bool, limits: PackageLimits
) -> Verification:
    """The package's verification; PackageNotVerified unless it may be loaded."""
    verification = verify_package(package_dir, trust, limits=limits)
    codes = {problem.code for problem in verification.problems}
    if verification.ok or (allow_untrusted and codes <= {UNTRUSTED}):
        return verification
    if codes == {UNTRUSTED}:
        raise PackageNotVerified(
            f"{package_dir} is signed by key {verification.key_id}, which is not in your "
            "trust store, so nothing was loaded",
            hint="confirm the key with the coalition and add it to your trust store (--trust); "
            "or load it anyway with --allow-untrusted (cdx.load_log records that)",
        )
    first = verification.problems[0]
    raise PackageNotVerified(
        f"{package_dir} did not verify, so nothing was loaded: {first.message} [{first.code}]",
        hint="run `cdx verify` on it with your trust store (--trust); pull it again from the "
        "catalogue if a file was changed",
    )


def _json_file(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def load_package(
    package_dir: Path,
    into: str,
    trust: TrustStore | None,
    *,
    allow_untrusted: bool = False,
    limits: PackageLimits | None = None,
) -> LoadResult:
    """Verify, then load every resource typed and constrained by its Table Schema.

    The same version again (same manifest) is `unchanged` and writes nothing; another
    manifest under a loaded version is refused (LoadVersionConflict).
    """
    target = open_target(into)
    verification = checked_package(
        package_dir, trust, allow_untrusted=allow_untrusted, limits=limits or PackageLimits()
    )
    coalition, dataset, version = (
        verification.package[k] for k in ("coalition", "dataset", "version")
    )
    manifest_sha256 = sha256_file(package_dir / MANIFEST)
    manifest = _json_file(package_dir / MANIFEST)
    descriptor = _json_file(package_dir / DESCRIPTOR)
    schema, latest = version_schema(coalition, dataset, version), dataset_schema(coalition, dataset)
    result = LoadResult(
        ref=f"{coalition}/{dataset}@{version}",
        target=target.shown,
        outcome="loaded",
        schema=schema,
        latest_schema=latest,
        latest_version=version,
        key_id=str(verification.key_id),
        key_trusted=verification.trusted,
        manifest_sha256=manifest_sha256,
    )
    with target.session() as session:
        plans = plan_tables(package_dir, descriptor, schema, session.dialect, session.pattern_works)
        session.begin()
        load_log.ensure_tables(session)
        loaded = load_log.loaded_manifest(session, coalition, dataset, version)
        if loaded == manifest_sha256:
            result.outcome = "unchanged"
            versions = load_log.loaded_versions(session, coalition, dataset)
            result.latest_version = max(versions, key=version_key)
            return result
        if loaded is not None:
            raise LoadVersionConflict(
                f"{result.ref} is already loaded from another package (manifest sha256 "
                f"{loaded[:16]}…, this one {manifest_sha256[:16]}…); nothing was loaded",
                hint="a published version never changes: ask the coalition why two packages "
                "claim it, and which one they signed",
            )
        session.execute(f"CREATE SCHEMA {quoted(schema)}")
        for plan in plans:
            session.execute(plan.create)
            for comment in plan.comments:
                session.execute(comment)
            result.tables[plan.resource] = session.bulk_load(plan.load)
            if plan.after_load:
                session.execute(plan.after_load)
            result.not_enforced += plan.not_enforced
        load_log.record(
            session,
            load_log.LoadEntry(
                schema_name=schema,
                coalition=coalition,
                dataset=dataset,
                version=version,
                package_id=str(descriptor.get("id", "")),
                manifest_sha256=manifest_sha256,
                content_digest=manifest.get("contentDigest"),
                key_id=result.key_id,
                key_trusted=result.key_trusted,
                loaded_by=getpass.getuser(),
                loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
                cdx_version=installed_version("cdx"),
                files=manifest.get("files", []),
                tables=result.tables,
                not_enforced=result.not_enforced,
            ),
            {
                "descriptor": descriptor,
                "provenance": _json_file(package_dir / PROVENANCE),
                "validation": _json_file(package_dir / REPORT_JSON),
                "privacy": _json_file(package_dir / PRIVACY_JSON),
            },
        )
        versions = load_log.loaded_versions(session, coalition, dataset)
        result.latest_version = max(versions, key=version_key)
        if result.latest_version == version:
            point_latest(session, latest, schema, version, list(result.tables))
        session.commit()
    return result

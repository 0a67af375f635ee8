"""What a version page shows, read from one fetched package: a JSON-ready dict.

The dict is the page's whole input (the build state keeps a hash of it) and its short
summary feeds the index and the search; nothing here is verified: the page says how to.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from cdx.core.json_documents import parse_json
from cdx.core.layout import DESCRIPTOR, MANIFEST, PROVENANCE, REPORT_JSON, SIGNATURE
from cdx.core.package_limits import PackageLimits
from cdx.site.schema_org import DCAT, SCHEMA_ORG, minimal_dataset
from cdx.verify.profile import profile_problems

PRIVACY_JSON = "reports/privacy.json"
DOCUMENT_BYTES = PackageLimits().document_bytes
NOT_A_GROUP = frozenset({"safe", "direct-identifier"})  # roles of non-population dimensions


def read_json(path: Path, limit: int = DOCUMENT_BYTES) -> Any:
    """The JSON in `path`; None when it is unreadable, not JSON, or longer than `limit`
    (the package came from a catalogue and was not verified: a 2 GB datapackage.json
    would otherwise be read whole)."""
    try:
        with path.open("rb") as handle:
            text = handle.read(limit + 1)
        return parse_json(text) if len(text) <= limit else None
    except (OSError, ValueError):
        return None


def version_facts(
    package_dir: Path, entry: dict[str, str], published_keys: dict[str, Any]
) -> dict[str, Any]:
    """Everything the version page shows about the package in `package_dir`."""
    descriptor = read_json(package_dir / DESCRIPTOR)
    problems = (
        profile_problems(descriptor)
        if isinstance(descriptor, dict)
        else [f"datapackage.json is not a JSON object of at most {DOCUMENT_BYTES:,} bytes"]
    )
    if problems:  # the page says so and shows what the catalogue entry and manifest say
        descriptor = {}
    manifest = _object(read_json(package_dir / MANIFEST)) or {}
    signature = _object(read_json(package_dir / SIGNATURE)) or {}
    files = [item for item in manifest.get("files", []) if isinstance(item, dict)]
    paths = [str(item.get("path", "")) for item in files]
    present = {p.relative_to(package_dir).as_posix() for p in package_dir.rglob("*") if p.is_file()}
    carried = any(SCHEMA_ORG.match(name) for name in present)
    key_id = str(signature.get("keyId", entry.get("keyId", "")))
    return {
        "entry": entry,
        "descriptor": descriptor,
        "files": files
        + [
            {"path": name, "bytes": (package_dir / name).stat().st_size, "sha256": ""}
            for name in (MANIFEST, SIGNATURE)
            if name in present
        ],
        "validation": _object(read_json(package_dir / REPORT_JSON)),
        "privacy": _object(read_json(package_dir / PRIVACY_JSON)),
        "provenance": provenance_chain(read_json(package_dir / PROVENANCE)),
        "signature": {
            "keyId": key_id,
            "algorithm": signature.get("algorithm", ""),
            "fingerprint": fingerprint(published_keys.get(key_id)),
        },
        "schemaOrg": page_dataset(descriptor, paths),
        "schemaOrgCarried": carried,
        "dcat": next((name for name in sorted(present) if DCAT.match(name)), None),
        "problems": problems[:5],
        "summary": summary(descriptor, entry),
    }


def page_dataset(descriptor: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The schema.org Dataset the version page embeds: the same document the package carries
    (cdx.metadata), its file links pointing at the page's copies under `files/`; a minimal
    one for a package whose descriptor does not pass the profile."""
    if not descriptor.get("id") or not descriptor.get("title"):
        return minimal_dataset(descriptor, paths)
    from cdx.metadata.schema_org import schema_org_dataset

    return schema_org_dataset(descriptor, base_url="files")


def degraded(facts: dict[str, Any], problem: str) -> dict[str, Any]:
    """The facts without the documents the page could not show (their shapes are wrong)."""
    return {
        **facts,
        "descriptor": {},
        "validation": None,
        "privacy": None,
        "provenance": [],
        "problems": [*facts["problems"], problem],
    }


def _object(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def fingerprint(key: object) -> str:
    """SHA-256 of the raw Ed25519 public key the catalogue publishes, in groups of four."""
    if not isinstance(key, dict) or not isinstance(key.get("public_key"), str):
        return ""
    try:
        raw = base64.b64decode(key["public_key"], validate=True)
    except ValueError:
        return ""
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def provenance_chain(document: object) -> list[dict[str, Any]]:
    """The PROV nodes in order: id, type, label, times, and what each used or came from."""
    if not isinstance(document, dict) or not isinstance(document.get("@graph"), list):
        return []
    chain = []
    for node in document["@graph"]:
        if not isinstance(node, dict):
            continue
        chain.append(
            {
                "id": str(node.get("@id", "")),
                "type": ", ".join(str(t).removeprefix("prov:") for t in _listed(node.get("@type"))),
                "label": str(node.get("prov:label", "")),
                "started": _value(node.get("prov:startedAtTime")),
                "ended": _value(node.get("prov:endedAtTime")),
                "links": [
                    (relation.removeprefix("prov:"), _value(target))
                    for relation in (
                        "prov:wasDerivedFrom",
                        "prov:wasGeneratedBy",
                        "prov:used",
                        "prov:wasAssociatedWith",
                        "prov:wasAttributedTo",
                    )
                    for target in _listed(node.get(relation))
                ],
            }
        )
    return chain


def summary(descriptor: dict[str, Any], entry: dict[str, str]) -> dict[str, Any]:
    """What the index and the search know of a version."""
    citizen = descriptor.get("citizenData", {})
    return {
        "coalition": entry["coalition"],
        "coalitionName": citizen.get("coalition", {}).get("name", entry["coalition"]),
        "dataset": entry["dataset"],
        "version": entry["version"],
        "committed": entry["committed"],
        "title": descriptor.get("title") or entry["dataset"],
        "description": (descriptor.get("description") or "").strip()[:300],
        "country": citizen.get("geographicCoverage", {}).get("country")
        or citizen.get("coalition", {}).get("country", ""),
        "sdg": list(citizen.get("sdgIndicators", [])),
        "groups": population_groups(descriptor),
        "population": citizen.get("population", ""),
    }


def population_groups(descriptor: dict[str, Any]) -> list[str]:
    """Values of the disaggregation dimensions that describe people: fields the profile
    lists under `disaggregation` whose role is not `safe` and whose values are an enum."""
    dimensions = set(descriptor.get("citizenData", {}).get("disaggregation", []))
    groups: list[str] = []
    for resource in descriptor.get("resources", []):
        for field in resource.get("schema", {}).get("fields", []):
            if field.get("name") in dimensions and field.get("cdx:role") not in NOT_A_GROUP:
                for value in field.get("constraints", {}).get("enum", []):
                    if str(value) not in groups:
                        groups.append(str(value))
    return groups


def _listed(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _value(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("@value", value.get("@id", "")))
    return "" if value is None else str(value)

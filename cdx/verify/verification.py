"""Verify a sealed package with nothing but its directory and a trust store.

Every problem has its own code, so a statistics office can tell a tampered file from a
missing one, an untrusted key from a bad signature.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdx.core.errors import UnsafePath
from cdx.core.hashing import sha256_file
from cdx.core.i18n import tr
from cdx.core.json_documents import parse_json
from cdx.core.keys import PublicKey, TrustStore
from cdx.core.layout import DESCRIPTOR, MANIFEST, SIGNATURE
from cdx.core.names import package_id
from cdx.core.package_limits import PackageLimits
from cdx.core.package_paths import safe_member_path
from cdx.seal.manifest import package_files
from cdx.seal.signature import signature_matches
from cdx.verify.profile import profile_problems, profile_warnings

PACKAGE_KEYS = ("coalition", "dataset", "version")


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    path: str | None = None


@dataclass
class Verification:
    """The outcome: `ok` means intact and signed by a key the verifier trusts."""

    directory: Path
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # never make `ok` false
    key_id: str | None = None
    trusted: bool = False  # signature checked against the verifier's own trust store
    package: dict[str, str] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted

    @property
    def ref(self) -> str | None:
        """`coalition/dataset@version` as the manifest names it (None if it does not)."""
        names = [self.package.get(key) for key in PACKAGE_KEYS]
        if not all(names):
            return None
        coalition, dataset, version = names
        return f"{coalition}/{dataset}@{version}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "ok": self.ok,
            "intact": self.intact,
            "trusted": self.trusted,
            "keyId": self.key_id,
            "package": self.package,
            "ref": self.ref,
            "problems": [problem.__dict__ for problem in self.problems],
            "warnings": [warning.__dict__ for warning in self.warnings],
        }


def verify_package(
    directory: Path,
    trust: TrustStore | None,
    *,
    convenience_keys: TrustStore | None = None,
    limits: PackageLimits | None = None,
) -> Verification:
    """Check the signature, every file against the manifest, and the descriptor profile.

    `convenience_keys` are keys found in a catalogue: a signature that only they confirm
    leaves `trusted` False, so the caller must say so.
    """
    limits = limits or PackageLimits()
    result, manifest = _verify_frame(directory, trust, convenience_keys, limits)
    if manifest is None:
        return result
    listed = _check_files(directory, manifest, result)
    if (directory / DESCRIPTOR).is_file() and not any(
        p.path == DESCRIPTOR for p in result.problems
    ):
        _check_descriptor(directory, result, listed, limits.document_bytes)
    return result


def verify_signed_manifest(
    directory: Path,
    trust: TrustStore | None,
    *,
    convenience_keys: TrustStore | None = None,
    limits: PackageLimits | None = None,
) -> Verification:
    """Only manifest.json and manifest.sig: its size, entries and paths, and the signature.

    What pull checks before it fetches a single data file."""
    result, manifest = _verify_frame(directory, trust, convenience_keys, limits)
    if manifest is not None:
        _listed_files(manifest, result)
    return result


def _verify_frame(
    directory: Path,
    trust: TrustStore | None,
    convenience: TrustStore | None,
    limits: PackageLimits | None,
) -> tuple[Verification, dict[str, Any] | None]:
    """The manifest (None when unusable) and what its frame says: package, count, signature."""
    limits = limits or PackageLimits()
    result = Verification(directory)
    manifest = _read_json(directory / MANIFEST, result, "manifest", limits.manifest_bytes)
    sig = _read_json(directory / SIGNATURE, result, "signature", limits.signature_bytes)
    if manifest is None or sig is None:
        return result, None
    _read_package(manifest, result)
    files = manifest.get("files")
    if isinstance(files, list) and len(files) > limits.manifest_files:
        result.problems.append(
            Problem(
                "manifest-too-many-files",
                f"manifest.json lists {len(files):,} files, more than the "
                f"{limits.manifest_files:,} cdx accepts (CDX_MAX_MANIFEST_FILES)",
                MANIFEST,
            )
        )
        return result, None
    _check_signature(manifest, sig, trust, convenience, result)
    return result, manifest


def _read_package(manifest: dict[str, Any], result: Verification) -> None:
    package = manifest.get("package")
    if isinstance(package, dict):
        result.package = {key: value for key, value in package.items() if isinstance(value, str)}
    if not isinstance(package, dict) or any(key not in result.package for key in PACKAGE_KEYS):
        result.problems.append(
            Problem(
                "manifest-malformed",
                "manifest.json does not name the package's coalition, dataset and version as text",
                MANIFEST,
            )
        )


def _read_json(path: Path, result: Verification, what: str, limit: int) -> dict[str, Any] | None:
    """The JSON object in `path`, read only if it is a regular file of at most `limit` bytes."""
    try:
        found = path.lstat()
    except FileNotFoundError:
        found = None
    if found is None or stat.S_ISDIR(found.st_mode):
        result.problems.append(
            Problem(
                f"{what}-missing",
                tr("{file} is missing: the package is not sealed", file=path.name),
                path.name,
            )
        )
        return None
    if not stat.S_ISREG(found.st_mode):
        result.problems.append(
            Problem(
                "file-not-regular",
                f"{path.name} is a symbolic link, a device or a pipe, not a file",
                path.name,
            )
        )
        return None
    if found.st_size > limit:
        result.problems.append(
            Problem(
                f"{what}-too-large" if what == "manifest" else f"{what}-malformed",
                f"{path.name} is {found.st_size:,} bytes, more than the {limit:,} cdx reads "
                + ("(CDX_MAX_MANIFEST_BYTES)" if what == "manifest" else ""),
                path.name,
            )
        )
        return None
    try:
        with path.open("rb") as handle:  # a file grown since the look is read only to `limit`
            data = parse_json(handle.read(limit + 1))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        result.problems.append(
            Problem(
                f"{what}-malformed", f"{path.name} is not the JSON object it should be", path.name
            )
        )
        return None
    return data


def _check_signature(
    manifest: dict[str, Any],
    sig: dict[str, Any],
    trust: TrustStore | None,
    convenience: TrustStore | None,
    result: Verification,
) -> None:
    key_id = sig.get("keyId")
    result.key_id = key_id if isinstance(key_id, str) else None
    if not isinstance(key_id, str) or not isinstance(sig.get("signature"), str):
        result.problems.append(
            Problem(
                "signature-malformed",
                "manifest.sig does not give its keyId and signature as text",
                SIGNATURE,
            )
        )
        return
    key: PublicKey | None = trust.keys.get(key_id) if trust and isinstance(key_id, str) else None
    trusted = key is not None
    if key is None and convenience is not None and isinstance(key_id, str):
        key = convenience.keys.get(key_id)
    if key is None:
        result.problems.append(
            Problem(
                "key-untrusted",
                tr(
                    "the package is signed with key {key!r}, which is not in your trust store; "
                    "ask the coalition for its public key file and check it with them directly",
                    key=key_id,
                ),
                SIGNATURE,
            )
        )
        return
    if not signature_matches(manifest, sig, key):
        result.problems.append(
            Problem(
                "signature-invalid",
                tr(
                    "the signature does not match manifest.json: the manifest or the signature "
                    "was changed after sealing"
                ),
                SIGNATURE,
            )
        )
        return
    if key.coalition != result.package.get("coalition"):
        result.problems.append(
            Problem(
                "key-coalition-mismatch",
                tr(
                    "key {key!r} belongs to coalition {coalition!r}, but the package says "
                    "it comes from {claimed!r}",
                    key=key_id,
                    coalition=key.coalition,
                    claimed=result.package.get("coalition"),
                ),
                SIGNATURE,
            )
        )
        return
    result.trusted = trusted


def _listed_files(manifest: dict[str, Any], result: Verification) -> dict[str, dict[str, Any]]:
    """The manifest's entries by path, each path checked once: a duplicate or unsafe path
    is a problem (the last of two entries no longer wins)."""
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(entry, dict) for entry in files):
        result.problems.append(
            Problem(
                "manifest-malformed", "manifest.json `files` is not a list of entries", MANIFEST
            )
        )
        return {}
    listed: dict[str, dict[str, Any]] = {}
    for entry in files:
        try:
            path = str(safe_member_path(entry.get("path")))
        except UnsafePath as exc:
            result.problems.append(
                Problem("path-unsafe", f"manifest.json: {exc.message}", MANIFEST)
            )
            continue
        if path in listed:
            result.problems.append(
                Problem("path-duplicate", f"{path} is listed more than once in the manifest", path)
            )
            continue
        if not _is_size(entry.get("bytes")) or not isinstance(entry.get("sha256"), str):
            result.problems.append(
                Problem("manifest-malformed", f"{path}: `bytes` or `sha256` is malformed", MANIFEST)
            )
        listed[path] = entry
    return listed


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_files(
    directory: Path, manifest: dict[str, Any], result: Verification
) -> dict[str, dict[str, Any]]:
    listed = _listed_files(manifest, result)
    present = set(package_files(directory))
    for path in sorted(present - listed.keys()):
        result.problems.append(
            Problem("file-unexpected", tr("{file} is not listed in the manifest", file=path), path)
        )
    for path, entry in sorted(listed.items()):
        target = directory / path
        if path not in present:
            missing = tr("{file} is listed but missing", file=path)
            result.problems.append(Problem("file-missing", missing, path))
        elif target.is_symlink():
            result.problems.append(Problem("file-unexpected", f"{path} is a symbolic link", path))
        elif not stat.S_ISREG(target.lstat().st_mode):
            result.problems.append(
                Problem("file-not-regular", f"{path} is a device or a pipe, not a file", path)
            )
        elif not _is_size(entry.get("bytes")) or not isinstance(entry.get("sha256"), str):
            continue  # said once, by _listed_files
        elif target.stat().st_size != entry.get("bytes") or sha256_file(target) != entry.get(
            "sha256"
        ):
            result.problems.append(
                Problem("file-modified", tr("{file} differs from what was sealed", file=path), path)
            )
    return listed


def _check_descriptor(
    directory: Path, result: Verification, listed: dict[str, Any], limit: int
) -> None:
    size = (directory / DESCRIPTOR).stat().st_size  # a regular file: _check_files said so
    if size > limit:  # hashed as it streamed, but parsed whole: not past the limit
        result.problems.append(
            Problem(
                "descriptor-too-large",
                f"datapackage.json is {size:,} bytes, more than the {limit:,} cdx reads",
                DESCRIPTOR,
            )
        )
        return
    try:
        descriptor = parse_json((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    except ValueError:
        descriptor = None
    if not isinstance(descriptor, dict):
        result.problems.append(
            Problem("descriptor-malformed", "datapackage.json is not a JSON object", DESCRIPTOR)
        )
        return
    _check_resource_paths(descriptor, result, listed)
    for message in profile_problems(descriptor):
        result.problems.append(Problem("profile-invalid", message, DESCRIPTOR))
    for message in profile_warnings(descriptor):
        result.warnings.append(Problem("profile-incomplete", message, DESCRIPTOR))
    package = result.package
    expected_id = package_id(
        str(package.get("coalition")), str(package.get("dataset")), str(package.get("version"))
    )
    if descriptor.get("id") != expected_id:
        result.problems.append(
            Problem(
                "package-mismatch",
                f"datapackage.json says it is {descriptor.get('id')!r}, the manifest says "
                f"{expected_id!r}",
                DESCRIPTOR,
            )
        )


def _check_resource_paths(
    descriptor: dict[str, Any], result: Verification, listed: dict[str, Any]
) -> None:
    """Every path a resource names is a safe member path that the manifest covers."""
    resources = descriptor.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        paths = resource.get("path") if isinstance(resource, dict) else None
        for text in paths if isinstance(paths, list) else [paths]:
            try:
                path = str(safe_member_path(text))
            except UnsafePath as exc:
                result.problems.append(
                    Problem("path-unsafe", f"datapackage.json: {exc.message}", DESCRIPTOR)
                )
                continue
            if path not in listed:
                result.problems.append(
                    Problem(
                        "resource-unlisted",
                        f"datapackage.json names the resource file {path}, which the "
                        "manifest does not list (so its content is not signed)",
                        DESCRIPTOR,
                    )
                )

"""Direct identifiers: dropped, or replaced by keyed hashes (HMAC-SHA256) before sealing.

The key is the coalition's secret, like its signing key: a file readable by its owner
only (`pseudonymisation.key` in coalition.yaml), or the CDX_PSEUDONYM_KEY secret. It is
never written into a package, so a statistics office cannot reverse a pseudonym by
hashing guessed identifiers. The same identifier gets the same pseudonym in every
dataset and version while the key is kept, so records still link over time; rotating
the key unlinks them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdx.core.errors import KeyInvalid, KeyPermissions
from cdx.validations.table.table_schema import key_names

PSEUDONYM_HEX = 32  # 128 bits: collisions are out of reach for any survey
KEY_BYTES = 32


class PseudonymSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CDX_", extra="ignore")

    pseudonym_key: SecretStr | None = None
    """The key itself (hex or text) when it comes from a secret store, not a file."""


def load_pseudonym_key(path: Path, settings: PseudonymSettings | None = None) -> bytes:
    """The coalition's HMAC key: from CDX_PSEUDONYM_KEY, else the file (created if absent)."""
    secret = (settings or PseudonymSettings()).pseudonym_key
    if secret is not None:
        value = secret.get_secret_value()
        if len(value) < 16:
            raise KeyInvalid(
                "CDX_PSEUDONYM_KEY is shorter than 16 characters",
                hint="use a long random secret, e.g. `openssl rand -hex 32`",
            )
        return value.encode("utf-8")
    if not path.exists():
        # A new coalition has no key yet; a random one is as good as any and is kept,
        # so pseudonyms stay stable from this publication on.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyPermissions(
            f"the pseudonymisation key {path} can be read by other users (mode {mode:o})",
            hint=f"run `chmod 600 {path}`",
        )
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise KeyInvalid(
            f"the pseudonymisation key {path} is shorter than 16 characters",
            hint="delete it to have a new random key created, or write a longer secret",
        )
    return key


def keyed_hash(key: bytes, value: str) -> str:
    """The pseudonym of one identifier; blank stays blank (nothing to hide)."""
    if value == "":
        return ""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX]


def pseudonymise(values: list[str], key: bytes) -> list[str]:
    """`keyed_hash` over a column; copying a keyed HMAC beats re-keying it per value."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    pseudonyms = []
    for value in values:
        if value == "":
            pseudonyms.append("")
            continue
        one = keyed.copy()
        one.update(value.encode("utf-8"))
        pseudonyms.append(one.hexdigest()[:PSEUDONYM_HEX])
    return pseudonyms


def dropped_field_schema(schema: dict[str, Any], column: str) -> None:
    """Remove a column from the schema, its primary key and foreign keys."""
    schema["fields"] = [f for f in schema["fields"] if f["name"] != column]
    if column in key_names(schema.get("primaryKey")):
        schema.pop("primaryKey")
    schema["foreignKeys"] = [
        fk for fk in schema.get("foreignKeys", []) if column not in key_names(fk["fields"])
    ]
    if not schema["foreignKeys"]:
        schema.pop("foreignKeys")


def hashed_field_schema(field: dict[str, Any]) -> None:
    """A pseudonymised column keeps `required` and `unique`; its format rules no longer hold."""
    kept = {k: v for k, v in field.get("constraints", {}).items() if k in ("required", "unique")}
    field["type"] = "string"
    field.pop("format", None)
    field["constraints"] = {**kept, "pattern": f"[0-9a-f]{{{PSEUDONYM_HEX}}}"}
    field["cdx:pseudonymised"] = "hmac-sha256"
    field["description"] = (
        "Keyed hash (HMAC-SHA256) of the original identifier; the key stays with the coalition"
    )

"""Ed25519 signing keys and the trust store a statistics office keeps.

The private key stays with the coalition (a file readable by its owner only). A key id
is `<coalition>:<first 16 hex of sha256(raw public key)>`, so a verifier can see at a
glance whose key signed a package. The trust store maps key ids to public keys and the
coalition each key may sign for.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cdx.core.errors import KeyInvalid, KeyMissing, KeyPermissions, TrustStoreInvalid
from cdx.core.hashing import sha256_bytes
from cdx.core.i18n import tr
from cdx.core.json_documents import parse_json


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    coalition: str
    key: Ed25519PublicKey

    def raw_b64(self) -> str:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    coalition: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        public = self.private.public_key()
        return PublicKey(key_id_for(self.coalition, public), self.coalition, public)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def key_id_for(coalition: str, public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{coalition}:{sha256_bytes(raw)[:16]}"


def generate_key(coalition: str, path: Path) -> SigningKey:
    """Create a new key pair; the private key file is written with mode 0600."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    key = SigningKey(coalition, private)
    write_public_key(key.public, path.with_suffix(".pub.json"))
    return key


def load_signing_key(coalition: str, path: Path) -> SigningKey:
    """Load the coalition's private key, refusing one that others can read."""
    check_signing_key_file(path)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise KeyInvalid(
            f"{path} is not a readable private key",
            hint="use the key file `cdx init` created (PEM, Ed25519)",
        ) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyInvalid(f"{path} is not an Ed25519 key", hint="create one with `cdx init`")
    return SigningKey(coalition, private)


def check_signing_key_file(path: Path) -> None:
    """What publishing asks of the key file before reading it: that it is there and that
    only its owner can read it (`cdx validate` asks the same without reading the secret)."""
    if not path.is_file():
        raise KeyMissing(
            f"the signing key {path} does not exist",
            hint="run `cdx init` to create a key pair, or point `signing.key` in "
            "coalition.yaml at your key file",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyPermissions(
            f"the signing key {path} can be read by other users (mode {mode:o})",
            hint=f"run `chmod 600 {path}` so that only you can read it",
        )


def write_public_key(public: PublicKey, path: Path) -> None:
    """Write a one-key trust-store entry that a coalition can hand to a statistics office."""
    path.write_text(json.dumps(trust_entry(public), indent=2) + "\n", encoding="utf-8")


def trust_entry(public: PublicKey) -> dict[str, dict[str, str]]:
    return {
        public.key_id: {
            "coalition": public.coalition,
            "algorithm": "Ed25519",
            "public_key": public.raw_b64(),
        }
    }


def public_key_from_entry(key_id: str, entry: object, *, source: str) -> PublicKey:
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("public_key"), str)
        or not isinstance(entry.get("coalition"), str)
    ):
        raise TrustStoreInvalid(
            tr("entry {key!r} needs `coalition` and `public_key`, each as text", key=key_id),
            where=source,
            hint=tr("take the entry exactly as the coalition's `.pub.json` file gives it"),
        )
    try:
        raw = base64.b64decode(entry["public_key"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise TrustStoreInvalid(
            tr("entry {key!r} has a public key that is not base64 Ed25519", key=key_id),
            where=source,
        ) from exc
    if key_id_for(entry["coalition"], public) != key_id:
        raise TrustStoreInvalid(
            tr("entry {key!r} does not match its public key", key=key_id),
            where=source,
            hint=tr("take the entry exactly as the coalition's `.pub.json` file gives it"),
        )
    return PublicKey(key_id, entry["coalition"], public)


class TrustStore:
    """Public keys a verifier trusts, by key id, each bound to one coalition."""

    def __init__(self, keys: dict[str, PublicKey], source: str):
        self.keys = keys
        self.source = source

    @classmethod
    def load(cls, path: Path) -> TrustStore:
        """Read a JSON trust store file, or a directory of `*.pub.json` files."""
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not path.exists():
            raise TrustStoreInvalid(
                tr("no trust store at {path}", path=path),
                hint=tr("ask the coalition for its `.pub.json` key file and pass it with --trust"),
            )
        keys: dict[str, PublicKey] = {}
        for file in files:
            try:
                data = parse_json(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise TrustStoreInvalid(tr("{file} is not a JSON trust store", file=file)) from exc
            if not isinstance(data, dict):
                raise TrustStoreInvalid(tr("a trust store maps key ids to keys"), where=str(file))
            for key_id, entry in data.items():
                keys[key_id] = public_key_from_entry(key_id, entry, source=str(file))
        return cls(keys, str(path))

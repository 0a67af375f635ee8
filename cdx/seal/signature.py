"""manifest.sig: an Ed25519 signature over the canonical manifest, with the key id."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from cdx.core.keys import PublicKey, SigningKey
from cdx.seal.manifest import canonical

ALGORITHM = "Ed25519"
CANONICALIZATION = "RFC8785"


def sign_manifest(manifest: dict[str, Any], key: SigningKey) -> dict[str, str]:
    signature = key.sign(canonical(manifest))
    return {
        "algorithm": ALGORITHM,
        "canonicalization": CANONICALIZATION,
        "keyId": key.public.key_id,
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def signature_bytes(sig: dict[str, str]) -> bytes:
    return (json.dumps(sig, indent=2) + "\n").encode("utf-8")


def write_signature(path: Path, sig: dict[str, str]) -> None:
    path.write_bytes(signature_bytes(sig))


def signature_matches(manifest: dict[str, Any], sig: dict[str, str], public: PublicKey) -> bool:
    """True when `sig` is `public`'s signature over exactly this manifest."""
    try:
        raw = base64.b64decode(sig["signature"], validate=True)
        public.key.verify(raw, canonical(manifest))
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from cdx.core.errors import KeyMissing, KeyPermissions, TrustStoreInvalid
from cdx.core.keys import TrustStore, generate_key, load_signing_key


def test_a_new_private_key_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    key = generate_key("kenya-lnob", tmp_path / "keys" / "k.key")
    assert stat.S_IMODE((tmp_path / "keys" / "k.key").stat().st_mode) == 0o600
    assert key.public.key_id.startswith("kenya-lnob:")
    loaded = load_signing_key("kenya-lnob", tmp_path / "keys" / "k.key")
    assert loaded.public.key_id == key.public.key_id


def test_a_missing_key_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(KeyMissing) as caught:
        load_signing_key("kenya-lnob", tmp_path / "none.key")
    assert "cdx init" in (caught.value.hint or "")


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    generate_key("kenya-lnob", path)
    path.chmod(0o644)
    with pytest.raises(KeyPermissions) as caught:
        load_signing_key("kenya-lnob", path)
    assert "chmod 600" in (caught.value.hint or "")


def test_the_public_key_file_is_a_trust_store(tmp_path: Path) -> None:
    key = generate_key("kenya-lnob", tmp_path / "k.key")
    store = TrustStore.load(tmp_path / "k.pub.json")
    assert list(store.keys) == [key.public.key_id]
    assert store.keys[key.public.key_id].coalition == "kenya-lnob"


def test_a_trust_entry_whose_id_does_not_match_its_key_is_refused(tmp_path: Path) -> None:
    generate_key("kenya-lnob", tmp_path / "k.key")
    entry = json.loads((tmp_path / "k.pub.json").read_text())
    (key_id,) = entry
    entry[key_id]["coalition"] = "nepal-cso"  # claim the key for another coalition
    (tmp_path / "forged.json").write_text(json.dumps(entry))
    with pytest.raises(TrustStoreInvalid):
        TrustStore.load(tmp_path / "forged.json")

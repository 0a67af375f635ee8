"""A run of one dataset: looked up once, failing before any work, pickled without its key."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from cdx.core.coalition import Coalition
from cdx.core.errors import ConfigError, KeyMissing, KeyPermissions
from cdx.core.settings import Settings
from cdx.flows.run_context import start_run
from cdx.seal.provenance import RunRecord


def settings_for(coalition_dir: Path) -> Settings:
    return Settings(work_dir=coalition_dir / ".cdx")


def test_a_run_names_its_dataset_version_and_catalogues(
    coalition: Coalition, coalition_dir: Path
) -> None:
    run = start_run(coalition, "health-scorecard", RunRecord(), settings_for(coalition_dir))
    assert run.spec is coalition.dataset("health-scorecard")
    assert run.label == "kenya-lnob/health-scorecard"
    assert run.version == run.spec.version
    assert run.catalogues == dict(coalition.config.catalogues)
    assert run.paths.root == coalition_dir / ".cdx" / "runs" / run.record.run_id
    assert run.paths.root.is_dir()


def test_a_key_readable_by_others_fails_the_run_before_any_work(
    coalition: Coalition, coalition_dir: Path
) -> None:
    (coalition_dir / "keys" / "kenya-lnob.key").chmod(0o644)
    with pytest.raises(KeyPermissions):
        start_run(coalition, "health-scorecard", RunRecord(), settings_for(coalition_dir))
    assert not (coalition_dir / ".cdx" / "runs").exists()


def test_an_undefined_catalogue_fails_the_run_before_the_key_is_read(
    coalition: Coalition, coalition_dir: Path
) -> None:
    (coalition_dir / "keys" / "kenya-lnob.key").unlink()
    spec = coalition.dataset("health-scorecard")
    coalition.config.datasets["health-scorecard"] = spec.model_copy(
        update={"catalogues": ["nowhere"]}
    )
    with pytest.raises(ConfigError, match="nowhere"):
        start_run(coalition, "health-scorecard", RunRecord(), settings_for(coalition_dir))
    assert not (coalition_dir / ".cdx" / "runs").exists()


def test_a_run_that_only_validates_needs_no_key_until_it_seals(
    coalition: Coalition, coalition_dir: Path
) -> None:
    (coalition_dir / "keys" / "kenya-lnob.key").unlink()
    run = start_run(
        coalition, "health-scorecard", RunRecord(), settings_for(coalition_dir), publishing=False
    )
    assert run.catalogues == {}
    with pytest.raises(KeyMissing):
        run.signing_key  # noqa: B018


def test_the_key_is_read_once_and_never_pickled_with_the_run(
    coalition: Coalition, coalition_dir: Path
) -> None:
    run = start_run(coalition, "health-scorecard", RunRecord(), settings_for(coalition_dir))
    assert run.signing_key is run.signing_key
    raw = run.signing_key.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pickled = pickle.dumps(run)
    assert raw not in pickled and raw.hex().encode() not in pickled
    assert "PRIVATE" not in repr(run)
    again = pickle.loads(pickled)
    assert again.signing_key.public.key_id == run.signing_key.public.key_id

"""Shared fixtures: a copy of the example coalition with its own key, and sealed packages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "kenya-lnob"

# Real services only; fixtures for them live in tests/services and fail, never skip.
pytest_plugins = [
    "tests.services.ckan",
    "tests.services.seaweedfs",
    "tests.services.prefect_server",
    "tests.services.postgres",
]

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# pyld (a test dependency) installs lxml, and openpyxl switches to it when present; cdx as
# installed has no lxml, so the tests read and write workbooks without it too.
os.environ.setdefault("OPENPYXL_LXML", "False")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture
def coalition_dir(tmp_path: Path) -> Path:
    """The Kenyan example coalition in a temporary directory, with a fresh signing key."""
    from cdx.cli.scaffold import init_coalition

    target = tmp_path / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    return target


@pytest.fixture
def coalition(coalition_dir: Path):  # type: ignore[no-untyped-def]
    from cdx.core.coalition import load_coalition

    return load_coalition(coalition_dir / "coalition.yaml")


def on_one_schedule(config: Path) -> None:
    """Put the example's youth survey on the health scorecard's quarterly schedule."""
    text = config.read_text()
    assert text.count('cron: "0 6 1 7 *"') == 1
    config.write_text(text.replace('cron: "0 6 1 7 *"', 'cron: "0 6 5 1,4,7,10 *"'))


def seal_example(coalition_dir: Path, dataset: str = "health-scorecard") -> Path:
    """stage → build → validate → protect → seal without Prefect; the package directory."""
    from cdx.core.coalition import load_coalition
    from cdx.core.settings import Settings
    from cdx.flows import pipeline
    from cdx.flows.run_context import start_run
    from cdx.seal.provenance import RunRecord

    coalition = load_coalition(coalition_dir / "coalition.yaml")
    settings = Settings(work_dir=coalition_dir / ".cdx")
    run = start_run(coalition, dataset, RunRecord(), settings, publishing=False)
    sources, staged = pipeline.stage_sources(run)
    pipeline.build(run, staged)
    report = pipeline.validate(run)
    assert report.valid, [f.sentence() for f in report.errors]
    privacy = pipeline.protect(run, report)
    assert privacy.accepted, [f.sentence() for f in report.errors]
    pipeline.seal(run, sources, report, privacy)
    return run.paths.package


@pytest.fixture(scope="session")
def sealed_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One sealed example package per test session, and the coalition it came from."""
    from cdx.cli.scaffold import init_coalition

    root = tmp_path_factory.mktemp("sealed")
    target = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    return target, seal_example(target)


@pytest.fixture
def sealed(sealed_template: tuple[Path, Path], tmp_path: Path) -> Path:
    """A private copy of the sealed example package."""
    target = tmp_path / "package"
    shutil.copytree(sealed_template[1], target)
    return target


@pytest.fixture
def trust_file(sealed_template: tuple[Path, Path]) -> Path:
    return sealed_template[0] / "keys" / "kenya-lnob.pub.json"


def reseal_as(package: Path, coalition: str, dataset: str, version: str, keys: Path) -> Path:
    """Turn a sealed package into one for another coalition/dataset/version, signed by that
    coalition's own (test) key; returns the key's trust-store file."""
    import json

    from cdx.core.keys import generate_key, load_signing_key
    from cdx.core.names import package_id
    from cdx.seal.manifest import build_manifest, write_manifest
    from cdx.seal.signature import sign_manifest, write_signature

    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["id"] = package_id(coalition, dataset, version)
    descriptor["name"] = f"{coalition}-{dataset}"
    descriptor["version"] = version
    descriptor["citizenData"]["coalition"]["id"] = coalition
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    if (package / "metadata").is_dir():  # the metadata documents follow the descriptor
        from cdx.metadata.documents import write_metadata

        write_metadata(package, descriptor)
    key_path = keys / f"{coalition}.key"
    key = (
        load_signing_key(coalition, key_path)
        if key_path.exists()
        else generate_key(coalition, key_path)
    )
    manifest = build_manifest(package, coalition=coalition, dataset=dataset, version=version)
    write_manifest(package, manifest)
    write_signature(package / "manifest.sig", sign_manifest(manifest, key))
    return key_path.with_suffix(".pub.json")

"""A catalogue of several coalitions, datasets and versions; the browser the site is
driven with (installed here when missing: Debian's chromium and fonts, axe-core)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, reseal_as, seal_example

CHROMIUM = Path("/usr/bin/chromium")
AXE_CACHE = REPO / ".cache" / "npm-axe"
AXE = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
NOW = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
# (coalition, dataset, version, committed, country, sdg indicators, title)
PUBLISHED = [
    (
        "kenya-lnob",
        "health-scorecard",
        "1.0.0",
        "2026-01-10T08:00:00+00:00",
        "KE",
        ["3.8.1", "16.7.2"],
        "Health score card, Q4 2025",
    ),
    (
        "kenya-lnob",
        "health-scorecard",
        "1.1.0",
        "2026-05-20T08:00:00+00:00",
        "KE",
        ["3.8.1", "16.7.2"],
        "Health score card, Q1 2026",
    ),
    ("kenya-lnob", "youth-survey", "1.0.0", "2026-06-01T08:00:00+00:00", "KE", ["8.6.1"], None),
    (
        "nepal-dalit-forum",
        "clinic-scores",
        "1.0.0",
        "2026-03-01T08:00:00+00:00",
        "NP",
        ["3.8.1"],
        "Clinic score card, Karnali",
    ),
    (
        "nepal-dalit-forum",
        "clinic-scores",
        "2.0.0",
        "2026-04-20T08:00:00+00:00",
        "NP",
        ["3.8.1"],
        "Clinic score card, Karnali and Lumbini",
    ),
    (
        "bangladesh-char",
        "water-points",
        "1.0.0",
        "2025-11-15T08:00:00+00:00",
        "BD",
        ["6.1.1"],
        "Water points of char villages",
    ),
]
# Freshness against NOW, by the latest version's age and the HDX thresholds (due,
# overdue, delinquent days): health-scorecard 41 days, monthly (30, 44, 60) → due;
# youth-survey 29 days, monthly → fresh; clinic-scores 71 days, fortnightly (14, 21, 28) →
# delinquent; water-points 227 days, semiannually (180, 210, 240) → overdue.
FREQUENCIES = {
    ("kenya-lnob", "health-scorecard"): "monthly",
    ("kenya-lnob", "youth-survey"): "monthly",
    ("nepal-dalit-forum", "clinic-scores"): "fortnightly",
    ("bangladesh-char", "water-points"): "semiannually",
}
EXPECTED_FRESHNESS = {
    "kenya-lnob/health-scorecard": "due",
    "kenya-lnob/youth-survey": "fresh",
    "nepal-dalit-forum/clinic-scores": "delinquent",
    "bangladesh-char/water-points": "overdue",
}


def make_package(source: Path, work: Path, keys: Path, row: tuple[Any, ...]) -> Path:
    coalition, dataset, version, _, country, sdg, title = row
    package = work / f"{coalition}-{dataset}-{version}"
    shutil.copytree(source, package)
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    citizen = descriptor["citizenData"]
    citizen["geographicCoverage"]["country"] = country
    citizen["coalition"]["country"] = country
    citizen["coalition"]["name"] = coalition.replace("-", " ").title()
    citizen["sdgIndicators"] = sdg
    citizen["updateFrequency"] = FREQUENCIES[(coalition, dataset)]  # as coalition.yaml says
    if title:
        descriptor["title"] = title
    descriptor_path.write_text(json.dumps(descriptor, indent=2))
    reseal_as(package, coalition, dataset, version, keys)
    return package


def publish_all(location: Path, packages: list[tuple[Path, tuple[Any, ...]]]) -> None:
    """Publish each package, then date each commit as PUBLISHED says (the freshness clock)."""
    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.registry import open_catalogue

    catalogue = open_catalogue(str(location))
    for package, row in packages:
        catalogue.publish(package, PackageRef(row[0], row[1], row[2]))
        catalogue.publish_key(
            row[0], json.loads((package.parent / "keys" / f"{row[0]}.pub.json").read_text())
        )
    redate(location)


def redate(location: Path) -> None:
    index_path = location / "catalog.json"
    index = json.loads(index_path.read_text())
    committed = {(r[0], r[1], r[2]): r[3] for r in PUBLISHED}
    for entry in index["packages"]:
        key = (entry["coalition"], entry["dataset"], entry["version"])
        entry["committed"] = committed.get(key, entry["committed"])
    index_path.write_text(json.dumps(index, indent=2))


@pytest.fixture(scope="session")
def site_packages(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, tuple[Any, ...]]]:
    """Sealed, signed packages for every row of PUBLISHED (each coalition its own key)."""
    from cdx.cli.scaffold import init_coalition
    from tests.conftest import EXAMPLE

    root = tmp_path_factory.mktemp("site-packages")
    coalition_dir = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, coalition_dir, ignore=shutil.ignore_patterns("keys"))
    init_coalition(coalition_dir)
    scorecard = seal_example(coalition_dir, "health-scorecard")
    survey = seal_example(coalition_dir, "youth-survey")
    keys = root / "keys"
    keys.mkdir()
    built = []
    for row in PUBLISHED:
        source = survey if row[1] == "youth-survey" else scorecard
        built.append((make_package(source, root, keys, row), row))
    return built


@pytest.fixture
def site_catalogue(site_packages: list[tuple[Path, tuple[Any, ...]]], tmp_path: Path) -> Path:
    """A local catalogue holding every package of PUBLISHED, with their public keys."""
    location = tmp_path / "catalogue"
    publish_all(location, site_packages)
    return location


def _install_browser() -> None:
    """Debian's chromium and Noto fonts (Bengali, Devanagari, Arabic), when root and missing."""
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0:
        pytest.fail(
            "the browser tests need Debian's chromium: run as root, or "
            "`apt-get install -y chromium fonts-noto-core` first",
            pytrace=False,
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "chromium", "fonts-noto-core"],
        check=True,
        env=env,
        capture_output=True,
    )


def _install_axe() -> Path:
    """axe-core from the npm registry into .cache/npm-axe (once)."""
    if not AXE.exists():
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(AXE_CACHE), "axe-core@4"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return _install_axe()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium through Playwright (a missing browser fails, never skips)."""
    from playwright.sync_api import sync_playwright

    _install_browser()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        yield launched
        launched.close()

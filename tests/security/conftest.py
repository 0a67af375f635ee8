"""What the hostile-catalogue tests share: the office's folder with a file of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdx.connectors.local.catalogue import LocalCatalogue
from tests.security.hostile_packages import REF, SENTINEL


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """The statistics office's working folder: a pull's target goes in here, beside a
    file of the office's own that no pull may touch."""
    folder = tmp_path / "office" / "pulls"
    folder.mkdir(parents=True)
    (tmp_path / "office" / "PWNED.txt").write_bytes(SENTINEL)
    return folder


@pytest.fixture
def catalogue(sealed: Path, tmp_path: Path) -> LocalCatalogue:
    """A local catalogue holding the sealed example as REF."""
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    return catalogue

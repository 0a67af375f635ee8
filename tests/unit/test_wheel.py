"""The wheel puts one name into site-packages, and the shared schemas and suites travel in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _uv() -> str:
    found = shutil.which("uv") or str(REPO / ".cache" / "bootstrap" / "bin" / "uv")
    assert Path(found).exists(), "uv is installed by `make install`"
    return found


def test_the_wheel_installs_only_cdx_and_its_builtin_references_resolve(tmp_path: Path) -> None:
    subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(tmp_path / "dist"), "-q", str(REPO)],
        check=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    distribution, version = wheel.name.split("-")[:2]
    assert {name.split("/")[0] for name in names} == {"cdx", f"{distribution}-{version}.dist-info"}
    # the compiled catalogues travel in the wheel (gettext reads only the .mo files)
    assert {"cdx/locales/fr/LC_MESSAGES/cdx.mo", "cdx/locales/ar/LC_MESSAGES/cdx.mo"} <= set(names)
    # the unpacked wheel, not the checkout, answers `import cdx`
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import cdx; "
        "from pathlib import Path; from cdx.core.references import resolve_reference; "
        "assert Path(cdx.__file__).is_relative_to(sys.argv[1]), cdx.__file__; "
        "print(resolve_reference('builtin:household-survey', Path('.'), kind='schema')); "
        "print(resolve_reference('builtin:household-survey', Path('.'), kind='suite'))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "site")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert [Path(p).exists() for p in found] == [True, True]
    assert all(Path(p).is_relative_to(tmp_path / "site" / "cdx") for p in found)

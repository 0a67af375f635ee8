"""An export format another distribution declares (docs/extending.md, "Add an export
format"): `cdx export --format` takes it, and `cdx export --help` names it beside cdx's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FORMAT = """
import json
from pathlib import Path


class RowsAsJson:
    name = "rows-json"
    description = "each table as a JSON list of its rows"

    def export(self, package_dir: Path, out_dir: Path) -> list[Path]:
        target = out_dir / "tables.json"
        target.write_text(json.dumps(sorted(p.name for p in (package_dir / "data").iterdir())))
        return [target]


ROWS_JSON = RowsAsJson()
"""


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A folder on PYTHONPATH holding an installed distribution's module and metadata."""
    folder = tmp_path / "site"
    info = folder / "office_formats-0.1.dist-info"
    info.mkdir(parents=True)
    (folder / "office_formats.py").write_text(FORMAT, encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: office-formats\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[cdx.exports]\nrows-json = office_formats:ROWS_JSON\n")
    return folder


def cdx(*args: str, plugins: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("LANG", "LC_ALL")}
    path = os.pathsep.join(filter(None, [str(plugins), env.get("PYTHONPATH")]))
    env.update({"PYTHONPATH": path, "COLUMNS": "200", "NO_COLOR": "1", "LANG": "C.UTF-8"})
    return subprocess.run(
        [sys.executable, "-m", "cdx.cli.app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_help_names_the_formats_installed_packages_add(plugin_path: Path, tmp_path: Path) -> None:
    english = cdx("export", "--help", plugins=plugin_path, cwd=tmp_path)
    assert english.returncode == 0, english.stderr
    assert "Export format: parquet, rows-json, sdmx-csv" in english.stdout

    french = cdx("export", "--help", "--lang", "fr", plugins=plugin_path, cwd=tmp_path)
    assert "Format d'export : parquet, rows-json, sdmx-csv" in french.stdout


def test_a_format_an_installed_package_adds_exports_a_verified_package(
    plugin_path: Path, sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = cdx(
        "export", str(sealed), "--format", "rows-json", "--out", str(out),
        "--trust", str(trust_file), "--json", plugins=plugin_path, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == [str(out / "tables.json")]
    assert json.loads((out / "tables.json").read_text()) == ["scores.csv"]

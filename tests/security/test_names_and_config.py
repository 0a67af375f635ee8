"""Names, versions and coalition.yaml a careless or hostile author can write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cdx.connectors.catalogue import PackageRef
from cdx.core.coalition import load_coalition
from cdx.core.errors import ConfigError, ConfigTooDeep, ConfigTooLarge, InvalidVersion, UnsafeName


def with_dataset(config: Path, old: str, new: str) -> None:
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "text",
    [
        "kenya-lnob/health-scorecard\n",
        "kenya-lnob/health-scorecard@1.0.0\n",
        "kenya-lnob/health-scorecard@1.0.0-" + "a" * 300,
        "kenya-lnob/" + "a" * 200,
    ],
)
def test_a_reference_ending_in_a_newline_or_too_long_is_refused(text: str) -> None:
    with pytest.raises((UnsafeName, InvalidVersion)) as caught:
        PackageRef.parse(text)
    assert caught.value.hint


def test_a_version_of_64_characters_is_the_longest_accepted() -> None:
    longest = "1.0.0-" + "a" * 58
    assert PackageRef.parse(f"kenya-lnob/health-scorecard@{longest}").version == longest
    with pytest.raises(InvalidVersion, match="characters"):
        PackageRef.parse(f"kenya-lnob/health-scorecard@{longest}a")


@pytest.mark.parametrize("version", ['"1.0.0\\n"', '"1.0.0-' + "a" * 300 + '"'])
def test_coalition_yaml_refuses_a_version_with_a_newline_or_too_long(
    coalition_dir: Path, version: str
) -> None:
    config = coalition_dir / "coalition.yaml"
    with_dataset(config, "version: 1.0.0", f"version: {version}")
    with pytest.raises(ConfigError, match="version"):
        load_coalition(config)


def test_coalition_yaml_refuses_a_dataset_name_with_a_newline(coalition_dir: Path) -> None:
    config = coalition_dir / "coalition.yaml"
    with_dataset(config, "  health-scorecard:", '  "health-scorecard\\n":')
    with pytest.raises(ConfigError, match="dataset name"):
        load_coalition(config)


def test_a_coalition_yaml_over_a_mebibyte_is_refused_unread(coalition_dir: Path) -> None:
    config = coalition_dir / "coalition.yaml"
    config.write_text(config.read_text() + "#" * (1024 * 1024) + "\n")
    with pytest.raises(ConfigTooLarge):
        load_coalition(config)


def test_a_deeply_nested_coalition_yaml_is_refused_not_a_crash(tmp_path: Path) -> None:
    config = tmp_path / "coalition.yaml"
    config.write_text("[" * 50_000 + "]" * 50_000 + "\n")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cdx.core.coalition import load_coalition\n"
        "from cdx.core.errors import CdxError\n"
        "try:\n"
        "    load_coalition(Path(sys.argv[1]))\n"
        "except CdxError as error:\n"
        "    print(error.code)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-500:]}"
    assert run.stdout.strip() == ConfigTooDeep.code


def test_block_nesting_on_one_line_is_refused_too(tmp_path: Path) -> None:
    config = tmp_path / "coalition.yaml"
    config.write_text("- " * 5_000 + "x\n")
    with pytest.raises(ConfigTooDeep):
        load_coalition(config)


def test_the_example_coalition_still_loads(coalition_dir: Path) -> None:
    assert load_coalition(coalition_dir / "coalition.yaml").id

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from cdx.core.coalition import load_coalition
from cdx.flows.deployments import deployment_specs, write_prefect_yaml
from tests.conftest import on_one_schedule

REPO = Path(__file__).resolve().parents[2]
CONFIG = "examples/kenya-lnob/coalition.yaml"


def test_every_scheduled_dataset_gets_a_deployment_and_the_coalition_a_freshness_watch() -> None:
    specs = deployment_specs(load_coalition(REPO / CONFIG), CONFIG)
    by_name = {spec.name: spec for spec in specs}
    assert set(by_name) == {
        "kenya-lnob-health-scorecard",
        "kenya-lnob-youth-survey",
        "kenya-lnob-freshness",
    }
    scorecard = by_name["kenya-lnob-health-scorecard"]
    assert scorecard.parameters == {"config_path": CONFIG, "dataset": "health-scorecard"}
    assert (scorecard.cron, scorecard.timezone) == ("0 6 5 1,4,7,10 *", "Africa/Nairobi")
    assert scorecard.concurrency_limit == 1


def test_writing_prefect_yaml_twice_changes_nothing_and_keeps_other_deployments(
    tmp_path: Path,
) -> None:
    path = tmp_path / "prefect.yaml"
    path.write_text(
        "deployments:\n"
        "- name: nepal-cso-scorecard\n"
        "  entrypoint: flows/publish.py:publish_dataset\n"
    )
    specs = deployment_specs(load_coalition(REPO / CONFIG), CONFIG)
    write_prefect_yaml(specs, path)
    first = path.read_text()
    write_prefect_yaml(specs, path)
    assert path.read_text() == first
    document = yaml.safe_load(first)
    names = [d["name"] for d in document["deployments"]]
    assert "nepal-cso-scorecard" in names and "kenya-lnob-youth-survey" in names
    assert all(d["work_pool"]["name"] == "cdx-process" for d in document["deployments"])
    assert all(d["concurrency_limit"]["limit"] == 1 for d in document["deployments"])


def test_the_repository_prefect_yaml_is_what_cdx_deploy_writes(tmp_path: Path) -> None:
    generated = tmp_path / "prefect.yaml"
    write_prefect_yaml(deployment_specs(load_coalition(REPO / CONFIG), CONFIG), generated)
    assert (REPO / "prefect.yaml").read_text() == generated.read_text(), (
        "regenerate it: cdx deploy -c examples/kenya-lnob/coalition.yaml "
        "--write prefect.yaml --no-apply"
    )


def shared_schedule(tmp_path: Path) -> Path:
    """The example coalition with both datasets on the scorecard's quarterly schedule."""
    target = tmp_path / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", target, ignore=shutil.ignore_patterns(".cdx"))
    config = target / "coalition.yaml"
    on_one_schedule(config)
    return config


def test_datasets_sharing_a_schedule_are_published_together_by_one_deployment(
    tmp_path: Path,
) -> None:
    config = shared_schedule(tmp_path)
    specs = deployment_specs(load_coalition(config), str(config))
    by_name = {spec.name: spec for spec in specs}
    assert set(by_name) == {
        "kenya-lnob-together-0-6-5-1-4-7-10-africa-nairobi",
        "kenya-lnob-freshness",
    }
    together = by_name["kenya-lnob-together-0-6-5-1-4-7-10-africa-nairobi"]
    assert together.entrypoint == "flows/publish.py:publish_coalition"
    assert together.parameters == {
        "config_path": str(config),
        "datasets": ["health-scorecard", "youth-survey"],
    }
    assert (together.cron, together.timezone) == ("0 6 5 1,4,7,10 *", "Africa/Nairobi")
    assert together.concurrency_limit == 1
    assert {"dataset:health-scorecard", "dataset:youth-survey"} <= set(together.tags)


def test_prefect_yaml_drops_the_coalition_deployments_it_no_longer_wants(tmp_path: Path) -> None:
    path = tmp_path / "prefect.yaml"
    write_prefect_yaml(deployment_specs(load_coalition(REPO / CONFIG), CONFIG), path)
    other = "- name: nepal-cso-scorecard\n  entrypoint: flows/publish.py:publish_dataset\n"
    path.write_text(path.read_text() + other)
    config = shared_schedule(tmp_path)
    write_prefect_yaml(deployment_specs(load_coalition(config), str(config)), path)
    names = [d["name"] for d in yaml.safe_load(path.read_text())["deployments"]]
    assert names == [
        "kenya-lnob-freshness",
        "kenya-lnob-together-0-6-5-1-4-7-10-africa-nairobi",
        "nepal-cso-scorecard",
    ]

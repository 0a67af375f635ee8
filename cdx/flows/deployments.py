"""Deployments from coalition.yaml: one scheduled publish per schedule, one freshness watch.

A dataset with a schedule of its own gets a `publish_dataset` deployment. Datasets that
share a schedule (the same cron and timezone) get one `publish_coalition` deployment that
publishes them together in one flow run: one Python process and one flow run instead of
one per dataset (docs/decisions/0048-one-deployment-per-schedule.md). Either way a
dataset belongs to exactly one deployment, whose concurrency limit of one keeps its runs
from overlapping.

`deployment_specs` is plain data; `apply_deployments` registers them with the Prefect API
(a work pool of type `process`), `remove_stale_deployments` removes the coalition's
deployments that coalition.yaml no longer asks for; `write_prefect_yaml` writes the same
deployments into prefect.yaml so that `prefect deploy --all` gives the same result. Adding
a dataset to coalition.yaml and running `cdx deploy` is all it takes: nobody hand-edits YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from cdx.core.coalition import Coalition

if TYPE_CHECKING:
    from prefect import Flow

PUBLISH_ENTRYPOINT = "flows/publish.py:publish_dataset"
TOGETHER_ENTRYPOINT = "flows/publish.py:publish_coalition"
FRESHNESS_ENTRYPOINT = "flows/freshness.py:check_freshness"
FRESHNESS_CRON = "0 7 * * *"  # daily, before the working day of most coalitions
DEFAULT_POOL = "cdx-process"


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str
    parameters: dict[str, Any]
    cron: str
    timezone: str
    description: str
    tags: list[str] = field(default_factory=list)
    # At most one run per dataset at a time: a second schedule firing waits its turn.
    concurrency_limit: int = 1


def deployment_specs(coalition: Coalition, config_path: str) -> list[DeploymentSpec]:
    """A publish deployment per schedule, and the coalition's freshness watch."""
    together: dict[tuple[str, str], list[str]] = {}
    for name, dataset in sorted(coalition.config.datasets.items()):
        if dataset.schedule is not None:
            when = (dataset.schedule.cron, dataset.schedule.timezone)
            together.setdefault(when, []).append(name)
    specs = []
    for (cron, timezone), names in together.items():
        if len(names) == 1:
            title = coalition.config.datasets[names[0]].title
            name, entrypoint = f"{coalition.id}-{names[0]}", PUBLISH_ENTRYPOINT
            parameters: dict[str, Any] = {"config_path": config_path, "dataset": names[0]}
            description = f"Publish {coalition.id}/{names[0]} ({title})"
        else:
            name = f"{coalition.id}-together-{_slug(f'{cron} {timezone}')}"
            entrypoint = TOGETHER_ENTRYPOINT
            parameters = {"config_path": config_path, "datasets": names}
            description = (
                f"Publish {coalition.id}'s {len(names)} datasets on the schedule "
                f"{cron} ({timezone}) together: {', '.join(names)}"
            )
        tags = ["cdx", f"coalition:{coalition.id}", *(f"dataset:{n}" for n in names)]
        specs.append(
            DeploymentSpec(name, entrypoint, parameters, cron, timezone, description, tags)
        )
    specs.append(
        DeploymentSpec(
            name=f"{coalition.id}-freshness",
            entrypoint=FRESHNESS_ENTRYPOINT,
            parameters={"config_path": config_path},
            cron=FRESHNESS_CRON,
            timezone="UTC",
            description=f"Daily freshness check of {coalition.id}'s datasets",
            tags=["cdx", f"coalition:{coalition.id}", "freshness"],
        )
    )
    return specs


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def coalition_of(specs: list[DeploymentSpec]) -> set[str]:
    """The coalition tags (`coalition:<id>`) these deployments carry."""
    return {tag for spec in specs for tag in spec.tags if tag.startswith("coalition:")}


def apply_deployments(
    specs: list[DeploymentSpec], *, source: Path, work_pool: str = DEFAULT_POOL
) -> list[str]:
    """Create or update each deployment through the Prefect API; returns their ids."""
    from prefect import flow
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    ids = []
    for spec in specs:
        runnable = cast(
            "Flow[..., Any]", flow.from_source(source=str(source), entrypoint=spec.entrypoint)
        )
        deployment_id = runnable.deploy(
            name=spec.name,
            work_pool_name=work_pool,
            parameters=spec.parameters,
            schedules=[Cron(spec.cron, timezone=spec.timezone)],
            concurrency_limit=ConcurrencyLimitConfig(
                limit=spec.concurrency_limit,
                collision_strategy=ConcurrencyLimitStrategy.ENQUEUE,
            ),
            description=spec.description,
            tags=spec.tags,
            build=False,
            push=False,
            print_next_steps=False,
        )
        ids.append(str(deployment_id))
    return ids


def remove_stale_deployments(specs: list[DeploymentSpec]) -> list[str]:
    """Delete the coalition's cdx deployments that are not among `specs`; their names.

    A dataset whose schedule changed, that now shares one, or that left coalition.yaml must
    not go on being published by its old deployment as well.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterTags

    wanted = {spec.name for spec in specs}
    removed = []
    with get_client(sync_client=True) as client:
        for tag in sorted(coalition_of(specs)):
            found = client.read_deployments(
                deployment_filter=DeploymentFilter(tags=DeploymentFilterTags(all_=["cdx", tag]))
            )
            for deployment in found:
                if deployment.name not in wanted:
                    client.delete_deployment(deployment.id)
                    removed.append(deployment.name)
    return removed


HEADER = """\
# Prefect deployments of cdx. `definitions:` is hand-written; `deployments:` is generated
# by `cdx deploy --write prefect.yaml` from each coalition.yaml (adding a dataset there and
# running it again is all it takes). `prefect deploy --all` registers the same deployments.
# The worker runs from the repository root: infra/prefect/up.sh sets CDX_HOME to it.
name: citizen-data-exchange
prefect-version: 3.8.8

build: null
push: null
pull:
  - prefect.deployments.steps.set_working_directory:
      directory: "{{ $CDX_HOME }}"

definitions:
  work_pools:
    process_pool: &process_pool
      name: cdx-process
      work_queue_name: default
  concurrency:
    # At most one run per deployment (one dataset) at a time; a second firing waits.
    one_at_a_time: &one_at_a_time
      limit: 1
      collision_strategy: ENQUEUE

"""


def write_prefect_yaml(specs: list[DeploymentSpec], path: Path) -> None:
    """Replace the coalition's deployments in prefect.yaml, keeping others and definitions."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    names = {spec.name for spec in specs}
    coalitions = coalition_of(specs)
    entries = [
        d
        for d in (document or {}).get("deployments") or []
        if d.get("name") not in names and not coalitions & set(d.get("tags") or [])
    ]
    entries += [
        {
            "name": spec.name,
            "description": spec.description,
            "entrypoint": spec.entrypoint,
            "parameters": spec.parameters,
            "tags": spec.tags,
            "schedules": [{"cron": spec.cron, "timezone": spec.timezone}],
        }
        for spec in specs
    ]
    rendered = []
    for entry in sorted(entries, key=lambda d: str(d["name"])):
        plain = {k: v for k, v in entry.items() if k not in ("work_pool", "concurrency_limit")}
        body = yaml.safe_dump([plain], sort_keys=False, allow_unicode=True, width=100)
        rendered.append(
            body.rstrip("\n")
            + "\n  work_pool: *process_pool\n  concurrency_limit: *one_at_a_time\n"
        )
    path.write_text(HEADER + "deployments:\n" + "".join(rendered), encoding="utf-8")

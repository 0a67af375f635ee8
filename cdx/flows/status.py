"""Which datasets are fresh, due, overdue or delinquent: plain functions, no Prefect.

`cdx status` prints these rows; the `check_freshness` flow (flows/freshness.py) publishes
them as an artifact and notifies on changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from cdx.connectors.catalogue import CatalogueEntry, CredentialSet
from cdx.connectors.registry import open_catalogue
from cdx.core.coalition import Coalition
from cdx.core.findings import place_of
from cdx.core.freshness import classify
from cdx.flows.artifacts import artifact_key
from cdx.flows.run_context import catalogue_locations


def freshness_rows(
    coalition: Coalition, now: dt.datetime, credentials: CredentialSet | None = None
) -> list[dict[str, Any]]:
    """One row per dataset: latest committed version, when, and its freshness."""
    rows = []
    entries_by_location: dict[str, list[CatalogueEntry]] = {}
    for name, dataset in sorted(coalition.config.datasets.items()):
        latest: CatalogueEntry | None = None
        for location in catalogue_locations(coalition, name, dataset).values():
            if location not in entries_by_location:
                catalogue = open_catalogue(
                    location, base_dir=coalition.base_dir, credentials=credentials
                )
                entries_by_location[location] = catalogue.entries()
            for entry in entries_by_location[location]:
                mine = entry.coalition == coalition.id and entry.dataset == name
                if mine and (latest is None or entry.committed > latest.committed):
                    latest = entry
        committed = dt.datetime.fromisoformat(latest.committed) if latest else None
        verdict = classify(committed, dataset.update_frequency, now)
        rows.append(
            {
                "coalition": coalition.id,
                "dataset": name,
                "expected": dataset.update_frequency,
                "latest_version": latest.version if latest else "",
                "last_published": latest.committed if latest else "",
                "age_days": "" if verdict.age_days is None else round(verdict.age_days, 1),
                "freshness": str(verdict.state),
            }
        )
    return rows


def transitions(previous: dict[str, str], rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(dataset, from, to) for each dataset whose freshness changed."""
    return [
        (row["dataset"], previous[row["dataset"]], row["freshness"])
        for row in rows
        if row["dataset"] in previous and previous[row["dataset"]] != row["freshness"]
    ]


def last_publish_runs(coalition: Coalition) -> dict[str, dict[str, Any]]:
    """The latest publish of each dataset from the Prefect API: state, when, message.

    A dataset is published by its own publish_dataset flow run, or by a publish_one task
    run inside a publish_coalition run; both are named coalition/dataset@version
    (flows/publish.py), and the later of the two is the last run.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterName,
        TaskRunFilter,
        TaskRunFilterName,
    )
    from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort

    runs: dict[str, dict[str, Any]] = {}
    with get_client(sync_client=True) as client:
        for name in sorted(coalition.config.datasets):
            prefix = f"{coalition.id}/{name}@"
            found: list[Any] = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["publish_dataset"])),
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=prefix)),
                sort=FlowRunSort.EXPECTED_START_TIME_DESC,
                limit=1,
            )
            found += client.read_task_runs(
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=prefix)),
                sort=TaskRunSort.EXPECTED_START_TIME_DESC,
                limit=1,
            )
            found = [r for r in found if r.state is not None and r.name.startswith(prefix)]
            if not found:
                continue
            run = max(found, key=_started)
            when = run.end_time or run.start_time or run.expected_start_time
            message = run.state.message or ""
            runs[name] = {
                "last_run": run.state.name or "",
                "last_run_at": when.isoformat(timespec="seconds") if when else "",
                "last_run_message": message[:200],
                **error_parts(message),
                "last_run_findings": _first_findings(client, coalition.id, name, run),
            }
    return runs


def error_parts(message: str) -> dict[str, str]:
    """The quarantined report and the hint in a failed run's state message, which carries
    the error as cdx says it: `[code] WHERE: message` then `How to fix: hint`."""
    report = REPORT_IN_MESSAGE.search(message)
    hint = message.partition("How to fix: ")[2].strip()
    return {"last_run_report": report.group(1) if report else "", "last_run_hint": hint}


REPORT_IN_MESSAGE = re.compile(r"\] (\S.*?/reports/validation\.html): ")


def _first_findings(
    client: Any, coalition: str, dataset: str, run: Any, shown: int = 3
) -> list[str]:
    """The first rows of the findings table the run left as an artifact (flows/publish.py),
    when that table is this run's."""
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    if run.state.name not in ("Failed", "Crashed"):
        return []
    key = artifact_key("publish", coalition, dataset) + "-findings"
    (latest, *_) = client.read_artifacts(
        artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
        sort=ArtifactSort.CREATED_DESC,
        limit=1,
    ) or [None]
    if latest is None or run.id not in (latest.flow_run_id, latest.task_run_id):
        return []
    rows = latest.data if isinstance(latest.data, list) else json.loads(latest.data or "[]")
    return [_finding_line(row) for row in rows[:shown]]


def _finding_line(row: dict[str, Any]) -> str:
    """A row of the findings table (flows/artifacts.py) as Finding.sentence says it."""
    line = row.get("row")
    where = place_of(
        row.get("file") or None, line if isinstance(line, int) else None, row.get("column") or None
    )
    return f"{where}: {row.get('what to fix', '')}  [{row.get('rule', '')}]"


def _started(run: Any) -> dt.datetime:
    when = run.start_time or run.expected_start_time
    return when or dt.datetime.min.replace(tzinfo=dt.UTC)

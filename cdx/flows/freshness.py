"""The freshness watch: a Prefect flow a steward schedules over a coalition's datasets.

It publishes the freshness table as an artifact and emits a
`cdx.dataset.freshness.changed` event for each dataset whose state changed since the last
check (kept in a Prefect variable); an automation turns those events into notifications.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.events import emit_event
from prefect.variables import Variable

from cdx.core.coalition import load_coalition
from cdx.flows.credentials import credentials_from_blocks
from cdx.flows.status import freshness_rows, transitions

STATE_VARIABLE = "cdx-freshness-{coalition}"


@flow(name="check_freshness", flow_run_name="freshness {config_path}")
def check_freshness(config_path: str, now: str | None = None) -> list[dict[str, Any]]:
    """Classify every dataset of a coalition and notify on changes."""
    logger = get_run_logger()
    coalition = load_coalition(Path(config_path))
    moment = dt.datetime.fromisoformat(now) if now else dt.datetime.now(dt.UTC)
    credentials = credentials_from_blocks(coalition.config.catalogues.values())
    logger.info("credentials: %s", credentials.source)
    rows = freshness_rows(coalition, moment, credentials)
    create_table_artifact(
        key=f"freshness-{coalition.id}",
        table=rows,
        description=f"Freshness of {coalition.id}'s datasets at {moment:%Y-%m-%d %H:%M} UTC",
    )
    name = STATE_VARIABLE.format(coalition=coalition.id)
    stored = Variable.get(name, default=None)
    previous: dict[str, str] = json.loads(stored) if isinstance(stored, str) else {}
    for dataset, before, after in transitions(previous, rows):
        logger.warning("%s/%s: %s → %s", coalition.id, dataset, before, after)
        emit_event(
            event="cdx.dataset.freshness.changed",
            resource={
                "prefect.resource.id": f"cdx.dataset.{coalition.id}.{dataset}",
                "prefect.resource.name": f"{coalition.id}/{dataset}",
            },
            payload={"from": before, "to": after},
        )
    Variable.set(name, json.dumps({r["dataset"]: r["freshness"] for r in rows}), overwrite=True)
    return rows

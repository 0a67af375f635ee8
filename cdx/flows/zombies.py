"""Mark runs Crashed when they stop sending heartbeats (a Prefect automation).

When the worker and the flow-run process both die (the machine is lost), nothing reports
the run and Prefect 3.8 leaves it Running (PrefectHQ/prefect#16746). Every flow run sends
a `prefect.flow-run.heartbeat` event every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds (180
by default). This automation is Prefect's "detect zombie flows" recipe: after each
heartbeat of a run it expects another heartbeat, or a terminal state, within three
intervals; if none comes, it sets the run Crashed. That also frees the deployment's
concurrency slot, so the next run of the dataset can start.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from cdx.core.errors import ConfigError
from cdx.flows.automations import replace_automation

AUTOMATION_NAME = "cdx: mark runs that stopped sending heartbeats Crashed"
FLOWS = ["publish_dataset", "publish_coalition", "check_freshness"]
MINIMUM_HEARTBEAT_SECONDS = 30  # the flow engine never sends them more often
MISSED_HEARTBEATS = 3


def zombie_message(within_seconds: int) -> str:
    return (
        f"No heartbeat for {within_seconds} s: the worker or the machine running this run "
        "stopped. The next run (scheduled, or started by hand) recovers."
    )


def ensure_zombie_automation(
    heartbeat_seconds: int | None = None, *, within_seconds: int | None = None
) -> UUID:
    """Create (or replace) the automation that sets silent runs Crashed.

    `heartbeat_seconds` is the flow runs' heartbeat interval, by default Prefect's
    current setting (PREFECT_FLOWS_HEARTBEAT_FREQUENCY): the workers' flow runs must use
    the same. A run is crashed after `within_seconds` without a heartbeat, by default
    three intervals.
    """
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.settings import get_current_settings

    if heartbeat_seconds is None:
        heartbeat_seconds = get_current_settings().flows.heartbeat_frequency
    if heartbeat_seconds is None:
        raise ConfigError(
            "Prefect flow-run heartbeats are turned off, so a run whose machine is lost "
            "cannot be told apart from a long one",
            hint="set PREFECT_FLOWS_HEARTBEAT_FREQUENCY (e.g. 180) for the workers and here",
        )
    heartbeat_seconds = max(heartbeat_seconds, MINIMUM_HEARTBEAT_SECONDS)
    within = within_seconds or MISSED_HEARTBEATS * heartbeat_seconds

    return replace_automation(
        Automation(
            name=AUTOMATION_NAME,
            description=(
                f"Set a cdx flow run Crashed when it has sent no heartbeat for {within} s "
                f"(heartbeats every {heartbeat_seconds} s)"
            ),
            trigger=EventTrigger(
                # after each heartbeat of a run, expect another one or a final state
                after={"prefect.flow-run.heartbeat"},
                expect={
                    "prefect.flow-run.heartbeat",
                    "prefect.flow-run.Completed",
                    "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled",
                    "prefect.flow-run.Crashed",
                },
                match={"prefect.resource.id": "prefect.flow-run.*"},
                match_related={"prefect.resource.role": "flow", "prefect.resource.name": FLOWS},
                for_each={"prefect.resource.id"},
                posture=Posture.Proactive,
                threshold=1,
                within=timedelta(seconds=within),
            ),
            actions=[ChangeFlowRunState(state=StateType.CRASHED, message=zombie_message(within))],
        )
    )

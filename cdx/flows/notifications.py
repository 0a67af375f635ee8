"""Alert a steward when a publish run fails or crashes (a Prefect automation).

The notification says which kind of failure it was: `dataset-invalid` and the other
codes of `DataUnacceptable` (a source file's formula cells, encoding, size…) are a failure
of the data (the coalition corrects its file), anything else a failure of the system (the
steward looks at the run). The flow run's state message carries the error code, which
the body shows; a publish_coalition run's message (`datasets-failed`) names the datasets
of each kind, and a run with both kinds says both.
"""

from __future__ import annotations

from typing import cast
from uuid import UUID

from cdx.core.errors import SYSTEM_FAILURE, data_failure_codes
from cdx.flows.automations import replace_automation

AUTOMATION_NAME = "cdx: publish run failed or crashed"
_OF_THE_DATA = " or ".join(f"'[{code}]' in message" for code in sorted(data_failure_codes()))
_OF_THE_DATA += " or 'failure of the data' in message"
BODY = (
    "Publish run {{ flow_run.name }} ended {{ flow_run.state.name }}.\n"
    "{% set message = flow_run.state.message or '' %}"
    f"{{% set of_the_data = {_OF_THE_DATA} %}}"
    "{% if of_the_data %}"
    "Failure of the DATA: the coalition must correct its file and publish again.\n"
    "{% endif %}"
    f"{{% if not of_the_data or '{SYSTEM_FAILURE}' in message %}}"
    "Failure of the SYSTEM: look at the run's logs.\n"
    "{% endif %}"
    "{{ message }}"
)
PUBLISH_FLOWS = ["publish_dataset", "publish_coalition"]


def webhook_block(name: str, url: str) -> UUID:
    """Save a webhook notification block (chat, e-mail gateway…) and return its id."""
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    block = CustomWebhookNotificationBlock(
        name=name, url=url, json_data={"subject": "{{subject}}", "body": "{{body}}"}
    )
    return cast(UUID, block.save(name, overwrite=True))


def ensure_failure_automation(block_document_id: UUID) -> UUID:
    """Create (or replace) the automation that notifies on failed or crashed publishes."""
    from prefect.automations import Automation
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import EventTrigger, Posture

    return replace_automation(
        Automation(
            name=AUTOMATION_NAME,
            description="Notify the data steward when a publish run fails or crashes",
            trigger=EventTrigger(
                expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                match_related={
                    "prefect.resource.role": "flow",
                    "prefect.resource.name": PUBLISH_FLOWS,
                },
                posture=Posture.Reactive,
                threshold=1,
            ),
            actions=[
                SendNotification(
                    block_document_id=block_document_id,
                    subject="cdx: {{ flow_run.name }} {{ flow_run.state.name }}",
                    body=BODY,
                )
            ],
        )
    )

"""Create a Prefect automation in place of any of the same name (cdx owns its names)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from uuid import UUID

if TYPE_CHECKING:
    from prefect.automations import Automation


def replace_automation(automation: Automation) -> UUID:
    """Delete every automation named like this one, then create it; returns its id.

    Running `cdx deploy` or `cdx notify` twice so leaves one automation, not two.
    """
    from prefect.automations import Automation

    while True:
        try:
            cast(Automation, Automation.read(name=automation.name)).delete()
        except ValueError:
            break
    return cast(UUID, cast(Automation, automation.create()).id)

"""Retry policy as a property of the error: only `Transient` failures are retried.

The same policies drive the Prefect tasks (flows/publish.py) and a publish without a
server (flows/direct.py), so both retry the same steps as often, as late.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cdx.core.errors import CdxError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait before each further try of a step that failed transiently."""

    delays: tuple[int, ...]

    @property
    def retries(self) -> int:
        return len(self.delays)


STAGE_RETRIES = RetryPolicy((2, 10))
PUBLISH_RETRIES = RetryPolicy((2, 10, 30))
PUBLISH_ONE_RETRIES = RetryPolicy((10, 30))  # a whole dataset of a coalition run


def is_transient(exc: BaseException | None) -> bool:
    if isinstance(exc, CdxError):
        return exc.transient
    # Network failures outside our connectors' translation are worth another try.
    return isinstance(exc, ConnectionError | TimeoutError)


def retry_only_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect `retry_condition_fn`: retry a failed task only for a transient error."""
    data = getattr(state, "data", None)
    if not isinstance(data, BaseException):
        try:
            data = state.result(raise_on_failure=False)
        except Exception:
            return False
    return is_transient(data if isinstance(data, BaseException) else None)


def call_with_retries(
    policy: RetryPolicy,
    step: Callable[..., T],
    *args: Any,
    wait: Callable[[float], None] = time.sleep,
) -> T:
    """`step(*args)`, tried again after each of the policy's delays while it fails
    transiently; any other failure, or the last, is raised."""
    for delay in (*policy.delays, None):
        try:
            return step(*args)
        except Exception as error:
            if delay is None or not is_transient(error):
                raise
            logging.getLogger("cdx").warning(
                "%s failed for a passing reason (%s); trying again in %s s",
                getattr(step, "__name__", "a step"),
                error,
                delay,
            )
            wait(delay)
    raise AssertionError("unreachable")  # the loop returns or raises

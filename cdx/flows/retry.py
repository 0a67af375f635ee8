"""Retry policy as a property of the error: only `Transient` failures are retried."""

from __future__ import annotations

from typing import Any

from cdx.core.errors import CdxError


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

"""Prefect as the command line runs it: patient start-up, quiet, no tracebacks for people.


A CdxError already says what, where and how to fix; its traceback only frightens a data
officer. Prefect logs failures with the exception attached; this filter keeps the
message and drops the traceback for CdxError only.
"""

from __future__ import annotations

import logging
import os

from cdx.core.errors import CdxError


class CdxErrorWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], CdxError):
            error = record.exc_info[1]
            record.msg = f"{error}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def hide_tracebacks_of_cdx_errors() -> None:
    import prefect.logging.configuration  # noqa: F401  (sets up Prefect's handlers)

    only = CdxErrorWithoutTraceback()
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs"):
        logger = logging.getLogger(name)
        logger.addFilter(only)
        for handler in logger.handlers:
            handler.addFilter(only)


def prepare_prefect_environment() -> None:
    """Defaults for running flows from the command line; explicit settings win."""
    # The ephemeral API server can take longer than Prefect's 20 s on a small, busy laptop.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

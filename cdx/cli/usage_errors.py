"""Errors of the command line that are not cdx's own, as coded errors: a usage error (an
unknown option, a missing argument, a value of the wrong kind) asked for with --json is one
JSON document on stdout, `usage-invalid`, like every other error of a command run with
--json; a path the system refuses is `path-unusable`, never a traceback."""

from __future__ import annotations

from typing import Any

import typer

from cdx.cli import output
from cdx.core.errors import CdxError, PathUnusable, UsageInvalid
from cdx.core.i18n import tr


def run_command_line(command: Any, arguments: list[str]) -> int:
    """Run the click command as Typer would, except that a usage error (an unknown option,
    a missing argument) asked for with --json is one JSON document on stdout too."""
    try:
        code = command.main(args=arguments, prog_name="cdx", standalone_mode=False)
    except typer.TyperException as error:  # click's usage errors derive from it
        if "--json" in arguments:
            return output.report_error(usage_error(error), as_json=True)
        from typer import rich_utils

        rich_utils.rich_format_error(error)  # type: ignore[arg-type]  # a ClickException
        return error.exit_code
    except typer.Abort:
        from typer import rich_utils

        rich_utils.rich_abort_error()
        return 1
    return code if isinstance(code, int) else 0


def usage_error(error: Any) -> CdxError:
    context = getattr(error, "ctx", None)
    path = context.command_path if context is not None else "cdx"
    return UsageInvalid(
        error.format_message(),
        where=path,
        hint=tr("run `{command} --help` for its arguments and options", command=path),
    )


def path_unusable(error: OSError) -> CdxError:
    """`--out` naming a file, a package folder that is a file, a folder one may not write:
    the path and the system's reason, and what to check."""
    return PathUnusable(
        tr(
            "{path} cannot be used: {reason}",
            path=error.filename,
            reason=error.strerror or type(error).__name__,
        ),
        hint=tr(
            "check the path you gave: the folders on its way must exist and be folders, "
            "not files; a new output folder must not be an existing file; and you must be "
            "allowed to write there"
        ),
    )

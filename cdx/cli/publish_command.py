"""`cdx publish`: each dataset's steps, run here or as the publish_dataset flow on a server.

Without a configured Prefect server the steps run in this process and each run is
journalled in the coalition's directory; with one (PREFECT_API_URL), or with
`--prefect`, each dataset is a flow run
(docs/decisions/0068-publish-without-a-server.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdx.cli import output
from cdx.cli.output import err
from cdx.core.errors import CdxError, Terminal
from cdx.core.i18n import language_in_use, localise, say, tr

if TYPE_CHECKING:
    from cdx.core.coalition import Coalition


class PublishFailed(Terminal):
    code = "publish-failed"


SYSTEM_HINT = tr(
    "this is a failure of cdx or its surroundings, not of your data; "
    "retry, and report it if it persists"
)


STATUSES = {"published": tr("published"), "unchanged": tr("unchanged")}


def run_publish(
    config: Path, datasets: list[str], *, prefect: bool = False
) -> dict[str, dict[str, Any]]:
    from cdx.core.coalition import load_coalition
    from cdx.core.keys import load_signing_key
    from cdx.flows.orchestrator import check_server_answers, configured_api_url

    coalition = load_coalition(config)
    names = datasets or sorted(coalition.config.datasets)
    for name in names:
        coalition.dataset(name)  # an unknown name fails before any run starts
    # So does an unusable key: a data officer should not wait for any step to learn that.
    load_signing_key(coalition.id, coalition.resolve(coalition.config.signing.key))
    server = configured_api_url()
    if server:
        check_server_answers(server)
    if server or prefect:
        return _publish_with_prefect(coalition, names, server)
    return _publish_here(coalition, names)


def _publish_here(coalition: Coalition, names: list[str]) -> dict[str, dict[str, Any]]:
    from cdx.core.settings import Settings
    from cdx.flows.direct import publish_directly

    settings = Settings()
    results: dict[str, dict[str, Any]] = {}
    for number, name in enumerate(names, start=1):
        with err.status(
            say(
                "Publishing {name} ({number} of {total})…",
                name=name,
                number=number,
                total=len(names),
            )
        ):
            try:
                results[name] = publish_directly(
                    coalition, name, settings, language=language_in_use()
                )
            except CdxError as error:
                results[name] = {"error": error}
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"
                failed = PublishFailed(
                    tr("publishing {name} failed: {problem}", name=name, problem=problem),
                    hint=SYSTEM_HINT,
                )
                results[name] = {"error": failed}
    return results


def _publish_with_prefect(
    coalition: Coalition, names: list[str], server: str | None
) -> dict[str, dict[str, Any]]:
    from cdx.core.settings import Settings

    if server:
        os.environ["PREFECT_API_URL"] = server  # as found, in the environment or a profile
    else:
        # A temporary server's database belongs to the coalition's directory, not to the
        # person's ~/.prefect that every coalition they work for would share.
        home = Settings().work_dir_for(coalition.base_dir) / "prefect"
        if "PREFECT_HOME" not in os.environ:
            home.mkdir(parents=True, exist_ok=True)  # Prefect makes only the last level
            os.environ["PREFECT_HOME"] = str(home)
    from cdx.flows.prefect_setup import hide_tracebacks_of_cdx_errors, prepare_prefect_environment
    from cdx.flows.temporary_server import temporary_server_for_this_process

    prepare_prefect_environment()
    from cdx.flows.publish import publish_dataset

    hide_tracebacks_of_cdx_errors()
    # A server Prefect started itself would outlive a killed publish; this one cannot.
    with temporary_server_for_this_process():
        return _publish_each(coalition, names, publish_dataset)


def _publish_each(
    coalition: Coalition, names: list[str], publish_dataset: Any
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for number, name in enumerate(names, start=1):
        with err.status(
            say(
                "Publishing {name} ({number} of {total})…",
                name=name,
                number=number,
                total=len(names),
            )
        ):
            state = publish_dataset(str(coalition.path), name, language_in_use(), return_state=True)
        if state.is_completed():
            results[name] = state.result()
            continue
        error = state.result(raise_on_failure=False)
        if not isinstance(error, CdxError):
            failed = tr("publishing {name} failed: {problem}", name=name, problem=state.message)
            error = PublishFailed(failed, hint=SYSTEM_HINT)
        results[name] = {"error": error}
    return results


def print_outcomes(results: dict[str, dict[str, Any]], *, as_json: bool, limit: int) -> int:
    """Each dataset's outcome: where it went, or why it was refused; the exit code.

    A refusal prints the findings as `cdx validate` does (the first of each column's
    problems, then the counts by column) before the error naming the report; `--json`
    prints one document with the same report under each refused dataset.
    """
    if as_json:
        output.print_json({name: _as_json(result) for name, result in results.items()})
    for name, result in results.items() if not as_json else ():
        if "error" in result:
            report = getattr(result["error"], "report", None)
            if report:
                from cdx.core.findings import ValidationReport

                refused = ValidationReport.from_dict(report)
                advice = output.header_advice(refused, name)
                output.print_report(refused, limit=limit, before_verdict=advice)
            output.report_error(result["error"])
            continue
        package = f"{result['coalition']}/{name}@{result['version']}"
        for place in result["published"]:
            line = say(
                "{package} → {catalogue}: {status} ({location})",
                package=package,
                catalogue=place["catalogue"],
                status=localise(STATUSES.get(place["status"], place["status"])),
                location=place["location"],
            )
            output.out.print(line, markup=False)
    codes = [output.exit_code_for(r["error"]) for r in results.values() if "error" in r]
    return max(codes, default=0)


def _as_json(result: dict[str, Any]) -> dict[str, Any]:
    if "error" not in result:
        return {"ok": True, **result}
    error = result["error"]
    return {"ok": False, "error": error.to_dict(), "report": getattr(error, "report", None)}

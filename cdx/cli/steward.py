"""Commands for data stewards: `cdx deploy` (schedules, and crash detection of lost runs),
`cdx notify` (alerts) and `cdx status` (freshness)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cdx.cli import output
from cdx.cli.options import DEFAULT_CONFIG, ConfigOption, JsonOption
from cdx.core.errors import PrefectServerUnreachable
from cdx.core.i18n import localise, say, tr

if TYPE_CHECKING:
    from cdx.core.coalition import Coalition

steward = typer.Typer(no_args_is_help=True, add_completion=False)


def deploy(
    config: ConfigOption = DEFAULT_CONFIG,
    write: Annotated[
        Path | None, typer.Option(help="Also write the deployments into this prefect.yaml")
    ] = None,
    apply: Annotated[
        bool, typer.Option(help="Register them with the Prefect API (needs PREFECT_API_URL)")
    ] = True,
    work_pool: Annotated[str, typer.Option(help="Process work pool")] = "cdx-process",
    as_json: JsonOption = False,
) -> None:
    """Create or update a scheduled deployment per schedule, and the freshness watch.

    Registering (the default) needs a Prefect server: PREFECT_API_URL, or
    infra/prefect/up.sh to start one; --no-apply --write prefect.yaml needs none.
    """
    from cdx.core.coalition import load_coalition
    from cdx.flows.deployments import (
        apply_deployments,
        deployment_specs,
        remove_stale_deployments,
        write_prefect_yaml,
    )

    coalition = load_coalition(config)
    if apply:
        from cdx.flows.orchestrator import require_server

        require_server("deploy")
    said: list[str] = []
    repo = Path(__file__).resolve().parents[2]
    config_path = str(coalition.path)
    if coalition.path.is_relative_to(repo):
        config_path = str(coalition.path.relative_to(repo))  # portable across checkouts
    specs = deployment_specs(coalition, config_path)
    if write:
        write_prefect_yaml(specs, write)
        said.append(tr("wrote {count} deployments into {file}", count=len(specs), file=write))
    if apply:
        from cdx.flows.prefect_setup import prepare_prefect_environment
        from cdx.flows.zombies import ensure_zombie_automation

        prepare_prefect_environment()
        apply_deployments(specs, source=repo, work_pool=work_pool)
        for name in remove_stale_deployments(specs):
            said.append(tr("removed {name}: coalition.yaml no longer asks for it", name=name))
        for spec in specs:
            said.append(
                tr(
                    "deployed {name}: {cron} ({timezone}) on {pool}",
                    name=spec.name,
                    cron=spec.cron,
                    timezone=spec.timezone,
                    pool=work_pool,
                )
            )
        automation = ensure_zombie_automation()
        said.append(
            tr(
                "runs whose worker or machine is lost are marked Crashed when their heartbeats "
                "stop (automation {automation})",
                automation=automation,
            )
        )
    _say(said, as_json, deployments=[spec.name for spec in specs])


def _say(lines: list[str], as_json: bool, **data: object) -> None:
    if as_json:
        output.print_json({"ok": True, **data, "done": lines})
        return
    for line in lines:
        output.out.print(localise(line), markup=False)


def notify(
    webhook: Annotated[
        str,
        typer.Option(help="URL that receives a JSON POST {subject, body} (chat, e-mail gateway)"),
    ],
    block: Annotated[str, typer.Option(help="Name of the webhook block to save")] = (
        "cdx-steward-webhook"
    ),
    as_json: JsonOption = False,
) -> None:
    """Alert the steward when a publish run fails or crashes (a Prefect automation on
    the server PREFECT_API_URL names; infra/prefect/up.sh starts one)."""
    from cdx.flows.orchestrator import require_server

    require_server("notify")
    from cdx.flows.notifications import ensure_failure_automation, webhook_block
    from cdx.flows.prefect_setup import prepare_prefect_environment

    prepare_prefect_environment()
    automation = ensure_failure_automation(webhook_block(block, webhook))
    said = tr(
        "failed or crashed publish runs now notify through the block {block} "
        "(automation {automation})",
        block=block,
        automation=automation,
    )
    _say([said], as_json, block=block, automation=str(automation))


def status(
    config: ConfigOption = DEFAULT_CONFIG,
    runs: Annotated[
        bool,
        typer.Option(
            help="Add each dataset's last publish run: from the Prefect server when "
            "PREFECT_API_URL names one, else from .cdx/runs.jsonl beside coalition.yaml"
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Latest version, when it was published, freshness and (--runs) the last run."""
    from rich.table import Table

    from cdx.core.coalition import load_coalition
    from cdx.flows.status import freshness_rows

    coalition = load_coalition(config)
    rows = freshness_rows(coalition, dt.datetime.now(dt.UTC))
    unanswered: PrefectServerUnreachable | None = None
    if runs:
        try:
            last = _last_runs(coalition)
        except PrefectServerUnreachable as error:  # the freshness is still worth showing
            last, unanswered = {}, error
        none = {"last_run": "unknown" if unanswered else "none", "last_run_at": ""}
        for row in rows:
            row.update(last.get(row["dataset"], none))
    if as_json:
        if unanswered is not None:  # one document: the error, and what could be said
            output.print_json({"ok": False, "error": unanswered.to_dict(), "rows": rows})
            raise typer.Exit(output.exit_code_for(unanswered))
        output.print_json(rows)
        return
    columns = [say("dataset"), say("expected"), say("version"), say("published")]
    columns += [say("age (days)"), say("freshness")]
    table = Table(*columns, *([say("last run"), say("at")] if runs else []))
    colours = {"fresh": "green", "due": "yellow", "overdue": "red", "delinquent": "bold red"}
    for row in rows:
        colour = colours.get(row["freshness"], "dim")
        table.add_row(
            f"{row['coalition']}/{row['dataset']}",
            row["expected"],
            row["latest_version"] or "—",
            row["last_published"] or "—",
            str(row["age_days"]),
            f"[{colour}]{row['freshness']}[/]",
            *([row["last_run"], row["last_run_at"]] if runs else []),
        )
    output.out.print(table)
    if runs:
        _print_failures(rows)
    if unanswered is not None:
        raise unanswered  # said under the table, with its exit code


def _print_failures(rows: list[dict[str, Any]]) -> None:
    """Under the table, each failed or crashed last run: its cause, report and fix."""
    for row in rows:
        if row["last_run"] not in ("Failed", "Crashed"):
            continue
        name = "/".join((row["coalition"], row["dataset"]))
        output.out.print(
            say(
                "{dataset}: the last run {state} at {at}: {message}",
                dataset=name,
                state=row["last_run"],
                at=row["last_run_at"],
                message=localise(row["last_run_message"]),
            ),
            markup=False,
        )
        for finding in row.get("last_run_findings", []):
            output.out.print(f"  ✗ {finding}", markup=False)
        if row.get("last_run_report"):
            report = say("report: {path}", path=row["last_run_report"])
            output.out.print(f"  {report}", markup=False)
        if row.get("last_run_hint"):
            hint = say("How to fix: {hint}", hint=localise(row["last_run_hint"]))
            output.out.print(f"  {hint}", markup=False)


def _last_runs(coalition: Coalition) -> dict[str, dict[str, Any]]:
    """Each dataset's last run: from the configured server, else the coalition's journal."""
    from cdx.flows.orchestrator import check_server_answers, configured_api_url

    server = configured_api_url()
    if server:
        check_server_answers(server)
        os.environ["PREFECT_API_URL"] = server  # as found, in the environment or a profile
        from cdx.flows.prefect_setup import prepare_prefect_environment
        from cdx.flows.status import last_publish_runs

        prepare_prefect_environment()
        return last_publish_runs(coalition)
    from cdx.core.settings import Settings
    from cdx.flows.run_journal import last_runs

    return last_runs(Settings().work_dir_for(coalition.base_dir), coalition.id)

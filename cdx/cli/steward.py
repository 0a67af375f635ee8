"""Commands for data stewards: `cdx deploy` (schedules, and crash detection of lost runs),
`cdx notify` (alerts) and `cdx status` (freshness)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from cdx.cli import output

steward = typer.Typer(no_args_is_help=True, add_completion=False)


def deploy(
    config: Annotated[Path, typer.Option("--config", "-c", help="coalition.yaml")] = Path(
        "coalition.yaml"
    ),
    write: Annotated[
        Path | None, typer.Option(help="Also write the deployments into this prefect.yaml")
    ] = None,
    apply: Annotated[
        bool, typer.Option(help="Register them with the Prefect API (needs PREFECT_API_URL)")
    ] = True,
    work_pool: Annotated[str, typer.Option(help="Process work pool")] = "cdx-process",
) -> None:
    """Create or update a scheduled deployment per schedule, and the freshness watch."""
    from cdx.core.coalition import load_coalition
    from cdx.flows.deployments import (
        apply_deployments,
        deployment_specs,
        remove_stale_deployments,
        write_prefect_yaml,
    )

    coalition = load_coalition(config)
    repo = Path(__file__).resolve().parents[2]
    config_path = str(coalition.path)
    if coalition.path.is_relative_to(repo):
        config_path = str(coalition.path.relative_to(repo))  # portable across checkouts
    specs = deployment_specs(coalition, config_path)
    if write:
        write_prefect_yaml(specs, write)
        output.out.print(f"wrote {len(specs)} deployments into {write}", markup=False)
    if apply:
        from cdx.flows.prefect_setup import prepare_prefect_environment
        from cdx.flows.zombies import ensure_zombie_automation

        prepare_prefect_environment()
        apply_deployments(specs, source=repo, work_pool=work_pool)
        for name in remove_stale_deployments(specs):
            output.out.print(f"removed {name}: coalition.yaml no longer asks for it", markup=False)
        for spec in specs:
            output.out.print(
                f"deployed {spec.name}: {spec.cron} ({spec.timezone}) on {work_pool}",
                markup=False,
            )
        automation = ensure_zombie_automation()
        output.out.print(
            "runs whose worker or machine is lost are marked Crashed when their heartbeats "
            f"stop (automation {automation})",
            markup=False,
        )


def notify(
    webhook: Annotated[
        str,
        typer.Option(help="URL that receives a JSON POST {subject, body} (chat, e-mail gateway)"),
    ],
    block: Annotated[str, typer.Option(help="Name of the webhook block to save")] = (
        "cdx-steward-webhook"
    ),
) -> None:
    """Alert the steward when a publish run fails or crashes (Prefect automation)."""
    from cdx.flows.notifications import ensure_failure_automation, webhook_block
    from cdx.flows.prefect_setup import prepare_prefect_environment

    prepare_prefect_environment()
    automation = ensure_failure_automation(webhook_block(block, webhook))
    output.out.print(
        f"failed or crashed publish runs now notify through the block {block} "
        f"(automation {automation})",
        markup=False,
    )


def status(
    config: Annotated[Path, typer.Option("--config", "-c", help="coalition.yaml")] = Path(
        "coalition.yaml"
    ),
    runs: Annotated[
        bool, typer.Option(help="Add each dataset's last publish run from the Prefect API")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Latest version, when it was published, freshness and (--runs) the last run."""
    from rich.table import Table

    from cdx.core.coalition import load_coalition
    from cdx.flows.status import freshness_rows, last_publish_runs

    coalition = load_coalition(config)
    rows = freshness_rows(coalition, dt.datetime.now(dt.UTC))
    if runs:
        from cdx.flows.prefect_setup import prepare_prefect_environment

        prepare_prefect_environment()
        last = last_publish_runs(coalition)
        for row in rows:
            row.update(last.get(row["dataset"], {"last_run": "none", "last_run_at": ""}))
    if as_json:
        output.print_json(rows)
        return
    columns = ["dataset", "expected", "version", "published", "age (days)", "freshness"]
    table = Table(*columns, *(["last run", "at"] if runs else []))
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

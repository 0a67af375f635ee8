"""Benchmark: orchestration overhead of publishing through a deployed flow.

    .venv/bin/python tests/bench/orchestration.py [--datasets 50]

Builds a coalition of N small score-card datasets (the example's first 60 rows each),
then, in the same run and on the same machine:
  direct     — the pipeline functions called in this process (stage, build, validate,
               protect, seal, publish), one dataset after another;
  coalition  — one run of the deployed `publish_coalition` flow on a real Prefect server
               and process worker, its datasets one at a time (CDX_PUBLISH_WORKERS=1)
               and then CDX_PUBLISH_WORKERS (default: CPUs, at most 4) at once;
  scheduled  — the same run created by a schedule: the worker starts its process ahead of
               the scheduled time (prefetch), timed from the scheduled time;
  datasets   — N runs of the deployed `publish_dataset` flow, submitted at once.
Prints wall time, runs per minute and the ratio to direct (target ≤ 1.5).
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from cdx.cli.scaffold import init_coalition  # noqa: E402
from cdx.core.coalition import load_coalition  # noqa: E402
from cdx.core.settings import Settings  # noqa: E402
from cdx.flows import pipeline  # noqa: E402
from cdx.flows.run_context import start_run  # noqa: E402
from cdx.seal.provenance import RunRecord  # noqa: E402
from infra.prefect.prefect_service import PrefectService  # noqa: E402

EXAMPLE = REPO / "examples" / "kenya-lnob"
# A scheduled run is created this long before its start, as the scheduler does; the worker
# (prefetch 60 s in PrefectService) starts its process ahead, and the clock starts at the
# scheduled time: what a coalition's schedule costs beyond the work itself.
SCHEDULED_IN = 20.0


def make_coalition(root: Path, datasets: int) -> Path:
    """A copy of the example coalition whose datasets are N small score cards."""
    target = root / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys", ".cdx"))
    lines = (target / "data" / "health-scorecard-2026q1.csv").read_text().splitlines()
    (target / "data" / "small.csv").write_text("\n".join(lines[:61]) + "\n")
    config = (target / "coalition.yaml").read_text()
    head, rest = config.split("datasets:\n", 1)
    block = rest.split("\n  youth-survey:", 1)[0]
    block = block.replace("data/health-scorecard-2026q1.csv", "data/small.csv")
    copies = [
        block.replace("  health-scorecard:", f"  scorecard-{n:03d}:", 1) for n in range(datasets)
    ]
    (target / "coalition.yaml").write_text(head + "datasets:\n" + "\n".join(copies) + "\n")
    init_coalition(target)
    return target / "coalition.yaml"


def direct(config: Path) -> float:
    coalition = load_coalition(config)
    settings = Settings(work_dir=config.parent / ".cdx")
    started = time.perf_counter()
    for name in sorted(coalition.config.datasets):
        run = start_run(coalition, name, RunRecord(), settings)
        sources, staged = pipeline.stage_sources(run)
        pipeline.build(run, staged)
        report = pipeline.validate(run)
        decision = pipeline.protect(run, report)
        sealed = pipeline.seal(run, sources, report, decision)
        for location in run.catalogues.values():
            pipeline.publish(run, sealed, location)
    return time.perf_counter() - started


def deployed(
    service: PrefectService,
    config: Path,
    *,
    one_run: bool,
    count: int,
    workers: int = 0,
    scheduled_in: float = 0,
) -> float:
    """Seconds from creating the run(s) (or, with `scheduled_in`, from the scheduled start)
    to the last one ending."""
    import datetime as dt

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from cdx.flows.deployments import DeploymentSpec, apply_deployments

    entry = "flows/publish.py:publish_coalition" if one_run else "flows/publish.py:publish_dataset"
    spec = DeploymentSpec(
        name=f"bench-{'coalition' if one_run else 'dataset'}",
        entrypoint=entry,
        parameters={"config_path": str(config)},
        cron="0 0 1 1 *",
        timezone="UTC",
        description="benchmark",
        concurrency_limit=count,
    )
    with temporary_settings({PREFECT_API_URL: service.url}):
        apply_deployments([spec], source=REPO)
        flow_name = entry.rsplit(":", 1)[1]
        names = sorted(load_coalition(config).config.datasets)
        started = time.perf_counter()
        if one_run:
            env = {"CDX_PUBLISH_WORKERS": str(workers)} if workers else {}
            when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=scheduled_in)
            run = run_deployment(
                name=f"{flow_name}/{spec.name}",
                scheduled_time=when if scheduled_in else None,
                timeout=0,
                job_variables={"env": env},
            )
            with get_client(sync_client=True) as client:
                while not (state := client.read_flow_run(run.id).state) or not state.is_final():
                    time.sleep(0.1)
                ended = time.perf_counter()
                run = client.read_flow_run(run.id)
            assert run.state is not None and run.state.is_completed(), run.state
            assert run.start_time and run.end_time
            print(
                f"  {flow_name} ({workers or 'default'} workers"
                f"{', scheduled' if scheduled_in else ''}): created → Running "
                f"{(run.start_time - run.created).total_seconds():.1f} s, "
                f"Running → Completed {(run.end_time - run.start_time).total_seconds():.1f} s"
            )
            if scheduled_in:  # the worker started the process ahead of the schedule
                return ended - started - scheduled_in
            return ended - started
        else:
            ids = [
                run_deployment(
                    name=f"{flow_name}/{spec.name}",
                    parameters={"config_path": str(config), "dataset": name},
                    timeout=0,
                ).id
                for name in names
            ]
            with get_client(sync_client=True) as client:
                while True:
                    states = [client.read_flow_run(i).state for i in ids]
                    if all(s is not None and s.is_final() for s in states):
                        break
                    time.sleep(0.25)
        return time.perf_counter() - started


@contextlib.contextmanager
def scratch_database(wanted: bool) -> Iterator[str | None]:
    """A fresh PostgreSQL database on 127.0.0.1:5432 for the server, dropped afterwards."""
    if not wanted:
        yield None
        return
    name = f"cdx_bench_{secrets.token_hex(4)}"

    def psql(sql: str) -> None:
        command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="the server on SQLite (default: a scratch database in the local PostgreSQL, "
        "as in production; SQLite answered 503 to 50 runs created at once)",
    )
    parser.add_argument(
        "--no-dataset-runs", action="store_true", help="skip the N publish_dataset runs"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="cdx-bench-orch-") as scratch,
        scratch_database(not args.sqlite) as database_url,
    ):
        root = Path(scratch)
        reference = direct(make_coalition(root / "direct", args.datasets))
        with PrefectService(workdir=REPO, database_url=database_url) as service:
            serial = deployed(
                service,
                make_coalition(root / "serial", args.datasets),
                one_run=True,
                count=1,
                workers=1,
            )
            one = deployed(
                service, make_coalition(root / "one", args.datasets), one_run=True, count=1
            )
            scheduled = deployed(
                service,
                make_coalition(root / "scheduled", args.datasets),
                one_run=True,
                count=1,
                scheduled_in=SCHEDULED_IN,
            )
            many = (
                None
                if args.no_dataset_runs
                else deployed(
                    service,
                    make_coalition(root / "many", args.datasets),
                    one_run=False,
                    count=args.datasets,
                )
            )
    n = args.datasets
    print(f"{n} small datasets (60 rows each), Prefect server + process worker, same machine")
    print(f"{'path':<40}{'seconds':>9}{'datasets/min':>14}{'ratio':>8}")
    for label, seconds in (
        ("direct pipeline functions", reference),
        ("deployed publish_coalition, serial", serial),
        (f"deployed publish_coalition, {Settings().publish_workers} at once", one),
        ("  the same on its schedule", scheduled),
        (f"deployed publish_dataset ({n} runs)", many),
    ):
        if seconds is None:
            continue
        print(f"{label:<40}{seconds:>9.1f}{n / seconds * 60:>14.1f}{seconds / reference:>8.2f}")
    print("target: ratio ≤ 1.5")


if __name__ == "__main__":
    main()

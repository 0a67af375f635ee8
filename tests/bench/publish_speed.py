"""Benchmark: `cdx publish` without a Prefect server against the same steps called directly.

    .venv/bin/python tests/bench/publish_speed.py [--rows 300 100000] [--repeat 3] [--prefect]

For each size (300: the example's health score card as it is; more: its rows repeated
with unique ids and facility codes) and in the same run, on fresh catalogues each time:
  cdx publish   — `python -m cdx.cli.app publish health-scorecard`, the whole process,
                  as a data officer runs it (no PREFECT_API_URL);
  direct        — a fresh Python process that imports the pipeline and calls its steps
                  (stage, build, validate, protect, seal, publish) with no command line,
                  journal or cleanup; whole process, and the steps alone inside it;
  --prefect     — also `cdx publish --prefect` (the flow on a temporary server), the way
                  every publish ran before docs/decisions/0068.
Prints the median wall times and the ratio of cdx publish to the direct process (target
≤ 1.5; a 300-row publish under 2 s on a quiet 2-core machine).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "kenya-lnob"
SCORES = Path("data") / "health-scorecard-2026q1.csv"
DATASET = "health-scorecard"

DIRECT = """
import sys, time
from pathlib import Path
from cdx.core.coalition import load_coalition
from cdx.core.settings import Settings
from cdx.flows import pipeline
from cdx.flows.run_context import start_run
from cdx.seal.provenance import RunRecord

started = time.perf_counter()
coalition = load_coalition(Path(sys.argv[1]))
run = start_run(coalition, sys.argv[2], RunRecord(), Settings())
sources, staged = pipeline.stage_sources(run)
pipeline.build(run, staged)
report = pipeline.validate(run)
assert report.valid, report.error_count
privacy = pipeline.protect(run, report)
assert privacy.accepted
sealed = pipeline.seal(run, sources, report, privacy)
for location in run.catalogues.values():
    assert pipeline.publish(run, sealed, location).status == "published"
print(time.perf_counter() - started)
"""


def environment() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    env["PYTHONPATH"] = str(REPO)
    return env


def make_coalition(root: Path, rows: int) -> Path:
    """The example coalition; its score card grown to `rows` rows with unique ids."""
    target = root / f"rows-{rows}" / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys", ".cdx"))
    done = subprocess.run(
        [sys.executable, "-m", "cdx.cli.app", "init", "."],
        cwd=target,
        env=environment(),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    path = target / SCORES
    with path.open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    if rows != len(body):
        if rows > 100_000:
            raise SystemExit("at most 100,000 rows: the score card's ids are SC-00000…SC-99999")
        # Each copy of the rows gets facility codes of its own: a group scores each
        # indicator once per session and facility (the suite's compound key).
        column = header.index("facility_code")
        codes = sorted({row[column] for row in body})  # 14 in the example
        grown = []
        for n in range(rows):
            row = [f"SC-{n:05d}", *body[n % len(body)][1:]]
            copy = n // len(body)
            row[column] = f"{copy * len(codes) + codes.index(row[column]):04d}"
            grown.append(row)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([header, *grown])
    return target


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=environment(), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def fresh(coalition: Path) -> None:
    """An empty catalogue and work area, so every publish publishes."""
    shutil.rmtree(coalition.parent / "catalogue", ignore_errors=True)
    shutil.rmtree(coalition / ".cdx", ignore_errors=True)


def measure(coalition: Path, repeat: int, prefect: bool) -> dict[str, float]:
    cdx = [sys.executable, "-m", "cdx.cli.app", "publish", DATASET]
    direct = [sys.executable, "-c", DIRECT, str(coalition / "coalition.yaml"), DATASET]
    times: dict[str, list[float]] = {"cdx": [], "direct": [], "steps": [], "prefect": []}
    for _ in range(repeat):  # interleaved, so a busy moment hurts both alike
        fresh(coalition)
        seconds, out = timed(cdx, coalition)
        assert "local: published" in out, out
        times["cdx"].append(seconds)
        fresh(coalition)
        seconds, out = timed(direct, coalition)
        times["direct"].append(seconds)
        times["steps"].append(float(out.strip().splitlines()[-1]))
        if prefect:
            fresh(coalition)
            times["prefect"].append(timed([*cdx, "--prefect"], coalition)[0])
    return {name: statistics.median(found) for name, found in times.items() if found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[300, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prefect", action="store_true", help="also time --prefect")
    args = parser.parse_args()
    print(f"cdx publish vs the same steps called directly; median of {args.repeat}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n")
    columns = ["rows", "cdx publish (s)", "direct process (s)", "steps alone (s)", "ratio"]
    if args.prefect:
        columns.append("cdx publish --prefect (s)")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    with tempfile.TemporaryDirectory(prefix="cdx-publish-speed-") as scratch:
        for rows in args.rows:
            figures = measure(make_coalition(Path(scratch), rows), args.repeat, args.prefect)
            cells = [
                f"{rows:,}",
                f"{figures['cdx']:.2f}",
                f"{figures['direct']:.2f}",
                f"{figures['steps']:.2f}",
                f"{figures['cdx'] / figures['direct']:.2f}×",
            ]
            if args.prefect:
                cells.append(f"{figures['prefect']:.2f}")
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: one revision of cdx against another, in the same run, as a person runs cdx.

    .venv/bin/python tests/bench/revisions.py BASE [HEAD] [--rows 1000000] [--runs 5]

For a change that must not slow cdx down (a restructuring, say). Each revision is
checked out into a scratch worktree with its own locked environment (`uv sync
--frozen`), then, alternating between the two so that whatever else the machine does
falls on both alike, it times whole processes:

  validate — `cdx validate` of a planted household-survey table (tests/planted_table.py,
             one planted error in 1,000 rows) with its Table Schema and suite;
  publish  — `cdx publish` of the example coalition (examples/kenya-lnob: two datasets,
             each staged, built, validated, protected, sealed and published to a local
             catalogue), a new copy of the coalition each time.

Prints the median and spread of each, and HEAD's median over BASE's. A script, not a
timed test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.planted_table import SCHEMA, SUITE, write_table  # noqa: E402

UV = shutil.which("uv") or str(REPO / ".cache" / "bootstrap" / "bin" / "uv")


def checkout(revision: str, scratch: Path) -> tuple[str, Path]:
    """A worktree of `revision` with its own environment; (short hash, its cdx)."""
    short = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", revision],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = scratch / short
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", "-f", str(tree), short],
        check=True,
        capture_output=True,
    )
    subprocess.run([UV, "sync", "--frozen", "-q"], cwd=tree, check=True)
    return short, tree


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the planted table is invalid, as it should be
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def validate(tree: Path, table: Path, schema: Path, suite: Path) -> float:
    cdx = str(tree / ".venv" / "bin" / "cdx")
    return timed(
        [cdx, "validate", str(table), "--schema", str(schema), "--suite", str(suite)], tree
    )


def publish(tree: Path, scratch: Path, run: int) -> float:
    home = scratch / f"publish-{tree.name}-{run}"  # its catalogue (../catalogue) inside
    coalition = home / "kenya-lnob"
    shutil.copytree(
        tree / "examples" / "kenya-lnob", coalition, ignore=shutil.ignore_patterns("keys")
    )
    cdx = str(tree / ".venv" / "bin" / "cdx")
    # The key pair only: a revision that takes coalition.yaml's identity from it needs no
    # options (and refuses ones that disagree); an older one asks for them.
    init = [cdx, "init", str(coalition)]
    if subprocess.run(init, capture_output=True).returncode != 0:
        identity = ["--id", "kenya-lnob", "--name", "x", "--country", "KE", "--email", "x@y.z"]
        subprocess.run([*init, *identity], check=True, capture_output=True)
    seconds = timed([cdx, "publish", "--config", str(coalition / "coalition.yaml")], coalition)
    shutil.rmtree(home)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base")
    parser.add_argument("head", nargs="?", default="HEAD")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cdx-bench-revisions-"))
    try:
        trees = dict(checkout(rev, scratch) for rev in (args.base, args.head))
        table = write_table(scratch / "survey.csv", args.rows, error_every=1000)
        schema = scratch / "schema.json"
        schema.write_text(json.dumps(SCHEMA))
        suite = scratch / "suite.json"
        suite.write_text(json.dumps(SUITE))
        times: dict[tuple[str, str], list[float]] = {}
        for run in range(args.runs):
            for short, tree in trees.items():
                print(f"run {run + 1}/{args.runs}: {short} …", file=sys.stderr)
                times.setdefault(("validate", short), []).append(
                    validate(tree, table, schema, suite)
                )
                times.setdefault(("publish", short), []).append(publish(tree, scratch, run))
        base, head = trees
        print(
            f"{args.rows:,}-row validate and the example's publish, "
            f"{args.runs} runs each, alternating"
        )
        print(f"{'measure':<10}{'revision':<10}{'median s':>10}{'min–max s':>16}")
        for measure in ("validate", "publish"):
            for short in (base, head):
                got = times[(measure, short)]
                spread = f"{min(got):.2f}–{max(got):.2f}"
                print(f"{measure:<10}{short:<10}{statistics.median(got):>10.2f}{spread:>16}")
            ratio = statistics.median(times[(measure, head)]) / statistics.median(
                times[(measure, base)]
            )
            print(f"{measure:<10}{head} / {base}: {ratio:.2f}")
    finally:
        for tree in scratch.iterdir():
            if (tree / ".git").exists():
                subprocess.run(
                    ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                    capture_output=True,
                )
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

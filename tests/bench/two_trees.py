"""Benchmark: the same command-line runs in two checkouts of cdx, alternated in one run.

    .venv/bin/python tests/bench/two_trees.py --base DIR [--rows 1000000] [--repeat 5]

`DIR` is another checkout with its own `.venv` (e.g. `git worktree add /tmp/before
COMMIT && make -C /tmp/before install`): a change that should not alter speed, such as a
restructuring, is measured against the commit before it. Each round runs, in both
checkouts and alternating which goes first:

- `cdx validate FILE --schema S --suite U` of a household-survey table of `--rows` rows
  (tests/planted_table.py: 12 columns, a constrained Table Schema, a 10-expectation
  suite, one row in 1,000 with a planted error); the exit code must be 1 (invalid) in
  both, and the finding counts equal;
- `cdx publish health-scorecard` of a fresh copy of each checkout's example coalition
  (300 rows) into a fresh local catalogue, no PREFECT_API_URL (each checkout as its users run it).

Prints each checkout's median wall time (whole process) and the ratio this checkout /
base. Not a timed test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.planted_table import SUITE, schema_for, write_table_fast  # noqa: E402


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str, int]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout, done.returncode


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CDX_"))}
    env["HOME"] = str(home)  # neither checkout reads the other's ~/.prefect
    return env


def validate_once(root: Path, work: Path, env: dict[str, str]) -> tuple[float, int]:
    command = [str(root / ".venv" / "bin" / "cdx"), "validate", str(work / "table.csv")]
    command += ["--schema", str(work / "schema.json"), "--suite", str(work / "suite.json")]
    seconds, stdout, code = timed([*command, "--json"], work, env)
    if code != 1:
        raise SystemExit(f"{root}: cdx validate exited {code}, expected 1 (invalid)")
    return seconds, len(json.loads(stdout)["findings"])


def publish_once(root: Path, work: Path, env: dict[str, str]) -> float:
    place = Path(tempfile.mkdtemp(dir=work))
    coalition = place / "kenya-lnob"
    example = root / "examples" / "kenya-lnob"
    shutil.copytree(example, coalition, ignore=shutil.ignore_patterns("keys", ".cdx"))
    cdx = str(root / ".venv" / "bin" / "cdx")
    subprocess.run([cdx, "init", "."], cwd=coalition, env=env, check=True, capture_output=True)
    seconds, _, code = timed([cdx, "publish", "health-scorecard"], coalition, env)
    if code != 0:
        raise SystemExit(f"{root}: cdx publish exited {code}")
    shutil.rmtree(place)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "this": REPO}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        write_table_fast(work / "table.csv", args.rows, error_every=1000)
        (work / "schema.json").write_text(json.dumps(schema_for(args.rows)))
        (work / "suite.json").write_text(json.dumps(SUITE))
        env = environment(work / "home")
        validate: dict[str, list[float]] = {name: [] for name in trees}
        publish: dict[str, list[float]] = {name: [] for name in trees}
        findings: dict[str, set[int]] = {name: set() for name in trees}
        for round_ in range(args.repeat):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for name in order:
                seconds, found = validate_once(trees[name], work, env)
                validate[name].append(seconds)
                findings[name].add(found)
                publish[name].append(publish_once(trees[name], work, env))
        print(f"base: {trees['base']}\nthis: {trees['this']}\nrounds: {args.repeat}")
        print(f"findings (--json list, capped): base {findings['base']}, this {findings['this']}")
        for label, times in ((f"validate {args.rows:,} rows", validate), ("publish 300", publish)):
            base, this = statistics.median(times["base"]), statistics.median(times["this"])
            spread = {n: f"{min(t):.2f}–{max(t):.2f}" for n, t in times.items()}
            print(
                f"{label:>24}: base {base:6.2f} s ({spread['base']})  "
                f"this {this:6.2f} s ({spread['this']})  this/base {this / base:.2f}"
            )


if __name__ == "__main__":
    main()

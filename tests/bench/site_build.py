"""Benchmark: `build_site` over a catalogue of 1,000 versions, then a rebuild after one
new version.

    .venv/bin/python tests/bench/site_build.py [--coalitions 50 --datasets 4 --versions 5]

Builds a local catalogue of coalitions × datasets × versions packages (the example score
card, resealed per coalition with its own key, each version published through the real
local catalogue), then measures in the same run:
  reference  — `Catalogue.fetch` of every version into a fresh directory: the copying a
               first build cannot avoid;
  full build — `build_site` into an empty directory (every page, every file);
  no change  — `build_site` again: only index.html and static/search-index.js are written;
  one new    — one more version published, `build_site` again: its page, its files, its
               dataset's page and the two indexes, nothing else.
Prints the times, the files written by each build and the ratios (full build to
reference; rebuild to full build).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from cdx.cli.scaffold import init_coalition  # noqa: E402
from cdx.connectors.catalogue import PackageRef  # noqa: E402
from cdx.connectors.registry import open_catalogue  # noqa: E402
from cdx.site.build import build_site  # noqa: E402
from tests.conftest import EXAMPLE, reseal_as, seal_example  # noqa: E402

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def timed(work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coalitions", type=int, default=50)
    parser.add_argument("--datasets", type=int, default=4)
    parser.add_argument("--versions", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cdx-site-bench-") as temporary:
        root = Path(temporary)
        coalition_dir = root / "kenya-lnob"
        shutil.copytree(EXAMPLE, coalition_dir, ignore=shutil.ignore_patterns("keys"))
        init_coalition(coalition_dir)
        sealed = seal_example(coalition_dir)
        keys = root / "keys"
        keys.mkdir()
        location = root / "catalogue"
        catalogue = open_catalogue(str(location))

        def publish(coalition: str, dataset: str, version: str) -> None:
            package = root / "work"
            shutil.rmtree(package, ignore_errors=True)
            shutil.copytree(sealed, package)
            reseal_as(package, coalition, dataset, version, keys)
            catalogue.publish(package, PackageRef(coalition, dataset, version))

        setup, _ = timed(
            lambda: [
                publish(f"coalition-{c:03d}", f"dataset-{d}", f"1.{v}.0")
                for c in range(args.coalitions)
                for d in range(args.datasets)
                for v in range(args.versions)
            ]
        )
        entries = catalogue.entries()
        print(f"catalogue: {len(entries):,} versions published in {setup:.1f} s (setup)")

        def fetch_all() -> None:
            target = root / "fetched"
            for entry in entries:
                dest = target / entry.coalition / entry.dataset / entry.version
                dest.mkdir(parents=True)
                catalogue.fetch(PackageRef(entry.coalition, entry.dataset, entry.version), dest)

        reference, _ = timed(fetch_all)
        out = root / "site"
        full, first = timed(lambda: build_site(catalogue, out, now=NOW))
        again, second = timed(lambda: build_site(catalogue, out, now=NOW))
        publish("coalition-000", "dataset-0", "2.0.0")
        one, third = timed(lambda: build_site(catalogue, out, now=NOW))
        pages = sorted(p for p in third.written if "/files/" not in p)
        print(f"reference (fetch every version): {reference:.2f} s")
        print(
            f"full build:  {full:.2f} s, {len(first.written):,} files written, "
            f"{first.fetched:,} packages copied; {full / reference:.2f}× the reference"
        )
        print(
            f"no change:   {again:.3f} s, {len(second.written)} files written "
            f"({', '.join(sorted(second.written))})"
        )
        print(
            f"one new version: {one:.3f} s, {len(third.written)} files written "
            f"({third.fetched} package copied), pages: {', '.join(pages)}; "
            f"{one / full:.3f}× the full build"
        )


if __name__ == "__main__":
    main()

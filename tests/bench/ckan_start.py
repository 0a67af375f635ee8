"""Benchmark: how long the plain and the DCAT-AP test CKAN take to start (the fixtures' cost).

    .venv/bin/python tests/bench/ckan_start.py [--rounds 3]

Installs both variants into the CKAN virtualenv first (CDX_CKAN_VENV, else the cached
default), then starts and stops them alternately, so both share the machine's noise:
fresh database, `ckan_bootstrap.py` (config, db init, sysadmin, token), server until
`status_show` answers. Prints each start, the medians and the ratio dcat / plain.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from infra.ckan.ckan_service import CkanService, install_ckan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.monotonic()
    install_ckan(CkanService().venv, dcat=True)
    print(f"install check (both variants): {time.monotonic() - started:.1f} s")
    times: dict[str, list[float]] = {"plain": [], "dcat": []}
    for _ in range(args.rounds):
        for variant, found in times.items():
            started = time.monotonic()
            with CkanService(variant=variant) as ckan:
                found.append(time.monotonic() - started)
                ckan.call_action("status_show", {})
            print(f"{variant:>5}: started in {found[-1]:.1f} s")
    plain, dcat = (statistics.median(times[v]) for v in ("plain", "dcat"))
    print(
        f"median start: plain {plain:.1f} s, dcat {dcat:.1f} s; ratio dcat/plain {dcat / plain:.2f}"
    )


if __name__ == "__main__":
    main()

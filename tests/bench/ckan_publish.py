"""Benchmark: publish 100 small packages to a real CKAN; compare with bare ckanapi calls.

    .venv/bin/python tests/bench/ckan_publish.py [--packages 100] [--variant plain|dcat]

Starts a throwaway CKAN (infra/ckan), seals the example package once, then publishes it
under 100 dataset names through `CkanCatalogue.publish`, interleaved with the same
sequence of ckanapi calls made by hand (organization_show, package_show, package_create,
one resource_create upload per file, package_show, package_patch; then for the dataset
series package_search, package_show, package_create), so both share the machine's
noise. Prints the time per package of each and their ratio (target ≤ 1.5).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from ckanapi import NotFound, RemoteCKAN
from pydantic import SecretStr

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from cdx.connectors.catalogue import PackageRef  # noqa: E402
from cdx.connectors.ckan.catalogue import CkanCatalogue  # noqa: E402
from cdx.connectors.ckan.client import CkanSettings  # noqa: E402
from cdx.core.layout import MANIFEST, SIGNATURE  # noqa: E402
from cdx.seal.manifest import read_manifest  # noqa: E402
from infra.ckan.ckan_service import CkanService  # noqa: E402

TIMEOUT = {"timeout": 30}
COALITION = "bench"


def seal_small_package(workdir: Path) -> Path:
    """The example coalition's health scorecard, sealed once (about 40 KB in 7 files)."""
    from cdx.cli.scaffold import init_coalition
    from tests.conftest import EXAMPLE, seal_example

    target = workdir / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    return seal_example(target)


def bare_publish(remote: RemoteCKAN, package: Path, name: str) -> None:
    """The calls one cdx publish consists of, straight through ckanapi."""
    remote.call_action("organization_show", {"id": COALITION}, requests_kwargs=TIMEOUT)
    with contextlib.suppress(NotFound):  # the existence check cdx makes first
        remote.call_action("package_show", {"id": name}, requests_kwargs=TIMEOUT)
    dataset = remote.call_action(
        "package_create",
        # notes: a DCAT-AP schema (--variant dcat) requires a description.
        {"name": name, "owner_org": COALITION, "private": True, "notes": "bench"},
        requests_kwargs=TIMEOUT,
    )
    paths = [f["path"] for f in read_manifest(package / MANIFEST)["files"]]
    for path in [*paths, MANIFEST, SIGNATURE]:
        with (package / path).open("rb") as handle:
            remote.call_action(
                "resource_create",
                {"package_id": dataset["id"], "name": path},
                files={"upload": (Path(path).name, handle)},
                requests_kwargs=TIMEOUT,
            )
    remote.call_action("package_show", {"id": dataset["id"]}, requests_kwargs=TIMEOUT)
    remote.call_action(
        "package_patch", {"id": dataset["id"], "private": False}, requests_kwargs=TIMEOUT
    )
    # The series: the organisation's versions, the series record, and its creation.
    query = {"q": "*:*", "fq": f"organization:{COALITION}", "rows": 1000, "include_private": True}
    remote.call_action("package_search", query, requests_kwargs=TIMEOUT)
    with contextlib.suppress(NotFound):
        remote.call_action("package_show", {"id": f"{name}--series"}, requests_kwargs=TIMEOUT)
    remote.call_action(
        "package_create",
        {"name": f"{name}--series", "owner_org": COALITION, "private": False, "notes": "bench"},
        requests_kwargs=TIMEOUT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=100)
    parser.add_argument("--variant", choices=("plain", "dcat"), default="plain")
    args = parser.parse_args()
    count = args.packages
    with tempfile.TemporaryDirectory() as workdir, CkanService(variant=args.variant) as ckan:
        package = seal_small_package(Path(workdir))
        size = _size(package)
        token = ckan.sysadmin_token
        ckan.call_action("organization_create", {"name": COALITION})
        catalogue = CkanCatalogue(ckan.url, CkanSettings(token=SecretStr(token)))
        remote = RemoteCKAN(ckan.url, apikey=token, session=requests.Session())
        cdx_times, bare_times = [], []
        for number in range(count):
            started = time.perf_counter()
            catalogue.publish(package, PackageRef(COALITION, f"cdx-{number}", "1.0.0"))
            cdx_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            bare_publish(remote, package, f"bare-{number}")
            bare_times.append(time.perf_counter() - started)
    cdx_mean, bare_mean = statistics.fmean(cdx_times), statistics.fmean(bare_times)
    print(f"packages published:        {count} (7 files, {size} each)")
    print(
        f"cdx publish, per package:  {cdx_mean * 1000:.0f} ms (median "
        f"{statistics.median(cdx_times) * 1000:.0f} ms)"
    )
    print(
        f"bare ckanapi, per package: {bare_mean * 1000:.0f} ms (median "
        f"{statistics.median(bare_times) * 1000:.0f} ms)"
    )
    print(f"ratio cdx / bare:          {cdx_mean / bare_mean:.2f} (target ≤ 1.5)")


def _size(package: Path) -> str:
    total = sum(p.stat().st_size for p in package.rglob("*") if p.is_file())
    return f"{total / 1000:.0f} KB"


if __name__ == "__main__":
    main()

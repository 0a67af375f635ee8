"""Benchmark: kill publishers at chosen points and count what they leave.

    .venv/bin/python tests/bench/crash_consistency.py [--trials 1000] [--s3-trials 0]
        [--publish-kills 0] [--cdx-root DIR]

- Local: `--trials` kills of a publish into a local catalogue (every filesystem call of
  one publish × three ways to heal, the rest at random times), each checked as in
  tests/security/crash_harness.py: committed versions verify and hold no temporary
  name, catalog.json lists exactly the committed versions after the next publish or
  gc, republishing works, gc leaves nothing.
- S3: `--s3-trials` likewise against a throwaway SeaweedFS (every request, then random).
- Prefect: `--publish-kills` runs of `cdx publish` (the example coalition) SIGKILLed
  once its temporary Prefect server answers; counts servers still running 15 s later
  (and kills them). `--cdx-root` runs another checkout's cdx (e.g. the commit before
  the fix, from `git archive`) for a before/after count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

COALITION, DATASET = "kenya-lnob", "health-scorecard"


def sealed_versions(scratch: Path, versions: tuple[str, ...]) -> tuple[dict[str, Path], Path]:
    """The example, sealed once and resealed as each version; the packages and trust file."""
    from cdx.cli.scaffold import init_coalition
    from tests.conftest import EXAMPLE, reseal_as, seal_example

    coalition = scratch / "kenya-lnob"
    shutil.copytree(EXAMPLE, coalition, ignore=shutil.ignore_patterns("keys"))
    init_coalition(coalition)
    sealed = seal_example(coalition)
    packages = {}
    for version in versions:
        packages[version] = scratch / "packages" / version
        shutil.copytree(sealed, packages[version])
        reseal_as(packages[version], COALITION, DATASET, version, coalition / "keys")
    return packages, coalition / "keys" / "kenya-lnob.pub.json"


def local_run(scratch: Path, trials: int) -> None:
    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.local.catalogue import LocalCatalogue
    from cdx.core.keys import TrustStore
    from tests.security.crash_harness import local_campaign

    packages, trust = sealed_versions(scratch / "local", ("1.0.0", "2.0.0", "3.0.0"))
    template = scratch / "template"
    LocalCatalogue(template).publish(packages["1.0.0"], PackageRef(COALITION, DATASET, "1.0.0"))
    began = time.monotonic()
    targeted = local_campaign(
        template, scratch / "work-0", packages, TrustStore.load(trust), random_kills=0
    )
    rest = max(0, trials - targeted.trials)
    timed = local_campaign(
        template, scratch / "work-1", packages, TrustStore.load(trust), random_kills=rest
    )
    timed_only = timed.trials - targeted.trials  # the second campaign repeats the targeted
    print(f"local, targeted: {targeted.line()}")
    print(f"local, targeted again + {timed_only} random: {timed.line()}")
    print(f"local outcomes: {dict(targeted.outcomes + timed.outcomes)}")
    print(f"local: {time.monotonic() - began:.1f} s")
    for problem in (targeted.problems + timed.problems)[:20]:
        print("  problem:", problem)


def s3_run(scratch: Path, trials: int) -> None:
    import boto3

    from cdx.connectors.s3.catalogue import S3Catalogue
    from cdx.connectors.s3.settings import S3Settings
    from cdx.core.keys import TrustStore
    from infra.seaweedfs.seaweedfs_service import SeaweedFSService
    from tests.security.crash_harness import s3_campaign

    packages, trust = sealed_versions(scratch / "s3", ("1.0.0", "2.0.0", "3.0.0"))
    with SeaweedFSService(("kenya-lnob",)) as service:
        settings = S3Settings(
            endpoint_url=service.endpoint_url,
            region=service.region,
            addressing_style="path",
            attempts=2,
            lease_s=1.0,
        )

        def open_catalogue(prefix: str) -> S3Catalogue:
            session = boto3.Session(
                aws_access_key_id=service.admin.access_key_id,
                aws_secret_access_key=service.admin.secret_access_key,
                region_name=service.region,
            )
            return S3Catalogue(service.bucket, prefix, settings, session=session)

        began = time.monotonic()
        tally = s3_campaign(
            open_catalogue, packages, TrustStore.load(trust), scratch / "fetched", random_kills=0
        )
        tally_random = s3_campaign(
            open_catalogue,
            packages,
            TrustStore.load(trust),
            scratch / "fetched",
            random_kills=max(0, trials - tally.trials),
            heals=("republish", "next", "gc"),
        )
        print(f"s3, targeted: {tally.line()}")
        print(f"s3, targeted again + random: {tally_random.line()}")
        print(f"s3 outcomes: {dict(tally.outcomes + tally_random.outcomes)}")
        print(f"s3: {time.monotonic() - began:.1f} s")
        for problem in (tally.problems + tally_random.problems)[:20]:
            print("  problem:", problem)


def publish_kills(scratch: Path, kills: int, cdx_root: Path) -> None:
    from tests.security.test_publish_server_orphans import servers_marked, wait_for

    workspace = scratch / "publish" / "kenya-lnob"
    shutil.copytree(
        REPO / "examples" / "kenya-lnob", workspace, ignore=shutil.ignore_patterns("keys")
    )
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "NO_COLOR": "1",
        "PYTHONPATH": str(cdx_root),
        "PREFECT_HOME": str(scratch / "prefect-home"),
    }
    env.pop("PREFECT_API_URL", None)
    cdx = [sys.executable, "-m", "cdx.cli.app"]
    subprocess.run([*cdx, "init", "."], cwd=workspace, env=env, check=True, capture_output=True)
    orphans = started = 0
    for _ in range(kills):
        mark = uuid.uuid4().hex
        publisher = subprocess.Popen(
            [*cdx, "publish", "--prefect"],
            cwd=workspace,
            env={**env, "CDX_TEST_MARK": mark},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started += wait_for(lambda mark=mark: servers_marked(mark), timeout=120)
        time.sleep(1.0)
        publisher.send_signal(signal.SIGKILL)
        publisher.wait()
        wait_for(lambda mark=mark: not servers_marked(mark), timeout=15)
        left = servers_marked(mark)
        orphans += bool(left)
        for pid in left:  # only the servers this run started
            os.kill(pid, signal.SIGKILL)
    print(f"cdx publish ({cdx_root}): {kills} kills, {started} servers started, {orphans} orphaned")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--s3-trials", type=int, default=0)
    parser.add_argument("--publish-kills", type=int, default=0)
    parser.add_argument("--cdx-root", type=Path, default=REPO)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cdx-crash-") as scratch:
        if arguments.trials:
            local_run(Path(scratch), arguments.trials)
        if arguments.s3_trials:
            s3_run(Path(scratch), arguments.s3_trials)
        if arguments.publish_kills:
            publish_kills(Path(scratch), arguments.publish_kills, arguments.cdx_root.resolve())


if __name__ == "__main__":
    main()
